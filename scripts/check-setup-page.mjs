#!/usr/bin/env node
// Opens the setup page and the OAuth sign-in page of a local `wrangler dev` (built-in sandbox, no
// access secret) in headless Chromium (Debian's package), checks what a person sees — the MCP URL,
// how to connect claude.ai and ChatGPT, every tool, the security advice; on the sign-in page the
// client's name, the three scopes and the one-click simulator — at phone and desktop widths, and
// saves screenshots under docs/; then the MCP Apps views, rendered by a stand-in host with real tool
// results (scripts/lib/check-views.mjs). Usage: node --experimental-websocket scripts/check-setup-page.mjs
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkViews } from "./lib/check-views.mjs";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

function chromium(args) {
  const profile = mkdtempSync(join(tmpdir(), "chromium-"));
  try {
    return execFileSync(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** fetch, tried again once when the connection itself fails (a kept-alive connection workerd closed while Chromium ran). */
async function fetchRetrying(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

let passed = 0;
const failures = [];
const check = (ok, what) => {
  if (ok) passed++;
  else failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};

/** A fresh authorization request, as claude.ai makes one: register (dynamic client registration), then PKCE S256. */
async function signInUrl(base) {
  const redirectUri = "https://claude.ai/api/mcp/auth_callback";
  const registered = await fetchRetrying(`${base}/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: "Claude", redirect_uris: [redirectUri], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] }),
  });
  if (registered.status !== 201) throw new Error(`POST /register answered ${registered.status}: ${await registered.text()}`);
  const { client_id: clientId } = await registered.json();
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${base}/authorize`);
  const params = {
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: "xyz",
    scope: "read send manage",
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

const { base: BASE, stop } = await startWranglerDev({ port: 8799, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "" } });
try {
  const docs = await (await fetchRetrying(`${BASE}/docs/mcp`)).json();
  const tools = docs.tools.map((t) => t.name);
  const dom = chromium(["--dump-dom", `${BASE}/`]);
  check(dom.includes(`id="mcp-url">${BASE}/mcp</div>`), "the page shows this deployment's MCP URL");
  check(
    tools.every((name) => dom.includes(`<td>${name}</td>`)),
    `the page lists all ${tools.length} tools`,
  );
  check(/Never paste real tokens/.test(dom), "the page carries the security advice");
  check(/claude mcp add --transport http/.test(dom), "the page has the Claude Code command");
  check(dom.includes("Settings → Connectors → Add custom connector") && /Developer mode/.test(dom), "the page says how to add the connector in claude.ai and ChatGPT");
  check(/Simulator demo partner/.test(dom) && dom.includes('href="/connections"'), "the page says what the sandbox's sign-in asks and links /connections");
  check(/Quick OAuth Flow/.test(dom), "the page says how to try the sign-in with the MCP Inspector");

  const redirected = chromium(["--dump-dom", `${BASE}/mcp`]);
  check(redirected.includes('id="mcp-url"'), "a browser opening /mcp lands on the setup page");

  chromium([`--screenshot=docs/setup-page-phone.png`, "--window-size=390,2400", "--hide-scrollbars", `${BASE}/`]);
  chromium([`--screenshot=docs/setup-page.png`, "--window-size=1280,3000", "--hide-scrollbars", `${BASE}/`]);
  console.log("screenshots: docs/setup-page.png, docs/setup-page-phone.png");

  // The sign-in page: each load needs its own authorization request (the page's form handle is single-use).
  const signIn = chromium(["--dump-dom", await signInUrl(BASE)]);
  check(/<div class="who" id="client-name">Claude<\/div>/.test(signIn), "the sign-in page names the client (Claude)");
  check(
    ["read", "send", "manage"].every((scope) => signIn.includes(`name="scope" value="${scope}" checked`)),
    "the sign-in page offers the three scopes the client asked for, all ticked",
  );
  check(/value="demo"[^>]*checked/.test(signIn) && /Simulator demo partner \(one click\)/.test(signIn), "the sign-in page offers the one-click simulator partner, chosen");
  check(signIn.includes('name="apps"'), "the sign-in page lets the person limit the apps");
  check(!signIn.includes('name="access"'), "the sign-in page asks for no access secret (none is set)");

  chromium([`--screenshot=docs/sign-in-page-phone.png`, "--window-size=390,1400", "--hide-scrollbars", await signInUrl(BASE)]);
  chromium([`--screenshot=docs/sign-in-page.png`, "--window-size=1280,1100", "--hide-scrollbars", await signInUrl(BASE)]);
  console.log("screenshots: docs/sign-in-page.png, docs/sign-in-page-phone.png");

  await checkViews(BASE, check);
} catch (error) {
  failures.push(String(error));
  console.log(`FAIL ${error}`);
} finally {
  stop();
}
console.log(`setup page, sign-in page and views: ${passed} checks passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
