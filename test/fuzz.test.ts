import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ENDPOINTS } from "../src/api/endpoints";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, type ToolResult, upstreamRequests } from "./helpers";

/** Strings an attacker or a confused model would try. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "../",
    "../../etc/passwd",
    "..%2F..%2Fsecrets",
    "%2F",
    "/partner/account/login",
    "\u0000",
    "\r\nX-Injected: 1",
    "__proto__",
    "constructor",
    "{{1}}",
    "{{3}} {{1}}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "🙂🙂🙂",
    "\u202e\u200b",
    "x".repeat(5000),
    "919876543210",
    "+91 98765-43210",
    SEED_APP_IDS.store,
  ),
  fc.string({ maxLength: 12 }).map((s) => `../${s}`),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 4 }),
  fc.dictionary(fc.constantFrom("__proto__", "constructor", "prototype", "id", "type", "params"), hostileString, { maxKeys: 3 }),
  // What a careless merge would copy onto Object.prototype (the probe below looks for "polluted").
  fc.constant(JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}')),
);

/** Valid calls whose one field is replaced by a hostile value: these get past the other checks. */
const VALID: Record<string, Record<string, unknown>> = {
  delete_template: { appId: SEED_APP_IDS.store, elementName: "promo_blast" },
  edit_template: { appId: SEED_APP_IDS.store, templateId: "5f0c6a1e-3b7d-4c2a-9e1f-000000000004", content: "Welcome {{1}}!", example: "Welcome Asha!" },
  get_message_status: { appId: SEED_APP_IDS.store, messageId: "m-1" },
  send_text_message: { appId: SEED_APP_IDS.store, destination: "919876543210", text: "hello" },
  compare_templates: {
    appId: SEED_APP_IDS.store,
    templateId: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001",
    templateList: ["5f0c6a1e-3b7d-4c2a-9e1f-000000000002"],
    start: 1_790_000_000,
    end: 1_790_604_800,
  },
  get_usage_summary: { appId: SEED_APP_IDS.store, from: "2026-03-01", to: "2026-03-02" },
};

const PARAM_PATTERNS: Record<string, string> = {
  appId: "[A-Za-z0-9][A-Za-z0-9_-]{0,63}",
  templateId: "[A-Za-z0-9][A-Za-z0-9-]{0,63}",
  elementName: "[a-z0-9_]{1,180}",
  subscriptionId: "[0-9]+",
};
const ENDPOINT_PATHS = Object.values(ENDPOINTS).map((e) => new RegExp(`^${e.path.replace(/\{(\w+)\}/g, (_, name: string) => PARAM_PATTERNS[name] ?? "NEVER")}/?$`));

function expectHandled(result: ToolResult, what: string): void {
  expect(Array.isArray(result.content), what).toBe(true);
  const text = result.content.map((c) => c.text ?? "").join(" ");
  expect(text, what).not.toMatch(/internal error in gupshup-mcp|stack|at .*\.ts:\d+/i);
}

describe("hostile input through /mcp", () => {
  beforeAll(resetAll);

  it("random and adversarial arguments to every tool: a validation error or a correct call, never a crash", { timeout: 240_000 }, async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    let calls = 0;
    for (const tool of tools) {
      const keys = Object.keys(tool.inputSchema.properties ?? {});
      const args = fc.oneof(
        fc.dictionary(fc.constantFrom(...keys, "__proto__", "constructor", "extra"), hostileValue, { maxKeys: keys.length + 2 }),
        fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] }),
      );
      await fc.assert(
        fc.asyncProperty(args, async (input) => {
          calls++;
          expectHandled(await callTool(client, tool.name, input as Record<string, unknown>), tool.name);
        }),
        { numRuns: 90 },
      );
    }
    expect(calls).toBeGreaterThanOrEqual(2000);
  });

  it("valid calls with one hostile field never build an upstream request from invalid data", { timeout: 240_000 }, async () => {
    const client = await connect();
    for (const [tool, valid] of Object.entries(VALID)) {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(valid)), hostileValue, async (field, value) => {
          expectHandled(await callTool(client, tool, { ...valid, [field]: value }), `${tool}.${field}`);
        }),
        { numRuns: 80 },
      );
    }
    const requests = await upstreamRequests();
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(
        ENDPOINT_PATHS.some((p) => p.test(request.path)),
        `${request.method} ${request.path}`,
      ).toBe(true);
      expect(decodeURIComponent(request.path)).not.toMatch(/\.\.|\/\/|%/);
    }
  });

  it("nothing polluted Object.prototype (the worker runs in this isolate)", () => {
    const probe: Record<string, unknown> = {};
    expect(Object.keys(Object.getPrototypeOf(probe))).toEqual([]);
    expect(probe.polluted).toBeUndefined();
  });
});
