import type { Caller, UpstreamFailure, UpstreamRequest, UpstreamResult } from "../api/types";
import { jwtExpiry, sha256Hex } from "../utils/secrets";
import { JoinedWork } from "./joined-work";
import type { LazyTables } from "./lazy-tables";
import type { LoginAdmission, LoginAttempt } from "./login-budget";

/** The deployment's shared login budget (login-budget.ts). */
export interface LoginGate {
  admit(attempt: LoginAttempt): Promise<LoginAdmission>;
  failed(attempt: LoginAttempt): Promise<void>;
}

export type TokenResult = { ok: true; token: string; data?: unknown } | { ok: false; failure: UpstreamFailure };

/** Renew a login-obtained partner token this long before it expires. */
const PARTNER_TOKEN_MARGIN_MS = 5 * 60_000;
/** When Gupshup's token carries no expiry, assume a little less than its documented 24 h. */
const ASSUMED_TOKEN_LIFETIME_MS = 23 * 3_600_000;

/**
 * The partner token for login credentials (email + client secret): kept until shortly before it
 * expires, then renewed through Gupshup's login; concurrent renewals join into one login.
 */
export class PartnerLogin {
  private readonly logins = new JoinedWork<TokenResult>();

  static schema(sql: SqlStorage): void {
    sql.exec("CREATE TABLE IF NOT EXISTS partner_login (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL)");
  }

  constructor(
    private readonly sql: SqlStorage,
    /** Created by the first successful login: a wrong email or secret stores nothing. */
    private readonly tables: LazyTables,
    /** Sends one request in the login's rate-limit group. */
    private readonly call: (req: UpstreamRequest, caller: Caller) => Promise<UpstreamResult>,
    /** Asked before every login that would reach Gupshup. */
    private readonly gate: LoginGate,
  ) {}

  async token(caller: Caller, force: boolean): Promise<TokenResult> {
    const cred = caller.partner;
    if (cred.kind !== "login") return { ok: true, token: cred.token };
    const key = await sha256Hex(`login\n${cred.email}\n${cred.secret}`);
    const now = Date.now();
    const saved = this.saved(key);
    if (!force && saved && saved.expiresAt - now > PARTNER_TOKEN_MARGIN_MS) return { ok: true, token: saved.token };
    if (!force && !saved && cred.token) {
      const expiresAt = jwtExpiry(cred.token) ?? now + ASSUMED_TOKEN_LIFETIME_MS;
      if (expiresAt - now > PARTNER_TOKEN_MARGIN_MS) {
        this.save(key, cred.token, expiresAt);
        return { ok: true, token: cred.token };
      }
    }
    return this.logins.run(key, async () => {
      const attempt: LoginAttempt = { emailHash: await sha256Hex(cred.email.trim().toLowerCase()), proven: saved !== undefined, ...(caller.address ? { address: caller.address } : {}) };
      const admitted = await this.gate.admit(attempt);
      if (!admitted.ok) return { ok: false, failure: refusedLogin(admitted) };
      const res = await this.call({ endpoint: "login", form: { email: cred.email, password: cred.secret, secret: cred.secret } }, caller);
      if (!res.ok && (res.failure.kind === "auth" || res.failure.kind === "rejected")) await this.gate.failed(attempt);
      if (!res.ok) return { ok: false, failure: { ...res.failure, partnerToken: true } };
      const token = (res.data as { token?: unknown }).token;
      if (typeof token !== "string" || token === "") {
        return { ok: false, failure: { kind: "malformed", endpoint: "login", message: "Gupshup's login answer had no token", partnerToken: true } };
      }
      this.save(key, token, jwtExpiry(token) ?? Date.now() + ASSUMED_TOKEN_LIFETIME_MS);
      return { ok: true, token };
    });
  }

  private saved(key: string): { token: string; expiresAt: number } | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<{ token: string; expires_at: number }>("SELECT token, expires_at FROM partner_login WHERE key = ?", key).toArray()[0];
    return row && { token: row.token, expiresAt: row.expires_at };
  }

  private save(key: string, token: string, expiresAt: number): void {
    this.tables.create();
    this.sql.exec("INSERT OR REPLACE INTO partner_login (key, token, expires_at) VALUES (?, ?, ?)", key, token, expiresAt);
  }
}

/** A login the budget kept from Gupshup, as the failure a caller sees. */
function refusedLogin(refused: Extract<LoginAdmission, { ok: false }>): UpstreamFailure {
  const message = refused.why === "failures" ? "too many wrong sign-ins for this email or from this address recently" : "this server's share of Gupshup's sign-in limit is used for the moment";
  return { kind: "rate_limited", endpoint: "login", message, retryAfterSeconds: refused.retryAfterSeconds, partnerToken: true, signInRefused: refused.why };
}
