import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, textOf, upstreamRequests } from "./helpers";

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
