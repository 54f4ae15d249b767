import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, type ToolResult, textOf, upstreamRequests } from "./helpers";

beforeEach(resetAll);

describe("device tools (a WhatsGate 'device' is a Gupshup app)", () => {
  it("list_devices_status answers 'my numbers, their health, quality, tier and balance' in one call, reporting progress", async () => {
    const client = await connect();
    const progress: number[] = [];
    const result = (await client.callTool({ name: "list_devices_status", arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) })) as unknown as ToolResult & {
      structuredContent: { devices: { appId: string; state: string; quality: string | null; messagingTier: string | null; phone: string }[]; count: number };
    };
    expect(result.structuredContent.count).toBe(2);
    expect(result.structuredContent.devices).toEqual([
      expect.objectContaining({ appId: SEED_APP_IDS.store, state: "connected", quality: "GREEN", messagingTier: "TIER_1K", phone: "919000000001", balance: 42.5, currency: "USD" }),
      expect.objectContaining({ appId: SEED_APP_IDS.clinic, state: "connected", quality: null, messagingTier: null, balance: 7.25 }),
    ]);
    expect(textOf(result)).toContain(`- DemoStore (919000000001, app ${SEED_APP_IDS.store}): CONNECTED, quality GREEN, TIER_1K, balance 42.5 USD`);
    expect((await upstreamRequests(/\/wallet\/balance$/)).map((r) => r.path).sort()).toEqual(
      [`/partner/app/${SEED_APP_IDS.store}/wallet/balance`, `/partner/app/${SEED_APP_IDS.clinic}/wallet/balance`].sort(),
    );
    expect(progress.sort()).toEqual([1, 2]);
    const health = await upstreamRequests(/\/health$/);
    expect(health.map((r) => r.path).sort()).toEqual([`/partner/app/${SEED_APP_IDS.store}/health`, `/partner/app/${SEED_APP_IDS.clinic}/health`].sort());
  });

  it("list_devices_status still lists a number whose balance could not be read, saying what is missing", async () => {
    const client = await connect();
    await sandbox().failNext({ path: `/${SEED_APP_IDS.clinic}/wallet/balance$`, status: 500, times: 1 });
    const result = await callTool(client, "list_devices_status", {});
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent!.devices).toEqual([
      expect.objectContaining({ appId: SEED_APP_IDS.store, balance: 42.5 }),
      expect.objectContaining({
        appId: SEED_APP_IDS.clinic,
        state: "connected",
        balance: null,
        quality: null,
        messagingTier: null,
        // A quality or tier Gupshup did not give says so (the sandbox's clinic number has no ratings yet), as a failed part does.
        problems: [
          "quality: Gupshup's ratings answer has none for this number (Meta rates a number once it has messaged people)",
          "messaging tier: Gupshup's ratings answer has none for this number",
          expect.stringMatching(/^wallet: /),
        ],
      }),
    ]);
    expect(textOf(result)).toMatch(new RegExp(`app ${SEED_APP_IDS.clinic}\\): CONNECTED.* \\(not available: quality: .*; messaging tier: .*; wallet: `));
  });

  it("list_devices_status for one number (by name) adds today's spend: balance and today in one call", async () => {
    const client = await connect();
    const result = await callTool(client, "list_devices_status", { appId: "DemoStore", timeZone: "Asia/Kolkata" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ count: 1, devices: [{ appId: SEED_APP_IDS.store, balance: 42.5 }], today: { messages: expect.any(Number), fees: expect.any(Number) } });
    expect(textOf(result)).toMatch(/^DemoStore .*: CONNECTED.*, balance 42\.5 USD.*\. Today \(\d{4}-\d\d-\d\d\): \d+ messages, [\d.]+ USD spent\.$/);
    expect((await upstreamRequests(/\/usage/)).map((r) => r.path)).toEqual([`/partner/app/${SEED_APP_IDS.store}/usage`]);
  });

  it("get_device_status shows an app that Gupshup says is not healthy", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/health$", status: 400, body: '{"status":"error","message":"Waba id not found for the given App"}', times: 1 });
    const result = await callTool(client, "get_device_status", { appId: SEED_APP_IDS.store });
    expect(result.structuredContent).toMatchObject({ state: "unhealthy", healthy: false, healthDetail: "Waba id not found for the given App" });
  });

  it("get_device_status says how to find a valid app id", async () => {
    const client = await connect();
    const result = await callTool(client, "get_device_status", { appId: "00000000-0000-0000-0000-000000000000" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Run list_devices_status to see them/);
  });

  it("get_device_balance combines the wallet with today's usage", async () => {
    const client = await connect();
    const result = await callTool(client, "get_device_balance", { appId: SEED_APP_IDS.clinic });
    expect(result.isError, textOf(result)).toBeFalsy();
    const today = new Date().toISOString().slice(0, 10);
    expect(result.structuredContent).toMatchObject({ balance: 7.25, currency: "USD", today: { date: today } });
    const [usage] = await upstreamRequests(/\/usage$/);
    expect(usage!.query).toEqual({ from: today, to: today });
  });

  it("get_device_balance takes 'today' in the caller's time zone", async () => {
    const client = await connect();
    // Kiritimati is UTC+14: its today is tomorrow in UTC for most of the UTC day.
    const result = await callTool(client, "get_device_balance", { appId: SEED_APP_IDS.clinic, timeZone: "Pacific/Kiritimati" });
    expect(result.isError, textOf(result)).toBeFalsy();
    const kiritimatiToday = new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
    const [usage] = await upstreamRequests(/\/usage$/);
    expect(usage!.query).toEqual({ from: kiritimatiToday, to: kiritimatiToday });
  });
});
