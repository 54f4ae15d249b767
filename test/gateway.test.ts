import { beforeEach, describe, expect, it } from "vitest";
import { appObjectName } from "../src/gateway/names";
import { SANDBOX_DEMO_LOGIN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, deliberatelyRevealing, evictGateway, MCP_AUTH_TOKEN, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const sendArgs = (n: number) => ({
  appId,
  source: "919000000001",
  destination: `9198765${String(43210 + n)}`,
  srcName: "DemoStore",
  template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", params: ["Rahul", `ORD-${n}`] },
});

beforeEach(resetAll);

describe("app token", () => {
  it("is fetched once per app and serves many calls", async () => {
    const client = await connect();
    for (let i = 0; i < 4; i++) await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    await callTool(client, "get_app_health", { appId });
    const tokenCalls = await upstreamRequests(/\/token\/?$/);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.headers.authorization).toBe("sandbox-demo-partner-token");
  });

  it("survives the Durable Object being evicted: the token comes back from storage", async () => {
    const client = await connect();
    await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    await evictGateway(appObjectName(appId));
    const again = await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect(await upstreamRequests(/\/token\/?$/)).toHaveLength(1);
  });

  it("is refreshed once when Gupshup rejects it (401), and the call succeeds", async () => {
    const client = await connect();
    await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    await sandbox().rotateAppToken(appId);
    const result = await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(await upstreamRequests(/\/token\/?$/)).toHaveLength(2);
    const usage = await upstreamRequests(/\/usage$/);
    expect(usage.map((u) => u.status)).toEqual([200, 401, 200]);
  });

  it("is refreshed on a 400 'Authentication Failed' too (Gupshup's other way of saying it)", async () => {
    const client = await connect();
    await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    await sandbox().rotateAppToken(appId);
    const result = await callTool(client, "get_app_health", { appId });
    expect(result.structuredContent).toMatchObject({ health: { healthy: true } });
    const health = await upstreamRequests(/\/health$/);
    expect(health.map((h) => h.status)).toEqual([400, 200]);
    expect(await upstreamRequests(/\/token\/?$/)).toHaveLength(2);
  });

  it("get_app_token masks the token unless reveal is true", async () => {
    const client = await connect();
    const masked = await callTool(client, "get_app_token", { appId });
    expect(masked.structuredContent).toMatchObject({ masked: true, active: true });
    expect(masked.structuredContent!.token).toMatch(/^sk_sa…[0-9a-f]{4}$/);
    expect(textOf(masked)).not.toMatch(/sk_sandbox[0-9a-f]{8}/);
    const revealed = await deliberatelyRevealing(() => callTool(client, "get_app_token", { appId, reveal: true }));
    expect(revealed.structuredContent!.token).toMatch(/^sk_sandbox[0-9a-f]{24}$/);
  });
});

describe("partner token", () => {
  it("an expired static token gives an actionable message", async () => {
    const client = await connect();
    await sandbox().expirePartnerTokens();
    const result = await callTool(client, "list_apps");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/expire after 24 h.*GUPSHUP_PARTNER_TOKEN.*GUPSHUP_PARTNER_EMAIL/);
    expect(textOf(result)).not.toContain("sandbox-demo-partner-token");
  });

  it("with login credentials the server logs in, and logs in again when the token expires", async () => {
    const env = { GUPSHUP_PARTNER_EMAIL: SANDBOX_DEMO_LOGIN.email, GUPSHUP_PARTNER_SECRET: SANDBOX_DEMO_LOGIN.secret };
    const client = await connect({ env, headers: { Authorization: `Bearer ${MCP_AUTH_TOKEN}` } });
    expect((await callTool(client, "list_apps")).isError).toBeFalsy();
    const [login] = await upstreamRequests(/login$/);
    expect(login!.method).toBe("POST");
    expect(new URLSearchParams(login!.body).get("email")).toBe(SANDBOX_DEMO_LOGIN.email);

    await sandbox().expirePartnerTokens();
    const after = await callTool(client, "list_apps");
    expect(after.isError, textOf(after)).toBeFalsy();
    expect(await upstreamRequests(/login$/)).toHaveLength(2);
    expect((await upstreamRequests(/partnerApps$/)).map((r) => r.status)).toEqual([200, 401, 200]);
  });
});

describe("rate limits", () => {
  it("a burst of sends beyond 10/s is queued, not refused, and never causes an upstream 429", async () => {
    const client = await connect();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => callTool(client, "send_template_message", sendArgs(i))));
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const sends = await upstreamRequests(/template\/msg$/);
    expect(sends).toHaveLength(25);
    for (let i = 10; i < sends.length; i++) expect(sends[i]!.at - sends[i - 10]!.at).toBeGreaterThanOrEqual(1000);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("counts a call from Gupshup's answer, not our send: a slow request cannot make a later one look early", async () => {
    const client = await connect();
    await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" }); // token fetched
    await sandbox().failNext({ path: "/template/msg$", times: 1, delayMs: 400 }); // the first send reaches "Gupshup" 400 ms late
    const results = await Promise.all(Array.from({ length: 11 }, (_, i) => callTool(client, "send_template_message", sendArgs(i))));
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
    expect((await upstreamRequests(/template\/msg$/)).map((r) => r.status)).toEqual(Array(11).fill(200));
  });

  it("a slow Gupshup does not slow the rate: up to the limit, sends are in flight together, and the next goes once the first answers", async () => {
    const client = await connect();
    await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" }); // token fetched
    await sandbox().failNext({ path: "/template/msg$", times: 12, delayMs: 600 }); // every send takes 600 ms
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => callTool(client, "send_template_message", sendArgs(i))));
    expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
    const sends = await upstreamRequests(/template\/msg$/);
    expect(sends).toHaveLength(12);
    // One after another, the tenth would arrive at least 9 × 600 ms after the first; in flight
    // together, only the tool calls' own processing separates them.
    expect(sends[9]!.at - sends[0]!.at).toBeLessThan(3000);
    // The eleventh counts the first from its answer: a whole window after that.
    expect(sends[10]!.at - sends[0]!.at).toBeGreaterThanOrEqual(1600);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("a burst beyond the templates limit (10/min) is answered with the wait, without calling Gupshup", async () => {
    const client = await connect();
    const results = await Promise.all(Array.from({ length: 14 }, () => callTool(client, "list_templates", { appId, refresh: true })));
    const refused = results.filter((r) => r.isError);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(textOf(r)).toMatch(/Rate limited on \/partner\/app\/\{appId\}\/templates \(10 calls per 1 minute\).*Retry in \d+s/);
    expect(await upstreamRequests(/\/templates$/)).toHaveLength(10);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("keeps counting across an eviction: the sliding log is persisted", async () => {
    const client = await connect();
    for (let i = 0; i < 10; i++) await callTool(client, "list_templates", { appId, refresh: true });
    await evictGateway(appObjectName(appId));
    const result = await callTool(client, "list_templates", { appId, refresh: true });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Retry in/);
    expect(await upstreamRequests(/\/templates$/)).toHaveLength(10);
  });

  it("retries an upstream 429 after a backoff and succeeds", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/wallet/balance$", status: 429, body: '{"status":"error","message":"Too Many Requests"}', times: 1 });
    const result = await callTool(client, "get_app_health", { appId });
    expect(result.structuredContent).toMatchObject({ wallet: { balance: 42.5 } });
    const wallet = await upstreamRequests(/wallet\/balance$/);
    expect(wallet.map((w) => w.status)).toEqual([429, 200]);
    expect(wallet[1]!.at - wallet[0]!.at).toBeGreaterThanOrEqual(1000);
  });
});

describe("Gupshup failures", () => {
  it.each([
    ["a 500", 500, '{"status":"error","message":"Internal server error"}', /internal error \(HTTP 500\)/],
    ["a 502 with an HTML body", 502, "<html>Bad Gateway</html>", /internal error \(HTTP 502\)/],
    ["a non-JSON 200", 200, "this is not json", /could not be read: Gupshup's answer was not valid JSON/],
    ["a JSON 200 of the wrong shape", 200, '{"status":"success","apps":"nope"}', /did not have the expected shape/],
  ])("%s becomes a clear tool error", async (_label, status, body, message) => {
    const client = await connect();
    await sandbox().failNext({ path: "partnerApps$", status, body, times: 1 });
    const result = await callTool(client, "list_apps");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });
});
