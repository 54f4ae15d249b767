#!/usr/bin/env node
// `npm run build:package` (run by `npm pack` and `npm publish`): what the package ships — the
// worker bundle and its settings for bin/gupshup-mcp.mjs, and the type declarations.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { unstable_readConfig } from "wrangler";
import { buildTypes } from "./lib/build-types.mjs";

const OFFLINE = { CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist/worker", { recursive: true });
execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--minify", "--outdir", "dist/worker"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...OFFLINE } });
for (const extra of ["README.md", "index.js.map"]) rmSync(`dist/worker/${extra}`, { force: true });

const config = unstable_readConfig({ config: "wrangler.toml" });
const worker = {
  compatibilityDate: config.compatibility_date,
  compatibilityFlags: config.compatibility_flags,
  durableObjects: config.durable_objects.bindings.map((d) => ({ name: d.name, className: d.class_name })),
  kvNamespaces: config.kv_namespaces.map((kv) => kv.binding),
  vars: config.vars,
};
writeFileSync("dist/worker/worker.json", `${JSON.stringify(worker, null, 2)}\n`);
buildTypes("dist/index.d.ts");
console.error("built dist/worker (the worker and its settings) and dist/index.d.ts");
