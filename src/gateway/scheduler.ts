import type { RateGroup } from "../api/endpoints";
import { getOrCreate } from "../utils/maps";
import { SlidingWindowLimiter } from "./rate-limiter";

/**
 * A call's turn: send now (and report its answer with `sentAt`), or how long it would have had to
 * wait, or — a background call only — withdrawn because it was no longer wanted when its turn came.
 */
export type Turn = { ok: true; sentAt: number } | { ok: false; waitMs: number; withdrawn?: boolean };

/** background: a campaign's send, which every interactive call goes ahead of; wanted: asked when its turn comes. */
export interface TurnOptions {
  background?: boolean;
  wanted?: () => boolean;
}

interface Waiter extends TurnOptions {
  deadline: number;
  resolve: (turn: Turn) => void;
}

/**
 * Hands out each rate-limit group's slots in arrival order, interactive calls before background
 * ones (a campaign never makes a person's send wait behind it: only for the next free slot). Only
 * the handing out is one at a time: the calls themselves are in flight together, as many as the
 * sliding window allows.
 */
export class Scheduler {
  private readonly queues = new Map<RateGroup, Waiter[]>();
  /** Wakes a group's waiting head early: an answer came, and its slot may have moved. */
  private readonly wakers = new Map<RateGroup, () => void>();

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
    });
  }

  /** The call of a turn got its answer: it counts from now, and the next turn may come sooner. */
  answered(group: RateGroup, sentAt: number): void {
    this.limiter.settle(group, sentAt, Date.now());
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
      if (head.wanted && !head.wanted()) {
        queue.shift();
        head.resolve({ ok: false, waitMs: 0, withdrawn: true });
      } else if (slot <= now) {
        this.limiter.record(group, now);
        queue.shift();
        head.resolve({ ok: true, sentAt: now });
      } else if ((Number.isFinite(slot) && slot > head.deadline) || now >= head.deadline) {
        queue.shift();
        const wait = Number.isFinite(slot) ? slot : this.limiter.estimate(group, now);
        head.resolve({ ok: false, waitMs: Math.max(wait - now, 1000) });
      } else {
        await this.sleep(group, Math.min(slot, head.deadline) - now);
      }
    }
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
