import { describe, expect, it } from "vitest";
import { dateIn, describeTime, timeRange, toEpochMs } from "../src/tools/time-input";

const utc = (iso: string) => Date.parse(iso);

describe("time input: one reading of a point in time for every tool", () => {
  it.each([
    ["2026-03-01", undefined, "2026-03-01T00:00:00Z"],
    ["2026-03-01", "Asia/Kolkata", "2026-02-28T18:30:00Z"],
    ["2026-03-01T09:30", "Asia/Kolkata", "2026-03-01T04:00:00Z"],
    ["2026-03-01T09:30:00+05:30", "America/New_York", "2026-03-01T04:00:00Z"], // an offset wins over timeZone
    ["2026-03-01T09:30:00.250Z", undefined, "2026-03-01T09:30:00.250Z"],
    [1772323200, undefined, "2026-03-01T00:00:00Z"],
    ["1772323200", undefined, "2026-03-01T00:00:00Z"],
  ] as const)("%j in %s is %s", (value, zone, expected) => {
    expect(toEpochMs(value, zone)).toBe(utc(expected));
  });

  it("an hour that happens twice is its first time; one that never happens moves forward, even at midnight", () => {
    // New York falls back at 02:00 EDT on 1 Nov 2026: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(toEpochMs("2026-11-01T01:30", "America/New_York")).toBe(utc("2026-11-01T05:30:00Z"));
    // It springs forward at 02:00 EST on 8 Mar 2026: 02:30 does not exist, 03:30 EDT does.
    expect(toEpochMs("2026-03-08T02:30", "America/New_York")).toBe(utc("2026-03-08T07:30:00Z"));
    // Santiago springs forward at midnight on 6 Sep 2026: the day starts at 01:00, still on the 6th.
    const santiago = toEpochMs("2026-09-06", "America/Santiago")!;
    expect(santiago).toBe(utc("2026-09-06T04:00:00Z"));
    expect(dateIn(santiago, "America/Santiago")).toBe("2026-09-06");
    expect(describeTime(santiago, "America/Santiago")).toBe("2026-09-06 01:00 America/Santiago");
  });

  it.each([
    ["a date that does not exist", "2026-02-30"],
    ["an impossible offset", "2026-03-01T10:00:00+99:99"],
    ["a year Date.UTC would read as 1950", "0050-01-01"],
    ["a time before 2001", "1999-12-31"],
    ["milliseconds", 1772323200000],
    ["words", "yesterday"],
  ] as const)("refuses %s", (_what, value) => {
    expect(toEpochMs(value)).toBeUndefined();
  });

  it("an unknown time zone reads nothing, instead of throwing", () => {
    expect(toEpochMs("2026-03-01", "India/Mumbai")).toBeUndefined();
    expect(timeRange(undefined, undefined, "India/Mumbai", 1000)).toBeUndefined();
  });

  it("a range defaults its end to now and its start to a span before the end", () => {
    const before = Date.now();
    const range = timeRange(undefined, undefined, undefined, 86_400_000)!;
    expect(range.to).toBeGreaterThanOrEqual(before);
    expect(range.to - range.from).toBe(86_400_000);
    expect(timeRange("2026-03-01", "2026-03-02", "UTC", 5)).toEqual({ from: utc("2026-03-01T00:00:00Z"), to: utc("2026-03-02T00:00:00Z") });
  });
});
