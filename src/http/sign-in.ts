import { AuthorizationError, type AuthRequest, CimdFetchError, type OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { readSettings, type Settings } from "../config";
import type { Env } from "../env";
import { isScope, SCOPES, type Scope } from "../tools/scopes";
import { declaresMoreThan, readCapped } from "../utils/read-capped";
import { CLIENT_METADATA_UNUSABLE, refusedClientMetadataUrl } from "./client-metadata";
import { type GrantProps, gateFingerprint } from "./grant";
import { identify } from "./identity";
import { AUTHORIZE_PATH } from "./oauth";
import { pickApps } from "./partner-check";
import { renderSignInPage, renderSignInProblem, type SignInForm, type SignInOptions } from "./sign-in-page";

type Ctx = Context<{ Bindings: Env }>;

const MAX_FORM_BYTES = 16 * 1024;
const MAX_FIELD_LENGTH = 4096;

/** GET/POST /authorize: the OAuth sign-in and consent page (CSRF: the provider's single-use, browser-bound consent handle). */
export const signInRoutes = new Hono<{ Bindings: Env }>();

/** Sign-in exists only where the OAuth provider runs (https, or loopback http): elsewhere these routes are not found. */
export const requireOAuth: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (!c.env.OAUTH_PROVIDER)
    return c.json({ error: "not_found", message: "Sign-in and connections are only offered over https (or on this computer's loopback address). Here, MCP clients send a bearer token to /mcp." }, 404);
  // A misconfigured deployment (e.g. Gupshup credentials without MCP_AUTH_TOKEN) signs no one in.
  const { problem } = readSettings(c.env);
  if (problem) return c.html(await renderSignInProblem("This server is not set up correctly", problem), 503, { "Cache-Control": "no-store" });
  await next();
};
signInRoutes.use(AUTHORIZE_PATH, requireOAuth);

signInRoutes.get(AUTHORIZE_PATH, async (c) => {
  const helpers = c.env.OAUTH_PROVIDER!;
  if (refusedClientMetadataUrl(new URL(c.req.url).searchParams.get("client_id"), new URL(c.req.url).hostname)) return unusableLink(CLIENT_METADATA_UNUSABLE);
  const authRequest = await parse(helpers, c.req.raw);
  if (!authRequest.ok) return authRequest.response;
  const offered = offeredScopes(authRequest.request);
  return showPage(c, helpers, authRequest.request, { offered, checked: offered }, 200);
});

signInRoutes.post(AUTHORIZE_PATH, async (c) => {
  const helpers = c.env.OAUTH_PROVIDER!;
  const form = await readForm(c.req.raw);
  if (!form) return problem(c, "Sign-in form too large", "The form was larger than a sign-in needs. Start again from your assistant.", 413);
  const handle = form.get("handle") ?? "";

  // The handle works once, only in the browser that opened the page: CSRF first, credentials after.
  if (form.get("action") === "deny") {
    const denied = await consume(() => helpers.denyConsent(c.req.raw, handle));
    return denied.ok ? new Response(null, { status: 302, headers: denied.value.headers }) : problem(c, "This sign-in has expired", denied.message, 400);
  }
  const approved = await consume(() => helpers.approveConsent(c.req.raw, handle));
  if (!approved.ok) return problem(c, "This sign-in has expired", approved.message, 400);
  const request = approved.value.request;

  const offered = offeredScopes(request);
  const checked = form.getAll("scope").filter((s): s is Scope => isScope(s) && offered.includes(s));
  const settings = readSettings(c.env);
  const entered: Omit<SignInForm, "handle"> = { offered, checked, ...methodFields(form, settings) };
  const again = (error: string) => showPage(c, helpers, request, { ...entered, error }, 401, approved.value.headers);
  if (checked.length === 0) return again("Choose at least one thing the assistant may do.");

  const identity = await identify(c.env, settings, form, c.req.raw);
  if (!identity.ok) return again(identity.message);
  const apps = await pickApps(form.get("apps") ?? "", identity);
  if (!apps.ok) return again(apps.message);

  const props: GrantProps = {
    signIn: identity.kind,
    upstream: settings.upstream,
    ...(identity.partner ? { partner: identity.partner } : {}),
    ...(apps.apps ? { apps: apps.apps } : {}),
    ...(settings.mcpAuthToken ? { gate: await gateFingerprint(settings.mcpAuthToken) } : {}),
  };
  const client = await helpers.describeConsent(request);
  const { redirectTo } = await helpers.completeAuthorization({
    request,
    userId: identity.userId,
    metadata: { clientName: client.clientName, signIn: identity.kind, apps: apps.apps?.map((a) => a.name ?? a.id) ?? null },
    scope: checked,
    props,
    // Operator and demo sign-ins share one owner: a new connection must not end someone else's.
    // A partner reconnecting the same client replaces their own earlier connection.
    revokeExistingGrants: identity.kind === "partner",
  });
  const headers = new Headers(approved.value.headers);
  headers.set("Location", redirectTo);
  return new Response(null, { status: 302, headers });
});

/** What the page may offer: the scopes the client asked for (all of them when it named none of ours), never more. */
function offeredScopes(request: AuthRequest): Scope[] {
  const asked = SCOPES.filter((s) => request.scope.includes(s));
  return asked.length === 0 ? [...SCOPES] : asked;
}

export function signInOptions(settings: Settings): SignInOptions {
  return { accessSecret: Boolean(settings.mcpAuthToken), operator: Boolean(settings.operatorCredential), sandbox: settings.upstream === "sandbox" && !settings.operatorCredential };
}

/** The page with a fresh consent handle; `extra` carries cookies to clear (the used handle's binding). */
async function showPage(c: Ctx, helpers: OAuthHelpers, request: AuthRequest, form: Omit<SignInForm, "handle">, status: 200 | 401, extra?: Headers): Promise<Response> {
  const client = await helpers.describeConsent(request);
  const { handle, headers } = await helpers.beginConsent(request);
  for (const cookie of extra?.getAll("Set-Cookie") ?? []) headers.append("Set-Cookie", cookie);
  const page = await renderSignInPage(client, signInOptions(readSettings(c.env)), { ...form, handle });
  headers.set("Content-Type", "text/html; charset=utf-8");
  return new Response(String(page), { status, headers });
}

/** The non-secret fields to show again after an error. */
function methodFields(form: URLSearchParams, settings: Settings): Pick<SignInForm, "method" | "email" | "apps"> {
  const method = form.get("method");
  const known = method === "login" || method === "token" || (method === "demo" && settings.upstream === "sandbox") ? method : undefined;
  return { ...(known ? { method: known } : {}), email: form.get("email") ?? "", apps: form.get("apps") ?? "" };
}

/** The urlencoded form, capped in size (null when larger) and in field length (longer fields dropped). */
export async function readForm(request: Request): Promise<URLSearchParams | null> {
  if (declaresMoreThan(request, MAX_FORM_BYTES)) return null;
  const bytes = request.body ? await readCapped(request.body, MAX_FORM_BYTES) : new Uint8Array();
  if (!bytes) return null;
  const form = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(new TextDecoder().decode(bytes))) if (value.length <= MAX_FIELD_LENGTH) form.append(name, value);
  return form;
}

async function parse(helpers: OAuthHelpers, request: Request): Promise<{ ok: true; request: AuthRequest } | { ok: false; response: Response }> {
  try {
    return { ok: true, request: await helpers.parseAuthRequest(request) };
  } catch (error) {
    const why = error instanceof CimdFetchError ? CLIENT_METADATA_UNUSABLE : error instanceof Error ? error.message : "it is not a valid authorization request";
    return { ok: false, response: await unusableLink(why) };
  }
}

async function unusableLink(why: string): Promise<Response> {
  const page = await renderSignInProblem("This sign-in link does not work", `${why}. Start the connection again from your assistant (for example claude.ai → Settings → Connectors).`);
  return new Response(String(page), { status: 400, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

/** Runs a consent step that consumes the form's handle; an expired or foreign handle becomes a message. */
async function consume<T>(step: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    if (error instanceof AuthorizationError) return { ok: false, message: `${error.message.replace(/; start again$/, "")}. Start the connection again from your assistant.` };
    throw error;
  }
}

async function problem(c: Ctx, title: string, message: string, status: 400 | 413): Promise<Response> {
  return c.html(await renderSignInProblem(title, message), status, { "Cache-Control": "no-store" });
}
