import type { GrantSummary, OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { type Context, Hono } from "hono";
import { readSettings, type Settings } from "../config";
import type { Env } from "../env";
import { hmacSha256Hex, randomHexSecret, timingSafeEqual } from "../utils/secrets";
import { checkAccessSecret } from "./access-secret";
import { bearerToken, isLoopback } from "./auth";
import { type Connection, renderConnectionsPage } from "./connections-page";
import { grantLastUsed } from "./connections-store";
import { type ConnectionCampaign, connectionCampaigns, endConnection } from "./end-connection";
import { REFRESH_TOKEN_IDLE_TTL } from "./grant";
import { identify } from "./identity";
import { readForm, requireOAuth, signInOptions } from "./sign-in";

type Ctx = Context<{ Bindings: Env }>;

/** A signed-in view of the connections page lasts this long (its revoke buttons carry the proof). */
const VIEW_TTL_MS = 10 * 60_000;
const KEY_NAME = "gupshup-mcp:connections-key";

/**
 * /connections: the OAuth grants of whoever signs in — the operator (access secret) sees the
 * deployment's own grants, a partner sees the grants made with their Gupshup sign-in — with
 * client, scopes, apps, created and last used, and a way to end each one.
 * Scripts: GET (list) and DELETE /connections/<grantId> with `Authorization: Bearer <MCP_AUTH_TOKEN>`.
 */
export const connectionRoutes = new Hono<{ Bindings: Env }>();
connectionRoutes.use(requireOAuth);

connectionRoutes.get("/", async (c) => {
  const settings = readSettings(c.env);
  if (!c.req.header("Authorization")) return page(c, settings, { kind: "sign-in" }, 200);
  const owners = operatorOwners(c, settings);
  if (!owners) return c.json({ error: "unauthorized", message: unauthorized(settings) }, 401);
  return c.json({ connections: await connectionsOf(c.env, owners) }, 200, { "Cache-Control": "no-store" });
});

connectionRoutes.delete("/:grantId", async (c) => {
  const settings = readSettings(c.env);
  const owners = operatorOwners(c, settings);
  if (!owners) return c.json({ error: "unauthorized", message: unauthorized(settings) }, 401);
  const grant = await findGrant(c.env, owners, c.req.param("grantId"));
  if (!grant) return c.json({ error: "not_found", message: "No connection with that id. GET /connections lists them." }, 404);
  const paused = await revoke(c.env, grant);
  return c.json({ revoked: grant.id, pausedCampaigns: paused });
});

/** Browser: sign in (action=sign-in) or end a connection (action=revoke, with the view's proof). */
connectionRoutes.post("/", async (c) => {
  const settings = readSettings(c.env);
  const form = await readForm(c.req.raw);
  if (!form) return c.json({ error: "payload_too_large", message: "The form is too large." }, 413);
  let owner: string;
  if (form.get("action") === "revoke") {
    const proven = await verifyProof(c.env, form.get("owner") ?? "", form.get("proof") ?? "");
    if (!proven) return page(c, settings, { kind: "sign-in", error: "This page has expired. Sign in again." }, 401);
    owner = proven;
    const grant = await findGrant(c.env, [owner], form.get("grant") ?? "");
    if (grant) await revoke(c.env, grant);
  } else {
    const identity = await identify(c.env, settings, form, c.req.raw);
    if (!identity.ok) return page(c, settings, { kind: "sign-in", error: identity.message }, 401);
    // Without an access secret, every visitor of a public simulator is the same demo partner: its list is no one's to end.
    if (identity.kind === "sandbox" && !settings.mcpAuthToken && !isLoopback(c.req.raw)) {
      return page(
        c,
        settings,
        {
          kind: "sign-in",
          error: `Demo connections of a public simulator are shared by every visitor, so they are not listed here. They end on their own after ${REFRESH_TOKEN_IDLE_TTL / 86_400} days unused.`,
        },
        401,
      );
    }
    owner = identity.userId;
  }
  const proof = await signProof(c.env, owner);
  return page(c, settings, { kind: "list", owner, proof, connections: await connectionsOf(c.env, [owner]) }, 200);
});

function unauthorized(settings: Settings): string {
  return settings.mcpAuthToken
    ? "Send 'Authorization: Bearer <MCP_AUTH_TOKEN>', or open /connections in a browser and sign in."
    : "This server has no access secret (MCP_AUTH_TOKEN), so scripts cannot list connections: open /connections in a browser and sign in.";
}

/** With the operator's bearer: the owners of the deployment's own grants (operator sign-ins, the simulator's demo). */
function operatorOwners(c: Ctx, settings: Settings): string[] | null {
  const bearer = bearerToken(c.req.raw);
  if (!bearer || !settings.mcpAuthToken || !checkAccessSecret(c.req.raw, bearer, settings.mcpAuthToken).ok) return null;
  return ["operator", "sandbox"];
}

async function connectionsOf(env: Env, owners: readonly string[]): Promise<Connection[]> {
  const helpers = env.OAUTH_PROVIDER!;
  const connections: Connection[] = [];
  for (const owner of owners) {
    for (const grant of await allGrants(helpers, owner)) {
      const metadata = (grant.metadata ?? {}) as { clientName?: string; apps?: string[] | null; signIn?: string };
      const lastUsed = await grantLastUsed(env, grant.id);
      connections.push({
        id: grant.id,
        client: metadata.clientName ?? grant.clientId,
        scopes: grant.scope,
        apps: metadata.apps ?? null,
        signIn: metadata.signIn ?? null,
        createdAt: new Date(grant.createdAt * 1000).toISOString(),
        lastUsedAt: lastUsed ? new Date(lastUsed).toISOString() : null,
        campaigns: await connectionCampaigns(env, grant.id),
      });
    }
  }
  return connections.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

async function allGrants(helpers: OAuthHelpers, owner: string): Promise<GrantSummary[]> {
  const grants: GrantSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await helpers.listUserGrants(owner, cursor ? { cursor } : {});
    grants.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return grants;
}

async function findGrant(env: Env, owners: readonly string[], grantId: string): Promise<GrantSummary | undefined> {
  for (const owner of owners) {
    const grant = (await allGrants(env.OAUTH_PROVIDER!, owner)).find((g) => g.id === grantId);
    if (grant) return grant;
  }
  return undefined;
}

/** Ends a grant: its tokens stop working at once, and the campaigns it started pause. */
function revoke(env: Env, grant: GrantSummary): Promise<ConnectionCampaign[]> {
  return endConnection(env, env.OAUTH_PROVIDER!, grant.id, grant.userId);
}

async function page(c: Ctx, settings: Settings, view: Parameters<typeof renderConnectionsPage>[1], status: 200 | 401): Promise<Response> {
  const body = await renderConnectionsPage(signInOptions(settings), view);
  return c.html(body, status, { "Cache-Control": "no-store", "Content-Security-Policy": "frame-ancestors 'none'", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer" });
}

/** A proof that the page was shown to `owner` after sign-in: `<expiry>.<HMAC(owner, expiry)>`. */
async function signProof(env: Env, owner: string): Promise<string> {
  const expires = Date.now() + VIEW_TTL_MS;
  return `${expires}.${await hmac(env, `${owner}\n${expires}`)}`;
}

async function verifyProof(env: Env, owner: string, proof: string): Promise<string | undefined> {
  const [expires, mac] = proof.split(".");
  if (!expires || !mac || !(Number(expires) > Date.now())) return undefined;
  return timingSafeEqual(mac, await hmac(env, `${owner}\n${expires}`)) ? owner : undefined;
}

/** HMAC-SHA256 with this deployment's connections key (random, made on first use, kept in OAUTH_KV). */
async function hmac(env: Env, message: string): Promise<string> {
  let secret = await env.OAUTH_KV.get(KEY_NAME);
  if (!secret) {
    secret = randomHexSecret();
    await env.OAUTH_KV.put(KEY_NAME, secret);
  }
  return hmacSha256Hex(secret, message);
}
