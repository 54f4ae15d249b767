#!/usr/bin/env node
// `npm run check:storage`: under `wrangler dev` with file-backed state (where miniflare adds its
// own __miniflare_do_name table to every object), strangers leave nothing behind — refused webhook
// posts and made-up bearers create no object with any of our tables — while the owner's own call
// does (so the check can see tables when they are there).
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const persist = mkdtempSync(join(tmpdir(), "gupshup-mcp-state-"));
const appId = "5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e01"; // the simulator's DemoStore
const { base, stop } = await startWranglerDev({ port: 8795, persistTo: persist, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "", GUPSHUP_PARTNER_TOKEN: "" } });

/** One MCP tool call with a bearer, after the initialize handshake. */
async function callTool(bearer, name, args) {
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${bearer}` };
  const post = (body, extra = {}) => fetch(`${base}/mcp`, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) });
  const init = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "check", version: "1" } } });
  const session = init.headers.get("mcp-session-id");
  await init.text();
  const res = await post({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name, arguments: args } }, session ? { "Mcp-Session-Id": session } : {});
  return res.text();
}

/** Durable Object files (by class) whose SQLite holds any table of ours (none of ours start with "_"). */
function objectsWithOurTables(className) {
  const dir = join(persist, "v3", "do", `gupshup-mcp-${className}`);
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".sqlite"));
  } catch {}
  return files.filter((file) => {
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").all();
    db.close();
    return tables.length > 0;
  }).length;
}

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};
try {
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${base}/webhooks/gupshup/made-up-app-${i}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Gupshup-Mcp-Secret": `guess-${i}` },
      body: JSON.stringify({ app: "x", timestamp: Date.now(), version: 2, type: "message-event", payload: { id: `m-${i}`, type: "enqueued" } }),
    });
    await res.text();
    if (res.status !== 401) check(false, `webhook ${i} refused with 401 (${res.status})`);
  }
  for (let i = 0; i < 5; i++) await callTool(`made-up-token-${i}`, "list_templates", { appId: i % 2 ? appId : `made-up-app-${i}` });
  check(objectsWithOurTables("GupshupGateway") === 0, `20 refused webhooks and 5 made-up bearers leave no object with our tables (${objectsWithOurTables("GupshupGateway")})`);
  check(objectsWithOurTables("GupshupPartnerLogin") === 0, "and no partner-login object with our tables");

  const owner = await callTool("sandbox-demo-partner-token", "list_templates", { appId });
  check(owner.includes("order_update"), `the owner's own call is served ${owner.includes("order_update") ? "" : owner.slice(0, 300)}`);
  check(objectsWithOurTables("GupshupGateway") >= 1, `and its app object keeps its tables (${objectsWithOurTables("GupshupGateway")} object(s))`);
} finally {
  stop();
}
console.log(`storage checks: ${failures === 0 ? "all passed" : `${failures} failed`}`);
process.exit(failures === 0 ? 0 : 1);
