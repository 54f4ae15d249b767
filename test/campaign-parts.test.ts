import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { feeFromUsage } from "../src/campaigns/cost";
import { parseCsv } from "../src/campaigns/recipients";
import { Scheduler, type Turn } from "../src/gateway/scheduler";
import { testEnv } from "./helpers";

describe("CSV", () => {
  it("reads quotes, doubled quotes, commas and line breaks inside quotes, CRLF, and numbers records by their first line", () => {
    expect(parseCsv('a,"b, c"\r\n"say ""hi""","two\nlines"\nlast')).toEqual([
      { line: 1, cells: ["a", "b, c"] },
      { line: 2, cells: ['say "hi"', "two\nlines"] },
      { line: 4, cells: ["last"] },
    ]);
    expect(parseCsv("")).toEqual([]);
  });
});

describe("cost from the usage report", () => {
  const day = (marketing: number, utility: number, authentication: number, service: number) => ({
    date: "2026-11-01",
    currency: "USD",
    marketing,
    utility,
    authentication,
    service,
    totalFees: marketing * 0.0117 + utility * 0.0024 + authentication * 0.0024 + service * 0.001,
  });

  it("splits the day totals by category when the days allow it", () => {
    const rows = [day(40, 10, 5, 3), day(10, 60, 2, 9), day(25, 25, 20, 1), day(5, 5, 5, 30), day(33, 12, 8, 4)];
    expect(feeFromUsage(rows, "MARKETING", 30)).toMatchObject({ feePerMessage: 0.0117, currency: "USD", basis: expect.stringContaining("fees split by category") });
    expect(feeFromUsage(rows, "UTILITY", 30).feePerMessage).toBe(0.0024);
  });

  it("says unknown without history of the category, and averages over all messages when the days cannot be split", () => {
    expect(feeFromUsage([day(0, 10, 0, 0)], "MARKETING", 30)).toMatchObject({ feePerMessage: null, basis: "unknown: no MARKETING messages in this app's usage report for the last 30 days" });
    const same = [day(10, 10, 0, 0), day(20, 20, 0, 0)];
    expect(feeFromUsage(same, "MARKETING", 30)).toMatchObject({ feePerMessage: 0.00705, basis: expect.stringContaining("could not be split by category") });
  });
});

describe("the scheduler with a campaign on the app", () => {
  /** Runs `fn` with a fresh scheduler on a fresh object's storage. */
  const withScheduler = (fn: (scheduler: Scheduler) => Promise<void>) =>
    runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.newUniqueId()), async (_, state) => fn(await Scheduler.load(state.storage, () => false)));

  it("spreads background turns evenly, lets an interactive call go ahead of them, and takes back a turn no longer wanted", async () => {
    await withScheduler(async (scheduler) => {
      const granted: { who: string; at: number }[] = [];
      const take = async (who: string, options: { background?: boolean; wanted?: () => boolean }) => {
        const turn: Turn = await scheduler.turn("default", Date.now() + 20_000, options);
        if (turn.ok) {
          granted.push({ who, at: Date.now() });
          scheduler.answered("default", turn.sentAt);
        }
        return turn;
      };
      const t0 = Date.now();
      const background = Array.from({ length: 6 }, (_, i) => take(`b${i}`, { background: true, ...(i === 2 ? { wanted: () => false } : {}) }));
      const interactive = take("person", {});
      const results = await Promise.all([...background, interactive]);
      expect(results[2]).toEqual({ ok: false, waitMs: 0, withdrawn: true });
      // b0 found a free slot on arrival; the person goes next, ahead of the background turns already waiting.
      expect(granted.map((g) => g.who)).toEqual(["b0", "person", "b1", "b3", "b4", "b5"]);
      expect(granted[1]!.at - t0).toBeLessThan(50);
      const backgroundTimes = granted.filter((g) => g.who !== "person").map((g) => g.at);
      for (let i = 1; i < backgroundTimes.length; i++) expect(backgroundTimes[i]! - backgroundTimes[i - 1]!).toBeGreaterThanOrEqual(90);
    });
  });
});
