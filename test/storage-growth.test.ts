import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { appObjectName } from "../src/gateway/names";
import { SANDBOX_DEMO_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, callWorker, connect, operatorEnv, resetAll, testEnv, upstreamRequests } from "./helpers";

/** Open pass-through: no credentials on the worker, no access secret; the bearer is the caller's partner token. */
const passThroughEnv = { MCP_AUTH_TOKEN: "", GUPSHUP_PARTNER_TOKEN: "" };
const appId = SEED_APP_IDS.store;
const as = (token: string, address: string) => connect({ env: passThroughEnv, headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": address } });

beforeEach(resetAll);

// The 200-object test is last and alone in its file: resetting 200 objects before a next test takes seconds.
describe("strangers cannot grow our storage", () => {
  /** Objects (gateways, or partner logins) that store anything at all: SQL tables, keys or an alarm. */
  async function objectsWithData(namespace: DurableObjectNamespace = testEnv.GATEWAY as unknown as DurableObjectNamespace): Promise<number> {
    let count = 0;
    for (const id of await listDurableObjectIds(namespace)) {
      await runInDurableObject(namespace.get(id), async (_, state) => {
        const tables = state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().length;
        if (tables > 0 || (await state.storage.list({ limit: 1 })).size > 0 || (await state.storage.getAlarm()) !== null) count++;
      });
    }
    return count;
  }

  it("tool calls for made-up app ids with a made-up partner token leave no object with data behind", async () => {
    const stranger = await as("made-up-token", "198.51.100.20");
    for (let i = 0; i < 5; i++) expect((await callTool(stranger, "list_templates", { appId: `made-up-app-${i}` })).isError).toBe(true);
    expect(await callTool(stranger, "list_apps")).toMatchObject({ isError: true });
    expect(await objectsWithData()).toBe(0);

    // The owner's own calls are kept as before.
    const owner = await as(SANDBOX_DEMO_PARTNER_TOKEN, "203.0.113.1");
    expect((await callTool(owner, "list_templates", { appId })).isError).toBeFalsy();
    // The app's object, and the partner's account object with their app list (kept an hour, for app names).
    expect(await objectsWithData()).toBe(2);
  });

  it("an object that holds only the runtime's own table (miniflare's __miniflare_do_name, as under wrangler dev) gets none of ours from a refused webhook", async () => {
    const stub = testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName("made-up-app-dev")));
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec("CREATE TABLE IF NOT EXISTS __miniflare_do_name (name TEXT)"));
    const res = await callWorker(
      new Request("http://localhost/webhooks/gupshup/made-up-app-dev", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Gupshup-Mcp-Secret": "guess" },
        body: JSON.stringify({ app: "x", timestamp: Date.now(), version: 2, type: "message-event", payload: { id: "m-1", type: "enqueued" } }),
      }),
    );
    expect(res.status).toBe(401);
    const tables = await runInDurableObject(stub, (_, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((t) => t.name),
    );
    expect(tables).toEqual(["__miniflare_do_name"]);
  });

  it("a sign-in with a wrong partner login stores nothing", async () => {
    const client = await connect({ env: { ...operatorEnv, GUPSHUP_PARTNER_TOKEN: "", GUPSHUP_PARTNER_EMAIL: "someone@example.com", GUPSHUP_PARTNER_SECRET: "wrong-secret" } });
    expect((await callTool(client, "list_apps")).isError).toBe(true);
    expect(await upstreamRequests(/\/login$/)).toHaveLength(1);
    expect(await objectsWithData(testEnv.PARTNER_LOGIN as unknown as DurableObjectNamespace)).toBe(0);
  });
  it("200 webhook posts for made-up app ids are refused and leave no object with data behind", async () => {
    for (let i = 0; i < 200; i++) {
      const res = await callWorker(
        new Request(`http://localhost/webhooks/gupshup/made-up-app-${i}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Gupshup-Mcp-Secret": `guess-${i}` },
          body: JSON.stringify({ app: "x", timestamp: Date.now(), version: 2, type: "message-event", payload: { id: `m-${i}`, type: "enqueued" } }),
        }),
      );
      expect(res.status).toBe(401);
    }
    expect(await objectsWithData()).toBe(0);
  });
});
