import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * The MCP SDK ships source maps that point at .ts files it does not ship, and Vite warns once per
 * file. The tests never need those maps: load the SDK's files without them.
 */
/** @returns {import("vite").Plugin} */
function sdkWithoutSourceMaps() {
  return {
    name: "sdk-without-source-maps",
    enforce: "pre",
    async load(id) {
      const file = id.split("?")[0];
      if (!file.includes("/node_modules/@modelcontextprotocol/sdk/") || !file.endsWith(".js")) return null;
      return (await readFile(file, "utf8")).replace(/^\/\/# sourceMappingURL=.*$/m, "");
    },
  };
}

/**
 * Lines this suite causes on purpose, which workerd or the pool may print: a test's MCP client closing its socket, evictGateway aborting an
 * object (test/helpers.ts), workerd's note that an alarm ran after its object had moved it (the
 * campaign tests evict objects mid-run and the runner keeps moving its one alarm), and wrangler
 * saying it read a developer's .dev.vars (every key of which TEST_SETTINGS overrides). Anything
 * else workerd or wrangler says still shows.
 */
const EXPECTED_RUNTIME_LINES = [
  "disconnected: WebSocket peer disconnected",
  "jsg.Error: evicted by test",
  "NOSENTRY SQLite alarm overdue, running despite AlarmManager mismatch",
  "Using secrets defined in .dev.vars",
];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => (EXPECTED_RUNTIME_LINES.some((line) => String(chunk).includes(line)) ? true : write(chunk, ...rest));
}

/**
 * Every setting the tests run with. A developer's .dev.vars (or .env) holds real credentials for
 * `npm run dev`, and wrangler loads it for the tests too: each key found there is overridden as
 * well, so nothing in it reaches a test and no test can reach the real Gupshup.
 */
const TEST_SETTINGS = {
  GUPSHUP_BASE_URL: "sandbox",
  GUPSHUP_PARTNER_TOKEN: "",
  GUPSHUP_PARTNER_EMAIL: "",
  GUPSHUP_PARTNER_SECRET: "",
  GUPSHUP_DEFAULT_APP_ID: "",
  GUPSHUP_DEFAULT_COUNTRY_CODE: "",
  MCP_AUTH_TOKEN: "test-mcp-auth-token-0123456789abcdef",
  PUBLIC_URL: "",
  INBOX_RETENTION_DAYS: "30",
  OPT_OUT_KEYWORDS: "BAND KARO, PARAR",
  WEBHOOK_ALLOWED_ORIGINS: "",
  // Short, so timeout tests finish quickly; the sandbox answers in milliseconds.
  GUPSHUP_TIMEOUT_MS: "3000",
};

/** The keys of the developer's own settings files, which must all be overridden. */
function localSettingKeys() {
  return [".dev.vars", ".env"]
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, "utf8").split("\n"))
    .map((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((key) => key !== undefined);
}

export default defineConfig({
  plugins: [
    sdkWithoutSourceMaps(),
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Tests run against the built-in sandbox with an operator-mode setup; tests that need
        // another mode call the worker with an adjusted env (see test/helpers).
        bindings: { ...Object.fromEntries(localSettingKeys().map((key) => [key, ""])), ...TEST_SETTINGS },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // Said, not left to the default: each test file gets its own worker, so no module state crosses files.
    isolate: true,
    testTimeout: 30_000,
  },
});
