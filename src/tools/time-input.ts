import { z } from "zod";

/**
 * The one way every tool takes a point in time: an ISO 8601 date or date-time, or Unix seconds.
 * A date or a date-time without an offset is read in `timeZone` (UTC unless the call names
 * one), so "2026-03-01" means that day's midnight where the person is.
 */

const TIME_HINT = "must be an ISO date (2026-03-01), an ISO date-time (2026-03-01T09:30:00Z, or with +05:30) or Unix seconds (1772323200)";
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
export const DAY_SECONDS = 86_400;
const MIN_SECONDS = 1_000_000_000;
const MAX_SECONDS = 9_999_999_999;

export const timeInput = z.union([z.number(), z.string().max(200)]).superRefine((value, rctx) => {
  if (toEpochMs(value) !== undefined) return;
  const digits = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : undefined;
  const millis = digits !== undefined && digits > MAX_SECONDS;
  const impossible = typeof value === "string" ? impossibleDate(value) : undefined;
  rctx.addIssue({ code: "custom", message: millis ? `${value} looks like milliseconds: give Unix seconds (divide by 1000) or an ISO date` : impossible ? `${value}: ${impossible}` : TIME_HINT });
});

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Why a date written the ISO way names no day or time ("there is no month 13"), or undefined. */
function impossibleDate(value: string): string | undefined {
  const match = ISO.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  if (month! < 1 || month! > 12) return `there is no month ${month} (months are 01 to 12)`;
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (day! < 1 || day! > days) return `${MONTHS[month! - 1]} ${year} has ${days} days`;
  if (hour !== undefined && hour > 23) return `there is no hour ${hour} (hours are 00 to 23)`;
  if ((minute ?? 0) > 59 || (second ?? 0) > 59) return "minutes and seconds go up to 59";
  return undefined;
}

export const timeZoneInput = z
  .string()
  .max(200)
  .refine(isTimeZone, "timeZone must be an IANA time zone such as Asia/Kolkata, America/Sao_Paulo or UTC")
  .optional()
  .describe("e.g. Asia/Kolkata (default UTC).");

/** Epoch milliseconds of `value`, or undefined when it is no time `timeInput` accepts (or the zone is unknown). */
export function toEpochMs(value: number | string, timeZone = "UTC"): number | undefined {
  if (!isTimeZone(timeZone)) return undefined;
  if (typeof value === "number" || /^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isInteger(seconds) && seconds >= MIN_SECONDS && seconds <= MAX_SECONDS ? seconds * 1000 : undefined;
  }
  const match = ISO.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const wall = Date.UTC(year!, month! - 1, day!, hour, minute, second);
  const date = new Date(wall);
  if (date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = /\.(\d{1,3})/.exec(value)?.[1];
  const ms = fraction ? Number(fraction.padEnd(3, "0")) : 0;
  const epoch = offsetOf(match[7]) === undefined ? localToEpochMs(wall, timeZone) : wall - offsetOf(match[7])!;
  return Number.isNaN(epoch) || epoch < MIN_SECONDS * 1000 || epoch > MAX_SECONDS * 1000 ? undefined : epoch + ms;
}

/** Milliseconds an ISO offset ("Z", "+05:30", "-0300") is ahead of UTC; NaN for an impossible one. */
function offsetOf(offset: string | undefined): number | undefined {
  if (offset === undefined) return undefined;
  if (offset.toUpperCase() === "Z") return 0;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
  if (Number(hours) > 14 || Number(minutes) > 59) return Number.NaN;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
}

/** A tool's range arguments, in any form timeInput takes. */
export type TimeWindowArgs = { start?: number | string; end?: number | string; timeZone?: string };

/**
 * A range from optional ends: `to` defaults to now and `from` to `span` ms before it. Undefined
 * when an end or the zone is not one `timeInput`/`timeZoneInput` accepts (their own errors say why).
 */
export function timeRange(from: number | string | undefined, to: number | string | undefined, timeZone: string | undefined, span: number): { from: number; to: number } | undefined {
  const toMs = to === undefined ? (isTimeZone(timeZone ?? "UTC") ? Date.now() : undefined) : toEpochMs(to, timeZone);
  const fromMs = from === undefined ? (toMs === undefined ? undefined : toMs - span) : toEpochMs(from, timeZone);
  return toMs === undefined || fromMs === undefined ? undefined : { from: fromMs, to: toMs };
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateIn(epochMs: number, timeZone = "UTC"): string {
  return new Date(epochMs + zoneOffsetMs(epochMs, timeZone)).toISOString().slice(0, 10);
}

/** An instant as people read it: ISO in UTC, or with the zone's name when one was given. */
export function describeTime(epochMs: number, timeZone = "UTC"): string {
  if (timeZone === "UTC") return `${new Date(epochMs).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `${new Date(epochMs + zoneOffsetMs(epochMs, timeZone)).toISOString().slice(0, 16).replace("T", " ")} ${timeZone}`;
}

function isTimeZone(name: string): boolean {
  return formatIn(name) !== undefined;
}

const formats = new Map<string, Intl.DateTimeFormat | undefined>();

/** The zone's wall-clock formatter (made once per zone), or undefined for a name Intl does not know. */
function formatIn(timeZone: string): Intl.DateTimeFormat | undefined {
  if (!formats.has(timeZone)) {
    let format: Intl.DateTimeFormat | undefined;
    try {
      format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    } catch {
      format = undefined;
    }
    if (formats.size > 100) formats.clear();
    formats.set(timeZone, format);
  }
  return formats.get(timeZone);
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  if (timeZone === "UTC") return 0;
  const parts = Object.fromEntries(
    formatIn(timeZone)!
      .formatToParts(epochMs)
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time in the zone names. Around a DST change the offset a day before and
 * a day after are both tried: an hour that happens twice is its first time, and one that never
 * happens (a spring-forward gap, even at midnight) moves forward by the gap, as clocks do.
 */
function localToEpochMs(wall: number, timeZone: string): number {
  const before = wall - zoneOffsetMs(wall - 86_400_000, timeZone);
  const after = wall - zoneOffsetMs(wall + 86_400_000, timeZone);
  const exact = [before, after].filter((t) => t + zoneOffsetMs(t, timeZone) === wall).sort((a, b) => a - b);
  return exact[0] ?? before;
}
