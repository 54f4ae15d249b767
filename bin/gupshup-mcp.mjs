#!/usr/bin/env node
// `npx gupshup-mcp`: the same worker as the deployed server, run locally in workerd (Miniflare:
// Durable Objects and KV kept under a per-user directory), spoken to over stdio by a local MCP
// client (Claude Code, Cursor, Claude Desktop). Nothing listens beyond loopback: each stdin message
// is handed to the worker's /mcp in-process and its answers go to stdout.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare } from "miniflare";

const WORKER = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "worker");
/** Settings read from the environment, as the Claude Code config's `env` gives them. */
const SETTINGS = [
  "GUPSHUP_PARTNER_TOKEN",
  "GUPSHUP_PARTNER_EMAIL",
  "GUPSHUP_PARTNER_SECRET",
  "GUPSHUP_DEFAULT_APP_ID",
  "GUPSHUP_DEFAULT_COUNTRY_CODE",
  "GUPSHUP_BASE_URL",
  "GUPSHUP_TIMEOUT_MS",
  "INBOX_RETENTION_DAYS",
  "OPT_OUT_KEYWORDS",
];

const say = (line) => process.stderr.write(`gupshup-mcp: ${line}\n`);

/** Where the app objects, caches and the sandbox keep their state between runs. */
function dataDirectory() {
  if (process.env.GUPSHUP_MCP_DATA_DIR) return process.env.GUPSHUP_MCP_DATA_DIR;
  if (process.platform === "win32") return join(process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "gupshup-mcp");
  if (process.platform === "darwin") return join(homedir(), "Library", "Application Support", "gupshup-mcp");
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "gupshup-mcp");
}

function settings() {
  const given = Object.fromEntries(SETTINGS.filter((name) => process.env[name]?.trim()).map((name) => [name, process.env[name].trim()]));
  const credentials = given.GUPSHUP_PARTNER_TOKEN || (given.GUPSHUP_PARTNER_EMAIL && given.GUPSHUP_PARTNER_SECRET);
  if (!credentials && !given.GUPSHUP_BASE_URL) given.GUPSHUP_BASE_URL = "sandbox";
  return given;
}

const config = JSON.parse(readFileSync(join(WORKER, "worker.json"), "utf8"));
const given = settings();
// Only this process holds the access secret: the worker refuses any other caller.
const secret = randomBytes(32).toString("hex");
const dataDir = dataDirectory();
mkdirSync(dataDir, { recursive: true });

const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: false,
  defaultPersistRoot: dataDir,
  log: new Log(LogLevel.WARN),
  // The worker's own logs go to stderr: stdout carries only MCP messages.
  handleRuntimeStdio(stdout, stderr) {
    stdout.pipe(process.stderr);
    stderr.pipe(process.stderr);
  },
  modules: true,
  scriptPath: join(WORKER, "index.js"),
  compatibilityDate: config.compatibilityDate,
  compatibilityFlags: config.compatibilityFlags,
  durableObjects: Object.fromEntries(config.durableObjects.map((d) => [d.name, { className: d.className, useSQLite: true }])),
  kvNamespaces: config.kvNamespaces,
  bindings: { ...config.vars, ...given, MCP_AUTH_TOKEN: secret },
});

say(
  `${given.GUPSHUP_BASE_URL === "sandbox" ? "no Gupshup credentials set: serving the built-in Gupshup SANDBOX (simulated apps, no real messages)" : "serving your Gupshup account"}; state in ${dataDir}`,
);

const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${secret}`, host: "localhost" };
const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Every JSON-RPC message in an answer: a JSON body (one or a batch) or a server-sent event stream. */
async function* messagesOf(response) {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const data = buffer
          .slice(0, end)
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        buffer = buffer.slice(end + 2);
        if (data) yield JSON.parse(data);
        end = buffer.indexOf("\n\n");
      }
    }
  } else if (type.includes("application/json")) {
    const body = await response.json();
    yield* Array.isArray(body) ? body : [body];
  } else await response.body?.cancel();
}

async function forward(line) {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return write({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error: each line must be one JSON-RPC message" } });
  }
  try {
    const response = await mf.dispatchFetch("http://localhost/mcp", { method: "POST", headers, body: line });
    const session = response.headers.get("mcp-session-id");
    if (message.method === "initialize" && session) headers["mcp-session-id"] = session;
    let answered = false;
    for await (const reply of messagesOf(response)) {
      if (reply?.result?.protocolVersion && message.method === "initialize") headers["mcp-protocol-version"] = reply.result.protocolVersion;
      answered ||= reply?.id !== undefined && reply.id === message.id;
      write(reply);
    }
    if (!answered && message.id !== undefined && response.status >= 400) {
      write({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: `gupshup-mcp answered HTTP ${response.status}` } });
    }
  } catch (error) {
    if (message.id !== undefined) write({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: `gupshup-mcp could not handle the request: ${error.message}` } });
  }
}

await mf.ready;
const pending = new Set();
const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on("line", (line) => {
  if (!line.trim()) return;
  // Requests run side by side (a long send does not hold up a status check), answers as they come.
  const work = forward(line).finally(() => pending.delete(work));
  pending.add(work);
});
lines.on("close", async () => {
  await Promise.allSettled(pending);
  await mf.dispose();
  process.exit(0);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => mf.dispose().finally(() => process.exit(0)));
