#!/usr/bin/env node
// `npm run check:package`: the package as a user gets it. `npm pack`, install the tarball into an
// empty directory, run `npx -y gupshup-mcp` with the spec's two Claude Code configs through a real
// MCP stdio client (on the built-in sandbox: no test reaches Gupshup), and compile a consumer file
// against the packed types.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const ROOT = resolve(import.meta.dirname, "..");
const STORE = "5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e01";
const work = mkdtempSync(join(tmpdir(), "gupshup-mcp-package-"));
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};
/** This machine's environment (npm's certificates and proxies) without any Gupshup or gupshup-mcp setting of the developer's. */
const machineEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GUPSHUP_|MCP_AUTH_TOKEN|PUBLIC_URL|INBOX_|OPT_OUT_|WEBHOOK_)/.test(name)));
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

try {
  // 1. The tarball: what is in it, and how big it is.
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], ROOT))[0];
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`${packed.filename}: ${kb(statSync(tarball).size)} packed, ${kb(packed.unpackedSize)} unpacked, ${files.length} files: ${files.join(", ")}`);
  for (const needed of ["bin/gupshup-mcp.mjs", "dist/worker/index.js", "dist/worker/worker.json", "dist/index.d.ts", "LICENSE", "README.md"])
    check(files.includes(needed), `the tarball has ${needed}`);
  check(!files.some((f) => /^(test|docs|src|scripts|bench)\//.test(f) || f.endsWith(".map")), "no tests, sources, scripts, screenshots or source maps in it");
  check(statSync(tarball).size < 1024 * 1024, `it stays under 1 MB packed (${kb(statSync(tarball).size)})`);

  // 2. Installed into an empty project, as `npx -y gupshup-mcp` finds it.
  const consumer = join(work, "consumer");
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], consumer);
  // A client starts the server from its own directory (a project, $HOME), not where the package is.
  const elsewhere = join(work, "some-project");
  mkdirSync(elsewhere);

  const configs = [
    // The spec's minimal config (no default app): no token, so the built-in sandbox.
    { name: "the minimal config, no token (sandbox)", env: {} },
    // The spec's full config, with the sandbox's demo partner token so nothing reaches Gupshup.
    { name: "the full config (token and default app)", env: { GUPSHUP_PARTNER_TOKEN: "sandbox-demo-partner-token", GUPSHUP_DEFAULT_APP_ID: STORE, GUPSHUP_BASE_URL: "sandbox" } },
  ];
  for (const config of configs) {
    const transport = new StdioClientTransport({
      // `npx -y gupshup-mcp` as the spec's config runs it, with the package taken from the tarball.
      command: "npx",
      args: ["-y", `--package=${tarball}`, "gupshup-mcp"],
      cwd: elsewhere,
      env: { ...machineEnv, GUPSHUP_MCP_DATA_DIR: join(work, "data"), ...config.env },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const client = new Client({ name: "check-package", version: "1.0.0" });
    const streamErrors = [];
    client.onerror = (error) => streamErrors.push(error);
    const started = Date.now();
    await client.connect(transport).catch((error) => {
      throw new Error(`${config.name}: the server did not answer initialize (${error.message}); it said:\n${stderr}`);
    });
    const { tools } = await client.listTools();
    // The 29 listed since issue 25's merges (the merged ones answer by name but are not listed).
    const names = tools.map((t) => t.name);
    check(
      tools.length >= 29 && ["send_template_message", "send_message", "control_campaign"].every((n) => names.includes(n)),
      `${config.name}: tools/list over stdio (${tools.length} tools, ${Date.now() - started} ms from start)`,
    );
    const apps = await client.callTool({ name: "list_apps", arguments: {} });
    check(!apps.isError && JSON.stringify(apps.structuredContent).includes("DemoStore"), `${config.name}: list_apps answers from the sandbox`);
    if (config.env.GUPSHUP_DEFAULT_APP_ID) {
      const templates = await client.callTool({ name: "list_templates", arguments: {} });
      check(!templates.isError && templates.structuredContent?.appId === STORE, `${config.name}: list_templates without appId uses GUPSHUP_DEFAULT_APP_ID`);
    }
    await client.close();
    check(/SANDBOX|your Gupshup account/.test(stderr), `${config.name}: says on stderr what it serves`);
    check(streamErrors.length === 0, `${config.name}: stdout carried only MCP messages${streamErrors.length ? ` (${streamErrors[0].message})` : ""}`);
  }

  // Lines a client should never send still get one answer each, and the server stays up.
  const bin = join(consumer, "node_modules", "gupshup-mcp", "bin", "gupshup-mcp.mjs");
  const raw = spawn(process.execPath, [bin], {
    cwd: elsewhere,
    env: { ...machineEnv, GUPSHUP_MCP_DATA_DIR: join(work, "data-raw") },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const answers = [];
  let out = "";
  raw.stdout.on("data", (chunk) => {
    out += chunk;
    for (let end = out.indexOf("\n"); end >= 0; end = out.indexOf("\n")) {
      answers.push(out.slice(0, end));
      out = out.slice(end + 1);
    }
  });
  const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };
  raw.stdin.write(["not json", "null", JSON.stringify({ jsonrpc: "2.0", id: 9 }), JSON.stringify(initialize), ""].join("\n"));
  for (let i = 0; i < 300 && !answers.some((a) => a.includes('"protocolVersion"')); i++) await new Promise((r) => setTimeout(r, 100));
  // A second server on the same data directory (two clients, one machine) refuses to start.
  const second = spawn(process.execPath, [bin], { cwd: elsewhere, env: { ...machineEnv, GUPSHUP_MCP_DATA_DIR: join(work, "data-raw") }, stdio: ["pipe", "ignore", "pipe"] });
  let secondSaid = "";
  second.stderr.on("data", (chunk) => {
    secondSaid += chunk;
  });
  const secondCode = await new Promise((resolve) => second.on("exit", resolve));
  check(secondCode === 1 && secondSaid.includes("another gupshup-mcp"), `a second server on the same data directory stops and says why: ${secondSaid.trim()}`);
  raw.stdin.end();
  await new Promise((resolve) => raw.on("exit", resolve));
  const parsed = answers.map((a) => {
    try {
      return JSON.parse(a);
    } catch {
      return undefined;
    }
  });
  check(
    parsed.every((m) => m?.jsonrpc === "2.0"),
    `every stdout line is a JSON-RPC message (${answers.length} lines)`,
  );
  check(parsed.filter((m) => m?.error && m.id === null).length === 2, "a line that is not JSON and a JSON null each get one error (id null)");
  check(parsed.filter((m) => m?.id === 9).length === 1 && parsed.find((m) => m?.id === 9)?.error, "a request without a method gets exactly one error, under its id");
  check(
    parsed.some((m) => m?.id === 1 && m.result?.protocolVersion),
    "and the server still answers initialize after them",
  );

  // 3. Types: a consumer compiles against the packed declarations alone (and wrong uses fail).
  writeFileSync(
    join(consumer, "index.ts"),
    `import type { AnalyticsResult, SendResult, Template, TemplateCategory } from "gupshup-mcp";
export const names = (templates: Template[]): string[] => templates.map((t) => t.elementName);
export const readRate = (row: AnalyticsResult): number | null => row.readPercent;
export const category: TemplateCategory = "MARKETING";
export const id = (result: SendResult): string => result.messageId;
// @ts-expect-error status is a string, not a number
export const wrong = (t: Template): number => t.status;
`,
  );
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  let compiled = true;
  try {
    run(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "index.ts"], consumer);
  } catch (error) {
    compiled = false;
    console.log(error.stdout);
  }
  check(compiled, "a consumer file compiles against the packed types (import type { Template, AnalyticsResult } from 'gupshup-mcp')");
  check(!/\bimport\s*\(|^import\s/m.test(readFileSync(join(consumer, "node_modules", "gupshup-mcp", "dist", "index.d.ts"), "utf8")), "the declarations stand alone (no imports)");
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`package: ${failures === 0 ? "all checks passed" : `${failures} check(s) failed`}`);
process.exit(failures === 0 ? 0 : 1);
