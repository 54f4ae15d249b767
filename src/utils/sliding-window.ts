/**
 * Events per key (a client address) over a sliding window, in this isolate's memory: how many a
 * key may have, and how long it waits once it has had them. Bounded: past `maxKeys`, keys whose
 * events have all expired go first, then the least recently active.
 */
export class SlidingWindow {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until `key` may have another event, when it has had `limit` in the window; undefined when it may now. */
  wait(key: string, now: number): number | undefined {
    const recent = this.recent(key, now);
    return recent.length >= this.limit ? Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000)) : undefined;
  }

  /** Records an event for `key`. */
  add(key: string, now: number): void {
    const recent = this.recent(key, now);
    this.times.delete(key);
    this.times.set(key, [...recent, now]);
    if (this.times.size > this.maxKeys) this.forgetOldest(now);
  }

  private recent(key: string, now: number): number[] {
    return (this.times.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }

  private forgetOldest(now: number): void {
    for (const [key, times] of this.times) if (times.at(-1)! <= now - this.windowMs) this.times.delete(key);
    for (const key of this.times.keys()) {
      if (this.times.size <= this.maxKeys * 0.9) break;
      this.times.delete(key);
    }
  }
}
