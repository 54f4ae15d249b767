import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
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
