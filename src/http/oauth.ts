import { getOAuthApi, insufficientScope, type OAuthHelpers, OAuthProvider, type OAuthProviderOptions, type OAuthResourceAuth } from "@cloudflare/workers-oauth-provider";
import { isLoopbackHostname, readSettings } from "../config";
import type { Env } from "../env";
import { mayUse, toolNamed } from "../server";
import { SCOPES } from "../tools/scopes";
import { grantIdOf } from "./auth";
import { recordGrantUse } from "./connections-store";
import { endConnection } from "./end-connection";
import { ACCESS_TOKEN_TTL, type GrantProps, REFRESH_TOKEN_IDLE_TTL, sessionFromGrant } from "./grant";
import { CORS_HEADERS, calledTool, readMcpRequest, serveMcp, withCors } from "./mcp-endpoint";
import { checkRegistration } from "./registration";

export const AUTHORIZE_PATH = "/authorize";
export const TOKEN_PATH = "/token";
export const REGISTER_PATH = "/register";
export const PROTECTED_RESOURCE_PATH = "/.well-known/oauth-protected-resource";

const providers = new Map<string, OAuthProvider<Env>>();
const providerOptions = new Map<string, OAuthProviderOptions<Env>>();

/** The provider's helpers for an origin whose provider was built (for the token endpoint's guard, which runs before it). */
export function oauthHelpersFor(origin: string, env: Env): OAuthHelpers | undefined {
  const options = providerOptions.get(origin);
  return options && getOAuthApi(options, env);
}

/**
 * The OAuth 2.1 authorization server and resource guard for one public origin. The resource URL
 * is fixed when a provider is built, so there is one per origin (PUBLIC_URL, else the request's).
 */
export function oauthProviderFor(origin: string, defaultHandler: ExportedHandler<Env> & Pick<Required<ExportedHandler<Env>>, "fetch">): OAuthProvider<Env> | undefined {
  const cached = providers.get(origin);
  if (cached) return cached;
  if (!offersOAuth(origin)) return undefined;
  const options: OAuthProviderOptions<Env> = {
    apiRoute: "/mcp",
    apiHandler: { fetch: serveGrantedMcp as never },
    defaultHandler,
    authorizeEndpoint: AUTHORIZE_PATH,
    tokenEndpoint: TOKEN_PATH,
    clientRegistrationEndpoint: REGISTER_PATH,
    // A client lives as long as its grants may (renewed on each token exchange); one never used goes after a day (registration.ts).
    clientRegistrationTTL: REFRESH_TOKEN_IDLE_TTL,
    clientRegistrationCallback: checkRegistration,
    scopesSupported: [...SCOPES],
    requiredScopes: [...SCOPES],
    accessTokenTTL: ACCESS_TOKEN_TTL,
    refreshTokenTTL: REFRESH_TOKEN_IDLE_TTL,
    refreshTokenIdleTTL: REFRESH_TOKEN_IDLE_TTL,
    clientIdMetadataDocumentEnabled: true,
    resourceMetadata: {
      resource: `${origin}/mcp`,
      authorization_servers: [origin],
      bearer_methods_supported: ["header"],
      resource_name: "gupshup-mcp (WhatsApp Business on Gupshup)",
    },
    // A refused token or a bad client request is the client's business, not a server fault.
    onError: ({ status, code, description }) => {
      if (status >= 500) console.error(`[gupshup-mcp] OAuth ${status} ${code}: ${description}`);
    },
  };
  const provider = new OAuthProvider<Env>(options);
  providers.set(origin, provider);
  providerOptions.set(origin, options);
  return provider;
}

/** Whether this origin serves OAuth: https, or http on loopback for local development. Elsewhere, bearers only. */
export function offersOAuth(origin: string): boolean {
  const { protocol, hostname } = new URL(origin);
  return protocol === "https:" || isLoopbackHostname(hostname);
}

/** RFC 9728 metadata URL for this origin's MCP resource. */
export function resourceMetadataUrl(origin: string): string {
  return `${origin}${PROTECTED_RESOURCE_PATH}/mcp`;
}

type GrantedContext = ExecutionContext & { props: GrantProps; auth: OAuthResourceAuth };

/**
 * /mcp with a valid OAuth access token (the entry has already applied the Host/Origin guard and
 * sent misconfigured deployments elsewhere): the grant's session, its scopes and its apps.
 */
async function serveGrantedMcp(request: Request, env: Env, ctx: GrantedContext): Promise<Response> {
  const granted = await sessionFromGrant(ctx.props, ctx.auth.scope, readSettings(env), request);
  if (!granted.ok && granted.reason === "bad_request") {
    return Response.json({ error: "invalid_request", message: granted.message }, { status: 400, headers: CORS_HEADERS });
  }
  if (!granted.ok) {
    // Ended, so its refresh token cannot bring back a connection that no longer fits.
    const grantId = grantIdOf(ctx.auth.token);
    if (grantId && ctx.auth.userId) await endConnection(env, env.OAUTH_PROVIDER!, grantId, ctx.auth.userId);
    const metadata = resourceMetadataUrl(new URL(ctx.auth.audience).origin);
    const challenge = `Bearer realm="OAuth", error="invalid_token", error_description="${granted.message.replace(/"/g, "'")}", resource_metadata="${metadata}"`;
    return Response.json({ error: "invalid_token", message: granted.message }, { status: 401, headers: { ...CORS_HEADERS, "WWW-Authenticate": challenge } });
  }
  const grantId = grantIdOf(ctx.auth.token);
  const session = grantId ? { ...granted.session, caller: { ...granted.session.caller, principal: `grant:${grantId}` } } : granted.session;
  const mcp = await readMcpRequest(request);
  const name = calledTool(mcp.parsed);
  const tool = name === undefined ? undefined : toolNamed(name);
  if (tool && !mayUse(session.scopes, tool)) {
    const needed = [...new Set([...(session.scopes ?? []), tool.spec.scope])];
    const why = `${tool.name} needs the '${tool.spec.scope}' permission, which this connection was not given. Reconnect and allow it to use ${tool.name}.`;
    return withCors(insufficientScope(ctx.auth, needed, why));
  }
  ctx.waitUntil(recordGrantUse(env, ctx.auth.token));
  return serveMcp(mcp, env, session);
}
