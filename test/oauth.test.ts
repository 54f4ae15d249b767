import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../src/env";
import { SANDBOX_DEMO_LOGIN, SANDBOX_DEMO_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { LISTED_TOOLS } from "../src/server";
import { callTool, callWorker, MCP_AUTH_TOKEN, operatorEnv, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";
import { codeFrom, connectWithOAuth, MCP_URL, mcpPost, openSignInPage, registeredAuthorizeUrl, startAuthorization, submitSignIn } from "./oauth-client";

/** A hosted deployment on the simulator: no Gupshup credentials on the worker, an access secret (the test default). */
const hostedEnv: Partial<Env> = {};
const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } };
const toolsCall = (name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name, arguments: args } });

/** Asserts the list is not empty and every item passes (an empty list proves nothing). */
function expectAll<T>(items: T[], check: (item: T) => boolean): void {
  expect(items.length).toBeGreaterThan(0);
  expect(items.every(check)).toBe(true);
}

beforeEach(async () => {
  await resetAll();
  for (const key of (await testEnv.OAUTH_KV.list()).keys) await testEnv.OAUTH_KV.delete(key.name);
});

describe("discovery", () => {
  it("answers an unauthenticated /mcp with 401 naming the resource metadata and the scopes", async () => {
    const res = await callWorker(
      new Request(MCP_URL, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" }, body: JSON.stringify(initialize) }),
      operatorEnv,
    );
    expect(res.status).toBe(401);
    const challenge = res.headers.get("WWW-Authenticate")!;
    expect(challenge).toContain('resource_metadata="http://localhost/.well-known/oauth-protected-resource/mcp"');
    expect(challenge).toContain('scope="read send manage"');
    expect(((await res.json()) as { message: string }).message).toMatch(/Sign in.*or send 'Authorization: Bearer <MCP_AUTH_TOKEN>'/);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("publishes RFC 9728 metadata at the /mcp and the root path, and RFC 8414 metadata with PKCE S256, registration and metadata documents", async () => {
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const res = await callWorker(new Request(`http://localhost${path}`));
      expect(res.status, path).toBe(200);
      const metadata = (await res.json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
      expect(metadata.resource).toBe(MCP_URL);
      expect(metadata.authorization_servers).toEqual(["http://localhost"]);
      expect(metadata.scopes_supported).toEqual(["read", "send", "manage"]);
    }
    const as = (await (await callWorker(new Request("http://localhost/.well-known/oauth-authorization-server"))).json()) as Record<string, unknown>;
    expect(as).toMatchObject({
      issuer: "http://localhost",
      authorization_endpoint: "http://localhost/authorize",
      token_endpoint: "http://localhost/token",
      registration_endpoint: "http://localhost/register",
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
    });
    expect(as.revocation_endpoint).toBeDefined();
  });

  it("lets browser-based clients (the MCP Inspector) discover, register and exchange codes across origins", async () => {
    const origin = { Origin: "http://localhost:6274" };
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-authorization-server"]) {
      const res = await callWorker(new Request(`http://localhost${path}`, { headers: origin }));
      expect(res.headers.get("Access-Control-Allow-Origin"), path).toMatch(/^(\*|http:\/\/localhost:6274)$/);
    }
    for (const path of ["/register", "/token"]) {
      const res = await callWorker(
        new Request(`http://localhost${path}`, { method: "OPTIONS", headers: { ...origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } }),
      );
      expect(res.status, path).toBeLessThan(300);
      expect(res.headers.get("Access-Control-Allow-Origin"), path).toMatch(/^(\*|http:\/\/localhost:6274)$/);
    }
    const challenge = await callWorker(new Request(MCP_URL, { method: "POST", headers: { ...origin, "Content-Type": "application/json" }, body: JSON.stringify(initialize) }), operatorEnv);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get("Access-Control-Expose-Headers")).toContain("WWW-Authenticate");
  });

  it("behind a proxy, builds every URL from PUBLIC_URL and runs the whole flow there", async () => {
    const env = { ...operatorEnv, PUBLIC_URL: "https://gupshup-mcp.example.com" };
    const proxy = { mcpUrl: "https://gupshup-mcp.example.com/mcp", arrivesOn: "http://localhost" };
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const metadata = (await (await callWorker(new Request(`http://localhost${path}`), env)).json()) as { resource: string; authorization_servers: string[] };
      expect(metadata).toMatchObject({ resource: "https://gupshup-mcp.example.com/mcp", authorization_servers: ["https://gupshup-mcp.example.com"] });
    }
    const as = (await (await callWorker(new Request("http://localhost/.well-known/oauth-authorization-server"), env)).json()) as { issuer: string };
    expect(as.issuer).toBe("https://gupshup-mcp.example.com");
    const res = await callWorker(new Request("http://localhost/mcp", { method: "POST", body: "{}" }), env);
    expect(res.headers.get("WWW-Authenticate")).toContain('resource_metadata="https://gupshup-mcp.example.com/.well-known/oauth-protected-resource/mcp"');

    const { client } = await connectWithOAuth(env, { access: MCP_AUTH_TOKEN, scope: ["read"] }, proxy);
    expect(textOf(await callTool(client, "list_apps"))).toContain("DemoStore");
  });

  it("offers no OAuth on a plain-http origin that is not loopback (bearers still work there)", async () => {
    const res = await callWorker(
      new Request("http://192.168.1.20:8787/mcp", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" }, body: JSON.stringify(initialize) }),
      operatorEnv,
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe("Send 'Authorization: Bearer <MCP_AUTH_TOKEN>'.");
    expect((await callWorker(new Request("http://192.168.1.20:8787/authorize"), operatorEnv)).status).toBe(404);
    const bearer = await callWorker(
      new Request("http://192.168.1.20:8787/mcp", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${MCP_AUTH_TOKEN}` },
        body: JSON.stringify(initialize),
      }),
      operatorEnv,
    );
    expect(bearer.status).toBe(200);
  });
});

describe("operator deployment (Gupshup credentials on the worker)", () => {
  it("an idempotency key belongs to its connection: two connectors that both pick 'welcome-1' each send once", async () => {
    const [a, b] = [await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["send"] }), await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["send"] })];
    const send = (destination: string) => ({
      appId: SEED_APP_IDS.store,
      destination,
      template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", params: ["Asha", "ORD-1"] },
      idempotencyKey: "welcome-1",
    });
    const first = await callTool(a.client, "send_template_message", send("919876543210"));
    const second = await callTool(b.client, "send_template_message", send("919876543211"));
    expect(second.isError, textOf(second)).toBeFalsy();
    expect(second.structuredContent).toMatchObject({ idempotencyKey: "welcome-1", replayed: false });
    expect(second.structuredContent!.messageId).not.toBe(first.structuredContent!.messageId);
    // Within one connection the key still means "this send, once".
    const again = await callTool(a.client, "send_template_message", send("919876543210"));
    expect(again.structuredContent).toMatchObject({ idempotencyKey: "welcome-1", replayed: true, messageId: first.structuredContent!.messageId });
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(2);

    // The same text without a key is a retry only within one connection: B's is sent, not answered with A's.
    const text = { appId: SEED_APP_IDS.store, destination: "919876543219", template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", params: ["Ravi", "ORD-9"] } };
    const fromA = await callTool(a.client, "send_template_message", text);
    const fromB = await callTool(b.client, "send_template_message", text);
    expect(fromB.structuredContent).toMatchObject({ replayed: false });
    expect(fromB.structuredContent!.messageId).not.toBe(fromA.structuredContent!.messageId);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(4);
  });

  it("runs the whole connector flow: registration, sign-in with the access secret, PKCE code exchange, tools, refresh, and a replayed refresh token ending it", async () => {
    const { client, oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read", "send", "manage"] });
    expect(oauth.registration?.client_id).toBeTruthy();
    expect(oauth.stored?.scope?.split(" ").sort()).toEqual(["manage", "read", "send"]);

    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toHaveLength(LISTED_TOOLS.length);
    const apps = await callTool(client, "list_apps");
    expect(textOf(apps)).toContain("DemoStore");
    const listed = await upstreamRequests(/partnerApps/);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.headers.token).toBe(SANDBOX_DEMO_PARTNER_TOKEN);

    // Refresh, as the SDK client does it: new tokens each time. Rotation: a refresh token stays good
    // only until its successor has been used, or a minute (so one lost answer does not sign the connector out).
    const refresh = () => auth(oauth, { serverUrl: MCP_URL, fetchFn: (url, init) => callWorker(new Request(url, init)) });
    const before = oauth.stored!;
    expect(await refresh()).toBe("AUTHORIZED");
    expect(oauth.stored!.refresh_token).not.toBe(before.refresh_token);
    expect(await refresh()).toBe("AUTHORIZED");
    const renewed = oauth.stored!;
    expect(renewed.access_token).not.toBe(before.access_token);
    expect((await mcpPost(renewed.access_token, initialize, operatorEnv)).status).toBe(200);
    const reused = await callWorker(
      new Request("http://localhost/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: before.refresh_token!, client_id: oauth.registration!.client_id }),
      }),
    );
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/^This refresh token was already used.*the connection was ended/) });
    // Reuse detection (RFC 9700): whoever replayed it, the connection is over — its newest tokens too.
    expect((await mcpPost(renewed.access_token, initialize, operatorEnv)).status).toBe(401);
    await expect(refresh()).rejects.toThrow(/Grant not found/);
  });

  it("a refresh token replayed within a minute of its rotation is the provider's grace for a lost answer, not a reuse", async () => {
    const { oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const exchange = (refreshToken: string) =>
      callWorker(
        new Request("http://localhost/token", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: oauth.registration!.client_id }),
        }),
      );
    const first = oauth.stored!.refresh_token!;
    expect((await exchange(first)).status).toBe(200);
    const retried = await exchange(first); // the client never saw the first answer
    expect(retried.status).toBe(200);
    const { access_token } = (await retried.json()) as { access_token: string };
    expect((await mcpPost(access_token, initialize, operatorEnv)).status).toBe(200);
  });

  it("reuse is caught however the copy is used: after many rotations, a second replay within the grace, a padded request", async () => {
    const exchange = (clientId: string, refreshToken: string, pad = "") =>
      callWorker(
        new Request("http://localhost/token", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId, ...(pad ? { pad } : {}) }),
        }),
      );
    const { oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const clientId = oauth.registration!.client_id;
    const stolen = oauth.stored!.refresh_token!;
    let current = stolen;
    for (let i = 0; i < 25; i++) current = ((await (await exchange(clientId, current)).json()) as { refresh_token: string }).refresh_token;
    expect((await exchange(clientId, stolen, "x".repeat(20 * 1024))).status).toBe(413); // too large to check: refused, not passed on
    const replayed = await exchange(clientId, stolen);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error_description: expect.stringMatching(/^This refresh token was already used/) });
    expect((await exchange(clientId, current)).status).toBe(400); // the connection is over

    const second = (await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] })).oauth;
    const first = second.stored!.refresh_token!;
    for (const expected of [200, 200, 400]) expect((await exchange(second.registration!.client_id, first)).status).toBe(expected); // the provider's grace, once
  });

  it("revokes through the token endpoint (RFC 7009)", async () => {
    const { oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const renewed = oauth.stored!;
    // Revocation: POST /token with the token; /mcp then answers 401 again.
    const revoked = await callWorker(
      new Request("http://localhost/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: renewed.access_token, client_id: oauth.registration!.client_id }),
      }),
    );
    expect(revoked.status).toBe(200);
    const after = await mcpPost(renewed.access_token, initialize, operatorEnv);
    expect(after.status).toBe(401);
    expect(after.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("signs no one in while the deployment is misconfigured (Gupshup credentials without MCP_AUTH_TOKEN)", async () => {
    const env = { ...operatorEnv, MCP_AUTH_TOKEN: "" };
    const url = await registeredAuthorizeUrl(env);
    const page = await callWorker(new Request(url), env);
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/MCP_AUTH_TOKEN/);
    const post = await callWorker(new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "action=approve&scope=read" }), env);
    expect(post.status).toBe(503);
    expect(post.headers.get("Location")).toBeNull();
    const connections = await callWorker(
      new Request("http://localhost/connections", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "action=sign-in" }),
      env,
    );
    expect(connections.status).toBe(503);
  });

  it("gives no code for a wrong access secret, and shows the page again with the reason", async () => {
    const oauth = await startAuthorization(operatorEnv);
    const page = await openSignInPage(oauth.authorizationUrl!, operatorEnv);
    expect(page.html).toContain('id="client-name">Claude<');
    expect(page.html).toContain("claude.ai");
    expect(page.headers.get("X-Frame-Options")).toBe("DENY");
    expect(await upstreamRequests()).toHaveLength(0); // the page reveals nothing of the account before sign-in
    const res = await submitSignIn(oauth.authorizationUrl!, page, { access: "not-the-secret", scope: ["read"] }, operatorEnv);
    expect(res.status).toBe(401);
    expect(res.headers.get("Location")).toBeNull();
    expect(await res.text()).toMatch(/not this server&#39;s access secret/);
    expect(await upstreamRequests()).toHaveLength(0);
    // The used form's binding cookie is cleared, a new one set for the page shown again.
    const cookies = res.headers.getAll("Set-Cookie");
    expect(cookies.some((c) => c.startsWith(`${page.cookie.split("=")[0]}=;`) || (c.startsWith(page.cookie.split("=")[0]!) && /Max-Age=0/i.test(c)))).toBe(true);
    expect(cookies).toHaveLength(2);
  });

  it("refuses a form posted without the page's cookie (CSRF) or posted twice", async () => {
    const oauth = await startAuthorization(operatorEnv);
    const url = oauth.authorizationUrl!;
    const page = await openSignInPage(url, operatorEnv);
    const forged = await submitSignIn(url, { handle: page.handle, cookie: "" }, { access: MCP_AUTH_TOKEN, scope: ["read"] }, operatorEnv);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/not started in this browser/);
    codeFrom(await submitSignIn(url, page, { access: MCP_AUTH_TOKEN, scope: ["read"] }, operatorEnv));
    const replayed = await submitSignIn(url, page, { access: MCP_AUTH_TOKEN, scope: ["read"] }, operatorEnv);
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get("Location")).toBeNull();
  });

  it("sends the person back to the client with access_denied when they deny", async () => {
    const oauth = await startAuthorization(operatorEnv);
    const page = await openSignInPage(oauth.authorizationUrl!, operatorEnv);
    const res = await submitSignIn(oauth.authorizationUrl!, page, { action: "deny" }, operatorEnv);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("Location")!).searchParams.get("error")).toBe("access_denied");
  });

  it("a read-only grant neither lists nor runs send tools: a call gets 403 insufficient_scope naming the scope to add", async () => {
    const { client, oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain("list_templates");
    expect(tools.filter((t) => t.startsWith("send_") || ["create_template", "delete_template", "get_app_token", "configure_webhook"].includes(t))).toEqual([]);

    const res = await mcpPost(oauth.stored!.access_token, toolsCall("send_text_message", { appId: SEED_APP_IDS.store, destination: "919876543210", text: "hi" }), operatorEnv);
    expect(res.status).toBe(403);
    const challenge = res.headers.get("WWW-Authenticate")!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="read send"');
    expect(challenge).toContain("resource_metadata=");
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(/send_text_message needs the 'send' permission/);
    expect(await upstreamRequests(/msg|message/)).toHaveLength(0);
  });

  it("offers every scope to a client that asked only for scopes this server does not know", async () => {
    const oauth = await startAuthorization(operatorEnv);
    const url = new URL(oauth.authorizationUrl!);
    url.searchParams.set("scope", "openid profile");
    const page = await openSignInPage(url, operatorEnv);
    for (const scope of ["read", "send", "manage"]) expect(page.html).toContain(`value="${scope}" checked`);
  });

  it("never grants more than the client asked for", async () => {
    const oauth = await startAuthorization(operatorEnv);
    const url = new URL(oauth.authorizationUrl!);
    url.searchParams.set("scope", "read");
    const page = await openSignInPage(url, operatorEnv);
    expect(page.html).not.toContain('value="send"');
    const code = codeFrom(await submitSignIn(url, page, { access: MCP_AUTH_TOKEN, scope: ["read", "send", "manage"] }, operatorEnv));
    const token = await callWorker(
      new Request("http://localhost/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: oauth.redirectUrl, client_id: oauth.registration!.client_id, code_verifier: oauth.verifier }),
      }),
    );
    const tokens = (await token.json()) as { access_token: string; scope: string };
    oauth.saveTokens({ ...tokens, token_type: "bearer" });
    expect(tokens.scope).toBe("read");
  });

  it("an app-limited grant lists only its app and refuses another before any upstream call", async () => {
    const { client } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read", "send"], apps: "DemoStore" });
    const apps = await callTool(client, "list_apps");
    expect(textOf(apps)).toContain("DemoStore");
    expect(textOf(apps)).not.toContain("DemoClinic");

    const before = (await upstreamRequests()).length;
    const refused = await callTool(client, "list_templates", { appId: SEED_APP_IDS.clinic });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/may only use DemoStore .*'5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e02' was not allowed/);
    expect(await upstreamRequests()).toHaveLength(before);

    // The one allowed app is the default.
    const own = await callTool(client, "list_templates", {});
    expect(own.isError).toBeFalsy();
    expectAll(await upstreamRequests(/template/), (r) => r.path.includes(SEED_APP_IDS.store));
  });

  it("refuses an app the account does not have, on the page", async () => {
    const oauth = await startAuthorization(operatorEnv);
    const page = await openSignInPage(oauth.authorizationUrl!, operatorEnv);
    const res = await submitSignIn(oauth.authorizationUrl!, page, { access: MCP_AUTH_TOKEN, scope: ["read"], apps: "OtherPartnerApp" }, operatorEnv);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/&quot;OtherPartnerApp&quot; is not an app of this Gupshup account/);
  });

  it("ends every grant when the access secret changes", async () => {
    const { oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const res = await mcpPost(oauth.stored!.access_token, initialize, { ...operatorEnv, MCP_AUTH_TOKEN: "a-new-access-secret-0123456789abcdef" });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    expect(((await res.json()) as { message: string }).message).toMatch(/access secret .* changed .* Sign in again/);
    // The grant is ended, so the connector cannot refresh its way back in: it is sent to sign in.
    const refreshed = await callWorker(
      new Request("http://localhost/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: oauth.stored!.refresh_token!, client_id: oauth.registration!.client_id }),
      }),
    );
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("answers a bad X-Gupshup-App-Id on an OAuth request with 400, not a token failure", async () => {
    const { oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const res = await callWorker(
      new Request(MCP_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${oauth.stored!.access_token}`, "X-Gupshup-App-Id": "../x" },
        body: JSON.stringify(initialize),
      }),
      operatorEnv,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
    expect((await mcpPost(oauth.stored!.access_token, initialize, operatorEnv)).status).toBe(200);
  });

  it("a second person connecting the same client does not end the first one's connection", async () => {
    const first = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const second = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    for (const { oauth } of [first, second]) expect((await mcpPost(oauth.stored!.access_token, initialize, operatorEnv)).status).toBe(200);
  });

  it("keeps MCP_AUTH_TOKEN working as a bearer even when it is shaped like an OAuth token", async () => {
    const colons = "operator:bearer:0123456789abcdef0123456789";
    const res = await callWorker(
      new Request(MCP_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${colons}` },
        body: JSON.stringify(initialize),
      }),
      { ...operatorEnv, MCP_AUTH_TOKEN: colons },
    );
    expect(res.status).toBe(200);
  });
});

describe("hosted deployment (partners sign in with their own Gupshup credentials)", () => {
  it("signs in with partner email and client secret, checked by Gupshup's login; the OAuth token never goes upstream", async () => {
    const { client, oauth } = await connectWithOAuth(hostedEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: SANDBOX_DEMO_LOGIN.secret });
    const logins = await upstreamRequests(/login/);
    expect(logins).toHaveLength(1);
    expect(logins[0]!.body).toContain(encodeURIComponent(SANDBOX_DEMO_LOGIN.email));

    const apps = await callTool(client, "list_apps");
    expect(textOf(apps)).toContain("DemoStore");
    const accessToken = oauth.stored!.access_token;
    const refreshToken = oauth.stored!.refresh_token!;
    for (const request of await upstreamRequests()) {
      const seen = JSON.stringify(request);
      expect(seen).not.toContain(accessToken);
      expect(seen).not.toContain(refreshToken);
      expect(seen).not.toContain(accessToken.split(":")[2]);
    }
    // The login-obtained token is what Gupshup saw on list_apps.
    const listed = await upstreamRequests(/partnerApps/);
    expect(listed.at(-1)!.headers.token).toMatch(/^eyJ/);
  });

  it("renews the partner token through Gupshup's login when Gupshup refuses it, without a new sign-in", async () => {
    const { client } = await connectWithOAuth(hostedEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: SANDBOX_DEMO_LOGIN.secret });
    await sandbox().failNext({ path: "/partnerApps$", status: 401, body: JSON.stringify({ status: "error", message: "Token expired" }), times: 1 });
    const apps = await callTool(client, "list_apps");
    expect(apps.isError).toBeFalsy();
    expect(textOf(apps)).toContain("DemoStore");
    expect(await upstreamRequests(/login/)).toHaveLength(2);
  });

  it("signs in with a pasted partner token", async () => {
    const { client } = await connectWithOAuth(hostedEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "token", token: SANDBOX_DEMO_PARTNER_TOKEN });
    expect(textOf(await callTool(client, "list_apps"))).toContain("DemoClinic");
    expectAll(await upstreamRequests(/partnerApps/), (r) => r.headers.token === SANDBOX_DEMO_PARTNER_TOKEN);
  });

  it("gives no code for a wrong Gupshup login", async () => {
    const oauth = await startAuthorization(hostedEnv);
    const page = await openSignInPage(oauth.authorizationUrl!, hostedEnv);
    const res = await submitSignIn(oauth.authorizationUrl!, page, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: "wrong-secret" }, hostedEnv);
    expect(res.status).toBe(401);
    expect(res.headers.get("Location")).toBeNull();
    const html = await res.text();
    expect(html).toMatch(/Gupshup did not accept this email and client secret/);
    expect(html).toContain(`value="${SANDBOX_DEMO_LOGIN.email}"`);
    expect(html).not.toContain("wrong-secret");
  });

  it("signs in to the simulator's demo partner with one click (a public sandbox deployment without an access secret)", async () => {
    const { client } = await connectWithOAuth({ MCP_AUTH_TOKEN: "" }, { method: "demo", scope: ["read"] }, { mcpUrl: "https://sandbox-demo.example.com/mcp" });
    expect(textOf(await callTool(client, "list_apps"))).toContain("DemoStore");
    expectAll(await upstreamRequests(/partnerApps/), (r) => r.headers.token === SANDBOX_DEMO_PARTNER_TOKEN);
  });
});

describe("connections", () => {
  const connectionsRequest = (init: RequestInit = {}, path = "") => new Request(`http://localhost/connections${path}`, init);
  const form = (fields: Record<string, string>) => ({ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });

  it("lists the operator's grants for a script holding MCP_AUTH_TOKEN, and revokes one (its token then gets 401)", async () => {
    const { oauth, client } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], apps: "DemoStore" });
    await callTool(client, "list_apps");
    const auth = { Authorization: `Bearer ${MCP_AUTH_TOKEN}` };
    expect((await callWorker(connectionsRequest({ headers: { Authorization: "Bearer wrong" } }), operatorEnv)).status).toBe(401);

    let listed: { connections: { id: string; client: string; scopes: string[]; apps: string[] | null; createdAt: string; lastUsedAt: string | null }[] } = { connections: [] };
    for (let i = 0; i < 20 && !listed.connections[0]?.lastUsedAt; i++) {
      listed = await (await callWorker(connectionsRequest({ headers: auth }), operatorEnv)).json();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(listed.connections).toHaveLength(1);
    expect(listed.connections[0]).toMatchObject({ client: "Claude", scopes: ["read"], apps: ["DemoStore"] });
    expect(Date.parse(listed.connections[0]!.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(listed.connections[0]!.createdAt));

    const revoked = await callWorker(connectionsRequest({ method: "DELETE", headers: auth }, `/${listed.connections[0]!.id}`), operatorEnv);
    expect(revoked.status).toBe(200);
    expect((await mcpPost(oauth.stored!.access_token, initialize, operatorEnv)).status).toBe(401);
    expect(((await (await callWorker(connectionsRequest({ headers: auth }), operatorEnv)).json()) as { connections: unknown[] }).connections).toEqual([]);
  });

  it("does not list a public simulator's shared demo connections to any visitor", async () => {
    await connectWithOAuth({ MCP_AUTH_TOKEN: "" }, { method: "demo", scope: ["read"] }, { mcpUrl: "https://sandbox-demo.example.com/mcp" });
    const res = await callWorker(new Request("https://sandbox-demo.example.com/connections", form({ action: "sign-in", method: "demo" })), { MCP_AUTH_TOKEN: "" });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toMatch(/shared by every visitor/);
    expect(html).not.toContain('name="proof"');
  });

  it("lets a partner see and end their own connections in the browser, with a proof that cannot be forged", async () => {
    const { oauth } = await connectWithOAuth(hostedEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: SANDBOX_DEMO_LOGIN.secret });
    const signInPage = await callWorker(connectionsRequest(), hostedEnv);
    expect(signInPage.status).toBe(200);
    expect(await signInPage.text()).toContain('name="email"');

    const wrong = await callWorker(connectionsRequest(form({ action: "sign-in", access: MCP_AUTH_TOKEN, method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: "wrong" })), hostedEnv);
    expect(wrong.status).toBe(401);

    const page = await callWorker(
      connectionsRequest(form({ action: "sign-in", access: MCP_AUTH_TOKEN, method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: SANDBOX_DEMO_LOGIN.secret })),
      hostedEnv,
    );
    const html = await page.text();
    expect(html).toContain('<div class="who">Claude</div>');
    const field = (name: string) => html.match(new RegExp(`name="${name}" value="([^"]+)"`))![1]!;
    const [owner, proof, grant] = [field("owner"), field("proof"), field("grant")];

    const forged = await callWorker(connectionsRequest(form({ action: "revoke", owner, proof: proof.replace(/.$/, (c) => (c === "0" ? "1" : "0")), grant })), hostedEnv);
    expect(forged.status).toBe(401);
    expect((await mcpPost(oauth.stored!.access_token, initialize, hostedEnv)).status).toBe(200);

    const ended = await callWorker(connectionsRequest(form({ action: "revoke", owner, proof, grant })), hostedEnv);
    expect(await ended.text()).toContain("No connections.");
    expect((await mcpPost(oauth.stored!.access_token, initialize, hostedEnv)).status).toBe(401);
  });
});

describe("where OAuth is not offered", () => {
  it("never passes an OAuth-shaped token to Gupshup as a partner token", async () => {
    const res = await callWorker(
      new Request("http://192.168.1.20:8787/mcp", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: "Bearer partner-abc:grant:secret0123456789" },
        body: JSON.stringify(initialize),
      }),
      { MCP_AUTH_TOKEN: "", GUPSHUP_PARTNER_TOKEN: "" },
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/sign-in \(OAuth\) token/);
    expect(await upstreamRequests()).toHaveLength(0);
  });
});

describe("client metadata documents (a client_id that is an https URL)", () => {
  const authorize = (clientId: string) =>
    callWorker(
      new Request(
        `http://localhost/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: "https://client.example/cb", code_challenge: "x".repeat(43), code_challenge_method: "S256", state: "s" })}`,
      ),
      operatorEnv,
    );

  it("never fetches one on an internal or single-label host, and answers every unusable one with the same words", async () => {
    const fetched: string[] = [];
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = String(input instanceof Request ? input.url : input);
      fetched.push(url);
      if (url.startsWith("https://missing.example")) return new Response("not here", { status: 404 });
      throw new TypeError("Network connection lost.");
    });
    // The provider logs each failed fetch for the operator: those two lines, and only those, are expected.
    const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const pages = [];
      for (const id of [
        "https://127.0.0.1:8813/client.json",
        "https://vm:8813/client.json",
        "https://localhost/client.json",
        "https://[::1]/c.json",
        "https://missing.example/client.json",
        "https://down.example/client.json",
      ]) {
        const res = await authorize(id);
        pages.push({ status: res.status, text: (await res.text()).replace(/\s+/g, " ") });
      }
      expect(fetched).toEqual(["https://missing.example/client.json", "https://down.example/client.json"]);
      expect(new Set(pages.map((p) => p.status))).toEqual(new Set([400]));
      for (const p of pages) expect(p.text).toContain("client information (the document its client_id points to) could not be used. Start the connection again");
      expect(pages.every((p) => !/404|Network|refused|timed out/i.test(p.text))).toBe(true);

      const token = await callWorker(
        new Request("http://localhost/token", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "authorization_code", code: "c", client_id: "https://127.0.0.1:8813/client.json", redirect_uri: "https://client.example/cb", code_verifier: "v" }),
        }),
        operatorEnv,
      );
      expect(token.status).toBe(401);
      expect(await token.json()).toEqual({ error: "invalid_client", error_description: "Client not found" });
      // Nor by the other ways a client names itself: an empty client_id first, or HTTP Basic.
      for (const init of [
        { body: "grant_type=authorization_code&code=c&client_id=&client_id=https%3A%2F%2F127.0.0.1%2Fc.json" },
        { body: "grant_type=authorization_code&code=c", headers: { Authorization: `Basic ${btoa(`${encodeURIComponent("https://10.0.0.1/c.json")}:x`)}` } },
      ]) {
        const res = await callWorker(
          new Request("http://localhost/token", { method: "POST", body: init.body, headers: { "Content-Type": "application/x-www-form-urlencoded", ...init.headers } }),
          operatorEnv,
        );
        expect(await res.json()).toEqual({ error: "invalid_client", error_description: "Client not found" });
      }
      expect(fetched).toHaveLength(2);
      expect(warned.mock.calls.map((c) => String(c[0]))).toEqual(["CIMD fetch failed for https://missing.example/client.json:", "CIMD fetch failed for https://down.example/client.json:"]);
    } finally {
      spy.mockRestore();
      warned.mockRestore();
    }
  });
});

describe("client registration (RFC 7591) is bounded", () => {
  const register = (body: unknown, address = "198.51.100.60") =>
    callWorker(new Request("http://localhost/register", { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": address }, body: JSON.stringify(body) }), operatorEnv);
  const client = (extra: Record<string, unknown> = {}) => ({ client_name: "Claude", redirect_uris: ["https://claude.ai/api/mcp/auth_callback"], token_endpoint_auth_method: "none", ...extra });
  /** When KV forgets a client's record (epoch seconds). */
  const expiresAt = async (clientId: string) => (await testEnv.OAUTH_KV.list({ prefix: `client:${clientId}` })).keys[0]?.expiration;

  it("refuses 50 redirect URIs, and 5,000 or a 1 MB name by size, before storing anything", async () => {
    const before = (await testEnv.OAUTH_KV.list({ prefix: "client:" })).keys.length;
    const uris = (n: number) => Array.from({ length: n }, (_, i) => `https://attacker.example/cb/${i}`);
    const many = await register(client({ redirect_uris: uris(50) }));
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({ error: "invalid_redirect_uri", error_description: expect.stringContaining("at most 10 redirect URIs (this one has 50)") });
    expect((await register(client({ redirect_uris: uris(5000) }))).status).toBe(413);
    const big = await register(client({ client_name: "x".repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    expect((await testEnv.OAUTH_KV.list({ prefix: "client:" })).keys.length).toBe(before);
  });

  it("one address registers at most 10 clients an hour; others are not held up", async () => {
    for (let i = 0; i < 10; i++) expect((await register(client(), "198.51.100.61")).status).toBe(201);
    const eleventh = await register(client(), "198.51.100.61");
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await register(client(), "198.51.100.62")).status).toBe(201);
  });

  it("a client never used is forgotten after a day; its first token exchange keeps it as long as a connection lasts (30 days)", async () => {
    const registered = (await (await register(client())).json()) as { client_id: string };
    const day = Date.now() / 1000 + 86_400;
    expect(Math.abs((await expiresAt(registered.client_id))! - day)).toBeLessThan(60);
    // A confidential client is told its secret lasts as long (not the provider's 30 days).
    const confidential = (await (await register(client({ token_endpoint_auth_method: "client_secret_basic" }))).json()) as { client_secret_expires_at: number };
    expect(Math.abs(confidential.client_secret_expires_at - day)).toBeLessThan(60);

    const { oauth } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"] });
    const month = Date.now() / 1000 + 30 * 86_400;
    expect(Math.abs((await expiresAt(oauth.registration!.client_id))! - month)).toBeLessThan(60);
  });
});
