import { RATE_LIMITS, type RateGroup } from "../api/endpoints";
import { getOrCreate } from "../utils/maps";
import { SlidingWindowLimiter } from "./rate-limiter";

/**
 * A call's turn: send now (and report its answer with `sentAt`), or how long it would have had to
 * wait, or — a background call only — withdrawn because it was no longer wanted when its turn came.
 */
export type Turn = { ok: true; sentAt: number } | { ok: false; waitMs: number; withdrawn?: boolean };

export interface TurnOptions {
  /** A campaign's send: every interactive call goes ahead of it, and background turns are spread evenly. */
  background?: boolean;
  /** Asked once, as the turn comes: false takes the call back (it is not sent). */
  wanted?: () => boolean;
}

interface Waiter extends TurnOptions {
  deadline: number;
  resolve: (turn: Turn) => void;
}

/**
 * Hands out each rate-limit group's slots in arrival order, interactive calls before background
 * ones. Background turns are spread evenly, one per (window + answer time) ÷ limit, a little
 * faster than the window lets them go, so slots free up one at a time rather than ten at once: a
 * person's send during a campaign waits for the next free slot, not for the next batch. Only the
 * handing out is one at a time: the calls themselves are in flight together, as many as the
 * sliding window allows.
 */
export class Scheduler {
  private readonly queues = new Map<RateGroup, Waiter[]>();
  /** Wakes a group's waiting head early: an answer came, and its slot may have moved. */
  private readonly wakers = new Map<RateGroup, () => void>();
  /** Per group: how long Gupshup takes to answer (a moving average), and when the last background turn went. */
  private readonly answerMs = new Map<RateGroup, number>();
  private readonly lastBackground = new Map<RateGroup, number>();

  private constructor(private readonly limiter: SlidingWindowLimiter) {}

  static async load(storage: DurableObjectStorage, persist?: () => boolean): Promise<Scheduler> {
    return new Scheduler(await SlidingWindowLimiter.load(storage, persist));
  }

  /** Waits for a turn in `group`; a turn that would come after `deadline` is declined with the wait. */
  turn(group: RateGroup, deadline: number, options: TurnOptions = {}): Promise<Turn> {
    const queue = this.queue(group);
    const firstBackground = queue.findIndex((w) => w.background);
    const ahead = options.background || firstBackground < 0 ? queue.length : firstBackground;
    const estimate = this.limiter.estimate(group, Date.now(), ahead);
    if (estimate > deadline) return Promise.resolve({ ok: false, waitMs: estimate - Date.now() });
    return new Promise((resolve) => {
      queue.splice(ahead, 0, { ...options, deadline, resolve });
      if (queue.length === 1) void this.handOut(group);
      else if (ahead === 0) this.wakers.get(group)?.(); // the head changed: its turn may be now
    });
  }

  /** The call of a turn got its answer: it counts from now, and the next turn may come sooner. */
  answered(group: RateGroup, sentAt: number): void {
    const now = Date.now();
    this.limiter.settle(group, sentAt, now);
    const previous = this.answerMs.get(group);
    this.answerMs.set(group, previous === undefined ? now - sentAt : 0.8 * previous + 0.2 * (now - sentAt));
    this.wakers.get(group)?.();
  }

  /** Gupshup said 429: nothing goes out in this group before `until`. */
  coolDown(group: RateGroup, until: number): void {
    this.limiter.coolDown(group, until);
  }

  private async handOut(group: RateGroup): Promise<void> {
    const queue = this.queue(group);
    while (queue.length > 0) {
      const head = queue[0]!;
      const now = Date.now();
      const slot = this.limiter.slot(group, now);
      const due = head.background ? Math.max(slot, this.nextBackground(group)) : slot;
      if (due <= now) {
        queue.shift();
        if (head.wanted && !head.wanted()) {
          head.resolve({ ok: false, waitMs: 0, withdrawn: true });
          continue;
        }
        this.limiter.record(group, now);
        if (head.background) this.lastBackground.set(group, now);
        head.resolve({ ok: true, sentAt: now });
      } else if ((Number.isFinite(slot) && slot > head.deadline) || now >= head.deadline) {
        queue.shift();
        const wait = Number.isFinite(slot) ? slot : this.limiter.estimate(group, now);
        head.resolve({ ok: false, waitMs: Math.max(wait - now, 1000) });
      } else {
        await this.sleep(group, Math.min(due, head.deadline) - now);
      }
    }
  }

  /** The earliest next background turn: evenly spaced at 97 % of the gap the window allows, so the window, not the spacing, sets the pace. */
  private nextBackground(group: RateGroup): number {
    const { limit, windowMs } = RATE_LIMITS[group];
    return (this.lastBackground.get(group) ?? 0) + ((windowMs + (this.answerMs.get(group) ?? 0)) / limit) * 0.97;
  }

  /** Sleeps `ms` (when the slot is known) or until an answer in the group, whichever is first. */
  private sleep(group: RateGroup, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.wakers.get(group) === wake) this.wakers.delete(group);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.set(group, wake);
    });
  }

  private queue(group: RateGroup): Waiter[] {
    return getOrCreate(this.queues, group, () => []);
  }
}
