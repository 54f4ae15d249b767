import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

beforeEach(resetAll);

describe("get_app_health", () => {
  it("combines health, ratings and wallet from three parallel calls", async () => {
    const client = await connect();
    const result = await callTool(client, "get_app_health", { appId: SEED_APP_IDS.store });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      health: { healthy: true },
      ratings: { qualityRating: "GREEN", messagingLimit: "TIER_1K", previousLimit: "TIER_250" },
      wallet: { balance: 42.5, currency: "USD" },
      errors: {},
    });
    const paths = (await upstreamRequests(/health|ratings|wallet/)).map((r) => r.path).sort();
    expect(paths).toEqual([`/partner/app/${SEED_APP_IDS.store}/health`, `/partner/app/${SEED_APP_IDS.store}/ratings`, `/partner/app/${SEED_APP_IDS.store}/wallet/balance`]);
  });

  it("caches ratings (once per 24 h) and shows their age", async () => {
    const client = await connect();
    await callTool(client, "get_app_health", { appId: SEED_APP_IDS.store });
    await new Promise((r) => setTimeout(r, 1100));
    const second = await callTool(client, "get_app_health", { appId: SEED_APP_IDS.store });
    expect((second.structuredContent!.ratings as { ageSeconds: number }).ageSeconds).toBeGreaterThanOrEqual(1);
    expect(await upstreamRequests(/ratings$/)).toHaveLength(1);
    expect(await upstreamRequests(/health$/)).toHaveLength(2);
  });

  it("shows the other parts when one part fails", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/wallet/balance$", status: 500, body: '{"status":"error","message":"Internal server error"}', times: 1 });
    const result = await callTool(client, "get_app_health", { appId: SEED_APP_IDS.clinic });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ health: { healthy: true }, wallet: null });
    expect((result.structuredContent!.errors as { wallet: string }).wallet).toMatch(/internal error \(HTTP 500\)/);
    expect(result.structuredContent!.ratings).toMatchObject({ qualityRating: null });
    expect(textOf(result)).toMatch(/Wallet: unavailable/);
  });

  it("an app Gupshup does not know is an error, not an unhealthy app (get_app_health and get_device_balance)", async () => {
    const client = await connect();
    for (const tool of ["get_app_health", "get_device_balance"]) {
      // An id is used as given (a name would be looked up in the app list, as test/http.test.ts shows).
      const result = await callTool(client, tool, { appId: "00000000-0000-4000-8000-000000000000" });
      expect(result.isError, tool).toBe(true);
      expect(textOf(result)).toBe(
        "App '00000000-0000-4000-8000-000000000000' is not one of your partner account's apps: it does not exist, or another partner owns it. Run list_apps to see the apps you can use.",
      );
    }
    // Found out from the partner's app list: no token call for an app that is not theirs.
    expect(await upstreamRequests(/\/token\/?$/)).toEqual([]);
  });

  it("is an error only when every part fails", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/(health|ratings|wallet/balance)$", status: 503, body: "Service Unavailable", times: 3 });
    const result = await callTool(client, "get_app_health", { appId: SEED_APP_IDS.store });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Could not get any part/);
  });
});
