import type { Settings } from "../config";
import type { Caller } from "../gateway/types";
import { SANDBOX_DEMO_PARTNER_TOKEN } from "../sandbox/credentials";
import { timingSafeEqual } from "../utils/secrets";
import { APP_ID_PATTERN } from "../tools/schemas";

/** Who a /mcp request acts as, decided once per request. */
export interface Session {
  mode: "operator" | "pass-through" | "sandbox-demo";
  caller: Caller;
  defaultAppId?: string;
}

export type AuthOutcome = { ok: true; session: Session } | { ok: false; status: 401 | 400 | 503; error: string; message: string };

const MAX_TOKEN_LENGTH = 4096;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Operator mode: the bearer must be MCP_AUTH_TOKEN; Gupshup credentials are the worker's.
 * Pass-through mode: the bearer is the caller's own partner token (or, behind MCP_AUTH_TOKEN,
 * the X-Gupshup-Partner-Token header). Sandbox demo: no credentials at all, loopback only.
 */
export function authenticate(request: Request, settings: Settings): AuthOutcome {
  if (settings.problem) return { ok: false, status: 503, error: "server_misconfigured", message: settings.problem };

  const header = request.headers.get("Authorization");
  const bearer = header?.match(/^Bearer +(\S+)\s*$/i)?.[1];
  if (header && !bearer) return deny("invalid_request", "The Authorization header must be 'Bearer <token>'.");
  if (bearer && bearer.length > MAX_TOKEN_LENGTH) return deny("invalid_token", "The bearer token is too long.");

  const appHeader = request.headers.get("X-Gupshup-App-Id")?.trim();
  if (appHeader && !APP_ID_PATTERN.test(appHeader)) {
    return { ok: false, status: 400, error: "invalid_request", message: "X-Gupshup-App-Id is not a valid Gupshup app id." };
  }
  const defaultAppId = appHeader || settings.defaultAppId;
  const session = (mode: Session["mode"], partnerToken: Caller["partner"]): AuthOutcome => ({
    ok: true,
    session: { mode, caller: { upstream: settings.upstream, partner: partnerToken }, ...(defaultAppId ? { defaultAppId } : {}) },
  });

  if (settings.mcpAuthToken) {
    if (!bearer) return deny(undefined, "Send 'Authorization: Bearer <MCP_AUTH_TOKEN>'.");
    if (!timingSafeEqual(bearer, settings.mcpAuthToken)) return deny("invalid_token", "The bearer token is not this server's MCP_AUTH_TOKEN.");
    if (settings.operatorCredential) return session("operator", settings.operatorCredential);
    const partnerToken = request.headers.get("X-Gupshup-Partner-Token")?.trim();
    if (partnerToken && partnerToken.length <= MAX_TOKEN_LENGTH) return session("pass-through", { kind: "token", token: partnerToken });
    if (settings.upstream === "sandbox") return session("sandbox-demo", { kind: "token", token: SANDBOX_DEMO_PARTNER_TOKEN });
    return deny(undefined, "This server has no Gupshup credentials: send your partner token in the X-Gupshup-Partner-Token header.");
  }

  if (bearer) return session("pass-through", { kind: "token", token: bearer });
  if (settings.upstream === "sandbox" && isLoopback(request)) {
    return session("sandbox-demo", { kind: "token", token: SANDBOX_DEMO_PARTNER_TOKEN });
  }
  return deny(undefined, "Send your Gupshup partner token as 'Authorization: Bearer <partner token>'.");
}

function deny(error: "invalid_request" | "invalid_token" | undefined, message: string): AuthOutcome {
  return { ok: false, status: error === "invalid_request" ? 400 : 401, error: error ?? "unauthorized", message };
}

/** A request made to this machine's loopback address (the only place the sandbox may run open). */
export function isLoopback(request: Request): boolean {
  const hostname = new URL(request.url).hostname;
  const client = request.headers.get("CF-Connecting-IP");
  return LOOPBACK.has(hostname) && (client === null || client === "127.0.0.1" || client === "::1");
}
