import { RATE_LIMITS, type RateGroup } from "../api/endpoints";
import { getOrCreate } from "../utils/maps";

/**
 * "At most N calls in any W-long window", per rate-limit group, as a sliding log. A token bucket
 * of capacity N can let 2N through inside one window; Gupshup answers that with a cooldown of a
 * whole window, so we count exactly.
 *
 * Gupshup counts when a request *arrives*, which we cannot see: it is somewhere between our send
 * and its answer. So a call counts from its answer (the latest it can have arrived), and a call
 * still in flight counts as later than every answered one: the next call goes once the N-th most
 * recent call has been answered for a whole window, and on Gupshup's side no window ever holds
 * N+1. Up to N calls may be in flight at once. Each group's log and any cooldown Gupshup imposed
 * are kept in the Durable Object's storage, so an eviction does not reset them; the writes do not
 * hold the caller's answer back (allowUnconfirmed), and calls in flight are counted in memory only.
 * An object that stores nothing else (`persist` says no: only refused strangers came) keeps its
 * log in memory, so their calls leave nothing behind.
 */
export class SlidingWindowLimiter {
  /** Answer times of settled calls, oldest first, per group (persisted). */
  private readonly log = new Map<RateGroup, number[]>();
  /** Send times of calls still waiting for their answer (memory only). */
  private readonly inFlight = new Map<RateGroup, number[]>();
  private readonly cooldownUntil = new Map<RateGroup, number>();

  private constructor(
    private readonly storage: DurableObjectStorage,
    private readonly persist: () => boolean,
  ) {}

  static async load(storage: DurableObjectStorage, persist: () => boolean = () => true): Promise<SlidingWindowLimiter> {
    const limiter = new SlidingWindowLimiter(storage, persist);
    for (const [key, times] of await storage.list<number[]>({ prefix: "rate-log:" })) limiter.log.set(key.slice(9) as RateGroup, times);
    for (const [key, until] of await storage.list<number>({ prefix: "rate-cooldown:" })) limiter.cooldownUntil.set(key.slice(14) as RateGroup, until);
    return limiter;
  }

  /**
   * When one more call may be sent, as of `now`: `now` itself when it fits, a later time when a
   * settled call or a cooldown holds it back, or Infinity when the call holding it back is still
   * in flight (its answer time, from which it counts, is not known yet).
   */
  slot(group: RateGroup, now: number): number {
    const { limit, windowMs } = RATE_LIMITS[group];
    const settled = this.times(group);
    const blocking = settled.length + this.flying(group).length - limit;
    const start = Math.max(now, this.cooldownUntil.get(group) ?? 0);
    if (blocking < 0) return start;
    return blocking < settled.length ? Math.max(start, settled[blocking]! + windowMs) : Infinity;
  }

  /**
   * An estimate of the earliest time ≥ `now` at which one more call fits behind `queuedAhead`
   * calls not sent yet, counting calls in flight from their send (optimistic: used only to turn
   * away a call whose turn is surely too far off).
   */
  estimate(group: RateGroup, now: number, queuedAhead = 0): number {
    const { limit, windowMs } = RATE_LIMITS[group];
    const times = [...this.times(group), ...this.flying(group)].sort((a, b) => a - b);
    let slot = Math.max(now, this.cooldownUntil.get(group) ?? 0);
    for (let i = 0; ; i++) {
      const blocking = times[times.length - limit];
      if (blocking !== undefined) slot = Math.max(slot, blocking + windowMs);
      if (i === queuedAhead) return slot;
      times.push(slot);
    }
  }

  /** Logs a call being sent at `at`; until its answer it is in flight. */
  record(group: RateGroup, at: number): void {
    this.flying(group).push(at);
  }

  /** The call sent at `sentAt` got its answer at `answeredAt`: count it from then on, durably. */
  settle(group: RateGroup, sentAt: number, answeredAt: number): void {
    const { windowMs } = RATE_LIMITS[group];
    const flying = this.flying(group);
    const index = flying.indexOf(sentAt);
    if (index >= 0) flying.splice(index, 1);
    const times = this.times(group);
    let position = times.length;
    while (position > 0 && times[position - 1]! > answeredAt) position--;
    times.splice(position, 0, answeredAt);
    while (times[0]! <= answeredAt - windowMs) times.shift();
    if (this.persist()) void this.storage.put(`rate-log:${group}`, [...times], { allowUnconfirmed: true });
  }

  /** Gupshup said 429: nothing goes out in this group before `until`. */
  coolDown(group: RateGroup, until: number): void {
    this.cooldownUntil.set(group, until);
    if (this.persist()) void this.storage.put(`rate-cooldown:${group}`, until, { allowUnconfirmed: true });
  }

  private times(group: RateGroup): number[] {
    return getOrCreate(this.log, group, () => []);
  }

  private flying(group: RateGroup): number[] {
    return getOrCreate(this.inFlight, group, () => []);
  }
}
