import { DurableObject } from "cloudflare:workers";
import { exchange } from "../api/exchange";
import { upstreamFor } from "../api/upstream";
import { ENDPOINTS, RATE_LIMITS } from "../api/endpoints";
import type { Env } from "../env";
import { parseCallback } from "../inbox/parse";
import { answerInboxQuery, type InboxQuery, type InboxReply } from "../inbox/query";
import { sentMessageOf } from "../inbox/sent";
import { InboxStore } from "../inbox/store";
import { WebhookSecrets, type SecretChange, type WebhookSetup } from "../inbox/webhook-secrets";
import { jwtExpiry, sha256Hex } from "../utils/secrets";
import { SendLedger } from "./send-ledger";
import { SendOnce } from "./send-once";
import { Scheduler } from "./scheduler";
import { GatewayStore } from "./store";
import type { Caller, PartnerCredential, UpstreamFailure, UpstreamRequest, UpstreamResult } from "./types";
import { ACCOUNT_OBJECT, cacheKeyOf } from "./names";

/** A call whose turn is further away than this is answered with a wait message instead. */
export const MAX_WAIT_MS = 20_000;
/** Longest we wait for one Gupshup answer (GUPSHUP_TIMEOUT_MS overrides). */
export const UPSTREAM_TIMEOUT_MS = 15_000;
/** Longest one gateway request may take in total, waits and retries included. */
export const REQUEST_BUDGET_MS = 30_000;
/** The end of a request's total budget, from its queue-wait deadline. */
const budgetEnd = (deadline: number) => deadline - MAX_WAIT_MS + REQUEST_BUDGET_MS;
/** How long a caller's proof of access to an app (a successful token fetch) is trusted. */
const ACCESS_PROOF_MS = 60 * 60_000;
/**
 * A partner token Gupshup refused (expired, or no access to this app) is not sent again for this
 * long: a stranger cannot use up the app's token budget by retrying.
 */
const REFUSED_CALLER_MS = 60_000;
/** Renew a login-obtained partner token this long before it expires. */
const PARTNER_TOKEN_MARGIN_MS = 5 * 60_000;

type TokenResult = { ok: true; token: string; data?: unknown } | { ok: false; failure: UpstreamFailure };


/**
 * One per Gupshup app (and one for the account): every upstream call for that app passes
 * through here, so its token cache, rate-limit logs and per-endpoint queues are in one place.
 */
export class GupshupGateway extends DurableObject<Env> {
  private scheduler!: Scheduler;
  private readonly store: GatewayStore;
  private readonly inbox: InboxStore;
  private readonly webhookSecrets: WebhookSecrets;
  private readonly sends: SendOnce;
  private readonly inFlight = new Map<string, Promise<TokenResult>>();
  private readonly refusedCallers = new Map<string, { until: number; failure: UpstreamFailure }>();
  private readonly callerKeys = new Map<string, string>();
  /** Cached answers this object fetched itself, in front of KV / SQLite (same TTLs). */
  private readonly remembered = new Map<string, { data: unknown; fetchedAt: number }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.scheduler = await Scheduler.load(ctx.storage);
    });
    this.store = new GatewayStore(ctx.storage.sql);
    this.inbox = new InboxStore(ctx.storage.sql);
    this.webhookSecrets = new WebhookSecrets(ctx.storage.sql);
    this.sends = new SendOnce(new SendLedger(ctx.storage.sql));
  }

  /**
   * A Gupshup callback for this app. Accepted only with a shared secret configure_webhook
   * registered; stored (deduplicated) before this returns, so the 2xx means "kept". A body that
   * is no event (Gupshup's URL check) is accepted and stores nothing.
   */
  async ingestWebhook(appId: string, body: unknown, secret: string): Promise<boolean> {
    if (!this.webhookSecrets.accepts(secret)) return false;
    const now = Date.now();
    const events = parseCallback(body, now);
    this.inbox.ingest(events, now);
    this.inbox.prune(now - this.retentionMs());
    if (events.some((e) => e.kind === "template")) await this.forgetTemplates(appId);
    return true;
  }

  /** Reads the app's inbox for a caller that has proven access to the app. */
  async readInbox<Q extends InboxQuery>(appId: string, query: Q, caller: Caller): Promise<{ ok: true; reply: InboxReply<Q["kind"]> } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    if (!access.ok) return access;
    const now = Date.now();
    this.inbox.prune(now - this.retentionMs());
    return { ok: true, reply: answerInboxQuery(this.inbox, this.webhookSecrets.configuredAt(), query, now) };
  }

  /** Reads or changes the app's webhook secrets, for a caller with proven access to the app. */
  async changeWebhookSecrets(appId: string, caller: Caller, change: SecretChange): Promise<{ ok: true; setup: WebhookSetup & { proposed?: string } } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    if (!access.ok) return access;
    return { ok: true, setup: this.webhookSecrets.apply(change, Date.now()) };
  }

  private timeoutMs(): number {
    const ms = Number(this.env.GUPSHUP_TIMEOUT_MS);
    return Number.isFinite(ms) && ms > 0 ? ms : UPSTREAM_TIMEOUT_MS;
  }

  private retentionMs(): number {
    const days = Number(this.env.INBOX_RETENTION_DAYS);
    return (Number.isFinite(days) && days > 0 ? days : 30) * 86_400_000;
  }

  /** Performs one upstream call for `caller`. Never throws: failures come back classified. */
  async request(req: UpstreamRequest, caller: Caller): Promise<UpstreamResult> {
    const deadline = Date.now() + MAX_WAIT_MS;
    const endpoint = ENDPOINTS[req.endpoint];
    if (req.endpoint === "appToken") {
      const fetched = await this.appToken(req.appId!, caller, deadline, { force: true });
      return fetched.ok ? { ok: true, status: 200, data: fetched.data } : fetched;
    }
    if (endpoint.scope === "partner") return this.withPartnerToken(caller, deadline, (token) => this.send(req, token, caller, deadline));
    if (endpoint.scope === "none") return this.send(req, undefined, caller, deadline);
    if ("send" in endpoint && endpoint.send) return this.sendOnce(req, caller, deadline);
    return this.appCall(req, caller, deadline);
  }

  /** A message send: at most once (see SendOnce), for a caller with proven access. */
  private async sendOnce(req: UpstreamRequest, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const access = await this.appToken(req.appId!, caller, deadline);
    if (!access.ok) return access;
    return this.sends.send(req, () => this.appCall(req, caller, deadline));
  }

  /** The partner token for login credentials, logging in (or renewing) when needed. Account object only. */
  async loginToken(caller: Caller, force: boolean): Promise<TokenResult> {
    const cred = caller.partner;
    if (cred.kind !== "login") return { ok: true, token: cred.token };
    const key = await sha256Hex(`login\n${cred.email}\n${cred.secret}`);
    const now = Date.now();
    const saved = this.store.partnerLogin(key);
    if (!force && saved && saved.expiresAt - now > PARTNER_TOKEN_MARGIN_MS) return { ok: true, token: saved.token };
    if (!force && !saved && cred.token) {
      const expiresAt = jwtExpiry(cred.token) ?? now + 23 * 3_600_000;
      if (expiresAt - now > PARTNER_TOKEN_MARGIN_MS) {
        this.store.savePartnerLogin(key, cred.token, expiresAt);
        return { ok: true, token: cred.token };
      }
    }
    return this.once(`login:${key}`, async () => {
      const res = await this.send(
        { endpoint: "login", form: { email: cred.email, password: cred.secret, secret: cred.secret } },
        undefined,
        caller,
        Date.now() + MAX_WAIT_MS,
      );
      if (!res.ok) return { ok: false, failure: { ...res.failure, partnerToken: true } };
      const token = (res.data as { token?: unknown }).token;
      if (typeof token !== "string" || token === "") {
        return { ok: false, failure: { kind: "malformed", endpoint: "login", message: "Gupshup's login answer had no token", partnerToken: true } };
      }
      this.store.savePartnerLogin(key, token, jwtExpiry(token) ?? Date.now() + 23 * 3_600_000);
      return { ok: true, token };
    });
  }

  private async appCall(req: UpstreamRequest, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const appId = req.appId!;
    const endpoint = ENDPOINTS[req.endpoint];
    const access = await this.appToken(appId, caller, deadline);
    if (!access.ok) return access;

    const cache = "cache" in endpoint ? endpoint.cache : undefined;
    const cacheKey = cacheKeyOf(req.endpoint, appId);
    if (cache && !req.fresh) {
      const hit = this.remembered.get(cacheKey) ?? (cache.store === "kv" ? await this.readKv(cacheKey) : this.store.cachedAnswer(cacheKey));
      if (hit && Date.now() - hit.fetchedAt < cache.ttlMs) return { ok: true, status: 200, data: hit.data, cachedAt: hit.fetchedAt };
    }
    if (req.cacheOnly) return { ok: true, status: 200, data: null };

    let res = await this.send(req, access.token, caller, deadline);
    if (!res.ok && res.failure.kind === "auth") {
      const renewed = await this.appToken(appId, caller, deadline, { force: true, rejected: access.token });
      if (!renewed.ok) return renewed;
      res = await this.send(req, renewed.token, caller, deadline);
    }
    if (!res.ok) return res;

    const now = Date.now();
    if (cache) this.remembered.set(cacheKey, { data: res.data, fetchedAt: now });
    if (cache?.store === "kv") {
      await this.env.TEMPLATE_CACHE.put(cacheKey, JSON.stringify({ fetchedAt: now, data: res.data }), {
        expirationTtl: Math.max(60, Math.ceil(cache.ttlMs / 1000)),
      });
    } else if (cache?.store === "object") {
      this.store.saveAnswer(cacheKey, res.data, now);
    }
    const sent = sentMessageOf(req, res.data);
    if (sent) this.inbox.recordSent(sent.messageId, sent.recipient, now);
    if ("invalidatesTemplates" in endpoint && endpoint.invalidatesTemplates) await this.forgetTemplates(appId);
    return res;
  }

  /**
   * The app token, served from the cache only to a caller that has proven access to this app
   * (its partner token fetched the app token itself within the last hour). Otherwise, or with
   * `force`, it is fetched from Gupshup with the caller's partner token.
   */
  private async appToken(appId: string, caller: Caller, deadline: number, opts: { force?: boolean; rejected?: string } = {}): Promise<TokenResult> {
    const who = await this.callerKey(caller.partner);
    const now = Date.now();
    const refused = this.refusedCallers.get(who);
    if (refused && refused.until > now) return { ok: false, failure: refused.failure };
    const cached = this.store.appToken();
    const reusable = cached !== undefined && cached !== opts.rejected && (!opts.force || opts.rejected !== undefined);
    if (reusable && this.store.isVerified(who, now)) return { ok: true, token: cached };

    return this.once(`token:${who}`, async () => {
      const res = await this.withPartnerToken(caller, deadline, (partnerToken) =>
        this.send({ endpoint: "appToken", appId }, partnerToken, caller, deadline),
      );
      if (!res.ok) {
        this.store.unverify(who);
        const failure = res.failure.kind === "auth" ? { ...res.failure, partnerToken: true } : res.failure;
        if (failure.kind === "auth" || failure.kind === "rejected") this.refusedCallers.set(who, { until: Date.now() + REFUSED_CALLER_MS, failure });
        return { ok: false, failure };
      }
      const record = (res.data as { token?: { token?: unknown } }).token;
      const token = record?.token;
      if (typeof token !== "string" || token === "") {
        return { ok: false, failure: { kind: "malformed", endpoint: "appToken", message: "Gupshup's token answer had no token" } };
      }
      this.store.saveAppToken(token, Date.now());
      this.store.verify(who, Date.now() + ACCESS_PROOF_MS);
      return { ok: true, token, data: record };
    });
  }

  /** Runs `fn` with the caller's partner token; a login-managed token is renewed once on rejection. */
  private async withPartnerToken(caller: Caller, deadline: number, fn: (token: string) => Promise<UpstreamResult>): Promise<UpstreamResult> {
    const first = await this.partnerToken(caller, false);
    if (!first.ok) return first;
    const res = await fn(first.token);
    if (res.ok || res.failure.kind !== "auth") return res;
    if (caller.partner.kind !== "login" || Date.now() > deadline) return { ok: false, failure: { ...res.failure, partnerToken: true } };
    const renewed = await this.partnerToken(caller, true);
    if (!renewed.ok) return renewed;
    const again = await fn(renewed.token);
    return again.ok || again.failure.kind !== "auth" ? again : { ok: false, failure: { ...again.failure, partnerToken: true } };
  }

  private partnerToken(caller: Caller, force: boolean): Promise<TokenResult> {
    if (caller.partner.kind === "token") return Promise.resolve({ ok: true, token: caller.partner.token });
    const account = this.env.GATEWAY.get(this.env.GATEWAY.idFromName(ACCOUNT_OBJECT));
    return account.loginToken(caller, force) as Promise<TokenResult>;
  }

  /**
   * Sends one request when its rate-limit group's scheduler gives it a turn (the earliest moment
   * the sliding window allows; calls are in flight together). A call that could not start before
   * `deadline` is answered with the wait instead of being sent; an upstream 429 is retried after
   * the group's cooldown with exponential backoff and jitter while that still fits before `deadline`.
   */
  private async send(req: UpstreamRequest, token: string | undefined, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const group = ENDPOINTS[req.endpoint].group;
    for (let attempt = 0; ; attempt++) {
      const turn = await this.scheduler.turn(group, deadline);
      if (!turn.ok) return rateLimited(req, turn.waitMs);
      const res = await this.exchange(req, token, caller, deadline);
      this.scheduler.answered(group, turn.sentAt);
      if (res.ok || res.failure.kind !== "rate_limited") return res;
      const backoff = Math.max(RATE_LIMITS[group].windowMs, 1000 * 2 ** attempt) + Math.random() * 250;
      this.scheduler.coolDown(group, Date.now() + backoff);
      if (Date.now() + backoff > deadline) return { ok: false, failure: { ...res.failure, retryAfterSeconds: Math.ceil(backoff / 1000) } };
    }
  }

  /** One HTTP round trip, bounded by the timeout and by what is left of the request's budget. */
  private exchange(req: UpstreamRequest, token: string | undefined, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const limitMs = Math.max(1000, Math.min(this.timeoutMs(), budgetEnd(deadline) - Date.now()));
    return exchange(upstreamFor(this.env, caller.upstream), req, token, [token ?? "", ...partnerSecrets(caller.partner)], limitMs);
  }

  private async forgetTemplates(appId: string): Promise<void> {
    const key = cacheKeyOf("listTemplates", appId);
    this.remembered.delete(key);
    await this.env.TEMPLATE_CACHE.delete(key);
  }

  private async readKv(key: string): Promise<{ data: unknown; fetchedAt: number } | undefined> {
    const entry = await this.env.TEMPLATE_CACHE.get<{ data: unknown; fetchedAt: number }>(key, "json");
    return entry ?? undefined;
  }

  /** Joins concurrent identical work (token fetches, logins) into one upstream call. */
  private once(key: string, work: () => Promise<TokenResult>): Promise<TokenResult> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** A stable, non-secret identity for a credential (SHA-256), memoised per object. */
  private async callerKey(cred: PartnerCredential): Promise<string> {
    const raw = cred.kind === "token" ? `token\n${cred.token}` : `login\n${cred.email}\n${cred.secret}`;
    let key = this.callerKeys.get(raw);
    if (!key) {
      key = await sha256Hex(raw);
      if (this.callerKeys.size > 1000) this.callerKeys.clear();
      this.callerKeys.set(raw, key);
    }
    return key;
  }
}


function partnerSecrets(cred: PartnerCredential): string[] {
  return cred.kind === "token" ? [cred.token] : [cred.secret, cred.token ?? ""];
}

function rateLimited(req: UpstreamRequest, waitMs: number): UpstreamResult {
  return {
    ok: false,
    failure: {
      kind: "rate_limited",
      endpoint: req.endpoint,
      message: "rate limit of this endpoint reached",
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    },
  };
}
