import { beforeEach, describe, expect, it, vi } from "vitest";
import { appObjectName } from "../src/gateway/names";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, evictGateway, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const template = (extra: Record<string, unknown> = {}) => ({
  appId,
  source: "919000000001",
  destination: "919876543210",
  srcName: "DemoStore",
  template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", params: ["Rahul", "ORD-9"] },
  ...extra,
});
const sends = () => upstreamRequests(/template\/msg$|v3\/message$/);

beforeEach(resetAll);

describe("sends happen at most once", () => {
  it("the same idempotencyKey within 24 h returns the first result without calling Gupshup again", async () => {
    const client = await connect();
    const first = await callTool(client, "send_template_message", template({ idempotencyKey: "order-9-shipped" }));
    const second = await callTool(client, "send_template_message", template({ idempotencyKey: "order-9-shipped" }));
    expect(first.structuredContent).toMatchObject({ idempotencyKey: "order-9-shipped", replayed: false });
    expect(second.structuredContent).toMatchObject({ idempotencyKey: "order-9-shipped", replayed: true, messageId: first.structuredContent!.messageId });
    expect(textOf(second)).toMatch(/nothing was sent again/);
    expect(await sends()).toHaveLength(1);
  });

  it("a second call with the same key while the first is in flight waits for it", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/template/msg$", status: 200, body: '{"status":"submitted","messageId":"slow-1"}', times: 1, delayMs: 1000 });
    const [a, b] = await Promise.all([
      callTool(client, "send_template_message", template({ idempotencyKey: "k-in-flight" })),
      new Promise((r) => setTimeout(r, 200)).then(() => callTool(client, "send_template_message", template({ idempotencyKey: "k-in-flight" }))),
    ]);
    expect(a.structuredContent).toMatchObject({ messageId: "slow-1", replayed: false });
    expect(b.structuredContent).toMatchObject({ messageId: "slow-1", replayed: true });
    expect(await sends()).toHaveLength(1);
  });

  it("without a key, an identical send within 60 s is treated as a retry; a new key sends again", async () => {
    const client = await connect();
    const first = await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "Table for two at 8?" });
    const retry = await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "Table for two at 8?" });
    expect(retry.structuredContent).toMatchObject({ replayed: true, messageId: first.structuredContent!.messageId });
    const other = await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "Table for three at 8?" });
    expect(other.structuredContent!.replayed).toBe(false);
    const deliberate = await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "Table for two at 8?", idempotencyKey: "again-1" });
    expect(deliberate.structuredContent!.replayed).toBe(false);
    expect(await sends()).toHaveLength(3);
  });

  it("refuses to reuse a key for different content", async () => {
    const client = await connect();
    await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "one", idempotencyKey: "k-1" });
    const reuse = await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "two", idempotencyKey: "k-1" });
    expect(reuse.isError).toBe(true);
    expect(textOf(reuse)).toMatch(/already used for a different message/);
    expect(await sends()).toHaveLength(1);
  });

  it("survives an eviction: the ledger is in SQLite", async () => {
    const client = await connect();
    await callTool(client, "send_template_message", template({ idempotencyKey: "k-evict" }));
    await evictGateway(appObjectName(appId));
    const again = await callTool(client, "send_template_message", template({ idempotencyKey: "k-evict" }));
    expect(again.structuredContent!.replayed).toBe(true);
    expect(await sends()).toHaveLength(1);
  });
});

describe("an ambiguous failure is never retried blindly", () => {
  it.each([
    ["a 502", { status: 502, body: "<html>Bad Gateway</html>" }],
    ["a 500", { status: 500, body: '{"status":"error","message":"Internal server error"}' }],
    ["a truncated body", { status: 200, body: '{"status":"submitted","messa' }],
    ["a timeout", { status: 200, body: '{"status":"submitted","messageId":"late"}', delayMs: 4000 }],
  ])("%s says the outcome is unknown, gives the key, and a repeat does not send again", async (_label, failure) => {
    const client = await connect();
    await sandbox().failNext({ path: "/template/msg$", times: 1, ...failure });
    const started = Date.now();
    const result = await callTool(client, "send_template_message", template());
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/Outcome unknown.*may or may not have been sent.*not retried/);
    const key = text.match(/idempotencyKey '([^']+)'/)![1]!;
    const repeat = await callTool(client, "send_template_message", template({ idempotencyKey: key }));
    expect(textOf(repeat)).toMatch(/Outcome unknown/);
    const identical = await callTool(client, "send_template_message", template());
    expect(textOf(identical)).toMatch(/Outcome unknown/);
    expect(await sends()).toHaveLength(1);
  });

  it("an identical send after configure_webhook does not resend one whose outcome is unknown (only a send known to have gone out is made again, tracked)", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/template/msg$", times: 1, status: 502, body: "<html>Bad Gateway</html>" });
    expect(textOf(await callTool(client, "send_template_message", template()))).toMatch(/Outcome unknown/);
    await callTool(client, "configure_webhook", { appId });
    expect(textOf(await callTool(client, "send_template_message", template()))).toMatch(/Outcome unknown/);
    expect(await sends()).toHaveLength(1);
  });

  it("a send interrupted by an eviction is reported as unknown, not sent again", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/template/msg$", status: 200, body: '{"status":"submitted","messageId":"m-evicted"}', times: 1, delayMs: 1500 });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const first = callTool(client, "send_template_message", template({ idempotencyKey: "k-interrupted" }));
    await new Promise((r) => setTimeout(r, 500));
    await evictGateway(appObjectName(appId));
    const again = await callTool(client, "send_template_message", template({ idempotencyKey: "k-interrupted" }));
    expect(textOf(again)).toMatch(/Outcome unknown.*interrupted/);
    // The interrupted call itself ends in an internal error, logged once with a reference.
    expect(textOf(await first)).toMatch(/internal error in gupshup-mcp \(ref [0-9a-f]{8}\)/);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    expect(await sends()).toHaveLength(1);
  });

  it("a failure that proves the send was not accepted (400) can be retried with the same key", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/template/msg$", status: 400, body: '{"status":"error","message":"Invalid Destination"}', times: 1 });
    const failed = await callTool(client, "send_template_message", template({ idempotencyKey: "k-400" }));
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).not.toMatch(/Outcome unknown/);
    const retried = await callTool(client, "send_template_message", template({ idempotencyKey: "k-400" }));
    expect(retried.isError, textOf(retried)).toBeFalsy();
    expect(await sends()).toHaveLength(2);
  });

  it("a 429 (not accepted) is retried after a backoff and the message goes out once", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/template/msg$", status: 429, body: '{"status":"error","message":"Too Many Requests"}', times: 1 });
    const result = await callTool(client, "send_template_message", template());
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((await sends()).map((s) => s.status)).toEqual([429, 200]);
  });
});

describe("faults outside sends", () => {
  it("a 429 storm ends with a clear wait message within the wait cap, after a bounded number of tries", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/usage$", status: 429, body: '{"status":"error","message":"Too Many Requests"}', times: 100 });
    const started = Date.now();
    const result = await callTool(client, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" });
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Gupshup answered 429 Too Many Requests.*Retry in \d+s/);
    expect((await upstreamRequests(/\/usage$/)).length).toBeLessThanOrEqual(5);
  }, 40_000);

  it("a hung Gupshup answers the client within the timeout", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/wallet/balance$", status: 200, body: "{}", times: 1, delayMs: 6000 });
    const started = Date.now();
    const result = await callTool(client, "get_device_balance", { appId });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((result.structuredContent!.errors as { wallet: string }).wallet).toMatch(/did not answer within 3 s/);
  });

  it("many concurrent calls to one app stay within every limit: no upstream 429", async () => {
    const client = await connect();
    const calls = [
      ...Array.from({ length: 15 }, (_, i) => callTool(client, "send_template_message", template({ destination: `91987654${String(3000 + i)}` }))),
      ...Array.from({ length: 6 }, () => callTool(client, "get_app_health", { appId })),
      ...Array.from({ length: 6 }, () => callTool(client, "list_templates", { appId, refresh: true })),
    ];
    const results = await Promise.all(calls);
    expect(results.slice(0, 15).every((r) => !r.isError)).toBe(true);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
    expect(await sends()).toHaveLength(15);
  });
});
