import { toolCatalog } from "../catalog";
import type { Settings } from "../config";
import { SERVER_NAME, SERVER_VERSION } from "../server";
import { authAdvice } from "./setup-page";

/** GET /docs/mcp — public, read-only metadata for AI clients, generated from the tool registrations. */
export function docsMetadata(origin: string, settings: Settings) {
  const auth = authAdvice(settings);
  return {
    name: SERVER_NAME,
    version: SERVER_VERSION,
    description: "MCP server for Gupshup WhatsApp Business: templates, sending, delivery inbox, analytics, app health and balance.",
    mcp: {
      url: `${origin}/mcp`,
      urlPattern: "https://<worker-name>.<your-subdomain>.workers.dev/mcp",
      transport: "streamable-http",
    },
    auth: {
      mode: auth.mode,
      header: "Authorization",
      format: auth.header ? auth.header.replace(/^Authorization: /, "") : "none needed (local sandbox)",
      note: auth.note,
      optionalHeaders: { "X-Gupshup-App-Id": "default app id for calls without appId" },
    },
    setupPage: `${origin}/`,
    tools: toolCatalog(),
  };
}
