import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

beforeEach(resetAll);

describe("list_apps", () => {
  it("lists the partner's apps with the partner token in the Authorization header", async () => {
    const client = await connect();
    const result = await callTool(client, "list_apps");
    expect(result.isError).toBeFalsy();
    const apps = (result.structuredContent as { apps: { appId: string; name: string }[] }).apps;
    expect(apps.map((a) => a.appId)).toEqual([SEED_APP_IDS.store, SEED_APP_IDS.clinic]);
    expect(textOf(result)).toContain("DemoStore");

    const calls = await upstreamRequests(/partnerApps/);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe("GET");
    expect(calls[0]!.headers.authorization).toBe("sandbox-demo-partner-token");
  });
});

describe("get_usage_summary", () => {
  it("returns days and totals, with dates passed as query parameters", async () => {
    const client = await connect();
    const result = await callTool(client, "get_usage_summary", { appId: SEED_APP_IDS.store, from: "2026-03-01", to: "2026-03-03" });
    expect(result.isError).toBeFalsy();
    const usage = result.structuredContent as { days: { date: string; totalMessages: number }[]; totals: { totalMessages: number } };
    expect(usage.days.map((d) => d.date)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
    expect(usage.totals.totalMessages).toBe(usage.days.reduce((s, d) => s + d.totalMessages, 0));
    const calls = await upstreamRequests(/\/usage$/);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query).toEqual({ from: "2026-03-01", to: "2026-03-03" });
    expect(calls[0]!.headers.authorization).toMatch(/^sk_sandbox/);
  });

  it("takes the same time input as every tool: a date-time or Unix seconds becomes its day in timeZone; no dates means the last 7 days", async () => {
    const client = await connect();
    const march1IST = Date.parse("2026-02-28T20:00:00Z") / 1000; // 01:30 on 1 March in Kolkata
    await callTool(client, "get_usage_summary", { appId: SEED_APP_IDS.store, from: march1IST, to: "2026-03-02T23:00:00Z", timeZone: "Asia/Kolkata" });
    await callTool(client, "get_usage_summary", { appId: SEED_APP_IDS.store });
    const [zoned, recent] = await upstreamRequests(/\/usage$/);
    expect(zoned!.query).toEqual({ from: "2026-03-01", to: "2026-03-03" });
    const today = new Date().toISOString().slice(0, 10);
    expect(recent!.query).toEqual({ from: new Date(Date.parse(today) - 6 * 86_400_000).toISOString().slice(0, 10), to: today });
  });

  it("an unknown time zone with a date gets the zone's error, not a crash", async () => {
    const client = await connect();
    const result = await callTool(client, "get_usage_summary", { appId: SEED_APP_IDS.store, from: "2026-03-01", timeZone: "India/Mumbai" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("get_usage_summary was not run: timeZone must be an IANA time zone such as Asia/Kolkata, America/Sao_Paulo or UTC. Correct it and call again.");
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("rejects from after to before any upstream call", async () => {
    const client = await connect();
    const result = await callTool(client, "get_usage_summary", { appId: SEED_APP_IDS.store, from: "2026-03-05", to: "2026-03-01" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/from.*must not be after.*to/);
    expect(await upstreamRequests()).toHaveLength(0);
  });
});

describe("get_usage_summary as the report for a period", () => {
  const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";
  const appId = SEED_APP_IDS.store;
  /** Today's date and this week's Monday in a zone, worked out here independently of the server. */
  const week = (timeZone: string) => {
    const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    return { today, monday: new Date(Date.parse(`${today}T00:00:00Z`) - weekday * 86_400_000).toISOString().slice(0, 10) };
  };

  it('"this week" in a time zone: Gupshup\'s counts and fees, delivery from the inbox, replies, opt-outs, each template and the campaigns, in one call', { timeout: 30_000 }, async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    for (const destination of ["919811100001", "919800000000"]) {
      await callTool(client, "send_template_message", { appId, destination, template: { id: ORDER_UPDATE, params: ["Asha", "ORD-1"] } });
    }
    const campaignId = (await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients: [{ destination: "+919811100005", params: ["Ravi", "ORD-5"] }], name: "Week promo" }))
      .structuredContent!.campaignId as string;
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    for (let i = 0; i < 100 && (await callTool(client, "get_campaign", { campaignId })).structuredContent?.state !== "completed"; i++) await new Promise((r) => setTimeout(r, 50));
    await sandbox().simulateInbound(appId, "919811100001", "Thanks!", "Asha");
    await sandbox().simulateInbound(appId, "919811100007", "STOP", "Meera");
    await sandbox().deliverCallbacks();
    await sandbox().clearRequests();

    const { today, monday } = week("Asia/Kolkata");
    const result = await callTool(client, "get_usage_summary", { appId, period: "this week", timeZone: "Asia/Kolkata" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      from: monday,
      to: today,
      report: {
        delivery: {
          tracked: true,
          sent: 3,
          delivered: 2,
          read: 2,
          failed: 1,
          deliveredRate: 66.7,
          readRate: 100,
          topFailures: [{ code: "1002", count: 1, whatToDo: expect.stringMatching(/not on WhatsApp/) }],
        },
        replies: { messages: 2, customers: 2 },
        optOuts: 1,
        templates: [{ template: "order_update", templateId: ORDER_UPDATE, category: "UTILITY", sent: 3, delivered: 2, read: 2, failed: 1 }],
        campaigns: [{ campaignId, name: "Week promo", state: "completed", sent: 1 }],
      },
    });
    const text = textOf(result).split("\n");
    expect(text[0]).toMatch(
      new RegExp(
        `^${monday} → ${today} \\(this week, Asia/Kolkata\\): \\d+ messages over \\d+ day\\(s\\), fees [\\d.]+ USD\\. Gupshup counted \\d+ sent and \\d+ received; by category marketing \\d+, utility \\d+`,
      ),
    );
    expect(text).toContain("Customers wrote 2 message(s), from 2 number(s); 1 opted out.");
    expect(text).toContain('Campaigns: "Week promo" completed, 1 sent in all.');
    // One Gupshup call for the counts (the period's days), the rest from this server's own records and the cached template list.
    expect((await upstreamRequests()).map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`)).toEqual([`GET /partner/app/${appId}/usage?from=${monday}&to=${today}`]);
  });

  it("with tracking started mid-period, delivery counts only what was sent since (a message sent before can never show as delivered)", async () => {
    const client = await connect();
    await callTool(client, "send_template_message", { appId, destination: "919811100001", template: { id: ORDER_UPDATE, params: ["Asha", "ORD-1"] } });
    await callTool(client, "configure_webhook", { appId });
    await callTool(client, "send_template_message", { appId, destination: "919811100002", template: { id: ORDER_UPDATE, params: ["Ravi", "ORD-2"] } });
    await sandbox().deliverCallbacks();
    const result = await callTool(client, "get_usage_summary", { appId, period: "today" });
    expect(result.structuredContent).toMatchObject({ report: { delivery: { tracked: true, sent: 1, delivered: 1, deliveredRate: 100, covers: { complete: false } } } });
    expect(textOf(result)).toMatch(
      /Delivery of the 1 message\(s\) sent through this server: 1 delivered \(100%\), 1 read \(100% of delivered\), 0 failed\. Covers only .*: delivery tracking started .*: nothing before that is known\./,
    );
  });

  it("without tracking the report says what it cannot know; from/to given with a period are said to be ignored", async () => {
    const client = await connect();
    const result = await callTool(client, "get_usage_summary", { appId, period: "last_month", from: "2026-01-01" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ report: { delivery: { tracked: false, sent: 0, covers: null }, campaigns: [] } });
    expect(textOf(result)).toMatch(/^\d{4}-\d\d-01 → \d{4}-\d\d-\d\d \(last month\) \(last_month was used; from and to were ignored\): /);
    expect(textOf(result)).toContain("Delivery: not tracked for this app, so delivered, read, failed and replies are not known here (configure_webhook starts it).");
    const bad = await callTool(client, "get_usage_summary", { appId, period: "fortnight" });
    expect(textOf(bad)).toMatch(/^get_usage_summary was not run: period: must be one of today, yesterday, this_week/);
  });
});
