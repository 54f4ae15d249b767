import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { WEBHOOK_SECRET_HEADER } from "../src/constants";
import { appObjectName } from "../src/gateway/names";
import type { GupshupSandbox } from "../src/sandbox/sandbox";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import type { SandboxSubscription } from "../src/sandbox/state";
import { afterRateWindows, callTool, callWorker, connect, deliveryEvent, operatorEnv, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const route = `http://localhost/webhooks/gupshup/${appId}`;

const hook = (method: string, headers: Record<string, string> = {}, body?: string) => callWorker(new Request(route, { method, headers: { "Content-Type": "application/json", ...headers }, body }));

/** The subscriptions "Gupshup" holds for the app, and the secret each sends back. */
async function gupshupHolds(): Promise<{ id: string; tag: string; secret: string }[]> {
  const subscriptions = await runInDurableObject(sandbox(), (instance: GupshupSandbox) => structuredClone(instance.state.apps[appId]!.subscriptions) as SandboxSubscription[]);
  return subscriptions.map((s) => ({ id: s.id, tag: s.tag, secret: (JSON.parse(s.meta) as { headers: Record<string, string> }).headers[WEBHOOK_SECRET_HEADER]! }));
}

/** Whether the server accepts (200) a callback carrying `secret`, or refuses it (401). */
async function accepts(secret: string): Promise<boolean> {
  const status = (await hook("POST", { [WEBHOOK_SECRET_HEADER]: secret }, "{}")).status;
  expect([200, 401]).toContain(status);
  return status === 200;
}

const subscriptionCalls = async () => (await upstreamRequests(/\/subscription(\/\d+)?$/)).map((r) => `${r.method} ${r.path.replace(/^.*\/subscription/, "/subscription").replace(/\d+$/, ":id")}`);

beforeEach(resetAll);

describe("/webhooks/gupshup/:appId answers Gupshup's URL check", () => {
  it("answers GET and HEAD with 200 and an empty body", async () => {
    for (const method of ["GET", "HEAD"]) {
      const response = await hook(method);
      expect(response.status, method).toBe(200);
      expect(await response.text(), method).toBe("");
    }
  });

  it("answers a POST without the secret header with 200 and an empty body, and stores nothing", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const response = await hook("POST", {}, deliveryEvent("m-check"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(textOf(await callTool(client, "get_message_status", { appId, messageId: "m-check" }))).toMatch(/No message m-check in app/);
  });

  it("refuses a POST with a wrong secret (401) and stores nothing", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    expect((await hook("POST", { [WEBHOOK_SECRET_HEADER]: "0".repeat(64) }, deliveryEvent("m-wrong"))).status).toBe(401);
    expect((await hook("POST", { [WEBHOOK_SECRET_HEADER]: "" }, deliveryEvent("m-wrong"))).status).toBe(401);
    expect(textOf(await callTool(client, "get_message_status", { appId, messageId: "m-wrong" }))).toMatch(/No message m-wrong in app/);
  });

  it("answers a stored event with 200 and an empty body; a body that is no event is acknowledged and not stored", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const { secret } = (await gupshupHolds())[0]!;
    const stored = await hook("POST", { [WEBHOOK_SECRET_HEADER]: secret }, deliveryEvent("m-ok"));
    expect(stored.status).toBe(200);
    expect(await stored.text()).toBe("");
    expect((await callTool(client, "get_message_status", { appId, messageId: "m-ok" })).structuredContent).toMatchObject({ status: "enqueued" });
    for (const body of ["", "not json", "[]"]) expect((await hook("POST", { [WEBHOOK_SECRET_HEADER]: secret }, body)).status, body).toBe(200);
    expect((await hook("POST", { [WEBHOOK_SECRET_HEADER]: secret }, "x".repeat(300 * 1024))).status).toBe(413);
  });
});

describe("configure_webhook", () => {
  it("creates the subscription with the URL, modes and a per-app secret, checked by Gupshup and confirmed by reading it back", async () => {
    const client = await connect();
    const result = await callTool(client, "configure_webhook", { appId });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ action: "created", secretStatus: "confirmed", templateEvents: true, url: route, format: "gupshup", notes: [] });
    expect(textOf(result)).toMatch(/Events are recorded from now on/);
    expect(await subscriptionCalls()).toEqual(["GET /subscription", "POST /subscription", "GET /subscription"]);
    const create = new URLSearchParams((await upstreamRequests(/\/subscription$/)).find((r) => r.method === "POST")!.body);
    expect(Object.fromEntries(create)).toMatchObject({ tag: "gupshup-mcp-inbox", url: route, version: "2", modes: "ENQUEUED,FAILED,SENT,DELIVERED,READ,MESSAGE,TEMPLATE" });
    const [held] = await gupshupHolds();
    expect(held!.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(result)).not.toContain(held!.secret);
    expect(await accepts(held!.secret)).toBe(true);
  });

  it.each(["https://attacker.example", "http://169.254.169.254", "https://mcp.example.com.attacker.example"])(
    "refuses to send callbacks (customers' numbers and messages, the webhook secret) to %s, which is not this server — before any Gupshup call",
    async (webhookBaseUrl) => {
      const client = await connect({ env: { ...operatorEnv, WEBHOOK_ALLOWED_ORIGINS: "https://mcp.example.com" } });
      const result = await callTool(client, "configure_webhook", { appId, webhookBaseUrl });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(`${new URL(webhookBaseUrl).origin} is not this server: callbacks carry customers' numbers and messages and the webhook secret`);
      expect(textOf(result)).toContain("(http://localhost, https://mcp.example.com)");
      expect(await upstreamRequests(/\/subscription/)).toHaveLength(0);
    },
  );

  it("registers callbacks at PUBLIC_URL when it is set, not at the address the request came in on", async () => {
    const client = await connect({ env: { ...operatorEnv, PUBLIC_URL: "https://gupshup-mcp.example.workers.dev" } });
    const result = await callTool(client, "configure_webhook", { appId });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent!.url).toBe(`https://gupshup-mcp.example.workers.dev/webhooks/gupshup/${appId}`);
  });

  it("run again, updates the same subscription with the documented PUT fields only, keeping the secret", async () => {
    const client = await connect({ env: { ...operatorEnv, WEBHOOK_ALLOWED_ORIGINS: "https://mcp.example.com" } });
    await callTool(client, "configure_webhook", { appId });
    const [before] = await gupshupHolds();
    await afterRateWindows(appId);
    const again = await callTool(client, "configure_webhook", { appId, webhookBaseUrl: "https://mcp.example.com" });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect(again.structuredContent).toMatchObject({ action: "updated", subscriptionId: before!.id, secretStatus: "confirmed", url: `https://mcp.example.com/webhooks/gupshup/${appId}` });
    const put = (await upstreamRequests(/\/subscription\/\d+$/)).find((r) => r.method === "PUT")!;
    expect([...new URLSearchParams(put.body).keys()].sort()).toEqual(["active", "modes", "tag", "url", "version"]);
    expect(await gupshupHolds()).toEqual([before]);
    expect(await accepts(before!.secret)).toBe(true);
  });

  it("rotating creates a subscription with the new secret, removes the old one once Gupshup shows the new one, and then refuses the old secret", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const [old] = await gupshupHolds();
    await afterRateWindows(appId);
    await sandbox().clearRequests();
    const rotated = await callTool(client, "configure_webhook", { appId, rotateSecret: true });
    expect(rotated.isError, textOf(rotated)).toBeFalsy();
    expect(rotated.structuredContent).toMatchObject({ action: "replaced", secretStatus: "confirmed", notes: [] });
    expect(await subscriptionCalls()).toEqual(["GET /subscription", "POST /subscription", "GET /subscription", "DELETE /subscription/:id"]);
    const held = await gupshupHolds();
    expect(held).toHaveLength(1);
    expect(held[0]!.tag).toMatch(/^gupshup-mcp-inbox-/);
    expect(held[0]!.secret).not.toBe(old!.secret);
    expect(await accepts(held[0]!.secret)).toBe(true);
    expect(await accepts(old!.secret)).toBe(false);
  });

  it("accepts both secrets while Gupshup has not confirmed the new one, and finishes the rotation on the next run", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const [old] = await gupshupHolds();
    // No wait: the read-back is the 6th subscription call within a minute (Gupshup allows 5).
    const rotating = await callTool(client, "configure_webhook", { appId, rotateSecret: true });
    expect(rotating.isError, textOf(rotating)).toBeFalsy();
    expect(rotating.structuredContent).toMatchObject({ action: "replaced", secretStatus: "pending" });
    expect(textOf(rotating)).toMatch(/previous secret stays accepted too.*Run configure_webhook again/);
    const fresh = (await gupshupHolds()).find((s) => s.id !== old!.id)!;
    expect(await accepts(old!.secret)).toBe(true);
    expect(await accepts(fresh.secret)).toBe(true);

    await afterRateWindows(appId);
    const finished = await callTool(client, "configure_webhook", { appId });
    expect(finished.structuredContent).toMatchObject({ action: "updated", subscriptionId: fresh.id, secretStatus: "confirmed", notes: [] });
    expect(await gupshupHolds()).toEqual([fresh]);
    expect(await accepts(fresh.secret)).toBe(true);
    expect(await accepts(old!.secret)).toBe(false);
  });

  it("a refused create leaves the previous set-up as it was and does not accept the refused secret", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const before = await gupshupHolds();
    await afterRateWindows(appId);
    await sandbox().failNext({ path: "/subscription$", method: "POST", status: 400, body: JSON.stringify({ status: "error", message: "Invalid URL Passed" }), times: 1 });
    const refused = await callTool(client, "configure_webhook", { appId, rotateSecret: true });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/refused the callback URL.*webhookBaseUrl/);
    const attempt = (await upstreamRequests(/\/subscription$/)).filter((r) => r.method === "POST").at(-1)!;
    const refusedSecret = (JSON.parse(new URLSearchParams(attempt.body).get("meta")!) as { headers: Record<string, string> }).headers[WEBHOOK_SECRET_HEADER]!;
    expect(await gupshupHolds()).toEqual(before);
    expect(await accepts(before[0]!.secret)).toBe(true);
    expect(await accepts(refusedSecret)).toBe(false);
  });

  it("for the Meta format asks for template events, and without them when Gupshup refuses, saying so", async () => {
    const client = await connect();
    const result = await callTool(client, "configure_webhook", { appId, format: "meta" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ format: "meta", templateEvents: false, modes: ["ENQUEUED", "FAILED", "SENT", "DELIVERED", "READ", "MESSAGE"] });
    expect(textOf(result)).toMatch(/template-status events .* list_templates/);
    const creates = (await upstreamRequests(/\/subscription$/)).filter((r) => r.method === "POST").map((r) => new URLSearchParams(r.body));
    expect(creates.map((f) => [f.get("version"), f.get("modes")])).toEqual([
      ["3", "ENQUEUED,FAILED,SENT,DELIVERED,READ,MESSAGE,TEMPLATE"],
      ["3", "ENQUEUED,FAILED,SENT,DELIVERED,READ,MESSAGE"],
    ]);
    expect(await accepts((await gupshupHolds())[0]!.secret)).toBe(true);
  });
});

describe("an app object set up by the previous version", () => {
  it("keeps accepting its one secret and stores button replies in its older inbox table", async () => {
    const name = appObjectName(appId);
    const secret = "ab".repeat(32);
    await runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(name)), (_, state) => {
      state.storage.sql.exec(`DROP TABLE IF EXISTS webhook_secret; DROP TABLE IF EXISTS webhook_setup; DROP TABLE IF EXISTS inbox_inbound;
        CREATE TABLE inbox_webhook (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL, configured_at INTEGER NOT NULL);
        CREATE TABLE inbox_inbound (key TEXT PRIMARY KEY, message_id TEXT NOT NULL, sender TEXT NOT NULL, name TEXT, type TEXT NOT NULL, text TEXT, at INTEGER NOT NULL, received_at INTEGER NOT NULL);`);
      state.storage.sql.exec("INSERT INTO inbox_webhook (id, secret, configured_at) VALUES (1, ?, ?)", secret, Date.now());
    });
    await abortAllDurableObjects();
    const reply = {
      app: "DemoStore",
      timestamp: Date.now(),
      version: 2,
      type: "message",
      payload: { id: "wamid.old-schema", source: "919811100009", type: "button_reply", payload: { title: "Yes", id: "yes-1", reply: "Yes 1" }, sender: { phone: "919811100009", name: "Old" } },
    };
    expect((await hook("POST", { [WEBHOOK_SECRET_HEADER]: secret }, JSON.stringify(reply))).status).toBe(200);
    const client = await connect();
    const inbound = await callTool(client, "list_inbound_messages", { appId });
    expect(inbound.structuredContent).toMatchObject({ messages: [{ from: "919811100009", type: "button_reply", text: "Yes", replyId: "yes-1" }] });
  });
});
