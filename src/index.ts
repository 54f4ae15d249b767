import { createMcpHandler } from "agents/mcp/server";
import { Hono } from "hono";
import { readSettings } from "./config";
import type { Env } from "./env";
import { authenticate, isLoopback } from "./http/auth";
import { rejectForeignHostOrOrigin } from "./http/guard";
import { receiveWebhook } from "./http/webhook";
import { docsMetadata } from "./http/docs";
import { renderSetupPage } from "./http/setup-page";
import { buildServer } from "./server";
import { ToolContext } from "./tools/context";
import { readCapped } from "./utils/read-capped";

export { GupshupGateway } from "./gateway/gateway";
export { GupshupSandbox } from "./sandbox/sandbox";

const CORS = {
  origin: "*",
  headers: "Content-Type, Accept, Authorization, mcp-session-id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID, X-Gupshup-App-Id, X-Gupshup-Partner-Token",
  methods: "GET, POST, DELETE, OPTIONS",
  exposeHeaders: "mcp-session-id, WWW-Authenticate",
  maxAge: 86400,
};

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": CORS.origin,
  "Access-Control-Allow-Headers": CORS.headers,
  "Access-Control-Allow-Methods": CORS.methods,
  "Access-Control-Expose-Headers": CORS.exposeHeaders,
};

/** Stateless MCP over Streamable HTTP; a fresh McpServer is built for every request. */
const mcpHandler = createMcpHandler(({ authInfo }) => buildServer(authInfo?.extra?.toolContext as ToolContext, authInfo?.extra?.onlyTool as string | undefined), {
  route: "/mcp",
  corsOptions: CORS,
});

let announcedSandbox = false;

const app = new Hono<{ Bindings: Env }>();

app.all("/mcp", async (c) => {
  const request = c.req.raw;
  if (request.method === "GET" && wantsHtml(request)) return c.redirect("/", 302);
  const foreign = rejectForeignHostOrOrigin(request);
  if (foreign) return withCors(foreign);
  if (request.method === "OPTIONS") return mcpHandler.fetch(request);

  const settings = readSettings(c.env);
  if (settings.upstream === "sandbox" && !announcedSandbox) {
    announcedSandbox = true;
    console.log("[gupshup-mcp] Upstream is the built-in Gupshup SANDBOX: simulated apps and templates, no real WhatsApp messages.");
  }
  const auth = authenticate(request, settings);
  if (!auth.ok) {
    const headers: Record<string, string> = { ...CORS_HEADERS };
    if (auth.status !== 503) headers["WWW-Authenticate"] = bearerChallenge(auth.error, auth.message);
    return c.json({ error: auth.error, message: auth.message }, auth.status, headers);
  }
  const body = await readJsonRpcBody(request);
  if (body.tooLarge) {
    return c.json({ jsonrpc: "2.0", error: { code: -32000, message: `Request body must not exceed ${MAX_MCP_BODY_BYTES} bytes` }, id: null }, 413, CORS_HEADERS);
  }
  const toolContext = new ToolContext(c.env, auth.session, request.url);
  return mcpHandler.fetch(body.request, {
    authInfo: { token: "session", clientId: auth.session.mode, scopes: [], extra: { toolContext, onlyTool: calledTool(body.parsed) } },
    ...(body.parsed !== undefined ? { parsedBody: body.parsed } : {}),
  });
});

app.on(["GET", "HEAD", "POST"], "/webhooks/gupshup/:appId", receiveWebhook);

app.get("/", (c) => c.html(renderSetupPage(new URL(c.req.url).origin, readSettings(c.env))));

app.get("/docs/mcp", (c) => c.json(docsMetadata(new URL(c.req.url).origin, readSettings(c.env)), 200, { "Access-Control-Allow-Origin": "*" }));

// Sandbox totals for the load script; only on loopback, only when the upstream is the sandbox.
app.get("/__sandbox/stats", async (c) => {
  if (readSettings(c.env).upstream !== "sandbox" || !isLoopback(c.req.raw)) return c.json({ error: "not_found", message: "Not found." }, 404);
  return c.json(await c.env.SANDBOX.get(c.env.SANDBOX.idFromName("sandbox")).stats());
});

app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}. The MCP endpoint is /mcp.` }, 404));

app.onError((error, c) => {
  console.error(`[gupshup-mcp] unhandled error on ${c.req.method} ${new URL(c.req.url).pathname}: ${error.name}`);
  return c.json({ error: "internal_error", message: "Internal error in gupshup-mcp. Try again." }, 500);
});

/** The MCP handler's own limit, applied here because the body is read here. */
const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Reads a POST body once: parsed JSON for the MCP handler (so it need not read it again), or —
 * when it is not JSON — a request carrying the text, so the handler answers the parse error.
 */
async function readJsonRpcBody(request: Request): Promise<{ request: Request; parsed?: unknown; tooLarge?: boolean }> {
  if (request.method !== "POST" || !request.body) return { request };
  const bytes = await readCapped(request.body, MAX_MCP_BODY_BYTES);
  if (!bytes) return { request, tooLarge: true };
  const text = new TextDecoder().decode(bytes);
  try {
    return { request, parsed: JSON.parse(text) };
  } catch {
    return { request: new Request(request.url, { method: "POST", headers: request.headers, body: text }) };
  }
}

/** The tool a single `tools/call` request names (the only tool its server needs). */
function calledTool(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const { method, params } = body as { method?: unknown; params?: { name?: unknown } };
  return method === "tools/call" && typeof params?.name === "string" ? params.name : undefined;
}

/** A browser opening /mcp (MCP clients ask for JSON or an event stream). */
function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("Accept") ?? "";
  return accept.includes("text/html") && !accept.includes("text/event-stream");
}

function bearerChallenge(error: string, description: string): string {
  const code = error === "invalid_request" || error === "invalid_token" ? `, error="${error}", error_description="${description.replace(/"/g, "'")}"` : "";
  return `Bearer realm="gupshup-mcp"${code}`;
}

function withCors(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(CORS_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, headers });
}

export default app;
