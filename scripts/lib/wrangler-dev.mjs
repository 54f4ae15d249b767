// Starts `wrangler dev` for a script (offline hygiene, loopback only) and waits until it answers.
// It runs with exactly the vars given: an empty --env-file keeps a developer's .dev.vars (real
// credentials, for `npm run dev`) and .env out of it.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function startWranglerDev({ port, vars = {}, config, cwd, persistTo } = {}) {
  const noSettings = join(mkdtempSync(join(tmpdir(), "gupshup-mcp-")), "empty.env");
  writeFileSync(noSettings, "");
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--env-file", noSettings];
  if (config) args.push("--config", config);
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn("npx", args, {
    cwd,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  process.on("exit", stop);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 180; i++) {
    try {
      const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return { base, stop, group: child.pid };
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`wrangler dev on port ${port} did not start within 90 s`);
}
