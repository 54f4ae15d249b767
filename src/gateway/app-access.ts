import { appProfileOf } from "../api/responses";
import type { Caller, PartnerCredential, UpstreamFailure, UpstreamRequest, UpstreamResult } from "../api/types";
import { jwtExpiry, jwtSubject } from "../utils/secrets";
import { SlidingWindow } from "../utils/sliding-window";
import { JoinedWork } from "./joined-work";
import { credentialHash } from "./names";
import type { TokenResult } from "./partner-login";
import type { GatewayStore } from "./store";

/** How long a caller's proof of access to an app (a successful token fetch) is trusted. */
const ACCESS_PROOF_MS = 60 * 60_000;
/**
 * A partner token Gupshup refused (expired, or no access to this app) is not sent again for this
 * long: a stranger cannot use up the app's token budget by retrying.
 */
const REFUSED_CALLER_MS = 60_000;
/**
 * A caller new to this app proves access by the partner's app list (account scope: it spends none
 * of the app's token calls). A client address whose proofs failed this often in the last minute
 * gets no more until they age out, so made-up bearers cannot flood Gupshup from here; a proof that
 * succeeds never counts, so an owner's new token is not held up by their own address.
 */
const FAILED_PROOFS_PER_ADDRESS = 3;
const FAILED_PROOF_WINDOW_MS = 60_000;

/** The refusal of a caller whose partner account's app list does not have the app. */
export const NOT_IN_APP_LIST = "not in this partner account's app list";

/**
 * Who may use this app's token. The app token is served from the cache only to a caller that
 * has proven access to the app within the last hour (its partner credential fetched the app token,
 * or Gupshup listed the app among the credential's apps); otherwise, or when forced, it is fetched
 * from Gupshup with the caller's partner token — by a caller new to the app only after the app list
 * has shown the app is theirs, so strangers never spend the app's token calls.
 */
export class AppAccess {
  private readonly fetches = new JoinedWork<TokenResult>();
  private readonly refusedCallers = new Map<string, { until: number; failure: UpstreamFailure }>();
  private readonly callerKeys = new Map<string, string>();
  /** Proofs by app list that failed here, per client address (callers without one are not counted). */
  private readonly failedProofs = new SlidingWindow(FAILED_PROOFS_PER_ADDRESS, FAILED_PROOF_WINDOW_MS, 1000);

  constructor(
    private readonly store: GatewayStore,
    /** Sends one request with a token, in its rate-limit group. */
    private readonly call: (req: UpstreamRequest, token: string | undefined, caller: Caller, deadline: number) => Promise<UpstreamResult>,
    /** The caller's partner token (a login is renewed when `force`). */
    private readonly partnerToken: (caller: Caller, force: boolean) => Promise<TokenResult>,
    /** The caller's partner app list (Gupshup's partnerApps), from the caller's own account queue. */
    private readonly listApps: (appId: string, caller: Caller) => Promise<UpstreamResult>,
  ) {}

  /** The app token for `caller`; `rejected` is a token Gupshup just refused (fetch a new one). */
  async appToken(appId: string, caller: Caller, deadline: number, opts: { force?: boolean; rejected?: string } = {}): Promise<TokenResult> {
    const who = await this.callerKey(caller.partner);
    const now = Date.now();
    const refused = this.refusal(who, now);
    if (refused) return refused;
    const cached = this.store.appToken();
    const reusable = cached !== undefined && cached !== opts.rejected && (!opts.force || opts.rejected !== undefined);
    if (reusable && this.store.isVerified(who, now)) return { ok: true, token: cached };

    // One fetch per caller at a time: concurrent calls join it (and count once below).
    return this.fetches.run(`token:${who}`, async () => {
      if (!this.isKnown(caller, who)) {
        const proof = await this.proveByAppList(appId, caller, who);
        if (!proof.ok) return proof;
        if (reusable) {
          this.store.verify(who, proofUntil(caller));
          return { ok: true, token: cached };
        }
      }
      const res = await this.withPartnerToken(caller, deadline, (partnerToken) => this.call({ endpoint: "appToken", appId }, partnerToken, caller, deadline));
      if (!res.ok) {
        const failure = ofPartnerToken(res.failure);
        // Only Gupshup's refusal ends a proof: a rate limit or an outage says nothing about access.
        if (failure.kind === "auth" || failure.kind === "rejected") {
          this.store.unverify(who);
          this.refuse(who, failure);
        }
        return { ok: false, failure };
      }
      const record = (res.data as { token?: { token?: unknown } }).token;
      const token = record?.token;
      if (typeof token !== "string" || token === "") {
        return { ok: false, failure: { kind: "malformed", endpoint: "appToken", message: "Gupshup's token answer had no token" } };
      }
      this.store.saveAppToken(token, Date.now());
      this.store.verify(who, proofUntil(caller));
      return { ok: true, token, data: record };
    });
  }

  /**
   * A partner-scope call (list_apps) with the caller's partner token — unless Gupshup refused that
   * credential within the last minute, so made-up tokens cannot queue up here.
   */
  async partnerCall(caller: Caller, deadline: number, fn: (token: string) => Promise<UpstreamResult>): Promise<UpstreamResult> {
    const who = await this.callerKey(caller.partner);
    const refused = this.refusal(who, Date.now());
    if (refused) return refused;
    const res = await this.withPartnerToken(caller, deadline, fn);
    if (!res.ok && res.failure.kind === "auth") this.refuse(who, res.failure);
    return res;
  }

  /** Gupshup's answer to this credential within the last minute, when it was a refusal. */
  private refusal(who: string, now: number): { ok: false; failure: UpstreamFailure } | undefined {
    const refused = this.refusedCallers.get(who);
    return refused && refused.until > now ? { ok: false, failure: refused.failure } : undefined;
  }

  private refuse(who: string, failure: UpstreamFailure): void {
    const now = Date.now();
    if (this.refusedCallers.size > 1000) for (const [key, entry] of this.refusedCallers) if (entry.until <= now) this.refusedCallers.delete(key);
    this.refusedCallers.set(who, { until: now + REFUSED_CALLER_MS, failure });
  }

  /**
   * Callers that need no proof by app list: a credential that proved access here in the last 30
   * days (it keeps its right to fetch the token), or an OAuth connection (its sign-in was checked
   * with Gupshup or the access secret, and its grant names the apps it may use).
   */
  private isKnown(caller: Caller, who: string): boolean {
    return caller.principal !== undefined || this.store.isKnown(who, Date.now());
  }

  /** Gupshup's app list for the caller's credential has this app (or why it could not be shown). */
  private async proveByAppList(appId: string, caller: Caller, who: string): Promise<TokenResult | { ok: true }> {
    const retryAfterSeconds = caller.address === undefined ? undefined : this.failedProofs.wait(caller.address, Date.now());
    if (retryAfterSeconds !== undefined) {
      return { ok: false, failure: { kind: "rate_limited", endpoint: "appToken", message: "too many failed checks from this address", retryAfterSeconds, crowdedOut: true } };
    }
    const listed = await this.listApps(appId, caller);
    if (listed.ok && appProfileOf(listed.data, appId)) return { ok: true };
    const failure: UpstreamFailure = listed.ok ? { kind: "rejected", endpoint: "appToken", status: 403, message: NOT_IN_APP_LIST } : ofPartnerToken(listed.failure);
    if (failure.kind === "auth" || failure.kind === "rejected") {
      this.refuse(who, failure);
      if (caller.address !== undefined) this.failedProofs.add(caller.address, Date.now());
    }
    return { ok: false, failure };
  }

  /** Runs `fn` with the caller's partner token; a login-managed token is renewed once on rejection. */
  async withPartnerToken(caller: Caller, deadline: number, fn: (token: string) => Promise<UpstreamResult>): Promise<UpstreamResult> {
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

  /**
   * Whose idempotency keys a send uses: the OAuth connection's, else the partner's — named by the
   * token's subject, which stays when the token is renewed (the caller has proven access, so the
   * token is one Gupshup accepted) — else the credential's.
   */
  async sender(caller: Caller): Promise<string> {
    if (caller.principal) return caller.principal;
    const subject = caller.partner.kind === "token" ? jwtSubject(caller.partner.token) : undefined;
    return subject ? `partner:${subject}` : `credential:${await this.callerKey(caller.partner)}`;
  }

  /** A credential's hash, memoised (it is asked on every call). */
  private async callerKey(cred: PartnerCredential): Promise<string> {
    const raw = cred.kind === "token" ? `token\n${cred.token}` : `login\n${cred.email}\n${cred.secret}`;
    let key = this.callerKeys.get(raw);
    if (!key) {
      key = await credentialHash(cred);
      if (this.callerKeys.size > 1000) this.callerKeys.clear();
      this.callerKeys.set(raw, key);
    }
    return key;
  }
}

/** An auth failure of a partner-token call is the partner token's. */
const ofPartnerToken = (failure: UpstreamFailure): UpstreamFailure => (failure.kind === "auth" ? { ...failure, partnerToken: true } : failure);

/** A proof lasts an hour, but never beyond the partner token it was made with. */
function proofUntil(caller: Caller): number {
  const expires = caller.partner.kind === "token" ? jwtExpiry(caller.partner.token) : undefined;
  return Math.min(Date.now() + ACCESS_PROOF_MS, expires ?? Number.POSITIVE_INFINITY);
}
