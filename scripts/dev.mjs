#!/usr/bin/env node
// `npm run dev`: wrangler dev on http://127.0.0.1:8787, on the built-in Gupshup sandbox unless
// .dev.vars (or the environment) holds Gupshup credentials or an explicit GUPSHUP_BASE_URL.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const configured = (name) => {
  const line = devVars.split(/\r?\n/).find((l) => l.trim().startsWith(`${name}=`) || l.trim().startsWith(`${name} =`));
  const value = line
    ?.slice(line.indexOf("=") + 1)
    .trim()
    .replace(/^["']|["']$/g, "");
  return Boolean(value || process.env[name]);
};

const hasCredentials = configured("GUPSHUP_PARTNER_TOKEN") || (configured("GUPSHUP_PARTNER_EMAIL") && configured("GUPSHUP_PARTNER_SECRET"));
const useSandbox = !hasCredentials && !configured("GUPSHUP_BASE_URL");

const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", process.env.PORT ?? "8787", ...process.argv.slice(2)];
if (useSandbox) args.push("--var", "GUPSHUP_BASE_URL:sandbox");

console.log(
  useSandbox
    ? "\n  gupshup-mcp: no Gupshup credentials in .dev.vars — serving the built-in Gupshup SANDBOX (simulated apps, no real messages).\n" +
        "  MCP endpoint: http://127.0.0.1:8787/mcp (no auth needed on loopback in sandbox mode)\n" +
        "  Try the OAuth sign-in (as claude.ai and ChatGPT use it) at the same URL: npx @modelcontextprotocol/inspector,\n" +
        "  Streamable HTTP, URL http://127.0.0.1:8787/mcp, Open Auth Settings → Quick OAuth Flow (one-click simulator partner).\n"
    : "\n  gupshup-mcp: using the Gupshup credentials from .dev.vars (real partner API). MCP endpoint: http://127.0.0.1:8787/mcp\n",
);

const child = spawn("npx", args, {
  stdio: "inherit",
  env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env },
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
