import { DurableObject } from "cloudflare:workers";
import { ENDPOINTS } from "../api/endpoints";
import { appProfileOf, numberRating } from "../api/responses";
import type { AppProfile, Caller, UpstreamFailure, UpstreamRequest, UpstreamResult } from "../api/types";
import { CAMPAIGN_SLICE_MS, type CampaignCommand, CampaignDesk, type DeskAnswer } from "../campaigns/desk";
import { CampaignStore } from "../campaigns/store";
import type { Rating } from "../campaigns/tier-watch";
import { readSettings } from "../config";
import type { Env } from "../env";
import { rememberGrantApp } from "../http/connections-store";
import type { ConversationSummary, HandOffChange } from "../inbox/conversations";
import { OPT_OUTS_LISTED, type OptOut, type OptOutChange, OptOuts, optedOutRefusal, recipientOf } from "../inbox/opt-outs";
import { parseCallback } from "../inbox/parse";
import { answerInboxQuery, type InboxQuery, type InboxReply } from "../inbox/query";
import { sentMessageOf } from "../inbox/sent";
import { InboxStore } from "../inbox/store";
import { type SecretChange, WebhookSecrets, type WebhookSetup } from "../inbox/webhook-secrets";
import { AnswerCache } from "./answer-cache";
import { AppAccess } from "./app-access";
import { LazyTables } from "./lazy-tables";
import { MAX_WAIT_MS, PRUNE_BATCH, PRUNE_EVERY_MS, retentionDays } from "./limits";
import { accountObjectName, loginObjectName } from "./names";
import type { TokenResult } from "./partner-login";
import { scheduledCall } from "./scheduled-call";
import { Scheduler, type TurnOptions } from "./scheduler";
import { SendLedger } from "./send-ledger";
import { SendOnce } from "./send-once";
import { GatewayStore } from "./store";

/** The answer cache's key for what an account object keeps of the partner's own lists (not one app's). */
const ACCOUNT_ANSWERS = "";

/**
 * One per Gupshup app (and one for the account): every upstream call for that app passes
 * through here, so its token, rate limits, cached answers, sends and inbox are in one place.
 * This class only routes; each job is a part of its own.
 */
export class GupshupGateway extends DurableObject<Env> {
  private scheduler!: Scheduler;
  private readonly inbox: InboxStore;
  private readonly webhookSecrets: WebhookSecrets;
  private readonly optOuts: OptOuts;
  private readonly sends: SendOnce;
  private readonly answers: AnswerCache;
  private readonly access: AppAccess;
  private readonly store: GatewayStore;
  private readonly campaigns: CampaignDesk;
  /** A pruning alarm is known to be set (see keepPruned). */
  private pruneScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    // Nothing is stored until a caller proves access or a webhook is set up (see LazyTables).
    const tables = new LazyTables(sql, [GatewayStore.schema, InboxStore.schema, SendLedger.schema, WebhookSecrets.schema, OptOuts.schema, CampaignStore.schema]);
    void ctx.blockConcurrencyWhile(async () => {
      this.scheduler = await Scheduler.load(ctx.storage, () => tables.exist);
    });
    const store = new GatewayStore(sql, tables);
    this.store = store;
    this.inbox = new InboxStore(sql, tables);
    this.webhookSecrets = new WebhookSecrets(sql, tables);
    this.optOuts = new OptOuts(sql, tables);
    const ledger = new SendLedger(sql, tables);
    this.sends = new SendOnce(ledger);
    this.answers = new AnswerCache(env.TEMPLATE_CACHE, store);
    this.campaigns = new CampaignDesk({
      store: new CampaignStore(sql, tables),
      sends: this.sends,
      ledger,
      optOuts: this.optOuts,
      inbox: this.inbox,
      trackedSince: () => this.webhookSecrets.configuredAt(),
      appToken: () => store.appToken(),
      rating: (appId, upstream) => this.rating(appId, upstream),
      call: (req, token, caller, deadline, options) => this.send(req, token, caller, deadline, options),
      wake: () => this.ctx.storage.setAlarm(Date.now()),
    });
    this.access = new AppAccess(
      store,
      (req, token, caller, deadline) => this.send(req, token, caller, deadline),
      (caller, force) => this.partnerToken(caller, force),
      (appId, caller) => this.listAppsFor(appId, caller),
    );
  }

  /**
   * A Gupshup callback for this app, accepted only with a secret configure_webhook registered;
   * stored (deduplicated) before the 2xx. A body with no event (a URL check) stores nothing.
   */
  async ingestWebhook(appId: string, body: unknown, secret: string): Promise<boolean> {
    if (!this.webhookSecrets.accepts(secret)) return false;
    const now = Date.now();
    const events = parseCallback(body, now);
    const stored = this.inbox.ingest(events, now, now - this.retentionMs(), (messageId) => this.campaigns.isCampaignMessage(messageId));
    this.optOuts.learn(stored, readSettings(this.env).optOutKeywords);
    this.campaigns.learn(stored);
    await this.keepPruned();
    if (events.some((e) => e.kind === "template")) await this.answers.forgetTemplates(appId);
    return true;
  }

  /**
   * The object's one alarm: campaigns send for a slice, then old inbox rows and campaigns are
   * forgotten a batch at a time. Next: now while a campaign has work, in a second while pruning
   * has more, hourly while anything is stored.
   */
  override async alarm(): Promise<void> {
    this.campaigns.startDue(Date.now());
    await this.campaigns.runner.run(Date.now() + CAMPAIGN_SLICE_MS);
    const now = Date.now();
    const more = this.inbox.prune(now - this.retentionMs(), PRUNE_BATCH);
    const campaignsKept = this.campaigns.prune(now);
    // A scheduled start or sending hours that open sooner than the next prune wake it then.
    const wake = (at: number) => this.ctx.storage.setAlarm(Math.min(at, this.campaigns.nextWake(now) ?? at));
    if (this.campaigns.runner.hasWork()) await this.ctx.storage.setAlarm(now);
    else if (more) await wake(now + 1_000);
    else if (!this.inbox.isEmpty() || campaignsKept) await wake(now + PRUNE_EVERY_MS);
    else this.pruneScheduled = false;
  }

  /** Drafts, starts, reports on or changes one of the app's campaigns, for a caller with proven access. */
  async campaign<R>(appId: string, caller: Caller, command: CampaignCommand): Promise<DeskAnswer<R> | { ok: false; failure: UpstreamFailure }> {
    const renew = this.campaigns.needsNewToken(command) ? { force: true, rejected: this.store.appToken() } : {};
    const access = await this.access.appToken(appId, caller, Date.now() + MAX_WAIT_MS, renew);
    if (!access.ok) return access;
    // Written first: a revocation at the moment the campaign starts must find it.
    if (caller.principal && (command.kind === "start" || command.kind === "resume")) await rememberGrantApp(this.env, caller.principal, appId);
    // A list read in batches may be left unfinished (the call cut off): the pruning alarm forgets it.
    if (command.kind === "stage") await this.keepPruned();
    return (await this.campaigns.handle(command, Date.now(), { scope: await this.access.sender(caller), ...(caller.principal ? { grant: caller.principal } : {}) })) as DeskAnswer<R>;
  }

  /** An OAuth connection was ended: its running campaigns here pause (the worker calls this; no caller to check). */
  async connectionEnded(grant: string): Promise<{ id: string; name: string }[]> {
    return this.campaigns.connectionEnded(grant, Date.now());
  }

  /** The scheduled, running and paused campaigns here that an OAuth connection started or resumed last. */
  async campaignsStartedBy(grant: string): Promise<{ id: string; name: string; state: string }[]> {
    return this.campaigns.startedBy(grant);
  }

  /** Makes sure a pruning alarm is set; asks storage once per object life, not on every send or read. */
  private async keepPruned(): Promise<void> {
    if (this.pruneScheduled) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PRUNE_EVERY_MS);
    this.pruneScheduled = true;
  }

  /** Reads the app's inbox for a caller that has proven access to the app. */
  async readInbox<Q extends InboxQuery>(appId: string, query: Q, caller: Caller): Promise<{ ok: true; reply: InboxReply<Q["kind"]> } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.access.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    if (!access.ok) return access;
    await this.keepPruned(); // an inbox that only gets read is pruned too
    const neighbours = { optOuts: this.optOuts, campaignsIn: (since: number, until: number, now: number) => this.campaigns.ranIn(since, until, now) };
    return { ok: true, reply: answerInboxQuery(this.inbox, neighbours, this.webhookSecrets.configuredAt(), query, Date.now()) };
  }

  /** Gupshup's usage report and the inbox's report for the same window in one call to this object (get_usage_summary). */
  async usageReport(
    appId: string,
    usage: UpstreamRequest,
    window: { since: number; until: number },
    caller: Caller,
  ): Promise<{ answer: UpstreamResult; inbox: { ok: true; reply: InboxReply<"report"> } | { ok: false; failure: UpstreamFailure } }> {
    const [answer, inbox] = await Promise.all([this.request({ ...usage, appId }, caller), this.readInbox(appId, { kind: "report", ...window }, caller)]);
    return { answer, inbox };
  }

  /** Marks who is on one of the app's conversations, for a caller with proven access; null when the inbox has no conversation with that number. */
  async handOff(appId: string, caller: Caller, change: HandOffChange): Promise<{ ok: true; summary: ConversationSummary | null } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.access.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    if (!access.ok) return access;
    const found = this.inbox.conversations.setHandOff(change.number, change.state, change.note, change.handledBy, Date.now());
    return { ok: true, summary: found ? (this.inbox.conversations.summary(change.number) ?? null) : null };
  }

  /** Reads or changes the app's webhook secrets, for a caller with proven access to the app. */
  async changeWebhookSecrets(appId: string, caller: Caller, change: SecretChange): Promise<{ ok: true; setup: WebhookSetup & { proposed?: string } } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.access.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    if (!access.ok) return access;
    return { ok: true, setup: this.webhookSecrets.apply(change, Date.now()) };
  }

  /** Whether the caller may use this app: a current proof, or a token fetched with their credential. */
  async proveAccess(appId: string, caller: Caller): Promise<{ ok: true } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.access.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    return access.ok ? { ok: true } : access;
  }

  /** This app's name and number (for sends), for a caller with proven access; kept an hour. */
  async appProfile(appId: string, caller: Caller): Promise<{ ok: true; profile: AppProfile | null } | { ok: false; failure: UpstreamFailure }> {
    const deadline = Date.now() + MAX_WAIT_MS;
    const access = await this.access.appToken(appId, caller, deadline);
    if (!access.ok) return access;
    const hit = await this.answers.get("listApps", appId);
    if (hit) return { ok: true, profile: hit.data as AppProfile | null };
    const res = await this.access.withPartnerToken(caller, deadline, (token) => this.send({ endpoint: "listApps" }, token, caller, deadline));
    if (!res.ok) return res;
    const profile = appProfileOf(res.data, appId);
    await this.answers.put("listApps", appId, profile, Date.now());
    return { ok: true, profile };
  }

  /** The app number's rating (tier and quality): from the day-long answer cache, else asked of Gupshup with the app token held. */
  private async rating(appId: string, upstream: string): Promise<Rating | undefined> {
    let data = (await this.answers.get("ratings", appId))?.data;
    if (data === undefined) {
      const token = this.store.appToken();
      if (!token) return undefined;
      const caller: Caller = { upstream, partner: { kind: "token", token: "" } };
      const res = await this.send({ endpoint: "ratings", appId }, token, caller, Date.now() + MAX_WAIT_MS, { background: true });
      if (!res.ok) return undefined;
      data = res.data;
      await this.answers.put("ratings", appId, data, Date.now());
    }
    return numberRating(data);
  }

  /** The caller's app list, from their own account object; this app's name and number in it are kept for sends. */
  private async listAppsFor(appId: string, caller: Caller): Promise<UpstreamResult> {
    const account = this.env.GATEWAY.get(this.env.GATEWAY.idFromName(await accountObjectName(caller.partner)));
    const res = (await account.request({ endpoint: "listApps" }, caller)) as UpstreamResult;
    const profile = res.ok ? appProfileOf(res.data, appId) : null;
    if (profile) await this.answers.put("listApps", appId, profile, Date.now());
    return res;
  }

  /** Performs one upstream call for `caller`. Never throws: failures come back classified. */
  async request(req: UpstreamRequest, caller: Caller): Promise<UpstreamResult> {
    const deadline = Date.now() + MAX_WAIT_MS;
    const endpoint = ENDPOINTS[req.endpoint];
    if (req.endpoint === "appToken") {
      const fetched = await this.access.appToken(req.appId!, caller, deadline, { force: true });
      return fetched.ok ? { ok: true, status: 200, data: fetched.data } : fetched;
    }
    if (endpoint.scope === "partner") return this.partnerCall(req, caller, deadline);
    if (endpoint.scope === "none") return this.send(req, undefined, caller, deadline);
    if ("send" in endpoint && endpoint.send) return this.sendOnce(req, caller, deadline);
    return this.appCall(req, caller, deadline);
  }

  /**
   * A message send: at most once (see SendOnce), for a caller with proven access, and never to a
   * number on the app's opt-out list unless the call says ignoreOptOut.
   */
  private async sendOnce(req: UpstreamRequest, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const access = await this.access.appToken(req.appId!, caller, deadline);
    if (!access.ok) return access;
    const recipient = recipientOf(req);
    const optedOut = recipient === undefined ? undefined : this.optOuts.find(recipient);
    // Checked only for a new send: repeating one that already went out still answers with its result.
    const refusal = () => (optedOut && !req.ignoreOptOut ? optedOutRefusal(req.endpoint, optedOut) : undefined);
    const trackedSince = this.webhookSecrets.configuredAt();
    const res = await this.sends.send(req, await this.access.sender(caller), () => this.appCall(req, caller, deadline), refusal, trackedSince);
    if (!res.ok || !res.send) return res;
    return { ...res, send: { ...res.send, trackedSince, ...(optedOut && req.ignoreOptOut ? { optOutIgnored: true } : {}) } };
  }

  /** Lists or changes the app's opt-out list, for a caller with proven access. */
  async changeOptOuts(appId: string, caller: Caller, change: OptOutChange): Promise<{ ok: true; changed: number; optedOut: OptOut[]; total: number } | { ok: false; failure: UpstreamFailure }> {
    const access = await this.access.appToken(appId, caller, Date.now() + MAX_WAIT_MS);
    if (!access.ok) return access;
    if (change.action === "check") {
      const found = change.numbers.map((number) => this.optOuts.find(number)).filter((o): o is OptOut => o !== undefined);
      return { ok: true, changed: 0, optedOut: found, total: found.length };
    }
    const changed = change.action === "list" ? 0 : this.optOuts.set(change.numbers, change.action === "add", Date.now());
    return { ok: true, changed, ...this.optOuts.list(OPT_OUTS_LISTED) };
  }

  /**
   * A partner-scope call. The partner's app list is kept (in the account's object) for a call that
   * says a recent one will do; every fresh read replaces it.
   */
  private async partnerCall(req: UpstreamRequest, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const cached = "cache" in ENDPOINTS[req.endpoint];
    if (cached && req.recent) {
      const hit = await this.answers.get(req.endpoint, ACCOUNT_ANSWERS);
      if (hit) return { ok: true, status: 200, data: hit.data, cachedAt: hit.fetchedAt };
    }
    const res = await this.access.partnerCall(caller, deadline, (token) => this.send(req, token, caller, deadline));
    if (res.ok && cached) await this.answers.put(req.endpoint, ACCOUNT_ANSWERS, res.data, Date.now());
    return res;
  }

  /** An app-scope call: the app token, the cache, one renewal if Gupshup refuses the token. */
  private async appCall(req: UpstreamRequest, caller: Caller, deadline: number): Promise<UpstreamResult> {
    const appId = req.appId!;
    const access = await this.access.appToken(appId, caller, deadline);
    if (!access.ok) return access;
    if (!req.fresh) {
      const hit = await this.answers.get(req.endpoint, appId);
      if (hit) return { ok: true, status: 200, data: hit.data, cachedAt: hit.fetchedAt };
    }
    if (req.cacheOnly) return { ok: true, status: 200, data: null };
    let res = await this.send(req, access.token, caller, deadline);
    if (!res.ok && res.failure.kind === "auth") {
      const renewed = await this.access.appToken(appId, caller, deadline, { force: true, rejected: access.token });
      if (!renewed.ok) return renewed;
      res = await this.send(req, renewed.token, caller, deadline);
    }
    if (!res.ok) return res;
    const now = Date.now();
    await this.answers.put(req.endpoint, appId, res.data, now);
    if (req.endpoint === "markRead") this.inbox.noteMarkedRead(String((req.json as { message?: { message_id?: unknown } }).message?.message_id));
    const sent = sentMessageOf(req, res.data);
    if (sent) {
      this.inbox.recordSent(sent.messageId, sent.recipient, now, sent.content);
      await this.keepPruned();
    }
    const endpoint = ENDPOINTS[req.endpoint];
    if ("invalidatesTemplates" in endpoint && endpoint.invalidatesTemplates) await this.answers.forgetTemplates(appId);
    return res;
  }

  /** The caller's partner token: as given, or from the partner's own login object. */
  private async partnerToken(caller: Caller, force: boolean): Promise<TokenResult> {
    if (caller.partner.kind === "token") return { ok: true, token: caller.partner.token };
    const login = this.env.PARTNER_LOGIN.get(this.env.PARTNER_LOGIN.idFromName(await loginObjectName(caller.partner)));
    return login.token(caller, force) as Promise<TokenResult>;
  }

  private send(req: UpstreamRequest, token: string | undefined, caller: Caller, deadline: number, options?: TurnOptions): Promise<UpstreamResult> {
    return scheduledCall(this.scheduler, this.env, req, token, caller, deadline, options);
  }

  private retentionMs(): number {
    return retentionDays(this.env.INBOX_RETENTION_DAYS) * 86_400_000;
  }
}
