import { RATE_LIMITS, type RateGroup } from "../api/endpoints";

/**
 * Gupshup sees a call a little later than we send it, and not always equally late: spacing calls
 * by exactly the window could look like N+1 calls in one window on their side. Each window is
 * widened by 3% (at most 1 s) to absorb that jitter.
 */
export function effectiveWindow(group: RateGroup): number {
  const { windowMs } = RATE_LIMITS[group];
  return windowMs + Math.min(1000, Math.round(windowMs * 0.03));
}

/**
 * "At most N calls in any W-long window", per rate-limit group, as a sliding log of send times.
 * A token bucket of capacity N can let 2N through inside one window; Gupshup answers that with
 * a whole-window cooldown, so we count exactly. The log and any cooldown Gupshup imposed live
 * in the Durable Object's SQLite, so an eviction does not reset them.
 */
export class SlidingWindowLimiter {
  private readonly log = new Map<RateGroup, number[]>();
  private readonly cooldownUntil = new Map<RateGroup, number>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS rate_log (grp TEXT NOT NULL, at INTEGER NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS rate_log_grp_at ON rate_log (grp, at)");
    sql.exec("CREATE TABLE IF NOT EXISTS rate_cooldown (grp TEXT PRIMARY KEY, until INTEGER NOT NULL)");
    for (const row of sql.exec<{ grp: RateGroup; at: number }>("SELECT grp, at FROM rate_log ORDER BY at")) {
      this.times(row.grp).push(row.at);
    }
    for (const row of sql.exec<{ grp: RateGroup; until: number }>("SELECT grp, until FROM rate_cooldown")) {
      this.cooldownUntil.set(row.grp, row.until);
    }
  }

  /**
   * The earliest time ≥ `now` at which one more call fits, assuming `queuedAhead` calls that
   * have not been sent yet will each take the earliest slot before it.
   */
  nextSlot(group: RateGroup, now: number, queuedAhead = 0): number {
    const { limit } = RATE_LIMITS[group];
    const windowMs = effectiveWindow(group);
    const times = [...this.times(group)];
    let slot = Math.max(now, this.cooldownUntil.get(group) ?? 0);
    for (let i = 0; ; i++) {
      const blocking = times[times.length - limit];
      if (blocking !== undefined) slot = Math.max(slot, blocking + windowMs);
      if (i === queuedAhead) return slot;
      times.push(slot);
    }
  }

  /** Records a call sent at `at` and forgets entries that can no longer matter. */
  record(group: RateGroup, at: number): void {
    const windowMs = effectiveWindow(group);
    const times = this.times(group);
    times.push(at);
    while (times[0]! <= at - windowMs) times.shift();
    this.sql.exec("INSERT INTO rate_log (grp, at) VALUES (?, ?)", group, at);
    this.sql.exec("DELETE FROM rate_log WHERE grp = ? AND at <= ?", group, at - windowMs);
  }

  /** Gupshup said 429: nothing goes out in this group before `until`. */
  coolDown(group: RateGroup, until: number): void {
    this.cooldownUntil.set(group, until);
    this.sql.exec("INSERT OR REPLACE INTO rate_cooldown (grp, until) VALUES (?, ?)", group, until);
  }

  private times(group: RateGroup): number[] {
    let times = this.log.get(group);
    if (!times) this.log.set(group, (times = []));
    return times;
  }
}
