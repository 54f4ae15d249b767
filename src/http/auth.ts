import type { Caller } from "../api/types";
import { isLoopbackHostname, type Settings } from "../config";
import { APP_ID_PATTERN, SANDBOX_DEMO_PARTNER_TOKEN } from "../constants";
import type { Scope } from "../tools/scopes";
import { clientAddress } from "../utils/client-address";
import { checkAccessSecret, tooManyWrongSecrets } from "./access-secret";

/** An app an OAuth grant is limited to, as the person saw it when approving. */
export interface GrantApp {
  id: string;
  name: string | null;
}

/** Who a /mcp request acts as, decided once per request. */
export interface Session {
  /** "hosted": an OAuth grant holding the partner's own Gupshup credential. */
  mode: "operator" | "pass-through" | "sandbox-demo" | "hosted";
  caller: Caller;
  defaultAppId?: string;
  /** OAuth grants only: the scopes approved at sign-in. Bearer sessions may use every tool. */
  scopes?: readonly Scope[];
  /** OAuth grants only, when the person limited the grant: the only apps it may touch. */
  apps?: readonly GrantApp[];
}

export type AuthOutcome = { ok: true; session: Session } | { ok: false; status: 401 | 400 | 429 | 503; error: string; message: string; retryAfterSeconds?: number };

const MAX_TOKEN_LENGTH = 4096;

/**
 * Operator mode: the bearer must be MCP_AUTH_TOKEN; Gupshup credentials are the worker's.
 * Pass-through mode: the bearer is the caller's own partner token (or, behind MCP_AUTH_TOKEN,
 * the X-Gupshup-Partner-Token header). Sandbox demo: no credentials at all, loopback only.
 */
export function authenticate(request: Request, settings: Settings): AuthOutcome {
  if (settings.problem) return { ok: false, status: 503, error: "server_misconfigured", message: settings.problem };

  const header = request.headers.get("Authorization");
  const bearer = bearerToken(request);
  if (header && !bearer) return deny("invalid_request", "The Authorization header must be 'Bearer <token>'.");
  if (bearer && bearer.length > MAX_TOKEN_LENGTH) return deny("invalid_token", "The bearer token is too long.");

  const app = defaultAppFor(request, settings);
  if (!app.ok) return app;
  const { defaultAppId } = app;
  // One client as limits on strangers count them (an IPv6 address's /64), so rotating within it changes nothing.
  const address = clientAddress(request);
  const session = (mode: Session["mode"], partnerToken: Caller["partner"]): AuthOutcome => ({
    ok: true,
    session: { mode, caller: { upstream: settings.upstream, partner: partnerToken, ...(address ? { address } : {}) }, ...(defaultAppId ? { defaultAppId } : {}) },
  });

  if (settings.mcpAuthToken) {
    if (!bearer) return deny(undefined, "Send 'Authorization: Bearer <MCP_AUTH_TOKEN>'.");
    const check = checkAccessSecret(request, bearer, settings.mcpAuthToken);
    if (!check.ok && check.retryAfterSeconds) {
      return { ok: false, status: 429, error: "too_many_attempts", message: tooManyWrongSecrets(check.retryAfterSeconds), retryAfterSeconds: check.retryAfterSeconds };
    }
    if (!check.ok) return deny("invalid_token", "The bearer token is not this server's MCP_AUTH_TOKEN.");
    if (settings.operatorCredential) return session("operator", settings.operatorCredential);
    const partnerToken = request.headers.get("X-Gupshup-Partner-Token")?.trim();
    if (partnerToken && partnerToken.length <= MAX_TOKEN_LENGTH) return session("pass-through", { kind: "token", token: partnerToken });
    if (settings.upstream === "sandbox") return session("sandbox-demo", { kind: "token", token: SANDBOX_DEMO_PARTNER_TOKEN });
    return deny(undefined, "This server has no Gupshup credentials: send your partner token in the X-Gupshup-Partner-Token header.");
  }

  if (bearer && grantIdOf(bearer)) {
    return deny("invalid_token", "This is a sign-in (OAuth) token, which this server accepts only over https or on loopback; it is never passed to Gupshup. Send your Gupshup partner token instead.");
  }
  if (bearer) return session("pass-through", { kind: "token", token: bearer });
  if (settings.upstream === "sandbox" && isLoopback(request)) {
    return session("sandbox-demo", { kind: "token", token: SANDBOX_DEMO_PARTNER_TOKEN });
  }
  return deny(undefined, "Send your Gupshup partner token as 'Authorization: Bearer <partner token>'.");
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(request: Request): string | undefined {
  return request.headers.get("Authorization")?.match(/^Bearer +(\S+)\s*$/i)?.[1];
}

/** The grant id of an OAuth token the provider issued (shaped `userId:grantId:secret`); MCP_AUTH_TOKEN and partner JWTs have none. */
export function grantIdOf(token: string | undefined): string | undefined {
  const parts = token?.split(":");
  return parts?.length === 3 ? parts[1] : undefined;
}

/** The app tools use when a call names none: the X-Gupshup-App-Id header, else GUPSHUP_DEFAULT_APP_ID. */
export function defaultAppFor(request: Request, settings: Settings): { ok: true; defaultAppId?: string } | Extract<AuthOutcome, { ok: false }> {
  const appHeader = request.headers.get("X-Gupshup-App-Id")?.trim();
  if (appHeader && !APP_ID_PATTERN.test(appHeader)) {
    return { ok: false, status: 400, error: "invalid_request", message: "X-Gupshup-App-Id is not a valid Gupshup app id." };
  }
  const defaultAppId = appHeader || settings.defaultAppId;
  return defaultAppId ? { ok: true, defaultAppId } : { ok: true };
}

function deny(error: "invalid_request" | "invalid_token" | undefined, message: string): AuthOutcome {
  return { ok: false, status: error === "invalid_request" ? 400 : 401, error: error ?? "unauthorized", message };
}

/** A request made to this machine's loopback address (the only place the sandbox may run open). */
export function isLoopback(request: Request): boolean {
  const hostname = new URL(request.url).hostname;
  const client = request.headers.get("CF-Connecting-IP");
  return isLoopbackHostname(hostname) && (client === null || client === "127.0.0.1" || client === "::1");
}
