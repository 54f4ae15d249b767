#!/usr/bin/env node
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
// `npm run bench`: what gupshup-mcp costs over the bare Workers MCP stack, how many upstream calls
// it makes, and how close sends run to Gupshup's per-app limit. Everything runs on loopback:
// `wrangler dev` for the project and for bench/baseline (an echo tool, and a "same-work" tool: one
// Durable Object RPC making one HTTP call), and a Gupshup stand-in with a set round-trip latency
// (0, 50, 300 and 600 ms). Writes bench/RESULTS.md and bench/sends.svg; with BENCH_JSON=<file>
// also the raw figures (for bench/baseline/before.json).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startWranglerDev } from "../scripts/lib/wrangler-dev.mjs";
import { campaignRun } from "./campaign.mjs";
import { fileRuns } from "./campaign-file.mjs";
import { conversationRuns } from "./conversations.mjs";
import { startStandin } from "./standin.mjs";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const SENDS = Number(process.env.BENCH_SENDS ?? 100);
/** Upstream round-trip latencies of the one-app send runs (ms). */
const SEND_LATENCIES = [0, 50, 300, 600];
/** Spread of each request's latency (a fraction: 0.1 = ±10 %); 0 keeps the ceiling exact. */
const JITTER = Number(process.env.BENCH_JITTER ?? 0);
const BURST = 60;
const BURST_RUNS = 3;
const LIMIT = 10; // sends per second per app (Gupshup's "all other APIs")
const WINDOW_MS = 1000;
const AUTH = "bench-mcp-auth-token-0123456789abcdef";
/**
 * Figures from before, shown as "before → after": `committed` (an earlier RESULTS.md) first, else
 * `measured` (this bench run on an earlier commit, marked †). See their `source`s.
 */
const BEFORE_FILE = "bench/baseline/before.json";
const before = existsSync(BEFORE_FILE) ? JSON.parse(readFileSync(BEFORE_FILE, "utf8")) : {};
/** A before figure: `pick` applied to the committed figures, else to the measured ones (marked †). */
function was(pick) {
  for (const [figures, mark] of [
    [before.committed, ""],
    [before.measured, "†"],
  ]) {
    const value = figures === undefined ? undefined : pick(figures);
    if (value !== undefined && value !== null && !Number.isNaN(value)) return { value, mark };
  }
  return undefined;
}
const started = Date.now();
const log = (line) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
/** The most a limiter that never risks a 429 can send per second at round-trip latency `ms`. */
const safeCeiling = (ms) => (LIMIT * WINDOW_MS) / (WINDOW_MS + ms);

// The servers run from a snapshot of the sources: `wrangler dev` reloads when a file changes, which
// would drop the calls in flight (and the scheduler's memory) if the tree were edited mid-run.
const snapshot = mkdtempSync(join(tmpdir(), "gupshup-bench-src-"));
for (const path of ["src", "package.json", "wrangler.toml", "tsconfig.json", "bench/baseline"]) {
  cpSync(path, join(snapshot, path), { recursive: true, filter: (from) => !from.includes(".wrangler") });
}
symlinkSync(join(process.cwd(), "node_modules"), join(snapshot, "node_modules"), "dir");
const revision = gitDescribe();

// Callbacks go to the https URL configure_webhook registers; the stand-in carries them to loopback, as a tunnel would.
const PUBLIC_URL = "https://bench-mcp.example.com";
const USAGE_APPS = 40; // spread uncached calls so no app's 10/s limit is the bottleneck
/** The partner's apps, as the stand-in's partnerApps lists them (the server checks an app is there before using it). */
const BENCH_APPS = [
  ...Array.from({ length: USAGE_APPS }, (_, i) => `bench-u-${i}`),
  ...["bench-cache", "bench-session", "bench-campaign", "bench-lists", "bench-convo"],
  ...SEND_LATENCIES.map((l) => `bench-send-${l}`),
  ...[0, 50].flatMap((l) => [0, 1, 2, 3].map((k) => `bench-multi-${l}-${k}`)),
  ...Array.from({ length: BURST_RUNS }, (_, k) => `bench-burst-${k}`),
];
const standin = startStandin(8793, { callbackOrigin: "http://127.0.0.1:8794", apps: BENCH_APPS });
const state = mkdtempSync(join(tmpdir(), "gupshup-bench-"));
const project = await startWranglerDev({
  cwd: snapshot,
  port: 8794,
  persistTo: join(state, "project"),
  vars: { GUPSHUP_BASE_URL: standin.url, GUPSHUP_PARTNER_TOKEN: "bench-partner-token", MCP_AUTH_TOKEN: AUTH, PUBLIC_URL },
});
const baseline = await startWranglerDev({ cwd: snapshot, port: 8795, config: "bench/baseline/wrangler.toml", persistTo: join(state, "baseline"), vars: { STANDIN_URL: standin.url } });
log("servers up");

async function connect(base, headers = {}) {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  return client;
}
const ours = await connect(project.base, { Authorization: `Bearer ${AUTH}` });
const floor = await connect(baseline.base);
const senders = await Promise.all(Array.from({ length: 8 }, () => connect(project.base, { Authorization: `Bearer ${AUTH}` })));

async function timed(client, name, args, { prime = false } = {}) {
  // An untimed MCP ping to the same server first: with two servers on two cores, a call right after
  // the other server's call can pay for waking its process, and the rotation below would otherwise
  // put that cost on some calls more than others.
  if (prime) await client.ping();
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
const pc = (fraction) => `${f1(fraction * 100)} %`;
/** "before → after" when there is a before figure (from `was`), else the after figure alone. */
const change = (then, now, format) => (then === undefined ? format(now) : `${format(then.value)}${then.mark} → ${format(now)}`);

// ---- 1. Overhead -------------------------------------------------------------------------------
const usageArgs = (prefix, i) => ({ appId: `${prefix}-${i % USAGE_APPS}`, from: "2026-03-01", to: "2026-03-01" });
const overhead = {};
for (const latency of [0, 50]) {
  standin.setLatency(latency, JITTER);
  for (let i = 0; i < USAGE_APPS; i++) {
    await timed(ours, "get_usage_summary", usageArgs("bench-u", i)); // token per app
    await timed(floor, "upstream", usageArgs("bench-b", i)); // the app's object exists
  }
  await timed(ours, "list_templates", { appId: "bench-cache" });
  for (let i = 0; i < 20; i++) await timed(floor, "echo", { text: "warm" });
  const echo = [];
  const cached = [];
  const uncached = [];
  const sameWork = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Interleaved, rotating order: machine noise hits all four alike.
    const primed = { prime: true };
    const steps = [
      async () => echo.push((await timed(floor, "echo", { text: `hello ${i}` }, primed)).ms),
      async () => {
        const { ms, result } = await timed(ours, "list_templates", { appId: "bench-cache" }, primed);
        if (result.structuredContent.cached) cached.push(ms);
      },
      async () => uncached.push((await timed(ours, "get_usage_summary", usageArgs("bench-u", i), primed)).ms),
      async () => sameWork.push((await timed(floor, "upstream", usageArgs("bench-b", i), primed)).ms),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
  }
  overhead[latency] = { echo: stats(echo), cached: stats(cached), uncached: stats(uncached), sameWork: stats(sameWork), cachedCount: cached.length };
  const o = overhead[latency];
  log(`overhead at ${latency} ms: echo p50 ${f1(o.echo.p50)}, cached p50 ${f1(o.cached.p50)}, uncached p50 ${f1(o.uncached.p50)}, same-work p50 ${f1(o.sameWork.p50)}`);
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
    { appId: "bench-session", destination: `91987650${String(1000 + i)}`, template: { id: "bench-session-t1", params: [`P${i}`] } },
    i === 0 ? 2 : 1,
    i === 0 ? "the app's number and name (kept an hour) + send" : "send",
  ]),
  ["list_templates", { appId: "bench-session" }, 0, "list within 60 s (cache)"],
  ["enable_template_analytics", { appId: "bench-session", enable: true }, 1, "enable analytics"],
  ["get_template_analytics", { appId: "bench-session", start: Math.floor(Date.now() / 1000) - 86400, end: Math.floor(Date.now() / 1000), templateIds: ["bench-session-t1"] }, 1, "analytics (1 id)"],
];
const efficiency = [];
for (const [name, args, minimum, what] of session) {
  const mark = standin.requests().length;
  await timed(ours, name, args);
  const made = standin.requests().slice(mark);
  efficiency.push({ name, what, upstream: made.length, tokenFetches: made.filter((r) => /\/token\/?$/.test(r.path)).length, minimum });
}
const upstreamTotal = efficiency.reduce((s, e) => s + e.upstream, 0);
const minimumTotal = efficiency.reduce((s, e) => s + e.minimum, 0);
log(`efficiency: ${upstreamTotal} upstream calls for ${session.length} tool calls (minimum ${minimumTotal})`);

// ---- 3. Sends at the ceiling -----------------------------------------------------------------
/**
 * Sends `perApp` messages to each app, round-robin, `concurrency` tool calls at a time over the
 * 8 sender clients. The apps' tokens are fetched first and the warm-up left to leave the window.
 */
async function sendBurst(appIds, perApp, latency, { concurrency = senders.length, tag = "burst" } = {}) {
  standin.setLatency(latency, JITTER);
  for (const appId of appIds) await timed(ours, "get_usage_summary", { appId, from: "2026-03-01", to: "2026-03-01" }); // token
  await new Promise((r) => setTimeout(r, WINDOW_MS + latency + 200)); // let the warm-up leave the window
  const from = standin.requests().length;
  const t0 = performance.now();
  const t0Wall = Date.now();
  // Round-robin over the apps, so they really are sent to in parallel.
  const jobs = Array.from({ length: perApp }, (_, i) => appIds.map((appId, a) => ({ appId, i, a }))).flat();
  let next = 0;
  let confirmed = 0;
  const answered = [];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async (_, w) => {
      const client = senders[w % senders.length];
      while (next < jobs.length) {
        const { appId, i, a } = jobs[next++];
        const result = await client.callTool({
          name: "send_template_message",
          arguments: {
            appId,
            source: "919000000001",
            destination: `9198${String(a).padStart(2, "0")}${String(latency).padStart(3, "0")}${String(i).padStart(5, "0")}`,
            srcName: "Bench",
            template: { id: `${appId}-t1`, params: [`N${i}`] },
            idempotencyKey: `${tag}-${latency}-${appId}-${i}`,
          },
        });
        answered.push(performance.now() - t0);
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
    return times.length > LIMIT ? (times.length - LIMIT) / ((times.at(-1) - times[LIMIT - 1]) / 1000) : Number.NaN;
  });
  const keys = accepted.map((r) => `${r.path}\n${r.body}`);
  answered.sort((x, y) => x - y);
  const arrivals = accepted.map((r) => r.at).sort((x, y) => x - y);
  return {
    apps: appIds.length,
    latency,
    concurrency: Math.min(concurrency, jobs.length),
    sends: jobs.length,
    confirmed,
    received: accepted.length,
    tooMany: sends.filter((r) => r.status === 429).length,
    duplicates: keys.length - new Set(keys).size,
    rate: perAppRates.reduce((s, r) => s + r, 0) / perAppRates.length,
    seconds: answered.at(-1) / 1000,
    /** Client side: first tool result → last tool result. */
    firstToLast: (answered.at(-1) - answered[0]) / 1000,
    /** Gupshup side: its answer to the first send → its answer to the last. */
    answerSpan: accepted.length > 1 ? (Math.max(...accepted.map((r) => r.answeredAt)) - Math.min(...accepted.map((r) => r.answeredAt))) / 1000 : 0,
    timeline: arrivals.map((t) => t - t0Wall),
  };
}
const ceiling = [];
for (const latency of SEND_LATENCIES) {
  ceiling.push(await sendBurst([`bench-send-${latency}`], SENDS, latency));
  let line = `ceiling at ${latency} ms: one app ${f2(ceiling.at(-1).rate)}/s (${pc(ceiling.at(-1).rate / safeCeiling(latency))} of ${f2(safeCeiling(latency))}/s)`;
  if (latency <= 50) {
    ceiling.push(
      await sendBurst(
        [0, 1, 2, 3].map((k) => `bench-multi-${latency}-${k}`),
        SENDS / 2,
        latency,
      ),
    );
    line += `, four apps ${f2(ceiling.at(-1).rate)}/s per app`;
  }
  log(line);
}
// Bursts: 60 sends at once on an app whose token is cached, 0 ms latency; the median of three by
// Gupshup's first → last answer.
const bursts = [];
for (let k = 0; k < BURST_RUNS; k++) {
  bursts.push(await sendBurst([`bench-burst-${k}`], BURST, 0, { concurrency: BURST, tag: "sixty" }));
  const r = bursts.at(-1);
  log(`burst of ${BURST}: Gupshup's first → last answer ${r.answerSpan.toFixed(3)} s, first → last tool result ${r.firstToLast.toFixed(3)} s, start → last ${r.seconds.toFixed(3)} s`);
}
const burst = [...bursts].sort((p, q) => p.answerSpan - q.answerSpan)[Math.floor(BURST_RUNS / 2)];

// A campaign of 10,000 at 300 ms with delivery callbacks streaming in, while a person sends on the same app.
const campaign = await campaignRun({ client: ours, standin, safeCeiling, log });
// Recipients from a file: 10,000 and 100,000 rows; get_campaign at 1,000 and 100,000.
const lists = await fileRuns({ client: ours, standin, group: project.group, log });
// Conversations: 100,000 customer messages through the webhook, then the listing and a thread.
const conversations = await conversationRuns({ client: ours, standin, base: project.base, log });
log(
  `campaign of ${campaign.recipients}: ${f2(campaign.rate)}/s (${pc(campaign.rate / campaign.ceiling)} of ${f2(campaign.ceiling)}/s), ${campaign.tooMany} 429s, ${campaign.duplicates} duplicates; interactive sends p95 ${f1(campaign.interactive.busy.p95)} ms (idle p50 ${f1(campaign.interactive.idle.p50)} ms)`,
);

// Whole run: every 429 the stand-in gave, and every send it accepted twice (same app, same body).
const allRequests = standin.requests();
const allSends = allRequests.filter((r) => r.path.endsWith("/template/msg") && r.status === 200).map((r) => `${r.path}\n${r.body}`);
const throughout = {
  tooMany: standin.tooManyRequests(),
  duplicates: allSends.length - new Set(allSends).size,
  requests: allRequests.length,
  sends: allSends.length,
  /** Which calls were answered 429 (to find the cause of any). */
  tooManyAt: allRequests.filter((r) => r.status === 429).map((r) => r.path),
};
log(
  `throughout: ${throughout.requests} upstream requests, ${throughout.sends} sends, ${throughout.tooMany} 429s${throughout.tooMany ? ` (${throughout.tooManyAt.join(", ")})` : ""}, ${throughout.duplicates} duplicates`,
);

await Promise.all([ours, floor, ...senders].map((c) => c.close()));
project.stop();
baseline.stop();
await standin.close();
rmSync(state, { recursive: true, force: true });

// ---- 4. Start-up and bundle --------------------------------------------------------------------
/** `wrangler check startup`'s active start-up CPU time (ms), the median of three profiles. */
function startup(config) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const out = join(mkdtempSync(join(tmpdir(), "gupshup-startup-")), "startup.cpuprofile");
    const text = execFileSync("npx", ["wrangler", "check", "startup", "--outfile", out, ...(config ? ["--config", config] : [])], {
      cwd: snapshot,
      encoding: "utf8",
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    });
    runs.push(Number(/Active: ([\d.]+) ms/.exec(text)?.[1]));
    rmSync(out, { force: true });
  }
  return runs.sort((a, b) => a - b)[1];
}
const startups = { project: startup(undefined), baseline: startup("bench/baseline/wrangler.toml") };
log(`start-up: ${f1(startups.project)} ms vs baseline ${f1(startups.baseline)} ms`);
function bundle(config, minify) {
  const out = mkdtempSync(join(tmpdir(), "gupshup-bundle-"));
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out, ...(minify ? ["--minify"] : []), ...(config ? ["--config", config] : [])], {
    cwd: snapshot,
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
unlinkSync(join(snapshot, "node_modules"));
rmSync(snapshot, { recursive: true, force: true });

if (process.env.BENCH_JSON) {
  const raw = {
    overhead,
    efficiency: { upstream: upstreamTotal, minimum: minimumTotal },
    ceiling: ceiling.map(({ timeline, ...c }) => c),
    burst: { ...burst, timeline: undefined },
    bursts: bursts.map(({ timeline, ...r }) => r),
    campaign,
    lists,
    throughout,
    bundles,
    startups,
  };
  writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(raw, null, 2)}\n`);
}

// ---- Report ----------------------------------------------------------------------------------
writeFileSync("bench/sends.svg", chart(ceiling.filter((c) => c.apps === 1)));
const oneApp = (l) => ceiling.find((c) => c.latency === l && c.apps === 1);
const runLike = (c) => (figures) => figures.ceiling?.find((w) => w.latency === c.latency && w.apps === c.apps);
const x = (n) => `${f2(n)}×`;
// Each goal: what it says, the before and after figures as shown, and whether the after one meets it.
const goal = (text, then, now, format, met) => ({ goal: text, shown: change(then, now, format), met });
const sendsMet = (t) => t.tooMany === 0 && t.duplicates === 0;
const f0 = (n) => n.toLocaleString("en-US");
const [smallest, largest] = [lists.previews[0], lists.previews.at(-1)];
const goals = [
  ...[0, 50].map((l) => {
    const o = overhead[l];
    const ratio = o.uncached.p50 / o.sameWork.p50;
    const then = was((f) => f.overhead?.[l]?.sameWork && f.overhead[l].uncached.p50 / f.overhead[l].sameWork.p50);
    return goal(`uncached \`get_usage_summary\` p50 ≤ 1.3 × same-work p50 (${l} ms latency)`, then, ratio, x, ratio <= 1.3);
  }),
  ...[0, 50].map((l) => {
    const o = overhead[l];
    const ratio = o.cached.p50 / o.echo.p50;
    const then = was((f) => f.overhead?.[l] && f.overhead[l].cached.p50 / f.overhead[l].echo.p50);
    return goal(`cached \`list_templates\` p50 ≤ echo p50 (${l} ms latency)`, then, ratio, x, ratio <= 1);
  }),
  ...SEND_LATENCIES.map((l) => {
    const fraction = oneApp(l).rate / safeCeiling(l);
    const then = was((f) => runLike(oneApp(l))(f)?.rate / safeCeiling(l));
    const format = (v) => `${pc(v)} (${f2(v * safeCeiling(l))}/s)`;
    return goal(`one app's sends ≥ 95 % of the safe ceiling ${f2(safeCeiling(l))}/s (${l} ms latency)`, then, fraction, format, fraction >= 0.95);
  }),
  goal(
    `burst of ${BURST} sends, token cached, 0 ms: Gupshup's first → last answer ≤ 5.25 s (median of ${BURST_RUNS})`,
    was((f) => f.burst?.answerSpan),
    burst.answerSpan,
    (v) => `${v.toFixed(2)} s`,
    burst.answerSpan <= 5.25,
  ),
  goal(
    `campaign of ${campaign.recipients} at ${campaign.latency} ms with its delivery callbacks: sends ≥ 98 % of the safe ceiling ${f2(campaign.ceiling)}/s`,
    undefined,
    campaign.rate / campaign.ceiling,
    (v) => `${pc(v)} (${f2(v * campaign.ceiling)}/s)`,
    campaign.rate / campaign.ceiling >= 0.98,
  ),
  goal(
    "interactive `send_text_message` during the campaign: p95 wait for a slot ≤ 300 ms (p95 − the idle app's p50)",
    undefined,
    campaign.interactive.waitP95,
    (v) => `${f1(v)} ms`,
    campaign.interactive.waitP95 <= 300,
  ),
  goal(
    "0 upstream 429s, 0 duplicate sends (whole run)",
    was((f) => f.throughout),
    throughout,
    (t) => `${t.tooMany} / ${t.duplicates}`,
    sendsMet(throughout),
  ),
  goal(
    "upstream calls per tool call at the minimum",
    was((f) => f.efficiency && f.efficiency.upstream - f.efficiency.minimum),
    upstreamTotal - minimumTotal,
    (v) => (v === 0 ? "yes" : `no (+${v})`),
    upstreamTotal === minimumTotal,
  ),
  goal(
    "campaign's delivery callbacks (4 per send) all taken by the webhook",
    undefined,
    campaign.callbacks,
    (c) => `${c.posted} of ${c.posted + c.failed}`,
    campaign.callbacks.failed === 0 && campaign.callbacks.posted >= 4 * campaign.submitted,
  ),
  goal(`preview of ${f0(largest.rows)} recipients from a URL ≤ 60 s`, undefined, largest.seconds, (v) => `${f1(v)} s`, largest.seconds <= 60),
  goal(
    `its memory flat in the row count: workerd's peak growth at ${f0(largest.rows)} ≤ 1.5 × at ${f0(smallest.rows)} (or ≤ 20 MB)`,
    undefined,
    largest.growth,
    (v) => `${f1(v)} MB vs ${f1(smallest.growth)} MB`,
    largest.growth <= Math.max(20, 1.5 * smallest.growth),
  ),
  goal(
    "`get_campaign` p50 at 100,000 recipients within noise of 1,000 (≤ 1.25× or + 2 ms)",
    undefined,
    lists.getCampaign[100_000].p50 / lists.getCampaign[1000].p50,
    (v) => `${x(v)} (${f1(lists.getCampaign[1000].p50)} → ${f1(lists.getCampaign[100_000].p50)} ms)`,
    lists.getCampaign[100_000].p50 <= Math.max(1.25 * lists.getCampaign[1000].p50, lists.getCampaign[1000].p50 + 2),
  ),
  goal(
    "worker start-up (`wrangler check startup`, active CPU, median of 3) ≤ 1.2 × baseline",
    undefined,
    startups.project / startups.baseline,
    (v) => `${x(v)} (${f1(startups.project)} vs ${f1(startups.baseline)} ms)`,
    startups.project / startups.baseline <= 1.2,
  ),
];

const cpu = cpus();
const kb = (pick, now) =>
  change(
    was((f) => f.bundles && pick(f.bundles)),
    now,
    (v) => `${f1(v)} KB`,
  );
const overheadRow = (l, label, key, ratio) => {
  const o = overhead[l];
  const cell = (p) =>
    change(
      was((f) => f.overhead?.[l]?.[key]?.[p]),
      o[key][p],
      f1,
    );
  return `| ${l} ms | ${label} | ${cell("p50")} | ${cell("p95")} | ${cell("p99")} | ${ratio} |`;
};
const md = `# Benchmark results

Code: ${revision}. Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.
Everything on loopback: \`wrangler dev\` (workerd) for gupshup-mcp and for \`bench/baseline\` (the same packages: an \`echo\` tool, and a same-work \`upstream\` tool — one Durable Object RPC in which the object makes one HTTP call to the stand-in and parses its JSON), and a Gupshup stand-in with a set round-trip latency${JITTER ? ` (±${f1(JITTER * 100)} % jitter)` : ""}: half of it before the stand-in receives a request (when it counts against the rate window), half for the answer. Reproduce with \`npm run bench\` (about ${Math.ceil((Date.now() - started) / 60000)} min).

"before → after": before is ${before.committed?.source ?? "not recorded"}${before.measured ? `; figures marked † did not exist then and were measured ${before.measured.source}` : ""}.

## Goals

| goal | before → after | met |
| --- | --- | --- |
${goals.map((g) => `| ${g.goal} | ${g.shown} | ${g.met ? "yes" : "**no**"} |`).join("\n")}

The safe ceiling at round-trip latency L is ${LIMIT} per (1 s + L): a call counts against Gupshup's window from the moment its answer arrives (the latest Gupshup can have received it), so the next window's first call can go 1 s after an answer, and then takes L itself.

## 1. Overhead per \`tools/call\` (ms, ${ITERATIONS} calls each, interleaved, one client per server)

Each timed call follows an untimed MCP ping to the same server. The committed before figures were measured without it, when the fixed rotation made \`list_templates\` always follow a baseline call (paying for the switch between servers) and \`echo\` hardly ever.

| upstream latency | call | p50 | p95 | p99 | p50 ÷ echo p50 |
| --- | --- | --- | --- | --- | --- |
${[0, 50]
  .flatMap((l) => {
    const o = overhead[l];
    return [
      overheadRow(l, "baseline `echo`", "echo", "1.00"),
      overheadRow(l, "`list_templates` (cached)", "cached", f2(o.cached.p50 / o.echo.p50)),
      overheadRow(l, "baseline same-work `upstream` (1 upstream call)", "sameWork", f2(o.sameWork.p50 / o.echo.p50)),
      overheadRow(
        l,
        "`get_usage_summary` (1 upstream call)",
        "uncached",
        `${f2(o.uncached.p50 / o.echo.p50)} (÷ same-work: **${f2(o.uncached.p50 / o.sameWork.p50)}**; + ${f1(o.uncached.p50 - o.sameWork.p50)} ms)`,
      ),
    ];
  })
  .join("\n")}

## 2. Upstream requests per tool call (a realistic session on a fresh app)

| tool call | what | upstream requests | of which token fetches | minimum possible |
| --- | --- | --- | --- | --- |
${efficiency.map((e) => `| \`${e.name}\` | ${e.what} | ${e.upstream} | ${e.tokenFetches} | ${e.minimum} |`).join("\n")}
| **total** | ${session.length} tool calls | **${change(
  was((f) => f.efficiency?.upstream),
  upstreamTotal,
  String,
)}** | ${efficiency.reduce((s, e) => s + e.tokenFetches, 0)} | **${minimumTotal}** |

## 3. Sends at Gupshup's ceiling (limit ${LIMIT}/s per app)

Runs of ${SENDS} sends on one app (and ${SENDS / 2} on each of four apps) over 8 concurrent clients; tokens fetched first.

| upstream latency | apps | sends | confirmed | received upstream | steady rate per app | safe ceiling | of ceiling | upstream 429s | duplicates | took |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${ceiling
  .map((c) => {
    const ceil = safeCeiling(c.latency);
    const then = (pick) =>
      was((f) => {
        const w = runLike(c)(f);
        return w && pick(w);
      });
    const rate = change(
      then((w) => w.rate),
      c.rate,
      (v) => `${f2(v)}/s`,
    );
    const share = change(
      then((w) => w.rate / ceil),
      c.rate / ceil,
      pc,
    );
    return `| ${c.latency} ms | ${c.apps} | ${c.sends} | ${c.confirmed} | ${c.received} | ${rate} | ${f2(ceil)}/s | ${share} | ${c.tooMany} | ${c.duplicates} | ${change(
      then((w) => w.seconds),
      c.seconds,
      (v) => `${f1(v)} s`,
    )} |`;
  })
  .join("\n")}

Steady rate = sends after the first window's ${LIMIT} ÷ time from the ${LIMIT}th to the last (as the stand-in received them), per app.

![accepted sends over time, one app, per latency](sends.svg)

**Burst**: ${BURST} sends fired at once (${BURST} concurrent tool calls over the 8 clients) on an app whose token is cached, 0 ms latency, ${BURST_RUNS} times (a fresh app each time). Gupshup's window lets ${LIMIT} through per second, so its answer to the ${BURST}th send can come 5.0 s after its answer to the first; the goal allows 5 % more, measured where the window is: from the stand-in's first answer to its last. The client-side spans are shown too (the first tool result itself comes late in a burst, so "first → last tool result" flatters).

| | before | after (median run) | all ${BURST_RUNS} runs |
| --- | --- | --- | --- |
${[
  ["Gupshup: first → last answer (goal ≤ 5.25 s)", "answerSpan"],
  ["first → last tool result", "firstToLast"],
  ["burst start → last tool result", "seconds"],
]
  .map(([label, key]) => {
    const then = was((f) => f.burst?.[key]);
    return `| ${label} | ${then ? `${then.value.toFixed(3)} s${then.mark}` : "—"} | ${burst[key].toFixed(3)} s | ${bursts.map((r) => r[key].toFixed(3)).join(", ")} |`;
  })
  .join("\n")}
| confirmed / received / 429s / duplicates | ${((t) => (t ? `${t.value}${t.mark}` : "—"))(was((f) => f.burst && `${f.burst.confirmed} / ${f.burst.received} / ${f.burst.tooMany} / ${f.burst.duplicates}`))} | ${burst.confirmed} / ${burst.received} / ${burst.tooMany} / ${burst.duplicates} | |

**Campaign**: ${campaign.recipients} recipients (\`preview_campaign\`, \`start_campaign\`) on one app at ${campaign.latency} ms, while interactive \`send_text_message\` calls go to the same app at random moments 0.3–1.1 s apart (${campaign.interactive.count} of them). The campaign runs in the app's Durable Object (alarm slices; background turns, spread evenly, that every interactive call goes ahead of); the steady rate counts everything the app sent.

| | figure |
| --- | --- |
| state at the end / sent / received by the stand-in | ${campaign.state} / ${campaign.submitted} / ${campaign.received} |
| steady rate (campaign + interactive) | ${f2(campaign.rate)}/s, ${pc(campaign.rate / campaign.ceiling)} of the safe ceiling ${f2(campaign.ceiling)}/s |
| start → completed (polled every 2 s) | ${f1(campaign.seconds)} s |
| upstream 429s / duplicate sends | ${campaign.tooMany} / ${campaign.duplicates} |
| interactive send, idle app: p50 / p95 | ${f1(campaign.interactive.idle.p50)} / ${f1(campaign.interactive.idle.p95)} ms |
| interactive send during the campaign: p50 / p95 / max | ${f1(campaign.interactive.busy.p50)} / ${f1(campaign.interactive.busy.p95)} / ${f1(campaign.interactive.busy.max)} ms |
| of which waiting for a slot (p95 − idle p50) | ${f1(campaign.interactive.waitP95)} ms |

Delivery callbacks: the stand-in posted the four events of each campaign send (enqueued, sent, delivered, read; 0.2–1.1 s after it) to the webhook configure_webhook registered: ${campaign.callbacks.posted} taken, ${campaign.callbacks.failed} refused or failed.

**Recipients from a file**: \`preview_campaign\` with \`recipientsUrl\`, a CSV the stand-in streams (a phone and a name per row; one template variable), read in batches of 5,000 into the app's object. Memory is the resident size of the workerd process that runs the worker and the object (sampled every 50 ms; the peak above what it held before the preview).

| rows | queued | wall time | workerd RSS before → peak | growth |
| --- | --- | --- | --- | --- |
${lists.previews.map((p) => `| ${f0(p.rows)} | ${f0(p.queued)} | ${f1(p.seconds)} s | ${f1(p.rssBefore)} → ${f1(p.rssPeak)} MB | ${f1(p.growth)} MB |`).join("\n")}

\`get_campaign\` on a preview (${50} calls each): 1,000 recipients p50 ${f1(lists.getCampaign[1000].p50)} ms (p95 ${f1(lists.getCampaign[1000].p95)}); 100,000 recipients p50 ${f1(lists.getCampaign[100_000].p50)} ms (p95 ${f1(lists.getCampaign[100_000].p95)}). Its counts come from per-campaign tallies, not from the rows.

Conversations: ${f0(conversations.events)} customer messages from ${f0(conversations.numbers)} numbers posted to the webhook (Meta's format, 400 a callback) were stored in ${f1(conversations.ingestSeconds)} s. Then ${50} calls each: \`list_conversations\` over ${f0(conversations.total)} conversations p50 ${f1(conversations.list.p50)} ms (p95 ${f1(conversations.list.p95)}); filtered (awaiting a reply, window open, open) p50 ${f1(conversations.filtered.p50)} ms (p95 ${f1(conversations.filtered.p95)}); \`get_conversation\` (${conversations.thread.messages} messages) p50 ${f1(conversations.thread.p50)} ms (p95 ${f1(conversations.thread.p95)}).

Whole run: ${throughout.requests} upstream requests (${throughout.sends} sends), **${throughout.tooMany}** answered 429, **${throughout.duplicates}** duplicate sends.

## 4. Start-up and bundle

Start-up (\`wrangler check startup\`: the worker's start-up CPU profile, locally; active time, median of 3): gupshup-mcp ${f1(startups.project)} ms, baseline ${f1(startups.baseline)} ms (${x(startups.project / startups.baseline)}). The bundle, for information:

| worker | plain | --minify |
| --- | --- | --- |
| gupshup-mcp | ${kb((f) => f.project.plain, bundles.project.plain)} | ${kb((f) => f.project.minified, bundles.project.minified)} |
| baseline (echo + same-work) | ${kb((f) => f.baseline.plain, bundles.baseline.plain)} | ${kb((f) => f.baseline.minified, bundles.baseline.minified)} |
| ratio | ${f2(bundles.project.plain / bundles.baseline.plain)}× | ${f2(bundles.project.minified / bundles.baseline.minified)}× |
`;
writeFileSync("bench/RESULTS.md", md);
console.log(`\n${md}`);
log(`done; wrote bench/RESULTS.md and bench/sends.svg`);
process.exit(0);

/** The commit the measured sources are at, and whether they differ from it. */
function gitDescribe() {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "package.json", "wrangler.toml"], { encoding: "utf8" }).trim() !== "";
    return `\`${commit}\`${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return "unknown commit";
  }
}

/** A small SVG: accepted sends over time (cumulative), one line per latency, each with its safe ceiling dashed. */
function chart(runs) {
  const width = 640;
  const height = 300;
  const pad = 44;
  const maxX = Math.max(...runs.map((r) => Math.max(...r.timeline, 1) / 1000));
  const maxY = Math.max(...runs.map((r) => r.timeline.length), 1);
  const x = (s) => pad + (s / maxX) * (width - 2 * pad);
  const y = (v) => height - pad - (v / maxY) * (height - 2 * pad);
  const colors = ["#0969da", "#1a7f37", "#9a6700", "#cf222e"];
  const yTicks = Array.from({ length: Math.floor(maxY / 20) + 1 }, (_, k) => k * 20);
  const xTicks = Array.from({ length: Math.floor(maxX / 2) + 1 }, (_, k) => k * 2);
  const ticks = [
    ...yTicks.map((v) => `<text x="${pad - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`),
    ...xTicks.map((s) => `<text x="${x(s)}" y="${height - pad + 14}" font-size="11" text-anchor="middle">${s}</text>`),
  ].join("");
  const lines = runs
    .map((run, k) => {
      const color = colors[k % colors.length];
      const times = [...run.timeline].sort((p, q) => p - q);
      // A staircase: the count steps up at each send Gupshup received.
      const points = times.flatMap((t, i) => [`${x(t / 1000).toFixed(1)},${y(i).toFixed(1)}`, `${x(t / 1000).toFixed(1)},${y(i + 1).toFixed(1)}`]).join(" ");
      const rate = safeCeiling(run.latency);
      const t0 = times[0] / 1000;
      const tEnd = Math.min(maxX, t0 + (maxY - LIMIT) / rate);
      const ideal = `<line x1="${x(t0).toFixed(1)}" y1="${y(LIMIT).toFixed(1)}" x2="${x(tEnd).toFixed(1)}" y2="${y(LIMIT + (tEnd - t0) * rate).toFixed(1)}" stroke="${color}" stroke-width="1" stroke-dasharray="5 4"/>`;
      const label = `<text x="${pad + 8}" y="${pad / 2 + 14 + 15 * k}" fill="${color}" font-size="12">${run.latency} ms: ${f2(run.rate)}/s (ceiling ${f2(rate)}/s, dashed)</text>`;
      return `${ideal}<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>${label}`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/><line x1="${pad}" y1="${pad / 2}" x2="${pad}" y2="${height - pad}" stroke="#888"/>
${ticks}${lines}
<text x="${width / 2}" y="${height - 6}" font-size="12" text-anchor="middle">seconds since the run started (one app, ${SENDS} sends, as the stand-in received them)</text>
<text x="12" y="${height / 2}" font-size="12" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">sends received</text>
</svg>
`;
}
