#!/usr/bin/env node
// Opens the setup page of a local `wrangler dev` (built-in sandbox) in headless Chromium (Debian's
// package), checks what a person sees — the MCP URL, every tool, the security advice — at phone
// and desktop widths, and saves screenshots under docs/. Usage: node scripts/check-setup-page.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

function chromium(args) {
  const profile = mkdtempSync(join(tmpdir(), "chromium-"));
  try {
    return execFileSync(
      CHROMIUM,
      ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, ...args],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const failures = [];
const check = (ok, what) => (ok ? console.log(`ok   ${what}`) : (failures.push(what), console.log(`FAIL ${what}`)));

const { base: BASE, stop } = await startWranglerDev({ port: 8799, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "" } });
try {
  const tools = (await (await fetch(`${BASE}/docs/mcp`)).json()).tools.map((t) => t.name);
  const dom = chromium(["--dump-dom", `${BASE}/`]);
  check(dom.includes(`id="mcp-url">${BASE}/mcp</div>`), "the page shows this deployment's MCP URL");
  check(tools.every((name) => dom.includes(`<td>${name}</td>`)), `the page lists all ${tools.length} tools`);
  check(/Never paste real tokens/.test(dom), "the page carries the security advice");
  check(/claude mcp add --transport http/.test(dom), "the page has the Claude Code command");

  const redirected = chromium(["--dump-dom", `${BASE}/mcp`]);
  check(redirected.includes('id="mcp-url"'), "a browser opening /mcp lands on the setup page");

  chromium([`--screenshot=docs/setup-page-phone.png`, "--window-size=390,1800", "--hide-scrollbars", `${BASE}/`]);
  chromium([`--screenshot=docs/setup-page.png`, "--window-size=1280,3000", "--hide-scrollbars", `${BASE}/`]);
  console.log("screenshots: docs/setup-page.png, docs/setup-page-phone.png");
} catch (error) {
  failures.push(String(error));
  console.log(`FAIL ${error}`);
} finally {
  stop();
}
console.log(`setup page: ${5 - failures.length} checks passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
