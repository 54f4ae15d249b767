import { RATE_LIMITS, type RateGroup } from "../api/endpoints";

/**
 * "At most N calls in any W-long window", per rate-limit group, as a sliding log. A token bucket
 * of capacity N can let 2N through inside one window; Gupshup answers that with a cooldown of a
 * whole window, so we count exactly.
 *
 * Gupshup counts when a request *arrives*, which we cannot see: it is somewhere between our send
 * and its answer. So a call is logged when it is sent and moved to when its answer came (the
 * latest it can have arrived); the next call starts no earlier than that plus the window, and on
 * Gupshup's side no window ever holds N+1. Each group's log and any cooldown Gupshup imposed are
 * kept in the Durable Object's storage, so an eviction does not reset them; the writes do not
 * hold the caller's answer back (allowUnconfirmed), and calls still in flight are counted in
 * memory only.
 */
export class SlidingWindowLimiter {
  private readonly log = new Map<RateGroup, number[]>();
  private readonly cooldownUntil = new Map<RateGroup, number>();

  private constructor(private readonly storage: DurableObjectStorage) {}

  static async load(storage: DurableObjectStorage): Promise<SlidingWindowLimiter> {
    const limiter = new SlidingWindowLimiter(storage);
    for (const [key, times] of await storage.list<number[]>({ prefix: "rate-log:" })) limiter.log.set(key.slice(9) as RateGroup, times);
    for (const [key, until] of await storage.list<number>({ prefix: "rate-cooldown:" })) limiter.cooldownUntil.set(key.slice(14) as RateGroup, until);
    return limiter;
  }

  /**
   * The earliest time ≥ `now` at which one more call fits, assuming `queuedAhead` calls that
   * have not been sent yet will each take the earliest slot before it.
   */
  nextSlot(group: RateGroup, now: number, queuedAhead = 0): number {
    const { limit, windowMs } = RATE_LIMITS[group];
    const times = [...this.times(group)];
    let slot = Math.max(now, this.cooldownUntil.get(group) ?? 0);
    for (let i = 0; ; i++) {
      const blocking = times[times.length - limit];
      if (blocking !== undefined) slot = Math.max(slot, blocking + windowMs);
      if (i === queuedAhead) return slot;
      times.push(slot);
    }
  }

  /** Logs a call being sent at `at` (until its answer, it counts from its send). */
  record(group: RateGroup, at: number): void {
    this.times(group).push(at);
  }

  /** The call sent at `sentAt` got its answer at `answeredAt`: count it from then on, durably. */
  settle(group: RateGroup, sentAt: number, answeredAt: number): void {
    const { windowMs } = RATE_LIMITS[group];
    const times = this.times(group);
    const index = times.lastIndexOf(sentAt);
    if (index >= 0) times.splice(index, 1);
    let position = times.length;
    while (position > 0 && times[position - 1]! > answeredAt) position--;
    times.splice(position, 0, answeredAt);
    while (times[0]! <= answeredAt - windowMs) times.shift();
    void this.storage.put(`rate-log:${group}`, [...times], { allowUnconfirmed: true });
  }

  /** Gupshup said 429: nothing goes out in this group before `until`. */
  coolDown(group: RateGroup, until: number): void {
    this.cooldownUntil.set(group, until);
    void this.storage.put(`rate-cooldown:${group}`, until, { allowUnconfirmed: true });
  }

  private times(group: RateGroup): number[] {
    let times = this.log.get(group);
    if (!times) this.log.set(group, (times = []));
    return times;
  }
}
