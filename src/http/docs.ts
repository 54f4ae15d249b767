import { toolCatalog } from "../catalog";
import type { Settings } from "../config";
import { SERVER_NAME, SERVER_VERSION } from "../server";
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from "../tools/scopes";
import { AUTHORIZE_PATH, offersOAuth, resourceMetadataUrl } from "./oauth";
import { authAdvice, signInAdvice } from "./setup-page";

/** GET /docs/mcp — public, read-only metadata for AI clients, generated from the tool registrations. */
export function docsMetadata(requestOrigin: string, settings: Settings) {
  const origin = settings.publicOrigin ?? requestOrigin;
  const bearer = authAdvice(settings);
  const tools = toolCatalog();
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
      oauth: offersOAuth(origin)
        ? {
            available: true as const,
            use: "claude.ai and ChatGPT custom connectors, and any MCP client with OAuth 2.1: the person signs in on this server's page and chooses scopes and apps.",
            resource: `${origin}/mcp`,
            resourceMetadata: resourceMetadataUrl(origin),
            authorizationServer: origin,
            authorizationServerMetadata: `${origin}/.well-known/oauth-authorization-server`,
            authorizationEndpoint: `${origin}${AUTHORIZE_PATH}`,
            tokenEndpoint: `${origin}/token`,
            pkce: ["S256"],
            registration: {
              dynamic: `${origin}/register`,
              clientIdMetadataDocuments: true,
            },
            scopes: Object.fromEntries(SCOPES.map((scope) => [scope, { description: SCOPE_DESCRIPTIONS[scope], tools: tools.filter((t) => t.scope === scope).map((t) => t.name) }])) as Record<
              Scope,
              { description: string; tools: string[] }
            >,
            signIn: signInAdvice(settings),
            appLimits: "The person may limit a connection to some apps; other apps are refused before any Gupshup call.",
            connections: `${origin}/connections`,
          }
        : { available: false as const, note: "OAuth sign-in is offered over https only (or http on loopback). Use a bearer token here." },
      bearer: {
        use: "Claude Code, Cursor, scripts and other clients that send a fixed header. Pass-through (a partner token as the bearer) is for command-line clients only.",
        mode: bearer.mode,
        header: "Authorization",
        format: bearer.header ? bearer.header.replace(/^Authorization: /, "") : "none needed (local sandbox)",
        note: bearer.note,
        optionalHeaders: { "X-Gupshup-App-Id": "default app id for calls without appId" },
      },
    },
    setupPage: `${origin}/`,
    tools,
  };
}
