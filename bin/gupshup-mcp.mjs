#!/usr/bin/env node
// `npx gupshup-mcp`: the same worker as the deployed server, run locally in workerd (Miniflare:
// Durable Objects and KV kept under a per-user directory), spoken to over stdio by a local MCP
// client (Claude Code, Cursor, Claude Desktop). Nothing listens beyond loopback: each stdin message
// is handed to the worker's /mcp in-process and its answers go to stdout, which carries nothing else.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
/** How long answers still in flight may take once the client has closed stdin. */
const CLOSE_GRACE_MS = 10_000;

const say = (line) => process.stderr.write(`gupshup-mcp: ${line}\n`);
const stop = (line) => {
  say(line);
  process.exit(1);
};

/** Miniflare's own messages (warnings, a worker's uncaught error) go to stderr: stdout is the MCP stream. */
class StderrLog extends Log {
  log(message) {
    process.stderr.write(`${message}\n`);
  }
}

/** Where the app objects, caches and the sandbox keep their state between runs. */
function dataDirectory() {
  if (process.env.GUPSHUP_MCP_DATA_DIR) return process.env.GUPSHUP_MCP_DATA_DIR;
  if (process.platform === "win32") return join(process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "gupshup-mcp");
  if (process.platform === "darwin") return join(homedir(), "Library", "Application Support", "gupshup-mcp");
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "gupshup-mcp");
}

function settings() {
  const given = Object.fromEntries(SETTINGS.filter((name) => process.env[name]?.trim()).map((name) => [name, process.env[name].trim()]));
  if (Boolean(given.GUPSHUP_PARTNER_EMAIL) !== Boolean(given.GUPSHUP_PARTNER_SECRET)) {
    stop(`${given.GUPSHUP_PARTNER_EMAIL ? "GUPSHUP_PARTNER_SECRET" : "GUPSHUP_PARTNER_EMAIL"} is missing: set both GUPSHUP_PARTNER_EMAIL and GUPSHUP_PARTNER_SECRET, or neither.`);
  }
  const credentials = given.GUPSHUP_PARTNER_TOKEN || given.GUPSHUP_PARTNER_EMAIL;
  if (!credentials && !given.GUPSHUP_BASE_URL) given.GUPSHUP_BASE_URL = "sandbox";
  return given;
}

/**
 * One server per data directory: two would share the objects' SQLite files and could both run a
 * campaign's alarm. A lock left by a process that has ended is taken over.
 */
function lockDirectory(dir) {
  const lock = join(dir, "gupshup-mcp.lock");
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8"));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {}
    if (alive) stop(`another gupshup-mcp (pid ${pid}) is using ${dir}. Close it, or give each client its own GUPSHUP_MCP_DATA_DIR.`);
  }
  writeFileSync(lock, String(process.pid));
  process.on("exit", () => rmSync(lock, { force: true }));
}

if (!existsSync(join(WORKER, "worker.json"))) stop(`the built worker is missing (${WORKER}): in a checkout, run npm run build:package first.`);
const config = JSON.parse(readFileSync(join(WORKER, "worker.json"), "utf8"));
const given = settings();
// Only this process holds the access secret: the worker refuses any other caller.
const secret = randomBytes(32).toString("hex");
const dataDir = dataDirectory();
mkdirSync(dataDir, { recursive: true });
lockDirectory(dataDir);

const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: false,
  defaultPersistRoot: dataDir,
  log: new StderrLog(LogLevel.WARN),
  handleRuntimeStdio(stdout, stderr) {
    stdout.pipe(process.stderr);
    stderr.pipe(process.stderr);
  },
  modules: true,
  // Module names are relative to the bundle, wherever the client starts this from.
  modulesRoot: WORKER,
  scriptPath: join(WORKER, "index.js"),
  compatibilityDate: config.compatibilityDate,
  compatibilityFlags: config.compatibilityFlags,
  durableObjects: Object.fromEntries(config.durableObjects.map((d) => [d.name, { className: d.className, useSQLite: true }])),
  kvNamespaces: config.kvNamespaces,
  bindings: { ...config.vars, ...given, MCP_AUTH_TOKEN: secret },
});

const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${secret}`, host: "localhost" };
const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const failure = (id, code, message) => write({ jsonrpc: "2.0", id, error: { code, message } });

/** The JSON-RPC message of one server-sent event (its data lines), if it has one. */
function eventData(event) {
  const data = event
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).replace(/^ /, ""))
    .join("\n");
  return data ? JSON.parse(data) : undefined;
}

/** Every JSON-RPC message in an answer: a JSON body (one or a batch) or a server-sent event stream. */
async function* messagesOf(response) {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      buffer = (buffer + decoder.decode(chunk, { stream: true })).replace(/\r\n/g, "\n");
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const message = eventData(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (message !== undefined) yield message;
      }
    }
    const last = eventData(buffer);
    if (last !== undefined) yield last;
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
    return failure(null, -32700, "Parse error: each line must be one JSON-RPC message");
  }
  if (typeof message !== "object" || message === null) return failure(null, -32600, "Invalid Request: a JSON-RPC message is an object (or a batch of them)");
  // A batch's answers come back as they are; only a single request is matched with its answer.
  const id = Array.isArray(message) ? undefined : message.id;
  try {
    const response = await mf.dispatchFetch("http://localhost/mcp", { method: "POST", headers, body: line });
    const session = response.headers.get("mcp-session-id");
    if (message.method === "initialize" && session) headers["mcp-session-id"] = session;
    let answered = false;
    for await (let reply of messagesOf(response)) {
      if (reply?.result?.protocolVersion && message.method === "initialize") headers["mcp-protocol-version"] = reply.result.protocolVersion;
      // The worker could not read the request's id (an invalid request): it is still this request's answer.
      if (id !== undefined && reply?.error && reply.id === null) reply = { ...reply, id };
      answered ||= id !== undefined && reply?.id === id;
      write(reply);
    }
    if (!answered && id !== undefined) failure(id, -32603, `gupshup-mcp gave no answer to this request (HTTP ${response.status})`);
  } catch (error) {
    if (id !== undefined) failure(id, -32603, `gupshup-mcp could not handle the request: ${error.message}`);
  }
}

try {
  await mf.ready;
} catch (error) {
  stop(`the local Workers runtime did not start (${error.message}). Check that this machine can run workerd (Linux x64/arm64, macOS, Windows x64) and try again.`);
}
say(
  `${given.GUPSHUP_BASE_URL === "sandbox" ? "no Gupshup credentials set: serving the built-in Gupshup SANDBOX (simulated apps, no real messages)" : "serving your Gupshup account"}; state in ${dataDir}`,
);

const pending = new Set();
const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on("line", (line) => {
  if (!line.trim()) return;
  // Requests run side by side (a long send does not hold up a status check), answers as they come.
  const work = forward(line)
    .catch((error) => say(`a request failed: ${error.message}`))
    .finally(() => pending.delete(work));
  pending.add(work);
});
lines.on("close", async () => {
  await Promise.race([Promise.allSettled(pending), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS))]);
  await mf.dispose();
  process.exit(0);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => mf.dispose().finally(() => process.exit(0)));
