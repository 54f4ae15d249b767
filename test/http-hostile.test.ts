import { describe, expect, it } from "vitest";
import { callWorker, MCP_AUTH_TOKEN, operatorEnv, upstreamRequests } from "./helpers";

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  callWorker(
    new Request("http://localhost/mcp", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${MCP_AUTH_TOKEN}`, ...headers },
      body,
    }),
    operatorEnv,
  );
const call = (id: number, name = "list_apps") => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } });

describe("hostile HTTP on /mcp", () => {
  it("an oversized body gets 413", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(5 * 1024 * 1024) } }));
    expect(res.status).toBe(413);
  });

  it("malformed JSON gets a JSON-RPC parse error, not a 500", async () => {
    const res = await post("{not json");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it.each([
    ["an empty body", ""],
    ["a JSON string", '"hello"'],
    ["a JSON-RPC message without method", '{"jsonrpc":"2.0","id":1}'],
    ["deeply nested params", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: JSON.parse(`${"[".repeat(500)}${"]".repeat(500)}`) })],
  ])("%s is refused with 400 as a protocol error", async (_label, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
  });

  it("an unknown method gets JSON-RPC 'method not found'", async () => {
    const res = await post('{"jsonrpc":"2.0","id":1,"method":"tools/explode"}');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("-32601");
  });

  it("a batch of 200 tool calls is refused (batches are not part of the protocol) and reaches Gupshup not once", async () => {
    const res = await post(JSON.stringify(Array.from({ length: 200 }, (_, i) => call(i + 1))));
    expect(res.status).toBe(400);
    expect(await upstreamRequests(/partnerApps$/)).toHaveLength(0);
  });

  it.each([
    ["text/plain", { "Content-Type": "text/plain" }, 415],
    ["form data", { "Content-Type": "application/x-www-form-urlencoded" }, 415],
    ["no Accept", { Accept: "" }, 406],
  ])("wrong content negotiation (%s) is refused with its own status", async (_label, headers, status) => {
    const res = await post(JSON.stringify(call(1)), headers);
    expect(res.status).toBe(status);
  });

  it.each([
    ["an oversized bearer", `Bearer ${"a".repeat(10_000)}`, 401],
    ["a bearer with spaces", "Bearer a b c", 400],
    ["an empty bearer", "Bearer ", 400],
    ["a lowercase scheme with the right token", `bearer ${MCP_AUTH_TOKEN}`, 200],
  ])("%s", async (_label, authorization, status) => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }), { Authorization: authorization });
    expect(res.status).toBe(status);
  });
});
