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
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it.each([
    ["an empty body", ""],
    ["a JSON string", '"hello"'],
    ["a JSON-RPC message without method", '{"jsonrpc":"2.0","id":1}'],
    ["an unknown method", '{"jsonrpc":"2.0","id":1,"method":"tools/explode"}'],
    ["deeply nested params", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: JSON.parse("[".repeat(500) + "]".repeat(500)) })],
  ])("%s is refused as a protocol error, never a 500", async (_label, body) => {
    const res = await post(body);
    expect(res.status).toBeLessThan(500);
  });

  it("a batch of 200 tool calls does not reach Gupshup 200 times", async () => {
    const res = await post(JSON.stringify(Array.from({ length: 200 }, (_, i) => call(i + 1))));
    expect(res.status).toBeLessThan(500);
    expect((await upstreamRequests(/partnerApps$/)).length).toBeLessThanOrEqual(1);
  });

  it.each([
    ["text/plain", { "Content-Type": "text/plain" }],
    ["form data", { "Content-Type": "application/x-www-form-urlencoded" }],
    ["no Accept", { Accept: "" }],
  ])("wrong content negotiation (%s) is a 4xx", async (_label, headers) => {
    const res = await post(JSON.stringify(call(1)), headers);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
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
