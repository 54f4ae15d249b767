/**
 * Meta's messaging tiers, as Gupshup's ratings name them (TIER_250, TIER_1K, TIER_10K, TIER_100K,
 * TIER_UNLIMITED): how many unique people a number may start conversations with in a rolling
 * 24 hours. A campaign larger than what its tier leaves is sent over several days.
 */

/** The rolling window a tier counts people in. */
export const TIER_WINDOW_MS = 86_400_000;

/** The most days a campaign is planned over; a longer plan is refused (split the list, or grow the tier). */
export const MAX_PLAN_DAYS = 14;

/** People a day for a tier name (undefined: not a tier we can read; Infinity: unlimited). */
export function tierLimit(tier: string | null | undefined): number | undefined {
  if (!tier) return undefined;
  if (/^TIER_UNLIMITED$/i.test(tier.trim())) return Number.POSITIVE_INFINITY;
  const match = /^TIER_(\d+)(K)?$/i.exec(tier.trim());
  return match ? Number(match[1]) * (match[2] ? 1000 : 1) : undefined;
}

export interface DailyPlan {
  /** People a day the tier allows. */
  limit: number;
  /** How many go on each day, the first being today (what the tier leaves after the last 24 hours' sends). */
  days: number[];
}

/** `queued` recipients over days of `limit`, the first day with `usedToday` already spent. */
export function planDays(queued: number, limit: number, usedToday: number): DailyPlan {
  const days: number[] = [];
  let left = queued;
  let room = Math.max(0, limit - usedToday);
  while (left > 0 && days.length <= MAX_PLAN_DAYS) {
    const part = Math.min(left, room);
    days.push(part);
    left -= part;
    room = limit;
  }
  return { limit, days };
}
