#!/usr/bin/env node
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
// `npm run bench`: what gupshup-mcp costs over the bare Workers MCP stack, how many upstream calls
// it makes, and how close sends run to Gupshup's per-app limit. Everything runs on loopback:
// `wrangler dev` for the project and for bench/baseline (one echo tool), and a Gupshup stand-in
// with a fixed latency (0 ms and 50 ms). Writes bench/RESULTS.md and bench/sends.svg.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startWranglerDev } from "../scripts/lib/wrangler-dev.mjs";
import { startStandin } from "./standin.mjs";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const SENDS = Number(process.env.BENCH_SENDS ?? 100);
const LIMIT = 10; // sends per second per app (Gupshup's "all other APIs")
const AUTH = "bench-mcp-auth-token";
const started = Date.now();
const log = (line) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);

const standin = startStandin(8793);
const state = mkdtempSync(join(tmpdir(), "gupshup-bench-"));
const project = await startWranglerDev({
  port: 8794,
  persistTo: join(state, "project"),
  vars: { GUPSHUP_BASE_URL: standin.url, GUPSHUP_PARTNER_TOKEN: "bench-partner-token", MCP_AUTH_TOKEN: AUTH },
});
const baseline = await startWranglerDev({ port: 8795, config: "bench/baseline/wrangler.toml", persistTo: join(state, "baseline") });
log("servers up");

async function connect(base, headers = {}) {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  return client;
}
const ours = await connect(project.base, { Authorization: `Bearer ${AUTH}` });
const floor = await connect(baseline.base);
const senders = await Promise.all(Array.from({ length: 8 }, () => connect(project.base, { Authorization: `Bearer ${AUTH}` })));

async function timed(client, name, args) {
  const t = performance.now();
  const result = await client.callTool({ name, arguments: args });
  const ms = performance.now() - t;
  if (result.isError) throw new Error(`${name} failed: ${result.content?.[0]?.text}`);
  return { ms, result };
}
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const stats = (values) => ({ p50: pct(values, 50), p95: pct(values, 95), p99: pct(values, 99) });
const f1 = (n) => n.toFixed(1);
const f2 = (n) => n.toFixed(2);

// ---- 1. Overhead -------------------------------------------------------------------------------
const USAGE_APPS = 40; // spread uncached calls so no app's 10/s limit is the bottleneck
const overhead = {};
for (const latency of [0, 50]) {
  standin.setLatency(latency);
  for (let i = 0; i < USAGE_APPS; i++) await timed(ours, "get_usage_summary", { appId: `bench-u-${i}`, from: "2026-03-01", to: "2026-03-01" }); // token per app
  await timed(ours, "list_templates", { appId: "bench-cache" });
  for (let i = 0; i < 20; i++) await timed(floor, "echo", { text: "warm" });
  const echo = [];
  const cached = [];
  const uncached = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Interleaved, rotating order: machine noise hits all three alike.
    const steps = [
      async () => echo.push((await timed(floor, "echo", { text: `hello ${i}` })).ms),
      async () => {
        const { ms, result } = await timed(ours, "list_templates", { appId: "bench-cache" });
        if (result.structuredContent.cached) cached.push(ms);
      },
      async () => uncached.push((await timed(ours, "get_usage_summary", { appId: `bench-u-${i % USAGE_APPS}`, from: "2026-03-01", to: "2026-03-01" })).ms),
    ];
    for (let k = 0; k < 3; k++) await steps[(i + k) % 3]();
  }
  overhead[latency] = { echo: stats(echo), cached: stats(cached), uncached: stats(uncached), cachedCount: cached.length };
  log(`overhead at ${latency} ms: echo p50 ${f1(overhead[latency].echo.p50)}, cached p50 ${f1(overhead[latency].cached.p50)}, uncached p50 ${f1(overhead[latency].uncached.p50)}`);
}

// ---- 2. Upstream efficiency ------------------------------------------------------------------
standin.setLatency(0);
const SESSION_SENDS = 5;
const session = [
  ["list_templates", { appId: "bench-session" }, 2, "token fetch + list"],
  ["create_template", { appId: "bench-session", elementName: "bench_new", languageCode: "en", category: "UTILITY", templateType: "TEXT", content: "Hello {{1}}", example: "Hello Asha" }, 1, "create"],
  ["list_templates", { appId: "bench-session" }, 1, "list (cache dropped by create)"],
  ...Array.from({ length: SESSION_SENDS }, (_, i) => [
    "send_template_message",
    {
      appId: "bench-session",
      source: "919000000001",
      destination: `91987650${String(1000 + i)}`,
      srcName: "Bench",
      template: { id: "bench-session-t1", params: [`P${i}`] },
      message: { type: "text", text: `Hello P${i}` },
    },
    1,
    "send",
  ]),
  ["list_templates", { appId: "bench-session" }, 0, "list within 60 s (cache)"],
  ["enable_template_analytics", { appId: "bench-session", enable: true }, 1, "enable analytics"],
  ["get_template_analytics", { appId: "bench-session", start: Math.floor(Date.now() / 1000) - 86400, end: Math.floor(Date.now() / 1000), templateIds: ["bench-session-t1"] }, 1, "analytics (1 id)"],
];
const efficiency = [];
for (const [name, args, minimum, what] of session) {
  const before = standin.requests().length;
  await timed(ours, name, args);
  const made = standin.requests().slice(before);
  efficiency.push({ name, what, upstream: made.length, tokenFetches: made.filter((r) => /\/token\/?$/.test(r.path)).length, minimum });
}
log(`efficiency: ${efficiency.reduce((s, e) => s + e.upstream, 0)} upstream calls for ${session.length} tool calls (minimum ${efficiency.reduce((s, e) => s + e.minimum, 0)})`);

// ---- 3. Sends at the ceiling -----------------------------------------------------------------
async function sendBurst(appIds, perApp, latency) {
  standin.setLatency(latency);
  for (const appId of appIds) await timed(ours, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" }); // token
  await new Promise((r) => setTimeout(r, 1200)); // let the warm-up leave the 1 s window
  const from = standin.requests().length;
  const t0 = Date.now();
  // Round-robin over the apps, so they really are sent to in parallel.
  const jobs = Array.from({ length: perApp }, (_, i) => appIds.map((appId, a) => ({ appId, i, a }))).flat();
  let next = 0;
  let confirmed = 0;
  await Promise.all(
    senders.map(async (client) => {
      while (next < jobs.length) {
        const { appId, i, a } = jobs[next++];
        const result = await client.callTool({
          name: "send_template_message",
          arguments: {
            appId,
            source: "919000000001",
            destination: `9198${String(a).padStart(2, "0")}${String(latency).padStart(2, "0")}${String(i).padStart(5, "0")}`,
            srcName: "Bench",
            template: { id: `${appId}-t1`, params: [`N${i}`] },
            message: { type: "text", text: `N${i}` },
            idempotencyKey: `burst-${latency}-${appId}-${i}`,
          },
        });
        if (!result.isError) confirmed++;
      }
    }),
  );
  const sends = standin
    .requests()
    .slice(from)
    .filter((r) => r.path.endsWith("/template/msg"));
  const accepted = sends.filter((r) => r.status === 200);
  const perAppRates = appIds.map((appId) => {
    const times = accepted
      .filter((r) => r.app === appId)
      .map((r) => r.at)
      .sort((x, y) => x - y);
    return times.length > LIMIT ? (times.length - LIMIT) / ((times.at(-1) - times[LIMIT - 1]) / 1000) : NaN;
  });
  const bodies = accepted.map((r) => r.body);
  return {
    apps: appIds.length,
    latency,
    sends: jobs.length,
    confirmed,
    received: accepted.length,
    tooMany: sends.filter((r) => r.status === 429).length,
    duplicates: bodies.length - new Set(bodies).size,
    rate: perAppRates.reduce((s, r) => s + r, 0) / perAppRates.length,
    seconds: (Date.now() - t0) / 1000,
    timeline: accepted.map((r) => r.at - t0),
  };
}
const ceiling = [];
for (const latency of [0, 50]) {
  ceiling.push(await sendBurst([`bench-send-${latency}`], SENDS, latency));
  ceiling.push(
    await sendBurst(
      [0, 1, 2, 3].map((k) => `bench-multi-${latency}-${k}`),
      SENDS / 2,
      latency,
    ),
  );
  log(`ceiling at ${latency} ms: one app ${f1(ceiling.at(-2).rate)}/s, four apps ${f1(ceiling.at(-1).rate)}/s per app`);
}

await Promise.all([ours, floor, ...senders].map((c) => c.close()));
project.stop();
baseline.stop();
await standin.close();
rmSync(state, { recursive: true, force: true });

// ---- 4. Bundle -------------------------------------------------------------------------------
function bundle(config, minify) {
  const out = mkdtempSync(join(tmpdir(), "gupshup-bundle-"));
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out, ...(minify ? ["--minify"] : []), ...(config ? ["--config", config] : [])], {
    stdio: "ignore",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  const bytes = gzipSync(readFileSync(join(out, "index.js"))).length;
  rmSync(out, { recursive: true, force: true });
  return bytes / 1024;
}
const bundles = {
  project: { plain: bundle(undefined, false), minified: bundle(undefined, true) },
  baseline: { plain: bundle("bench/baseline/wrangler.toml", false), minified: bundle("bench/baseline/wrangler.toml", true) },
};
log("bundles built");

// ---- Report ----------------------------------------------------------------------------------
writeFileSync("bench/sends.svg", chart(ceiling.filter((c) => c.latency === 50)));
const o0 = overhead[0];
const o50 = overhead[50];
const goals = [
  ["cached list_templates p50 ≤ 1.3 × baseline echo p50", o0.cached.p50 / o0.echo.p50, 1.3, `${f2(o0.cached.p50 / o0.echo.p50)}×`],
  ["uncached p50 − upstream latency ≤ 1.5 × echo p50 (50 ms run)", (o50.uncached.p50 - 50) / o50.echo.p50, 1.5, `${f2((o50.uncached.p50 - 50) / o50.echo.p50)}×`],
  ["upstream calls per tool call at the minimum", efficiency.every((e) => e.upstream === e.minimum) ? 1 : 2, 1, efficiency.every((e) => e.upstream === e.minimum) ? "yes" : "no"],
  ...[0, 50].map((l) => {
    const fraction = ceiling.find((c) => c.latency === l && c.apps === 1).rate / LIMIT;
    const ceilingNote = l === 0 ? "" : ` (a limiter that never risks a 429 can reach at most ${f1((1000 / (1000 + l)) * 100)} % here)`;
    return [`sends ≥ 95 % of the per-app limit (one app, ${l} ms upstream latency)`, fraction, -0.95, `${f1(fraction * 100)} %${ceilingNote}`];
  }),
  [
    "0 upstream 429s, 0 duplicate sends",
    ceiling.reduce((s, c) => s + c.tooMany + c.duplicates, 0),
    0,
    `${ceiling.reduce((s, c) => s + c.tooMany, 0)} / ${ceiling.reduce((s, c) => s + c.duplicates, 0)}`,
  ],
  ["bundle (minified, gzip) ≤ 1.5 × baseline", bundles.project.minified / bundles.baseline.minified, 1.5, `${f2(bundles.project.minified / bundles.baseline.minified)}×`],
].map(([goal, value, bound, shown]) => ({ goal, shown, met: bound < 0 ? value >= -bound : value <= bound }));

const cpu = cpus();
const md = `# Benchmark results

Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.
Everything on loopback: \`wrangler dev\` (workerd) for gupshup-mcp and for \`bench/baseline\` (the same packages, one \`echo\` tool), and a Gupshup stand-in with a fixed latency. Reproduce with \`npm run bench\` (about ${Math.ceil((Date.now() - started) / 60000)} min).

## Goals

| goal | measured | met |
| --- | --- | --- |
${goals.map((g) => `| ${g.goal} | ${g.shown} | ${g.met ? "yes" : "**no**"} |`).join("\n")}

## 1. Overhead per \`tools/call\` (ms, ${ITERATIONS} calls each, interleaved, one client per server)

| upstream latency | call | p50 | p95 | p99 | p50 ÷ echo p50 |
| --- | --- | --- | --- | --- | --- |
${[0, 50]
  .flatMap((l) => {
    const o = overhead[l];
    return [
      `| ${l} ms | baseline \`echo\` | ${f1(o.echo.p50)} | ${f1(o.echo.p95)} | ${f1(o.echo.p99)} | 1.00 |`,
      `| ${l} ms | \`list_templates\` (cached) | ${f1(o.cached.p50)} | ${f1(o.cached.p95)} | ${f1(o.cached.p99)} | ${f2(o.cached.p50 / o.echo.p50)} |`,
      `| ${l} ms | \`get_usage_summary\` (1 upstream call) | ${f1(o.uncached.p50)} | ${f1(o.uncached.p95)} | ${f1(o.uncached.p99)} | ${f2(o.uncached.p50 / o.echo.p50)} (minus latency: ${f2((o.uncached.p50 - l) / o.echo.p50)}) |`,
    ];
  })
  .join("\n")}

## 2. Upstream requests per tool call (a realistic session on a fresh app)

| tool call | what | upstream requests | of which token fetches | minimum possible |
| --- | --- | --- | --- | --- |
${efficiency.map((e) => `| \`${e.name}\` | ${e.what} | ${e.upstream} | ${e.tokenFetches} | ${e.minimum} |`).join("\n")}
| **total** | ${session.length} tool calls | **${efficiency.reduce((s, e) => s + e.upstream, 0)}** | ${efficiency.reduce((s, e) => s + e.tokenFetches, 0)} | **${efficiency.reduce((s, e) => s + e.minimum, 0)}** |

## 3. Sends at Gupshup's ceiling (limit ${LIMIT}/s per app; 8 concurrent clients)

| upstream latency | apps | sends | confirmed | received upstream | steady rate per app | of limit | upstream 429s | duplicates | took |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${ceiling.map((c) => `| ${c.latency} ms | ${c.apps} | ${c.sends} | ${c.confirmed} | ${c.received} | ${f2(c.rate)}/s | ${f1((c.rate / LIMIT) * 100)} % | ${c.tooMany} | ${c.duplicates} | ${f1(c.seconds)} s |`).join("\n")}

Steady rate = sends after the first window's ${LIMIT} ÷ time from the ${LIMIT}th to the last, per app. A call counts against the window from the moment its answer arrives (the latest Gupshup can have received it), so at latency L the ceiling is ${LIMIT} per (1 s + L): 100 % at 0 ms, 95.2 % at 50 ms.

![sends per second](sends.svg)

## 4. Bundle (\`wrangler deploy --dry-run\`, gzip)

| worker | plain | --minify |
| --- | --- | --- |
| gupshup-mcp | ${f1(bundles.project.plain)} KB | ${f1(bundles.project.minified)} KB |
| baseline (echo) | ${f1(bundles.baseline.plain)} KB | ${f1(bundles.baseline.minified)} KB |
| ratio | ${f2(bundles.project.plain / bundles.baseline.plain)}× | ${f2(bundles.project.minified / bundles.baseline.minified)}× |
`;
writeFileSync("bench/RESULTS.md", md);
console.log(`\n${md}`);
log(`done; wrote bench/RESULTS.md and bench/sends.svg`);
process.exit(0);

/** A small SVG: accepted sends per second over time, one line per run, and the limit. */
function chart(runs) {
  const width = 640;
  const height = 260;
  const pad = 40;
  const series = runs.map((run) => {
    const seconds = Math.ceil(Math.max(...run.timeline, 1) / 1000);
    // The last second is partial, so it is left out.
    const counts = Array.from({ length: Math.max(1, seconds - 1) }, (_, s) => run.timeline.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length / run.apps);
    return { label: run.apps === 1 ? "one app" : `${run.apps} apps (per app)`, counts };
  });
  const maxX = Math.max(...series.map((s) => s.counts.length), 1);
  const maxY = Math.max(LIMIT * 1.5, ...series.flatMap((s) => s.counts));
  const x = (i) => pad + (i / maxX) * (width - 2 * pad);
  const y = (v) => height - pad - (v / maxY) * (height - 2 * pad);
  const colors = ["#0969da", "#1a7f37"];
  const ticks = [
    ...[0, 5, 10, 15].filter((v) => v <= maxY).map((v) => `<text x="${pad - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`),
    ...Array.from({ length: Math.floor(maxX / 2) + 1 }, (_, k) => k * 2).map((s) => `<text x="${x(s)}" y="${height - pad + 14}" font-size="11" text-anchor="middle">${s}</text>`),
  ].join("");
  const lines = series
    .map(
      (s, k) =>
        `<polyline fill="none" stroke="${colors[k % 2]}" stroke-width="2" points="${s.counts.map((c, i) => `${x(i + 0.5).toFixed(1)},${y(c).toFixed(1)}`).join(" ")}"/><text x="${width - pad - 150}" y="${pad + 16 * k}" fill="${colors[k % 2]}" font-size="12">${s.label}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/><line x1="${pad}" y1="${pad / 2}" x2="${pad}" y2="${height - pad}" stroke="#888"/>
<line x1="${pad}" y1="${y(LIMIT)}" x2="${width - pad}" y2="${y(LIMIT)}" stroke="#cf222e" stroke-dasharray="6 4"/><text x="${pad + 4}" y="${y(LIMIT) - 4}" fill="#cf222e" font-size="12">limit ${LIMIT}/s per app</text>
${ticks}${lines}
<text x="${width / 2}" y="${height - 4}" font-size="12" text-anchor="middle">seconds since the burst started (upstream latency 50 ms)</text>
<text x="12" y="${height / 2}" font-size="12" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">sends/s</text>
</svg>
`;
}
