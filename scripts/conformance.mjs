#!/usr/bin/env node
// `npm run conformance`: the official MCP conformance suite (server mode) against `wrangler dev`
// on the built-in sandbox, for the scenarios that apply to a tools-only server. The suite (pinned)
// is installed on first use into .cache/conformance, so `npm install` stays light; it runs on the
// project's own Node (>= 22.12, see scripts/with-node.sh).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];
const DIR = ".cache/conformance";
const NODE = process.execPath;
const SUITE = `${DIR}/node_modules/@modelcontextprotocol/conformance/dist/index.js`;

if (!existsSync(SUITE)) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(`${DIR}/package.json`, JSON.stringify({ name: "conformance-runner", private: true }));
  console.log("installing @modelcontextprotocol/conformance@0.1.16 into .cache/conformance …");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "@modelcontextprotocol/conformance@0.1.16"], { cwd: DIR, stdio: "inherit" });
}

const { base, stop } = await startWranglerDev({ port: 8790, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "" } });
let passed = 0;
let failed = 0;
try {
  for (const scenario of SCENARIOS) {
    const run = spawnSync(NODE, [SUITE, "server", "--url", `${base}/mcp`, "--scenario", scenario], { encoding: "utf8", timeout: 120_000 });
    const output = `${run.stdout}${run.stderr}`;
    const summary = output.match(/Passed: (\d+)\/(\d+), (\d+) failed/);
    const ok = run.status === 0 && summary !== null && summary[3] === "0";
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${scenario}${summary ? ` (${summary[1]}/${summary[2]} checks)` : ""}`);
    if (!ok) console.log(output);
  }
} finally {
  stop();
}
console.log(`conformance: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
