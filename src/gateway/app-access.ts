import type { Caller, PartnerCredential, UpstreamRequest, UpstreamResult } from "../api/types";
import { sha256Hex } from "../utils/secrets";
import { JoinedWork } from "./joined-work";
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
 * Who may use this app's token. The app token is served from the cache only to a caller that
 * has proven access to the app (its partner credential fetched the app token itself within the
 * last hour); otherwise, or when forced, it is fetched from Gupshup with the caller's partner token.
 */
export class AppAccess {
  private readonly fetches = new JoinedWork<TokenResult>();
  private readonly refusedCallers = new Map<string, { until: number; failure: Extract<TokenResult, { ok: false }>["failure"] }>();
  private readonly callerKeys = new Map<string, string>();

  constructor(
    private readonly store: GatewayStore,
    /** Sends one request with a token, in its rate-limit group. */
    private readonly call: (req: UpstreamRequest, token: string | undefined, caller: Caller, deadline: number) => Promise<UpstreamResult>,
    /** The caller's partner token (a login is renewed when `force`). */
    private readonly partnerToken: (caller: Caller, force: boolean) => Promise<TokenResult>,
  ) {}

  /** The app token for `caller`; `rejected` is a token Gupshup just refused (fetch a new one). */
  async appToken(appId: string, caller: Caller, deadline: number, opts: { force?: boolean; rejected?: string } = {}): Promise<TokenResult> {
    const who = await this.callerKey(caller.partner);
    const now = Date.now();
    const refused = this.refusedCallers.get(who);
    if (refused && refused.until > now) return { ok: false, failure: refused.failure };
    const cached = this.store.appToken();
    const reusable = cached !== undefined && cached !== opts.rejected && (!opts.force || opts.rejected !== undefined);
    if (reusable && this.store.isVerified(who, now)) return { ok: true, token: cached };

    return this.fetches.run(`token:${who}`, async () => {
      const res = await this.withPartnerToken(caller, deadline, (partnerToken) => this.call({ endpoint: "appToken", appId }, partnerToken, caller, deadline));
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

  /** A stable, non-secret identity for a credential (SHA-256), memoised. */
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
