import type { PartnerCredential } from "../api/types";
import type { Settings } from "../config";
import { SANDBOX_DEMO_PARTNER_TOKEN } from "../constants";
import { isScope } from "../tools/scopes";
import { sha256Hex } from "../utils/secrets";
import { defaultAppFor, type GrantApp, type Session } from "./auth";

/** Access tokens live an hour; a connector stays connected while it refreshes at least once in 30 days. */
export const ACCESS_TOKEN_TTL = 3600;
export const REFRESH_TOKEN_IDLE_TTL = 30 * 24 * 3600;

/** How a person proved they may use this deployment on the sign-in page. */
export type SignInKind = "operator" | "partner" | "sandbox";

/** What an OAuth grant holds. The provider stores it encrypted with the grant's tokens. */
export interface GrantProps {
  signIn: SignInKind;
  /** The Gupshup this grant was signed in against ("sandbox" or the partner API base URL). */
  upstream: string;
  /** Partner sign-in only: the partner's own credential (never the OAuth token) used upstream. */
  partner?: PartnerCredential;
  /** Set when the person limited the grant to some apps. */
  apps?: GrantApp[];
  /** A fingerprint of MCP_AUTH_TOKEN at sign-in: changing that secret ends every grant. */
  gate?: string;
}

/** `stale`: the grant no longer fits this deployment (it is ended); `bad_request`: the request itself is wrong. */
export type GrantSession = { ok: true; session: Session } | { ok: false; reason: "stale" | "bad_request"; message: string };

/** A non-secret fingerprint of the deployment's access secret. */
export async function gateFingerprint(mcpAuthToken: string): Promise<string> {
  if (lastGate?.token !== mcpAuthToken) lastGate = { token: mcpAuthToken, fingerprint: (await sha256Hex(`gupshup-mcp gate\n${mcpAuthToken}`)).slice(0, 32) };
  return lastGate.fingerprint;
}
/** The deployment has one access secret: its fingerprint is computed once, not on every OAuth request. */
let lastGate: { token: string; fingerprint: string } | undefined;

/** The session an OAuth request acts as, or why the grant no longer fits this deployment. */
export async function sessionFromGrant(props: GrantProps, scopes: readonly string[], settings: Settings, request: Request): Promise<GrantSession> {
  const signInAgain = (why: string): GrantSession => ({ ok: false, reason: "stale", message: `${why} Sign in again (in claude.ai or ChatGPT: reconnect the connector).` });
  if (settings.mcpAuthToken && props.gate !== (await gateFingerprint(settings.mcpAuthToken))) {
    return signInAgain("This server's access secret (MCP_AUTH_TOKEN) changed after you signed in.");
  }
  if (props.upstream !== settings.upstream) return signInAgain("This server now talks to a different Gupshup than when you signed in.");

  let mode: Session["mode"];
  let partner: PartnerCredential;
  if (props.signIn === "operator" && settings.operatorCredential) {
    mode = "operator";
    partner = settings.operatorCredential;
  } else if (props.signIn === "partner" && props.partner && !settings.operatorCredential) {
    mode = "hosted";
    partner = props.partner;
  } else if (props.signIn === "sandbox" && settings.upstream === "sandbox" && !settings.operatorCredential) {
    mode = "sandbox-demo";
    partner = { kind: "token", token: SANDBOX_DEMO_PARTNER_TOKEN };
  } else {
    return signInAgain("This server's Gupshup set-up changed after you signed in.");
  }

  const app = defaultAppFor(request, settings);
  if (!app.ok) return { ok: false, reason: "bad_request", message: app.message };
  const allowed = (id: string) => !props.apps || props.apps.some((a) => a.id === id);
  const defaultAppId = app.defaultAppId && allowed(app.defaultAppId) ? app.defaultAppId : props.apps?.length === 1 ? props.apps[0]!.id : undefined;
  return {
    ok: true,
    session: {
      mode,
      caller: { upstream: settings.upstream, partner },
      scopes: scopes.filter(isScope),
      ...(props.apps ? { apps: props.apps } : {}),
      ...(defaultAppId ? { defaultAppId } : {}),
    },
  };
}
