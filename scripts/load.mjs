#!/usr/bin/env node
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// `npm run load`: many concurrent MCP clients against `wrangler dev` on the built-in sandbox, on
// loopback, for a bounded time. Reports calls/s, latency percentiles, errors by kind, upstream
// 429s (must be 0) and duplicate sends (must be 0). LOAD_CLIENTS (20) and LOAD_SECONDS (30) tune it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 20);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const APPS = ["5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e01", "5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e02"];
const SOURCES = {
  [APPS[0]]: ["919000000001", "DemoStore", "5f0c6a1e-3b7d-4c2a-9e1f-000000000001"],
  [APPS[1]]: ["919000000002", "DemoClinic", `${"5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e02".slice(0, 24)}000000000001`],
};

const state = mkdtempSync(join(tmpdir(), "gupshup-load-"));
const { base, stop } = await startWranglerDev({ port: 8791, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "" }, persistTo: state });

const latencies = [];
const outcomes = new Map();
let acceptedSends = 0;
const count = (kind) => outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
const classify = (result) => {
  if (!result.isError) return "ok";
  const text = result.content?.[0]?.text ?? "";
  if (/^Rate limited/.test(text)) return "rate_limited (queued > 20 s, refused without calling Gupshup)";
  if (/^Outcome unknown/.test(text)) return "outcome_unknown";
  return `tool_error: ${text.slice(0, 60)}`;
};

async function runClient(index, until) {
  const client = new Client({ name: `load-${index}`, version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  const sent = [];
  for (let n = 0; Date.now() < until; n++) {
    const appId = APPS[(index + n) % APPS.length];
    const [source, srcName, templateId] = SOURCES[appId];
    const roll = (index * 7 + n * 13) % 20;
    let name;
    let args;
    if (roll < 8) [name, args] = ["list_templates", { appId }];
    else if (roll < 12)
      [name, args] = [
        "send_template_message",
        {
          appId,
          source,
          srcName,
          destination: `9198${String(index).padStart(3, "0")}${String(n).padStart(5, "0")}`,
          template: { id: templateId, params: [`C${index}`, `N${n}`] },
        },
      ];
    else if (roll < 15 && sent.length > 0) [name, args] = ["get_message_status", sent[n % sent.length]];
    else if (roll < 17) [name, args] = ["get_device_balance", { appId }];
    else [name, args] = ["list_apps", {}];
    const started = performance.now();
    try {
      const result = await client.callTool({ name, arguments: args });
      latencies.push(performance.now() - started);
      const kind = classify(result);
      count(`${name}: ${kind}`);
      if (name === "send_template_message" && kind === "ok") {
        acceptedSends++;
        sent.push({ appId, messageId: result.structuredContent.messageId });
      }
    } catch (error) {
      latencies.push(performance.now() - started);
      count(`${name}: transport_error ${String(error).slice(0, 60)}`);
    }
  }
  await client.close();
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
try {
  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => runClient(i, started + SECONDS * 1000)));
  const elapsed = (Date.now() - started) / 1000;
  const stats = await (await fetch(`${base}/__sandbox/stats`)).json();
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`\nload: ${CLIENTS} clients, ${elapsed.toFixed(1)} s, ${latencies.length} tool calls`);
  console.log(`throughput: ${(latencies.length / elapsed).toFixed(1)} calls/s`);
  console.log(`latency ms: p50 ${percentile(sorted, 50).toFixed(1)}, p95 ${percentile(sorted, 95).toFixed(1)}, p99 ${percentile(sorted, 99).toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)}`);
  console.log("outcomes:");
  for (const [kind, n] of [...outcomes].sort()) console.log(`  ${String(n).padStart(6)}  ${kind}`);
  console.log(`upstream 429s: ${stats.tooManyRequests}`);
  console.log(`sends: ${acceptedSends} confirmed to clients, ${stats.sends} received by the sandbox, ${stats.duplicateSends} duplicates`);
  const ok = stats.tooManyRequests === 0 && stats.duplicateSends === 0 && stats.sends === acceptedSends;
  console.log(ok ? "load: PASS (0 upstream 429s, 0 duplicate sends, no lost sends)" : "load: FAIL");
  process.exitCode = ok ? 0 : 1;
} finally {
  stop();
  rmSync(state, { recursive: true, force: true });
}
