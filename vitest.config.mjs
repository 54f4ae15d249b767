import { readFile } from "node:fs/promises";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
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
 * workerd lines this suite causes on purpose, which vitest-pool-workers 0.15 prints (0.16 filters
 * the first itself but needs Node 22): a test's MCP client closing its socket, and evictGateway
 * aborting an object (test/helpers.ts). Anything else workerd says still shows.
 */
const EXPECTED_RUNTIME_LINES = ["disconnected: WebSocket peer disconnected", "jsg.Error: evicted by test"];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => (EXPECTED_RUNTIME_LINES.some((line) => String(chunk).includes(line)) ? true : write(chunk, ...rest));
}

export default defineConfig({
  plugins: [
    sdkWithoutSourceMaps(),
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Tests run against the built-in sandbox with an operator-mode setup; tests that need
        // another mode call the worker with an adjusted env (see test/helpers).
        bindings: {
          GUPSHUP_BASE_URL: "sandbox",
          GUPSHUP_DEFAULT_APP_ID: "",
          MCP_AUTH_TOKEN: "test-mcp-auth-token-0123456789",
          // Short, so timeout tests finish quickly; the sandbox answers in milliseconds.
          GUPSHUP_TIMEOUT_MS: "3000",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 30_000,
  },
});
