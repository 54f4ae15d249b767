import type { OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { Env } from "../env";
import { sha256Hex } from "../utils/secrets";
import { refusedClientMetadataUrl } from "./client-metadata";
import { connectionEnded, endConnection } from "./end-connection";
import { REFRESH_TOKEN_IDLE_TTL } from "./grant";
import { readForm } from "./sign-in";

/** A refresh token rotated out stays usable this long (the provider's grace for an answer the client lost); later, using it ends the connection. */
export const REUSE_GRACE_MS = 60_000;
/** Refresh tokens rotated out that one grant remembers (by hash), newest last. */
const RETIRED_KEPT = 20;
const HISTORY_PREFIX = "gupshup-mcp:refresh-history:";

interface RefreshHistory {
  /** SHA-256 (hex, as the provider names tokens) of refresh tokens already exchanged. */
  retired: string[];
  /** When the newest of them was exchanged. */
  rotatedAt: number;
}

/**
 * POST /token around the OAuth provider. A refresh token that was already exchanged, presented
 * again after the grace (RFC 9700 §4.14.2 reuse detection: someone holds a copy), ends the
 * connection — its tokens and the campaigns it started — instead of minting new tokens. A token
 * revocation (RFC 7009) that ends the grant pauses its campaigns too.
 */
export async function guardTokenEndpoint(request: Request, env: Env, helpers: OAuthHelpers, forward: (request: Request) => Promise<Response>): Promise<Response> {
  const body = await request.clone().arrayBuffer();
  const form = await readForm(new Request(request.url, { method: "POST", body }));
  const again = () => forward(new Request(request, { body }));
  if (!form) return again();
  if (refusedClientMetadataUrl(form.get("client_id"), new URL(request.url).hostname)) {
    // As the provider answers a client whose metadata document failed: nothing tells what the URL reaches.
    return Response.json({ error: "invalid_client", error_description: "Client not found" }, { status: 401, headers: { "Cache-Control": "no-store" } });
  }
  const grantType = form.get("grant_type");
  if (grantType === "refresh_token") return refresh(env, helpers, form.get("refresh_token") ?? "", again);
  if (grantType === null && form.has("token")) {
    const res = await again();
    const [userId, grantId] = (form.get("token") ?? "").split(":");
    if (res.ok && userId && grantId && !(await env.OAUTH_KV.get(`grant:${userId}:${grantId}`))) await connectionEnded(env, grantId);
    return res;
  }
  return again();
}

async function refresh(env: Env, helpers: OAuthHelpers, token: string, forward: () => Promise<Response>): Promise<Response> {
  const [userId, grantId, secret] = token.split(":");
  if (!userId || !grantId || !secret) return forward();
  const hash = await sha256Hex(token);
  const key = HISTORY_PREFIX + grantId;
  const history = (await env.OAUTH_KV.get<RefreshHistory>(key, "json")) ?? { retired: [], rotatedAt: 0 };
  const newest = history.retired.at(-1);
  const inGrace = hash === newest && Date.now() - history.rotatedAt < REUSE_GRACE_MS;
  if (history.retired.includes(hash) && !inGrace) {
    await endConnection(env, helpers, grantId, userId);
    await env.OAUTH_KV.delete(key);
    return Response.json(
      {
        error: "invalid_grant",
        error_description: "This refresh token was already used, so someone else may hold a copy: the connection was ended for safety (RFC 9700). Connect again from your assistant.",
      },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
  const res = await forward();
  if (res.ok && !history.retired.includes(hash)) {
    const next: RefreshHistory = { retired: [...history.retired, hash].slice(-RETIRED_KEPT), rotatedAt: Date.now() };
    await env.OAUTH_KV.put(key, JSON.stringify(next), { expirationTtl: REFRESH_TOKEN_IDLE_TTL });
  }
  return res;
}
