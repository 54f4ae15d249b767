import { describe, expect, it } from "vitest";
// @ts-expect-error -- Vite's ?raw import (the README as text); no type declaration for it here.
import readme from "../README.md?raw";
import type { Env } from "../src/env";
import { SCOPE_DESCRIPTIONS, SCOPES } from "../src/tools/scopes";
import { callWorker, connect, MCP_AUTH_TOKEN, OPERATOR_PARTNER_TOKEN, operatorEnv } from "./helpers";
import { openSignInPage, registeredAuthorizeUrl } from "./oauth-client";

/** The deployment kinds the setup page explains, as env overrides of the test bindings (sandbox upstream, MCP_AUTH_TOKEN set). */
const MODES: { name: string; env: Partial<Env>; badge: string; asks: RegExp[]; notAsked: RegExp[]; signInFields: string[]; signInAbsent: string[] }[] = [
  {
    name: "operator (Gupshup credentials on the worker)",
    env: operatorEnv,
    badge: "operator",
    asks: [/access secret \(MCP_AUTH_TOKEN\)/],
    notAsked: [/partner email/, /Simulator demo partner/],
    signInFields: ['name="access"'],
    signInAbsent: ['name="method"', 'name="email"'],
  },
  {
    name: "hosted (partners bring their own Gupshup credentials) behind an access secret",
    env: { GUPSHUP_BASE_URL: "https://partner.gupshup.io" },
    badge: "hosted",
    asks: [/access secret \(MCP_AUTH_TOKEN/, /partner email and client secret/, /partner token/],
    notAsked: [/Simulator demo partner/],
    signInFields: ['name="access"', 'name="email"', 'name="secret"', 'name="token"'],
    signInAbsent: ['value="demo"'],
  },
  {
    name: "hosted without an access secret",
    env: { GUPSHUP_BASE_URL: "https://partner.gupshup.io", MCP_AUTH_TOKEN: "" },
    badge: "hosted",
    asks: [/partner email and client secret/, /partner token/],
    notAsked: [/access secret/, /Simulator demo partner/],
    signInFields: ['name="email"', 'name="secret"', 'name="token"'],
    signInAbsent: ['name="access"', 'value="demo"'],
  },
  {
    name: "sandbox (the built-in simulator, no access secret)",
    env: { MCP_AUTH_TOKEN: "" },
    badge: "sandbox",
    asks: [/one click on "Simulator demo partner"/],
    notAsked: [/access secret/],
    signInFields: ['value="demo"', "Simulator demo partner"],
    signInAbsent: ['name="access"'],
  },
];

const setupPage = async (env: Partial<Env>, url = "http://localhost/") => (await callWorker(new Request(url), env)).text();
/** The text of the element with this id (its tags removed, entities of the page decoded). */
const section = (page: string, id: string) => {
  const match = page.match(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(?:div|p)>\\s*(?:<h2|<div class="card"|<p)`));
  return (match?.[1] ?? "")
    .replace(/<[^>]+>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'");
};

describe("setup page", () => {
  it("GET / shows this deployment's MCP URL, client configs with placeholders, every tool and the security advice", async () => {
    const res = await callWorker(new Request("http://localhost/"), operatorEnv);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('<div class="url" id="mcp-url">http://localhost/mcp</div>');
    expect(page).toContain("claude mcp add --transport http gupshup http://localhost/mcp");
    expect(page).toContain("Authorization: Bearer &lt;MCP_AUTH_TOKEN&gt;");
    expect(page).toMatch(/Never paste real tokens into public docs, screenshots, support tickets or shared messages/);
    expect(page).toContain('name="viewport"');
    const client = await connect();
    for (const tool of (await client.listTools()).tools) expect(page).toContain(`<td>${tool.name}</td>`);
    expect(page).not.toContain(MCP_AUTH_TOKEN);
    expect(page).not.toContain(OPERATOR_PARTNER_TOKEN);
  });

  it("explains how to add the server as a claude.ai or ChatGPT connector, before the bearer configs", async () => {
    const page = await setupPage(operatorEnv);
    const connectors = page.indexOf('id="connectors"');
    expect(connectors).toBeGreaterThan(page.indexOf('id="mcp-url"'));
    expect(connectors).toBeLessThan(page.indexOf("claude mcp add"));
    expect(page).toContain("Settings → Connectors → Add custom connector");
    expect(page).toContain("Settings → Apps &amp; Connectors → Advanced");
    expect(page).toMatch(/Developer mode<\/span> on/);
    expect(page).toMatch(/authentication <span class="path">OAuth<\/span>/);
    expect(page.match(/Paste the MCP URL <code>http:\/\/localhost\/mcp<\/code>|paste the MCP URL <code>http:\/\/localhost\/mcp<\/code>/g)).toHaveLength(2);
    for (const scope of SCOPES) expect(page).toContain(`<li><span class="scope">${scope}</span>${SCOPE_DESCRIPTIONS[scope]}</li>`);
    expect(page).toMatch(/limit it to some apps/);
    expect(page).toContain('<a href="/connections">/connections</a>');
    expect(page).toMatch(/Open Auth Settings → Quick OAuth Flow/);
    expect(section(page, "pass-through")).toMatch(/^Pass-through .* is for command-line clients only: the MCP authorization spec forbids passing a client's token through to an upstream API/);
  });

  for (const mode of MODES) {
    it(`says what the sign-in page will ask, and it does ask that: ${mode.name}`, async () => {
      const page = await setupPage(mode.env);
      expect(page).toContain(`<span class="badge" id="deployment-mode">${mode.badge}</span>`);
      const advice = section(page, "sign-in-advice");
      for (const asked of mode.asks) expect(advice).toMatch(asked);
      for (const unasked of mode.notAsked) expect(advice).not.toMatch(unasked);

      const signIn = await openSignInPage(await registeredAuthorizeUrl(mode.env), mode.env);
      expect(signIn.status).toBe(200);
      for (const field of mode.signInFields) expect(signIn.html).toContain(field);
      for (const field of mode.signInAbsent) expect(signIn.html).not.toContain(field);
    });
  }

  it("hosted without an access secret: command-line clients get the partner-token bearer, marked as CLI-only", async () => {
    const page = await setupPage({ GUPSHUP_BASE_URL: "https://partner.gupshup.io", MCP_AUTH_TOKEN: "" });
    expect(page).toContain("--header &quot;Authorization: Bearer &lt;your Gupshup partner token&gt;&quot;");
    expect(page).toMatch(/Command-line clients send their own Gupshup partner token/);
  });

  it("uses PUBLIC_URL for every address it shows", async () => {
    const page = await setupPage({ ...operatorEnv, PUBLIC_URL: "https://gupshup-mcp.example.com" });
    expect(page).toContain('<div class="url" id="mcp-url">https://gupshup-mcp.example.com/mcp</div>');
    expect(page).toContain("claude mcp add --transport http gupshup https://gupshup-mcp.example.com/mcp");
    expect(page).not.toContain("http://localhost");
  });

  it("on a plain-http address that is not loopback, offers no connector sign-in (the server offers no OAuth there)", async () => {
    const page = await setupPage(operatorEnv, "http://192.168.1.20:8787/");
    expect(page).not.toContain("Add custom connector");
    expect(page).not.toContain("Quick OAuth Flow");
    expect(page).toMatch(/id="no-oauth">Sign-in for connectors needs https/);
    expect((await callWorker(new Request("http://192.168.1.20:8787/.well-known/oauth-protected-resource/mcp"), operatorEnv)).status).toBe(404);
  });

  it("says plainly when the deployment is misconfigured", async () => {
    const page = await setupPage({ GUPSHUP_PARTNER_TOKEN: OPERATOR_PARTNER_TOKEN, MCP_AUTH_TOKEN: "" });
    expect(section(page, "server-problem")).toMatch(/not set up correctly.*MCP_AUTH_TOKEN is not/);
    expect(page).not.toContain(OPERATOR_PARTNER_TOKEN);
  });

  it("a browser opening /mcp is redirected to the setup page; MCP clients are not", async () => {
    const browser = await callWorker(new Request("http://localhost/mcp", { headers: { Accept: "text/html,application/xhtml+xml" } }), operatorEnv);
    expect(browser.status).toBe(302);
    expect(browser.headers.get("Location")).toBe("/");
    const mcpClient = await callWorker(new Request("http://localhost/mcp", { headers: { Accept: "text/event-stream", Authorization: `Bearer ${MCP_AUTH_TOKEN}` } }), operatorEnv);
    expect(mcpClient.status).toBe(405); // a stateless server offers no GET event stream
  });
});

type Docs = {
  name: string;
  version: string;
  mcp: { url: string; urlPattern: string };
  auth: {
    oauth:
      | {
          available: true;
          resource: string;
          resourceMetadata: string;
          authorizationServer: string;
          authorizationServerMetadata: string;
          authorizationEndpoint: string;
          tokenEndpoint: string;
          pkce: string[];
          registration: { dynamic: string; clientIdMetadataDocuments: boolean };
          scopes: Record<string, { description: string; tools: string[] }>;
          signIn: { mode: string; asks: string };
          connections: string;
        }
      | { available: false; note: string };
    bearer: { header: string; format: string; mode: string; note: string };
  };
  tools: { name: string; description: string; scope: string; annotations: { readOnlyHint?: boolean }; inputSchema: { properties?: Record<string, unknown>; required?: string[] } }[];
};

const docsFor = async (env: Partial<Env>, url = "http://localhost/docs/mcp") => (await (await callWorker(new Request(url), env)).json()) as Docs;

describe("/docs/mcp", () => {
  it("is public JSON metadata generated from the same tool registrations as the server", async () => {
    const res = await callWorker(new Request("http://localhost/docs/mcp"), operatorEnv);
    expect(res.status).toBe(200);
    const docs = (await res.json()) as Docs;
    expect(docs.name).toBe("gupshup-mcp");
    expect(docs.mcp.url).toBe("http://localhost/mcp");
    expect(docs.auth.bearer).toMatchObject({ header: "Authorization", format: "Bearer <MCP_AUTH_TOKEN>", mode: "operator" });
    const { tools } = await (await connect()).listTools();
    expect(docs.tools.map((t) => t.name).sort()).toEqual(tools.map((t) => t.name).sort());
    for (const tool of tools) {
      const documented = docs.tools.find((t) => t.name === tool.name)!;
      expect(documented.description).toBe(tool.description);
      expect(Object.keys(documented.inputSchema.properties ?? {}).sort(), tool.name).toEqual(Object.keys(tool.inputSchema.properties ?? {}).sort());
      expect([...(documented.inputSchema.required ?? [])].sort(), tool.name).toEqual([...(tool.inputSchema.required ?? [])].sort());
    }
  });

  it("states the OAuth way in, matching the metadata the server really publishes", async () => {
    const docs = await docsFor(operatorEnv);
    const oauth = docs.auth.oauth;
    if (!oauth.available) throw new Error("OAuth should be offered on loopback");
    expect(oauth.resource).toBe(docs.mcp.url);

    const resource = await callWorker(new Request(oauth.resourceMetadata), operatorEnv);
    expect(resource.status).toBe(200);
    const protectedResource = (await resource.json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
    expect(protectedResource.resource).toBe(oauth.resource);
    expect(protectedResource.authorization_servers).toEqual([oauth.authorizationServer]);
    expect(Object.keys(oauth.scopes)).toEqual(protectedResource.scopes_supported);

    const challenge = (await callWorker(new Request(docs.mcp.url, { method: "POST", body: "{}" }), operatorEnv)).headers.get("WWW-Authenticate");
    expect(challenge).toContain(`resource_metadata="${oauth.resourceMetadata}"`);

    const server = (await (await callWorker(new Request(oauth.authorizationServerMetadata), operatorEnv)).json()) as Record<string, unknown>;
    expect(server).toMatchObject({
      issuer: oauth.authorizationServer,
      authorization_endpoint: oauth.authorizationEndpoint,
      token_endpoint: oauth.tokenEndpoint,
      registration_endpoint: oauth.registration.dynamic,
      code_challenge_methods_supported: oauth.pkce,
      client_id_metadata_document_supported: oauth.registration.clientIdMetadataDocuments,
    });
    expect(oauth.registration.clientIdMetadataDocuments).toBe(true);
    expect(oauth.signIn.mode).toBe("operator");
    expect(oauth.connections).toBe("http://localhost/connections");
  });

  it("gives every tool its scope; each scope lists exactly its tools, and read-scope tools are all read-only", async () => {
    const docs = await docsFor(operatorEnv);
    const oauth = docs.auth.oauth;
    if (!oauth.available) throw new Error("OAuth should be offered on loopback");
    for (const scope of SCOPES) {
      expect(oauth.scopes[scope]!.description).toBe(SCOPE_DESCRIPTIONS[scope]);
      expect(oauth.scopes[scope]!.tools.sort()).toEqual(
        docs.tools
          .filter((t) => t.scope === scope)
          .map((t) => t.name)
          .sort(),
      );
    }
    for (const tool of docs.tools) {
      expect(SCOPES, tool.name).toContain(tool.scope);
      if (tool.scope === "read") expect(tool.annotations.readOnlyHint, tool.name).toBe(true);
      if (tool.name.startsWith("send_")) expect(tool.scope, tool.name).toBe("send");
    }
    expect(docs.tools.find((t) => t.name === "delete_template")?.scope).toBe("manage");
    expect(docs.tools.find((t) => t.name === "get_app_token")?.scope).toBe("manage");
  });

  it("the README's scope table lists exactly each scope's tools", async () => {
    const docs = await docsFor(operatorEnv);
    for (const scope of SCOPES) {
      const row = (readme as string).split("\n").find((line) => line.startsWith(`| \`${scope}\` |`));
      expect(row, `README row for ${scope}`).toBeDefined();
      const listed = [...row!.split("|")[3]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).sort();
      expect(listed, scope).toEqual(
        docs.tools
          .filter((t) => t.scope === scope)
          .map((t) => t.name)
          .sort(),
      );
    }
  });

  it("builds its URLs from PUBLIC_URL, and says when OAuth is not offered", async () => {
    const publicDocs = await docsFor({ ...operatorEnv, PUBLIC_URL: "https://gupshup-mcp.example.com" });
    expect(publicDocs.mcp.url).toBe("https://gupshup-mcp.example.com/mcp");
    expect(publicDocs.auth.oauth).toMatchObject({
      available: true,
      resourceMetadata: "https://gupshup-mcp.example.com/.well-known/oauth-protected-resource/mcp",
      authorizationServerMetadata: "https://gupshup-mcp.example.com/.well-known/oauth-authorization-server",
      registration: { dynamic: "https://gupshup-mcp.example.com/register" },
    });
    const plainHttp = await docsFor(operatorEnv, "http://192.168.1.20:8787/docs/mcp");
    expect(plainHttp.auth.oauth.available).toBe(false);
    expect(plainHttp.auth.bearer.format).toBe("Bearer <MCP_AUTH_TOKEN>");
  });

  it("tells bearer clients of a sandbox with an access secret to send that secret", async () => {
    const docs = await docsFor({});
    expect(docs.auth.bearer).toMatchObject({ mode: "sandbox", format: "Bearer <MCP_AUTH_TOKEN>" });
    const client = await connect({ env: {}, headers: { Authorization: `Bearer ${MCP_AUTH_TOKEN}` } });
    expect((await client.listTools()).tools.length).toBe(docs.tools.length);
  });
});
