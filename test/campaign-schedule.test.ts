import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { insideWindow, nextOpening, parseSendingHours } from "../src/campaigns/schedule";
import { appObjectName } from "../src/gateway/names";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, evictGateway, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";
const sends = () => upstreamRequests(/\/template\/msg$/);
const gateway = () => testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId)));

beforeEach(resetAll);

async function previewed(client: Awaited<ReturnType<typeof connect>>, count: number): Promise<string> {
  const recipients = Array.from({ length: count }, (_, i) => ({ destination: `+9198${String(30_000_000 + i).slice(-8)}`, params: [`C${i}`, `ORD-${i}`] }));
  return (await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients, name: "Festive" })).structuredContent?.campaignId as string;
}

/** The object's alarm once it is set later than `after` (the start's own wake-up has run by then). */
async function alarmAfter(after: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const alarm = await runInDurableObject(gateway(), (_, state) => state.storage.getAlarm());
    if (alarm !== null && alarm > after) return alarm;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no alarm was set");
}

/** The object's alarm, as Cloudflare would fire it at its time (tests do not wait for hours). */
const fireAlarm = async () => expect(await runDurableObjectAlarm(gateway())).toBe(true);

describe("scheduled campaigns", () => {
  it("starts at the time given in the customers' zone, keeps the schedule through an eviction, and can be paused or cancelled before", async () => {
    const client = await connect();
    const campaignId = await previewed(client, 3);
    const startAt = "2099-01-01T09:00";
    const far = await callTool(client, "start_campaign", { campaignId, confirm: true, startAt, timeZone: "Asia/Kolkata" });
    expect(textOf(far)).toMatch(/^startAt is more than 30 days ahead/);

    const inAnHour = new Date(Date.now() + 30 * 60_000); // sooner than the hourly prune, so the alarm is the start
    const local = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Kolkata", dateStyle: "short", timeStyle: "short" }).format(inAnHour).replace(" ", "T");
    const scheduled = await callTool(client, "start_campaign", { campaignId, confirm: true, startAt: local, timeZone: "Asia/Kolkata" });
    expect(scheduled.isError, textOf(scheduled)).toBeFalsy();
    expect(textOf(scheduled)).toMatch(/^Scheduled: the server starts it on its own/);
    expect(textOf(scheduled)).toContain(`Starts by itself at ${local.replace("T", " ")} Asia/Kolkata`);
    expect(scheduled.structuredContent).toMatchObject({ state: "scheduled", startAt: new Date(Math.floor(inAnHour.getTime() / 60_000) * 60_000).toISOString() });

    // The alarm waits for the start; an eviction loses nothing.
    const alarm = await alarmAfter(Date.now() + 1000);
    expect(Math.abs(alarm! - Math.floor(inAnHour.getTime() / 60_000) * 60_000)).toBeLessThan(1000);
    await evictGateway(appObjectName(appId));
    expect(((await callTool(client, "list_campaigns", { appId })).structuredContent as { campaigns: { state: string }[] }).campaigns[0]!.state).toBe("scheduled");
    expect(await sends()).toEqual([]);

    expect((await callTool(client, "pause_campaign", { campaignId })).structuredContent).toMatchObject({ state: "paused" });
    expect((await callTool(client, "resume_campaign", { campaignId })).structuredContent).toMatchObject({ state: "scheduled" });
    // When its time comes, it runs and sends to everyone once.
    await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec("UPDATE campaign SET start_at = ?", Date.now() - 1));
    await fireAlarm();
    for (let i = 0; i < 100 && (await callTool(client, "get_campaign", { campaignId })).structuredContent?.state !== "completed"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await sends()).toHaveLength(3);

    const other = await previewed(client, 2);
    await callTool(client, "start_campaign", { campaignId: other, confirm: true, startAt: local, timeZone: "Asia/Kolkata" });
    expect((await callTool(client, "cancel_campaign", { campaignId: other })).structuredContent).toMatchObject({ state: "cancelled" });
  });

  it("outside its sending hours a running campaign waits; once they open, the next alarm sends", async () => {
    const client = await connect();
    const campaignId = await previewed(client, 3);
    // Hours that have just closed in UTC: they open again in about 23 hours.
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    const hhmm = (m: number) => `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, "0")}:${String((m + 1440) % 60).padStart(2, "0")}`;
    const hours = `${hhmm(minute - 120)}-${hhmm(minute - 60)}`;
    const started = await callTool(client, "start_campaign", { campaignId, confirm: true, sendingHours: hours, timeZone: "UTC" });
    expect(started.structuredContent).toMatchObject({ state: "running", sendingHours: `${hours} UTC` });
    expect(textOf(started)).toContain(`Sends only ${hours} (UTC) and waits outside those hours.`);
    await alarmAfter(Date.now() + 1000);
    await fireAlarm();
    expect(await sends()).toEqual([]);
    expect((await callTool(client, "get_campaign", { campaignId })).structuredContent).toMatchObject({ state: "running", counts: { queued: 3 } });
    // The hours open (as if the day had come round): the next alarm sends.
    await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec("UPDATE campaign SET hours_from = 0, hours_to = 1440"));
    await fireAlarm();
    expect(await sends()).toHaveLength(3);

    expect(textOf(await callTool(client, "start_campaign", { campaignId: await previewed(client, 1), confirm: true, sendingHours: "9-5" }))).toMatch(/^sendingHours "9-5" is not two times of day/);
  });
});

describe("sending hours", () => {
  it("are read in the customers' zone, and may run past midnight", () => {
    const window = { timeZone: "Asia/Kolkata", ...parseSendingHours("09:00-20:00")! };
    expect(insideWindow(window, Date.UTC(2026, 11, 7, 4, 0))).toBe(true); // 09:30 in Kolkata
    expect(insideWindow(window, Date.UTC(2026, 11, 7, 15, 0))).toBe(false); // 20:30
    expect(new Date(nextOpening(window, Date.UTC(2026, 11, 7, 15, 0))).toISOString()).toBe("2026-12-08T03:30:00.000Z");
    const night = { timeZone: "UTC", ...parseSendingHours("20:00-06:00")! };
    expect(insideWindow(night, Date.UTC(2026, 11, 7, 23, 0))).toBe(true);
    expect(insideWindow(night, Date.UTC(2026, 11, 7, 12, 0))).toBe(false);
    expect(parseSendingHours("25:00-06:00")).toBeUndefined();
  });
});

describe("campaigns within the number's messaging tier", () => {
  const rated = (currentLimit: string, phoneQuality: string) =>
    sandbox().configureApp(appId, { ratings: { oldLimit: "TIER_50", currentLimit, event: "UPGRADE", eventTime: Date.now() - 86_400_000, phoneQuality } });
  const preview = async (client: Awaited<ReturnType<typeof connect>>, count: number) => {
    const recipients = Array.from({ length: count }, (_, i) => ({ destination: `+9198${String(40_000_000 + i).slice(-8)}`, params: [`C${i}`, `ORD-${i}`] }));
    return callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients, name: "Big" });
  };

  it("a list larger than the tier leaves today goes over several days: the preview says which day each part goes, and the runner stops at the day's share", { timeout: 60_000 }, async () => {
    await rated("TIER_50", "GREEN");
    const client = await connect();
    const previewed = await preview(client, 120);
    expect(textOf(previewed)).toContain("Messaging tier TIER_50 (quality GREEN): 50 new people a day, so it goes over 3 days — today 50, day 2 50, day 3 20. It waits between parts by itself.");
    const campaignId = previewed.structuredContent?.campaignId as string;
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    for (let i = 0; i < 200 && (await sends()).length < 50; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    expect(await sends()).toHaveLength(50);
    expect((await callTool(client, "get_campaign", { campaignId })).structuredContent).toMatchObject({ state: "running", counts: { submitted: 50, queued: 70 } });
    // It wakes on the hour to see whether the day's share has room again.
    const alarm = await alarmAfter(Date.now() + 1000);
    expect(alarm).toBeLessThanOrEqual(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 1000);
  });

  // Gupshup's ratings are read once a day (its own rule), so each case is its own test.
  it("is refused when the number's quality is RED, before anything is stored", async () => {
    const client = await connect();
    await rated("TIER_50", "RED");
    expect(textOf(await preview(client, 10))).toMatch(/^Not planned: the number's quality is RED/);
    expect(((await callTool(client, "list_campaigns", { appId })).structuredContent as { campaigns: unknown[] }).campaigns).toEqual([]);
  });

  it("is refused when the tier would stretch it past 14 days, with the way up", async () => {
    const client = await connect();
    await rated("TIER_50", "GREEN");
    expect(textOf(await preview(client, 1_000))).toMatch(/^Not planned: at TIER_50 the number may reach 50 new people a day, so 1000 recipients would take more than 14 days\. .*grow the tier first/);
    expect(((await callTool(client, "list_campaigns", { appId })).structuredContent as { campaigns: unknown[] }).campaigns).toEqual([]);
  });

  /** A running campaign whose number's rating changes mid-way (seen after an eviction, with the day's cached rating gone). */
  async function ratingChangesMidway(currentLimit: string, phoneQuality: string) {
    await rated("TIER_1K", "GREEN");
    const client = await connect();
    const campaignId = (await preview(client, 30)).structuredContent?.campaignId as string;
    await sandbox().failNext({ path: "/template/msg$", times: 30, delayMs: 300 });
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    for (let i = 0; i < 100 && (await sends()).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    await rated(currentLimit, phoneQuality);
    await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec("DELETE FROM cached_answer WHERE key LIKE 'ratings:%'"));
    await evictGateway(appObjectName(appId));
    await fireAlarm();
    let report = await callTool(client, "get_campaign", { campaignId });
    for (let i = 0; i < 100 && report.structuredContent?.state !== "paused"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      report = await callTool(client, "get_campaign", { campaignId });
    }
    for (let i = 0; i < 100 && (report.structuredContent as { counts: { sending: number } }).counts.sending > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      report = await callTool(client, "get_campaign", { campaignId });
    }
    return { client, campaignId, report };
  }

  it("a quality drop to RED mid-campaign pauses it with the reason", { timeout: 60_000 }, async () => {
    const { report } = await ratingChangesMidway("TIER_1K", "RED");
    expect(report.structuredContent).toMatchObject({ state: "paused", reason: expect.stringMatching(/^Paused: the number's quality dropped to RED/) });
    expect((report.structuredContent as { counts: { queued: number } }).counts.queued).toBeGreaterThan(0);
  });

  it("a lower tier mid-campaign pauses it; resumed, it sends at the new tier's pace", { timeout: 60_000 }, async () => {
    const { client, campaignId, report } = await ratingChangesMidway("TIER_250", "GREEN");
    expect(report.structuredContent).toMatchObject({
      state: "paused",
      reason: "Paused: the number's messaging tier fell from TIER_1K to TIER_250 (250 new people a day). control_campaign with action resume continues at the new pace.",
    });
    const stored = await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec<{ tier: string; daily_limit: number }>("SELECT tier, daily_limit FROM campaign").one());
    expect(stored).toEqual({ tier: "TIER_250", daily_limit: 250 });
    expect((await callTool(client, "resume_campaign", { campaignId })).structuredContent).toMatchObject({ state: "running" });
    // Stopped again, and its sends in flight settled, before the test ends.
    await callTool(client, "cancel_campaign", { campaignId });
    for (let i = 0; i < 100 && ((await callTool(client, "get_campaign", { campaignId })).structuredContent as { counts: { sending: number } }).counts.sending > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
  });

  it("a crash on day 2 of a three-day plan loses no one and sends no one twice", { timeout: 90_000 }, async () => {
    await rated("TIER_50", "GREEN");
    const client = await connect();
    const campaignId = (await preview(client, 120)).structuredContent?.campaignId as string;
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    const sentCount = async (n: number) => {
      for (let i = 0; i < 400 && (await sends()).length < n; i++) await new Promise((r) => setTimeout(r, 50));
      return (await sends()).length;
    };
    /** As if a day had passed: the sends the tier counts move 25 hours back, and the alarm fires. */
    const nextDay = async () => {
      await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec("UPDATE inbox_sent SET at = at - 25 * 3600000"));
      await fireAlarm();
    };
    expect(await sentCount(50)).toBe(50);
    await nextDay();
    await sentCount(70);
    await evictGateway(appObjectName(appId)); // the crash, mid-way through day 2
    await fireAlarm();
    await sentCount(100);
    await new Promise((r) => setTimeout(r, 300));
    expect((await sends()).length).toBe(100); // day 2's share, not more
    await nextDay();
    await sentCount(120);
    for (let i = 0; i < 100 && (await callTool(client, "get_campaign", { campaignId })).structuredContent?.state !== "completed"; i++) await new Promise((r) => setTimeout(r, 50));
    const report = (await callTool(client, "get_campaign", { campaignId })).structuredContent as { state: string; counts: { submitted: number; unknown: number } };
    const destinations = (await sends()).map((r) => new URLSearchParams(r.body).get("destination"));
    expect(new Set(destinations).size).toBe(destinations.length);
    expect(report.state).toBe("completed");
    // Every recipient sent once, or (a send cut off by the crash) reported unknown — never twice, none lost.
    expect(report.counts.submitted + report.counts.unknown).toBe(120);
    expect(destinations.length).toBeLessThanOrEqual(120);
    expect(destinations.length).toBeGreaterThanOrEqual(report.counts.submitted);
  });
});
