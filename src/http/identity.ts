import type { Caller, PartnerCredential } from "../api/types";
import type { Settings } from "../config";
import { SANDBOX_DEMO_PARTNER_TOKEN } from "../constants";
import type { Env } from "../env";
import { clientAddress } from "../utils/client-address";
import { sha256Hex } from "../utils/secrets";
import { checkAccessSecret, tooManyWrongSecrets } from "./access-secret";
import type { GrantApp, Session } from "./auth";
import type { GrantProps } from "./grant";
import { type AccountApps, accountApps } from "./partner-check";

/**
 * Who filled in a sign-in form (the OAuth sign-in page, the connections page), checked against
 * this deployment: its access secret when it has one, then the deployment's own Gupshup
 * credentials, the simulator's demo partner, or the partner's own login or token.
 */
export type Identity =
  | {
      ok: true;
      kind: GrantProps["signIn"];
      userId: string;
      /** Partner sign-in only: the credential the grant keeps. */
      partner?: PartnerCredential;
      /** The account's apps, when the check already fetched them (a partner's sign-in is checked by listing them). */
      apps?: GrantApp[];
      /** Lists the account's apps with the signed-in credential. */
      listApps: () => Promise<AccountApps>;
    }
  | { ok: false; message: string };

export async function identify(env: Env, settings: Settings, form: URLSearchParams, request: Request): Promise<Identity> {
  const requestUrl = request.url;
  const address = clientAddress(request);
  if (settings.mcpAuthToken) {
    const check = checkAccessSecret(request, form.get("access") ?? "", settings.mcpAuthToken);
    if (!check.ok) {
      return { ok: false, message: check.retryAfterSeconds ? tooManyWrongSecrets(check.retryAfterSeconds) : "That is not this server's access secret. Ask whoever deployed it for MCP_AUTH_TOKEN." };
    }
  }
  const signedIn = (kind: GrantProps["signIn"], mode: Session["mode"], partner: PartnerCredential, userId: string) => {
    const caller: Caller = { upstream: settings.upstream, partner, ...(address ? { address } : {}) };
    return { ok: true as const, kind, userId, listApps: () => accountApps(env, mode, caller, requestUrl) };
  };
  /** A partner's own credential is only taken once Gupshup has answered with it. */
  const checked = async (partner: PartnerCredential, userId: string): Promise<Identity> => {
    const identity = signedIn("partner", "hosted", partner, userId);
    const apps = await identity.listApps();
    return apps.ok ? { ...identity, partner, apps: apps.apps } : apps;
  };
  if (settings.operatorCredential) return signedIn("operator", "operator", settings.operatorCredential, "operator");

  const method = form.get("method");
  if (method === "demo" && settings.upstream === "sandbox") return signedIn("sandbox", "sandbox-demo", { kind: "token", token: SANDBOX_DEMO_PARTNER_TOKEN }, "sandbox");
  if (method === "login") {
    const email = form.get("email")?.trim() ?? "";
    const secret = form.get("secret") ?? "";
    if (!email || !secret) return { ok: false, message: "Enter your Gupshup partner email and client secret." };
    return checked({ kind: "login", email, secret }, await partnerUserId(`email\n${email.toLowerCase()}`));
  }
  if (method === "token") {
    const token = form.get("token")?.trim() ?? "";
    if (!token) return { ok: false, message: "Paste your Gupshup partner token." };
    return checked({ kind: "token", token }, await partnerUserId(`token\n${token}`));
  }
  return { ok: false, message: "Choose how to sign in." };
}

/** A grant owner id that names no secret: `partner-<hash>` (OAuth tokens start with it). */
async function partnerUserId(identity: string): Promise<string> {
  return `partner-${(await sha256Hex(`gupshup-mcp partner\n${identity}`)).slice(0, 24)}`;
}
