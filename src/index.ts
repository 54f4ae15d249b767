import { Hono } from "hono";
import { readSettings, type Settings } from "./config";
import type { Env } from "./env";
import { authenticate, bearerToken, grantIdOf, isLoopback } from "./http/auth";
import { connectionRoutes } from "./http/connections";
import { docsMetadata } from "./http/docs";
import { rejectForeignHostOrOrigin } from "./http/guard";
import { iconResponse } from "./http/icons";
import { CORS_HEADERS, mcpPreflight, readMcpRequest, serveMcp, wantsHtml, withCors } from "./http/mcp-endpoint";
import { oauthHelpersFor, oauthProviderFor, offersOAuth, PROTECTED_RESOURCE_PATH, REGISTER_PATH, resourceMetadataUrl, TOKEN_PATH } from "./http/oauth";
import { guardRegistration } from "./http/registration";
import { renderSetupPage } from "./http/setup-page";
import { signInRoutes } from "./http/sign-in";
import { guardTokenEndpoint } from "./http/token-endpoint";
import { receiveWebhook } from "./http/webhook";
import { timingSafeEqual } from "./utils/secrets";

export { GupshupGateway } from "./gateway/gateway";
export { GupshupLoginBudget } from "./gateway/login-budget";
export { GupshupPartnerLogin } from "./gateway/login-object";
export { GupshupSandbox } from "./sandbox/sandbox";

const app = new Hono<{ Bindings: Env }>();

/** /mcp with a static bearer (MCP_AUTH_TOKEN or a partner token: CLIs, scripts) or the open loopback sandbox. */
app.all("/mcp", async (c) => {
  const request = c.req.raw;
  if (request.method === "GET" && wantsHtml(request)) return c.redirect("/", 302);
  const foreign = rejectForeignHostOrOrigin(request);
  if (foreign) return withCors(foreign);
  if (request.method === "OPTIONS") return mcpPreflight(request);

  const settings = readSettings(c.env);
  const auth = authenticate(request, settings);
  if (!auth.ok) {
    const headers: Record<string, string> = { ...CORS_HEADERS };
    if (auth.status === 401 || auth.status === 400) headers["WWW-Authenticate"] = bearerChallenge(auth.error, auth.message, publicOrigin(request, settings));
    if (auth.retryAfterSeconds) headers["Retry-After"] = String(auth.retryAfterSeconds);
    return c.json({ error: auth.error, message: auth.message }, auth.status, headers);
  }
  return serveMcp(await readMcpRequest(request), c.env, auth.session);
});

app.route("/", signInRoutes);
app.route("/connections", connectionRoutes);

app.on(["GET", "HEAD", "POST"], "/webhooks/gupshup/:appId", receiveWebhook);

app.get("/", (c) => c.html(renderSetupPage(new URL(c.req.url).origin, readSettings(c.env))));

app.get("/icons/:file", (c) => iconResponse(c.req.param("file")) ?? c.notFound());

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

function bearerChallenge(error: string, description: string, origin: string): string {
  const code = error === "invalid_request" || error === "invalid_token" ? `, error="${error}", error_description="${description.replace(/"/g, "'")}"` : "";
  const metadata = offersOAuth(origin) ? `, resource_metadata="${resourceMetadataUrl(origin)}"` : "";
  return `Bearer realm="gupshup-mcp"${code}${metadata}`;
}

/**
 * The worker's entry. /mcp requests with a static bearer (or on the open loopback sandbox) go
 * straight to the MCP route; everything else passes the OAuth provider, which serves the OAuth
 * endpoints, checks OAuth access tokens on /mcp, and hands the rest to the routes above.
 */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> | Response {
    const settings = readSettings(env);
    const url = new URL(request.url);
    const mcp = url.pathname === "/mcp";
    if (mcp && usesStaticAuth(request, settings)) return app.fetch(request, env, ctx);
    if (mcp) {
      const foreign = rejectForeignHostOrOrigin(request);
      if (foreign) return withCors(foreign);
    }
    const origin = publicOrigin(request, settings);
    const provider = oauthProviderFor(origin, app);
    if (!provider) return app.fetch(request, env, ctx);
    // The provider checks URLs against the public origin (PUBLIC_URL behind a proxy); RFC 9728
    // clients may also ask at the root, where the metadata is the /mcp resource's.
    const path = url.pathname === PROTECTED_RESOURCE_PATH ? `${PROTECTED_RESOURCE_PATH}/mcp` : url.pathname;
    const forwarded = origin === url.origin && path === url.pathname ? request : onOrigin(request, origin, `${path}${url.search}`);
    // The provider caches its helpers on the env it is given: a copy per request keeps origins apart.
    const requestEnv: Env = { ...env };
    delete requestEnv.OAUTH_PROVIDER;
    if (path === TOKEN_PATH && request.method === "POST") {
      return guardTokenEndpoint(
        forwarded,
        requestEnv,
        () => oauthHelpersFor(origin, requestEnv)!,
        (r) => provider.fetch(r, requestEnv, ctx),
      );
    }
    if (path === REGISTER_PATH && request.method === "POST") return guardRegistration(forwarded, requestEnv, (r) => provider.fetch(r, requestEnv, ctx));
    const response = provider.fetch(forwarded, requestEnv, ctx);
    return mcp && !request.headers.has("Authorization") ? response.then((r) => explainSignIn(r, request, settings)) : response;
  },
} satisfies ExportedHandler<Env>;

/** The /mcp requests that do not go through OAuth: static bearers, preflight, browsers, the open sandbox, a misconfiguration. */
function usesStaticAuth(request: Request, settings: Settings): boolean {
  if (request.method === "OPTIONS" || settings.problem || (request.method === "GET" && wantsHtml(request))) return true;
  if (request.headers.has("Authorization")) {
    const token = bearerToken(request);
    return grantIdOf(token) === undefined || (token !== undefined && settings.mcpAuthToken !== undefined && timingSafeEqual(token, settings.mcpAuthToken));
  }
  return settings.upstream === "sandbox" && !settings.mcpAuthToken && isLoopback(request);
}

/** The provider's bare 401 on /mcp, with a body that says both ways in (people reading a CLI's error see it). */
function explainSignIn(response: Response, request: Request, settings: Settings): Response {
  if (response.status !== 401) return response;
  const denied = authenticate(request, settings);
  const bearerWay = denied.ok ? "" : `, or ${denied.message.charAt(0).toLowerCase()}${denied.message.slice(1)}`;
  const message = `Sign in with OAuth (claude.ai and ChatGPT connectors do this for you)${bearerWay}`;
  const explained = new Response(JSON.stringify({ error: "unauthorized", message }), { status: 401, headers: response.headers });
  explained.headers.set("Content-Type", "application/json");
  return withCors(explained);
}

/** The request as if it had arrived on `origin` (Host header included, for the MCP handler's Host check). */
function onOrigin(request: Request, origin: string, pathAndQuery: string): Request {
  const moved = new Request(`${origin}${pathAndQuery}`, request);
  moved.headers.set("Host", new URL(origin).host);
  return moved;
}

function publicOrigin(request: Request, settings: Settings): string {
  return settings.publicOrigin ?? new URL(request.url).origin;
}
