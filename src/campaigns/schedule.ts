/**
 * When a campaign may send: from its start time, and only inside its sending hours (minutes of
 * the day, read in the customers' time zone; `from > to` runs past midnight, e.g. 20:00–06:00).
 */
export interface SendingWindow {
  timeZone: string;
  /** Minutes after local midnight: from (inclusive) and to (exclusive). */
  from: number;
  to: number;
}

const DAY_MINUTES = 1_440;

/** "09:00-20:00" as minutes of the day, or undefined when it is not two HH:MM times. */
export function parseSendingHours(text: string): { from: number; to: number } | undefined {
  const match = /^(\d{2}):(\d{2})\s*[-–]\s*(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [fh, fm, th, tm] = match.slice(1).map(Number) as [number, number, number, number];
  if (fh > 23 || th > 24 || fm > 59 || tm > 59 || (th === 24 && tm > 0)) return undefined;
  const from = fh * 60 + fm;
  const to = th * 60 + tm;
  return from === to ? undefined : { from, to };
}

export const formatMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The local minute of the day at `at` in `timeZone`. */
function localMinute(at: number, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    if (clocks.size > 100) clocks.clear();
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(new Date(at));
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value("hour") * 60 + value("minute");
}

/** Whether `at` is inside the window. */
export function insideWindow(window: SendingWindow, at: number): boolean {
  const m = localMinute(at, window.timeZone);
  return window.from < window.to ? m >= window.from && m < window.to : m >= window.from || m < window.to;
}

/** The next moment at or after `at` that is inside the window (to the minute). */
export function nextOpening(window: SendingWindow, at: number): number {
  if (insideWindow(window, at)) return at;
  const m = localMinute(at, window.timeZone);
  const wait = (window.from - m + DAY_MINUTES) % DAY_MINUTES;
  const candidate = Math.floor(at / 60_000) * 60_000 + wait * 60_000;
  // A daylight-saving change can move local time by an hour either way: search from an hour before, by the minute-aligned half hour.
  for (let k = -2; k < 50; k++) {
    const t = candidate + k * 30 * 60_000;
    if (t >= at && insideWindow(window, t)) return t;
  }
  return candidate;
}
