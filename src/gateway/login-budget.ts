import { DurableObject } from "cloudflare:workers";
import { RATE_LIMITS } from "../api/endpoints";
import type { Env } from "../env";

/** Logins this deployment sends Gupshup per minute, all partners together: below Gupshup's limit (10/min), so none meets a 429. */
export const LOGINS_PER_MINUTE = RATE_LIMITS.login.limit - 2;
/** Of those, what first-time logins (a credential not yet seen to work) may take: the rest is kept for renewing existing connections. */
export const NEW_LOGINS_PER_MINUTE = LOGINS_PER_MINUTE - 2;
/** Failed logins counted per email and per client address over this window. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** An address with this many failed logins in the window gets no more first-time logins until they age out. */
export const MAX_FAILURES_PER_ADDRESS = 5;
/** An email with this many failed logins in the window (from all addresses) gets no more first-time logins from the addresses that failed for it, until they age out. */
export const MAX_FAILURES_PER_EMAIL = 20;
const MINUTE_MS = 60_000;

export type LoginAdmission = { ok: true } | { ok: false; why: "busy" | "failures"; retryAfterSeconds: number };

export interface LoginAttempt {
  /** SHA-256 of the lower-cased email: the budget stores no address book. */
  emailHash: string;
  /** The client's address, when it came from a sign-in form (absent for renewals inside tool calls). */
  address?: string;
  /** The credential worked before (a renewal): never refused for strangers' failures, and it has room kept in the budget. */
  proven: boolean;
}

/**
 * The one object every Gupshup login of this deployment asks first ("logins"): all partners share
 * Gupshup's login limit, so a stranger's guesses (each under its own credential hash) cannot spend
 * it, and failed logins are throttled per email and per client address without touching Gupshup.
 * Keeps an hour at most of small rows.
 */
export class GupshupLoginBudget extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS login_sent (at INTEGER NOT NULL, proven INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS login_failed (at INTEGER NOT NULL, email TEXT NOT NULL, address TEXT);
      CREATE INDEX IF NOT EXISTS login_failed_email ON login_failed (email, at);
      CREATE INDEX IF NOT EXISTS login_failed_address ON login_failed (address, at);`);
  }

  /** Whether a login may go to Gupshup now; an admitted one is counted as sent. */
  admit(attempt: LoginAttempt): LoginAdmission {
    const now = Date.now();
    this.sql.exec("DELETE FROM login_sent WHERE at <= ?", now - MINUTE_MS);
    this.sql.exec("DELETE FROM login_failed WHERE at <= ?", now - FAILURE_WINDOW_MS);
    if (!attempt.proven) {
      // An email many addresses failed for is closed only to those addresses: the owner, signing in
      // from anywhere else, is not locked out by strangers who know the email.
      const guessedFromHere = attempt.address === undefined || this.times("SELECT at FROM login_failed WHERE email = ? AND address = ? LIMIT 1", attempt.emailHash, attempt.address).length > 0;
      const failedUntil = Math.max(
        guessedFromHere ? freeAt(this.times("SELECT at FROM login_failed WHERE email = ? ORDER BY at", attempt.emailHash), MAX_FAILURES_PER_EMAIL, FAILURE_WINDOW_MS) : 0,
        attempt.address === undefined ? 0 : freeAt(this.times("SELECT at FROM login_failed WHERE address = ? ORDER BY at", attempt.address), MAX_FAILURES_PER_ADDRESS, FAILURE_WINDOW_MS),
      );
      if (failedUntil > now) return { ok: false, why: "failures", retryAfterSeconds: seconds(failedUntil - now) };
    }
    const busyUntil = Math.max(
      freeAt(this.times("SELECT at FROM login_sent ORDER BY at"), LOGINS_PER_MINUTE, MINUTE_MS),
      attempt.proven ? 0 : freeAt(this.times("SELECT at FROM login_sent WHERE proven = 0 ORDER BY at"), NEW_LOGINS_PER_MINUTE, MINUTE_MS),
    );
    if (busyUntil > now) return { ok: false, why: "busy", retryAfterSeconds: seconds(busyUntil - now) };
    this.sql.exec("INSERT INTO login_sent (at, proven) VALUES (?, ?)", now, attempt.proven ? 1 : 0);
    return { ok: true };
  }

  /** Gupshup refused the email and secret. */
  failed(attempt: LoginAttempt): void {
    this.sql.exec("INSERT INTO login_failed (at, email, address) VALUES (?, ?, ?)", Date.now(), attempt.emailHash, attempt.address ?? null);
  }

  private times(query: string, ...bindings: string[]): number[] {
    return this.sql
      .exec<{ at: number }>(query, ...bindings)
      .toArray()
      .map((r) => r.at);
  }
}

/** When fewer than `limit` of these (ascending) times are inside the window again: 0 when they already are. */
function freeAt(times: number[], limit: number, windowMs: number): number {
  return times.length < limit ? 0 : times[times.length - limit]! + windowMs;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
