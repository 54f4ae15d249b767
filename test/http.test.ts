import { beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_OTHER_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, callWorker, connect, MCP_AUTH_TOKEN, operatorEnv, resetAll, textOf, upstreamRequests } from "./helpers";

const initialize = (headers: Record<string, string> = {}) =>
  new Request("http://localhost/mcp", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
  });

/** No server credentials, no MCP_AUTH_TOKEN: clients bring their own partner token. */
const passThroughEnv = { MCP_AUTH_TOKEN: "", GUPSHUP_PARTNER_TOKEN: "" };

beforeEach(resetAll);

describe("operator mode", () => {
  it("refuses every /mcp request when credentials are set but MCP_AUTH_TOKEN is not", async () => {
    const res = await callWorker(initialize({ Authorization: "Bearer anything" }), { ...operatorEnv, MCP_AUTH_TOKEN: "" });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("server_misconfigured");
    expect(body.message).toMatch(/MCP_AUTH_TOKEN/);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("refuses an MCP_AUTH_TOKEN shorter than 32 characters, saying how to make one, even to a client that knows it", async () => {
    const short = "replace-with-a-long-random";
    const res = await callWorker(initialize({ Authorization: `Bearer ${short}` }), { ...operatorEnv, MCP_AUTH_TOKEN: short });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toBe(
      "MCP_AUTH_TOKEN is 26 characters long; it must be at least 32, so that it cannot be guessed. Generate one with `openssl rand -hex 32` and set it again (wrangler secret put MCP_AUTH_TOKEN, or .dev.vars locally).",
    );
    const page = await callWorker(new Request("http://localhost/", { headers: { Accept: "text/html" } }), { ...operatorEnv, MCP_AUTH_TOKEN: short });
    expect(await page.text()).toContain("openssl rand -hex 32");
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("refuses /mcp with what to fix when GUPSHUP_DEFAULT_COUNTRY_CODE is not a calling code", async () => {
    const res = await callWorker(initialize({ Authorization: `Bearer ${MCP_AUTH_TOKEN}` }), { ...operatorEnv, GUPSHUP_DEFAULT_COUNTRY_CODE: "India" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toBe("GUPSHUP_DEFAULT_COUNTRY_CODE must be a country calling code, such as 91 (India) or 1 (US).");
  });

  it("answers a missing bearer with 401 and a challenge that leads to OAuth sign-in", async () => {
    const res = await callWorker(initialize(), operatorEnv);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="OAuth", resource_metadata="http://localhost/.well-known/oauth-protected-resource/mcp", scope="read send manage"');
    expect(((await res.json()) as { message: string }).message).toMatch(/Authorization: Bearer/);
  });

  it("answers a wrong bearer with 401 invalid_token, without echoing it", async () => {
    const res = await callWorker(initialize({ Authorization: "Bearer not-the-token" }), operatorEnv);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="gupshup-mcp", error="invalid_token"/);
    expect(await res.text()).not.toContain("not-the-token");
  });

  it("answers a malformed Authorization header with 400 invalid_request", async () => {
    const res = await callWorker(initialize({ Authorization: "Basic dXNlcjpwYXNz" }), operatorEnv);
    expect(res.status).toBe(400);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/error="invalid_request"/);
  });

  it("accepts the right bearer", async () => {
    const res = await callWorker(initialize({ Authorization: `Bearer ${MCP_AUTH_TOKEN}` }), operatorEnv);
    expect(res.status).toBe(200);
  });

  it("uses X-Gupshup-App-Id as the default app", async () => {
    const client = await connect({ headers: { Authorization: `Bearer ${MCP_AUTH_TOKEN}`, "X-Gupshup-App-Id": SEED_APP_IDS.clinic } });
    const result = await callTool(client, "list_templates");
    expect(result.structuredContent!.appId).toBe(SEED_APP_IDS.clinic);
  });

  it("without appId or a default: the account's only app is used, and with several the error lists them", async () => {
    const client = await connect();
    const result = await callTool(client, "list_templates");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `This account has 2 apps and none is the default, so say which one: pass appId as its name, number or id. The apps are: DemoStore (+919000000001, id ${SEED_APP_IDS.store}); DemoClinic (+919000000002, id ${SEED_APP_IDS.clinic}).`,
    );
    expect((await upstreamRequests()).map((r) => r.path)).toEqual(["/partner/account/api/partnerApps"]);

    const alone = await connect({ env: passThroughEnv, headers: { Authorization: `Bearer ${SANDBOX_OTHER_PARTNER_TOKEN}` } });
    const only = await callTool(alone, "list_templates");
    expect(only.isError, textOf(only)).toBeFalsy();
    expect(only.structuredContent!.appId).toBe(SEED_APP_IDS.other);
    // Finding the only app does not cost each call a read of the app list (it is kept an hour).
    const lists = async () => (await upstreamRequests(/partnerApps$/)).filter((r) => r.headers.authorization === SANDBOX_OTHER_PARTNER_TOKEN).length;
    const before = await lists();
    await callTool(alone, "list_templates");
    expect(await lists()).toBe(before);
  });

  it("takes an app's name or phone number wherever an appId is asked, and says which apps there are when none matches", async () => {
    const client = await connect();
    for (const name of ["DemoClinic", " democlinic ", "+91 90000 00002", "919000000002"]) {
      const result = await callTool(client, "list_templates", { appId: name });
      expect(result.structuredContent?.appId, `${name}: ${textOf(result)}`).toBe(SEED_APP_IDS.clinic);
    }
    expect(textOf(await callTool(client, "list_templates", { appId: "  " }))).toBe(
      "list_templates was not run: appId must not be empty: give an app's id, name or phone number, or leave it out. Correct it and call again.",
    );
    const wrong = await callTool(client, "list_templates", { appId: "Demo Shop" });
    expect(textOf(wrong)).toBe(
      `No app named or numbered 'Demo Shop'. The apps are: DemoStore (+919000000001, id ${SEED_APP_IDS.store}); DemoClinic (+919000000002, id ${SEED_APP_IDS.clinic}). Pass one of their names, numbers or ids as appId.`,
    );
    // Another partner's app by name is not found: names resolve among this account's apps only.
    expect(textOf(await callTool(client, "list_templates", { appId: "OtherPartnerApp" }))).toMatch(/^No app named or numbered 'OtherPartnerApp'/);
    // The account's app list is kept an hour: naming an app again asks Gupshup nothing more.
    const lists = (await upstreamRequests(/partnerApps$/)).length;
    await callTool(client, "list_templates", { appId: "DemoClinic" });
    expect(await upstreamRequests(/partnerApps$/)).toHaveLength(lists);
  });
});

describe("pass-through mode", () => {
  it("uses the caller's bearer as the partner token", async () => {
    const client = await connect({ env: passThroughEnv, headers: { Authorization: `Bearer ${SANDBOX_OTHER_PARTNER_TOKEN}` } });
    const result = await callTool(client, "list_apps");
    expect((result.structuredContent as { apps: { appId: string }[] }).apps.map((a) => a.appId)).toEqual([SEED_APP_IDS.other]);
    const [call] = await upstreamRequests(/partnerApps$/);
    expect(call!.headers.authorization).toBe(SANDBOX_OTHER_PARTNER_TOKEN);
  });

  it("never serves one partner's cached token or templates to another partner", async () => {
    const owner = await connect({ env: passThroughEnv, headers: { Authorization: "Bearer sandbox-demo-partner-token" } });
    const owned = await callTool(owner, "list_templates", { appId: SEED_APP_IDS.store });
    expect(owned.isError, textOf(owned)).toBeFalsy(); // token and template list now cached

    const stranger = await connect({ env: passThroughEnv, headers: { Authorization: `Bearer ${SANDBOX_OTHER_PARTNER_TOKEN}` } });
    const stolen = await callTool(stranger, "list_templates", { appId: SEED_APP_IDS.store });
    expect(stolen.isError).toBe(true);
    expect(textOf(stolen)).toMatch(/is not one of your partner account's apps/);
    expect(JSON.stringify(stolen)).not.toContain("order_update");
    const usage = await callTool(stranger, "get_usage_summary", { appId: SEED_APP_IDS.store, from: "2026-03-01", to: "2026-03-01" });
    expect(usage.isError).toBe(true);
    expect(await upstreamRequests(/\/usage$/)).toHaveLength(0);

    // The stranger's app list does not have the app: no token call, and the refusal is remembered.
    const tokenCalls = await upstreamRequests(/\/token\/?$/);
    expect(tokenCalls.map((c) => [c.headers.authorization, c.status])).toEqual([["sandbox-demo-partner-token", 200]]);
    expect((await upstreamRequests(/partnerApps$/)).filter((c) => c.headers.authorization === SANDBOX_OTHER_PARTNER_TOKEN)).toHaveLength(1);
  });

  it("behind MCP_AUTH_TOKEN, takes the partner token from X-Gupshup-Partner-Token", async () => {
    const env = { GUPSHUP_PARTNER_TOKEN: "", GUPSHUP_BASE_URL: "sandbox" };
    const client = await connect({ env, headers: { Authorization: `Bearer ${MCP_AUTH_TOKEN}`, "X-Gupshup-Partner-Token": SANDBOX_OTHER_PARTNER_TOKEN } });
    const result = await callTool(client, "list_apps");
    expect((result.structuredContent as { apps: { appId: string }[] }).apps.map((a) => a.appId)).toEqual([SEED_APP_IDS.other]);
    const refused = await callWorker(initialize({ Authorization: `Bearer ${SANDBOX_OTHER_PARTNER_TOKEN}` }), env);
    expect(refused.status).toBe(401);
  });

  it("requires the caller's partner token when the upstream is the real Gupshup", async () => {
    const res = await callWorker(initialize(), { ...passThroughEnv, GUPSHUP_BASE_URL: "https://partner.gupshup.io" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/partner token as 'Authorization: Bearer/);
  });
});

describe("sandbox demo mode", () => {
  it("works without any credentials on loopback", async () => {
    const client = await connect({ env: passThroughEnv, headers: {} });
    const result = await callTool(client, "list_apps");
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((result.structuredContent as { count: number }).count).toBe(2);
  });

  it("is refused on a public hostname", async () => {
    const request = new Request("https://gupshup-mcp.example.workers.dev/mcp", initialize());
    const res = await callWorker(request, passThroughEnv);
    expect(res.status).toBe(401);
  });
});

describe("browser safety", () => {
  it("answers CORS preflight without auth", async () => {
    const res = await callWorker(
      new Request("http://localhost/mcp", {
        method: "OPTIONS",
        headers: { Origin: "http://localhost:6274", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" },
      }),
      operatorEnv,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
    expect(res.headers.get("Access-Control-Allow-Methods")).toMatch(/POST/);
  });

  it("refuses a foreign Origin (DNS rebinding) with 403 before auth", async () => {
    const res = await callWorker(initialize({ Origin: "https://evil.example.com", Authorization: `Bearer ${MCP_AUTH_TOKEN}` }), operatorEnv);
    expect(res.status).toBe(403);
  });

  it("refuses a loopback URL reached with a foreign Host header", async () => {
    const request = new Request("http://localhost/mcp", initialize());
    request.headers.set("host", "evil.example.com:8787");
    const res = await callWorker(new Request("http://localhost/mcp", { method: "POST", headers: request.headers, body: await request.text() }), operatorEnv);
    expect(res.status).toBe(403);
  });
});

describe("other routes", () => {
  it("unknown paths get a JSON 404", async () => {
    const res = await callWorker(new Request("http://localhost/nope"));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/\/mcp/);
  });
});
