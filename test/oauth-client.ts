import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { expect } from "vitest";
import type { Env } from "../src/env";
import { callWorker, heldSecrets } from "./helpers";

export const MCP_URL = "http://localhost/mcp";
export const CLAUDE_REDIRECT = "https://claude.ai/api/mcp/auth_callback";

/** What a connector like claude.ai keeps: its registration, PKCE verifier, tokens — in memory. */
export class MemoryOAuthClient implements OAuthClientProvider {
  readonly redirectUrl = CLAUDE_REDIRECT;
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: "Claude",
    redirect_uris: [CLAUDE_REDIRECT],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
  registration?: OAuthClientInformationMixed;
  stored?: OAuthTokens;
  verifier = "";
  /** Where the client sent the person's browser (the sign-in page). */
  authorizationUrl?: URL;

  clientInformation() {
    return this.registration;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.registration = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
    heldSecrets.push(tokens.access_token, ...(tokens.refresh_token ? [tokens.refresh_token] : []));
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** Where a client reaches the server, and (behind a proxy) the origin requests arrive on at the worker. */
export interface Route {
  mcpUrl?: string;
  arrivesOn?: string;
  /** The client's address, as Cloudflare's edge names it (CF-Connecting-IP). */
  address?: string;
}

/** Sends a client's request to the worker, as a proxy in front of it would when `arrivesOn` is set. */
export function deliver(request: Request, env: Partial<Env>, route: Route = {}): Promise<Response> {
  if (route.address) {
    request = new Request(request);
    request.headers.set("CF-Connecting-IP", route.address);
  }
  if (!route.arrivesOn) return callWorker(request, env);
  const url = new URL(request.url);
  return callWorker(new Request(`${route.arrivesOn}${url.pathname}${url.search}`, request), env);
}

export function oauthTransport(oauth: MemoryOAuthClient, env: Partial<Env>, route: Route = {}): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(route.mcpUrl ?? MCP_URL), { authProvider: oauth, fetch: (url, init) => deliver(new Request(url, init), env, route) });
}

export const newClient = () => new Client({ name: "gupshup-mcp-oauth-tests", version: "1.0.0" });

/** The sign-in page as a browser gets it: the page, its form handle and the cookie binding it to this browser. */
export async function openSignInPage(url: URL, env: Partial<Env>, route: Route = {}): Promise<{ status: number; html: string; handle: string; cookie: string; headers: Headers }> {
  const res = await deliver(new Request(url), env, route);
  const html = await res.text();
  return {
    status: res.status,
    html,
    headers: res.headers,
    handle: html.match(/name="handle" value="([^"]+)"/)?.[1] ?? "",
    cookie: (res.headers.get("Set-Cookie") ?? "").split(";")[0]!,
  };
}

/** Posts the sign-in form the way a browser would (same URL, the page's cookie). */
export async function submitSignIn(url: URL, page: { handle: string; cookie: string }, fields: Record<string, string | string[]>, env: Partial<Env>, route: Route = {}): Promise<Response> {
  const body = new URLSearchParams({ handle: page.handle, action: "approve" });
  for (const [name, value] of Object.entries(fields)) {
    body.delete(name);
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return deliver(new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: page.cookie }, body }), env, route);
}

/** The authorization code in a redirect back to the client. */
export function codeFrom(res: Response): string {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("Location")!);
  expect(location.origin + location.pathname).toBe(CLAUDE_REDIRECT);
  return location.searchParams.get("code")!;
}

/** An authorization request as claude.ai makes one: it registers (dynamic client registration), then asks with PKCE S256. */
export async function registeredAuthorizeUrl(env: Partial<Env>): Promise<URL> {
  const registered = await callWorker(
    new Request("http://localhost/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_name: "Claude",
        redirect_uris: [CLAUDE_REDIRECT],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      }),
    }),
    env,
  );
  expect(registered.status).toBe(201);
  const { client_id } = (await registered.json()) as { client_id: string };
  const url = new URL("http://localhost/authorize");
  const params = {
    response_type: "code",
    client_id,
    redirect_uri: CLAUDE_REDIRECT,
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    state: "xyz",
    scope: "read send manage",
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/** A client that has registered and sent the person to the sign-in page (`authorizationUrl`). */
export async function startAuthorization(env: Partial<Env>, route: Route = {}): Promise<MemoryOAuthClient> {
  const oauth = new MemoryOAuthClient();
  await expect(newClient().connect(oauthTransport(oauth, env, route))).rejects.toThrow(/Unauthorized/);
  return oauth;
}

/**
 * The whole connector flow, as claude.ai runs it: the first /mcp request gets 401, the client
 * discovers the metadata, registers, sends the person to the sign-in page; the person fills it
 * in; the client exchanges the code (PKCE) and connects with the token.
 */
export async function connectWithOAuth(env: Partial<Env>, fields: Record<string, string | string[]>, route: Route = {}): Promise<{ client: Client; oauth: MemoryOAuthClient }> {
  const oauth = await startAuthorization(env, route);
  const url = oauth.authorizationUrl!;
  const page = await openSignInPage(url, env, route);
  expect(page.status).toBe(200);
  await oauthTransport(oauth, env, route).finishAuth(codeFrom(await submitSignIn(url, page, fields, env, route)));
  const client = newClient();
  await client.connect(oauthTransport(oauth, env, route));
  return { client, oauth };
}

/** A raw MCP POST with a bearer, for checking status codes and headers. */
export function mcpPost(token: string, body: unknown, env: Partial<Env>): Promise<Response> {
  return callWorker(
    new Request(MCP_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }),
    env,
  );
}
