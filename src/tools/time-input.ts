import { z } from "zod";

/**
 * The one way every tool takes a point in time: an ISO 8601 date or date-time, or Unix seconds.
 * A date or a date-time without an offset is read in `timeZone` (UTC unless the call names
 * one), so "2026-03-01" means that day's midnight where the person is.
 */

const TIME_HINT = "must be an ISO date (2026-03-01), an ISO date-time (2026-03-01T09:30:00Z, or with +05:30) or Unix seconds (1772323200)";
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const MIN_SECONDS = 1_000_000_000;
const MAX_SECONDS = 9_999_999_999;

export const timeInput = z.union([z.number(), z.string().max(40)]).superRefine((value, rctx) => {
  if (toEpochMs(value) !== undefined) return;
  const digits = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : undefined;
  const millis = digits !== undefined && digits > MAX_SECONDS;
  rctx.addIssue({ code: "custom", message: millis ? `${value} looks like milliseconds: give Unix seconds (divide by 1000) or an ISO date` : TIME_HINT });
});

export const timeZoneInput = z
  .string()
  .max(64)
  .refine(isTimeZone, "timeZone must be an IANA time zone such as Asia/Kolkata, America/Sao_Paulo or UTC")
  .optional()
  .describe("IANA zone for days and times without an offset, e.g. Asia/Kolkata (default UTC).");

/** Epoch milliseconds of `value`, or undefined when it is no time `timeInput` accepts. */
export function toEpochMs(value: number | string, timeZone = "UTC"): number | undefined {
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
  const offset = match[7];
  if (offset === undefined) return localToEpochMs(wall, timeZone) + ms;
  if (offset.toUpperCase() === "Z") return wall + ms;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
  return wall - (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000 + ms;
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
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  if (timeZone === "UTC") return 0;
  const format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  const parts = Object.fromEntries(format.formatToParts(epochMs).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** The instant a wall-clock time in the zone names (the offset is checked again across a DST change). */
function localToEpochMs(wall: number, timeZone: string): number {
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}
