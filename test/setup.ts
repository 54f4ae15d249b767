import { afterAll } from "vitest";
import { SANDBOX_DEMO_LOGIN, SANDBOX_OTHER_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { heldSecrets, MCP_AUTH_TOKEN, OPERATOR_PARTNER_TOKEN, producedOutput } from "./helpers";

/**
 * The secrets scan: every response body and log line a test file produces is checked for the
 * configured tokens and secrets, and for anything shaped like an app token or a partner JWT.
 */
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    producedOutput.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
    original(...args);
  };
}

const SECRETS = [MCP_AUTH_TOKEN, OPERATOR_PARTNER_TOKEN, SANDBOX_OTHER_PARTNER_TOKEN, SANDBOX_DEMO_LOGIN.secret];
const SHAPES = [/sk_sandbox[0-9a-f]{8,}/, /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.sandbox/];

afterAll(() => {
  const leaks: string[] = [];
  for (const output of producedOutput) {
    for (const secret of [...SECRETS, ...heldSecrets]) if (output.includes(secret)) leaks.push(`"${secret.slice(0, 6)}…" in: ${output.slice(0, 160)}`);
    for (const shape of SHAPES) if (shape.test(output)) leaks.push(`${shape} in: ${output.slice(0, 160)}`);
  }
  producedOutput.length = 0;
  heldSecrets.length = 0;
  if (leaks.length > 0) throw new Error(`Secrets appeared in responses or logs:\n${leaks.join("\n")}`);
});
