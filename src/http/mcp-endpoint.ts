import { createMcpHandler } from "agents/mcp/server";
import type { Env } from "../env";
import { buildServer } from "../server";
import { ToolContext } from "../tools/context";
import { declaresMoreThan, readCapped } from "../utils/read-capped";
import type { Session } from "./auth";

export const CORS = {
  origin: "*",
  headers: "Content-Type, Accept, Authorization, mcp-session-id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID, X-Gupshup-App-Id, X-Gupshup-Partner-Token",
  methods: "GET, POST, DELETE, OPTIONS",
  exposeHeaders: "mcp-session-id, WWW-Authenticate",
  maxAge: 86400,
};

export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": CORS.origin,
  "Access-Control-Allow-Headers": CORS.headers,
  "Access-Control-Allow-Methods": CORS.methods,
  "Access-Control-Expose-Headers": CORS.exposeHeaders,
};

/** Answers CORS preflight, which never reaches a server factory. */
const preflightHandler = createMcpHandler(
  () => {
    throw new Error("CORS preflight needs no MCP server");
  },
  { route: "/mcp", corsOptions: CORS },
);

/** The MCP handler's own limit, applied here because the body is read here. */
const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

/** A parsed MCP POST (or the request as it came, when it is not JSON). */
export interface McpRequest {
  request: Request;
  parsed?: unknown;
  tooLarge?: boolean;
}

/** CORS preflight for /mcp. */
export function mcpPreflight(request: Request): Promise<Response> {
  return preflightHandler.fetch(request);
}

/**
 * Serves one MCP request as `session`. The handler is made for this request around a closure
 * holding its context, so the server factory gets it explicitly (stateless: one server per request).
 */
export function serveMcp(mcp: McpRequest, env: Env, session: Session): Promise<Response> {
  if (mcp.tooLarge) {
    const error = { jsonrpc: "2.0", error: { code: -32000, message: `Request body must not exceed ${MAX_MCP_BODY_BYTES} bytes` }, id: null };
    return Promise.resolve(Response.json(error, { status: 413, headers: CORS_HEADERS }));
  }
  const toolContext = new ToolContext(env, session, mcp.request.url);
  const onlyTool = calledTool(mcp.parsed);
  const handler = createMcpHandler(() => buildServer(toolContext, onlyTool), { route: "/mcp", corsOptions: CORS });
  return handler.fetch(mcp.request, mcp.parsed !== undefined ? { parsedBody: mcp.parsed } : {});
}

/**
 * Reads a POST body once: parsed JSON for the MCP handler (so it need not read it again), or —
 * when it is not JSON — a request carrying the text, so the handler answers the parse error.
 */
export async function readMcpRequest(request: Request): Promise<McpRequest> {
  if (request.method !== "POST" || !request.body) return { request };
  if (declaresMoreThan(request, MAX_MCP_BODY_BYTES)) return { request, tooLarge: true };
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
export function calledTool(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const { method, params } = body as { method?: unknown; params?: { name?: unknown } };
  return method === "tools/call" && typeof params?.name === "string" ? params.name : undefined;
}

/** A browser opening /mcp (MCP clients ask for JSON or an event stream). */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("Accept") ?? "";
  return accept.includes("text/html") && !accept.includes("text/event-stream");
}

export function withCors(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(CORS_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, headers });
}
