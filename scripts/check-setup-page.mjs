#!/usr/bin/env node
// Opens the setup page of a local `wrangler dev` (built-in sandbox) in headless Chromium (Debian's
// package), checks what a person sees — the MCP URL, every tool, the security advice — at phone
// and desktop widths, and saves screenshots under docs/. Usage: node scripts/check-setup-page.mjs
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PORT = process.env.PORT ?? "8799";
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const dev = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", PORT, "--var", "GUPSHUP_BASE_URL:sandbox", "--var", "MCP_AUTH_TOKEN:"], {
  env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  stdio: ["ignore", "ignore", "inherit"],
  detached: true,
});
const stop = () => {
  try {
    process.kill(-dev.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stop);

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

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/docs/mcp`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not start within 60 s");
}

const failures = [];
const check = (ok, what) => (ok ? console.log(`ok   ${what}`) : (failures.push(what), console.log(`FAIL ${what}`)));

try {
  await waitForServer();
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
