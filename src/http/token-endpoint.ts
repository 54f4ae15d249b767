import type { OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { Env } from "../env";
import { declaresMoreThan, readCapped } from "../utils/read-capped";
import { sha256Hex } from "../utils/secrets";
import { refusedClientMetadataUrl } from "./client-metadata";
import { REFRESH_SEEN_PREFIX } from "./connections-store";
import { connectionEnded, endConnection } from "./end-connection";
import { REFRESH_TOKEN_IDLE_TTL } from "./grant";

/** A token request is well under 1 KB; anything past this is refused unread, so no field escapes the checks below. */
const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;
/**
 * The provider accepts the refresh token a rotation replaced until the next rotation (for an
 * answer the client lost). Here that is once, within this long: after, or a second time, it is reuse.
 */
export const REUSE_GRACE_MS = 60_000;

/** What is known of one refresh token of a grant (by hash). */
interface SeenToken {
  /** When it was exchanged for a newer one (absent: issued, not yet used). */
  exchangedAt?: number;
  /** Whether the provider's grace for it was used already. */
  replayed?: boolean;
}

/** The provider's grant record, as far as reuse detection reads it (workers-oauth-provider's KV format; the tests run against it). */
interface GrantRecord {
  refreshTokenId?: string;
  previousRefreshTokenId?: string;
}

type Forward = (request: Request) => Promise<Response>;

/**
 * POST /token around the OAuth provider, bounded in size. A client that is a metadata-document URL
 * on a refused host is answered as one whose document failed. A refresh token this server issued
 * that is no longer the grant's, presented again (RFC 9700 §4.14.2 reuse detection: someone holds a
 * copy), ends the connection — its tokens and the campaigns it started — instead of minting new
 * ones. A revocation (RFC 7009) that ends a grant pauses its campaigns too.
 */
export async function guardTokenEndpoint(request: Request, env: Env, helpers: () => OAuthHelpers, forward: Forward): Promise<Response> {
  const body = declaresMoreThan(request, MAX_TOKEN_REQUEST_BYTES) ? undefined : await readCapped(request.body, MAX_TOKEN_REQUEST_BYTES);
  if (!body) return oauthError(413, "invalid_request", `A token request may be at most ${MAX_TOKEN_REQUEST_BYTES / 1024} KB.`);
  const form = new URLSearchParams(new TextDecoder().decode(body));
  const again = () => forward(new Request(request, { body }));
  const host = new URL(request.url).hostname;
  if (clientIdsOf(request, form).some((id) => refusedClientMetadataUrl(id, host))) {
    // As the provider answers a client whose metadata document failed: nothing tells what the URL reaches.
    return oauthError(401, "invalid_client", "Client not found");
  }
  const grantType = form.get("grant_type");
  if (grantType === "refresh_token") return refresh(env, helpers, form.get("refresh_token") ?? "", again);
  if (grantType === null && form.has("token")) return revoke(env, form.get("token") ?? "", again);
  const res = await again();
  if (grantType === "authorization_code") await rememberIssued(env, res);
  return res;
}

/** Every place the provider may take the client's id from: each client_id field, HTTP Basic's user, a client assertion's issuer. */
function clientIdsOf(request: Request, form: URLSearchParams): string[] {
  const ids = form.getAll("client_id");
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
  if (basic) {
    try {
      ids.push(decodeURIComponent(atob(basic).split(":")[0] ?? ""));
    } catch {}
  }
  const assertion = form.get("client_assertion")?.split(".")[1];
  if (assertion) {
    try {
      const iss = (JSON.parse(atob(assertion.replace(/-/g, "+").replace(/_/g, "/"))) as { iss?: unknown }).iss;
      if (typeof iss === "string") ids.push(iss);
    } catch {}
  }
  return ids;
}

async function refresh(env: Env, helpers: () => OAuthHelpers, token: string, forward: () => Promise<Response>): Promise<Response> {
  const [userId, grantId, secret] = token.split(":");
  if (!userId || !grantId || !secret) return forward();
  const hash = await sha256Hex(token);
  const key = `${REFRESH_SEEN_PREFIX}${grantId}:${hash}`;
  const [seen, grant] = await Promise.all([env.OAUTH_KV.get<SeenToken>(key, "json"), env.OAUTH_KV.get<GrantRecord>(`grant:${userId}:${grantId}`, "json")]);
  if (seen && grant && hash !== grant.refreshTokenId) {
    const graceful = hash === grant.previousRefreshTokenId && !seen.replayed && Date.now() - (seen.exchangedAt ?? 0) < REUSE_GRACE_MS;
    if (!graceful) {
      await endConnection(env, helpers(), grantId, userId);
      return oauthError(
        400,
        "invalid_grant",
        "This refresh token was already used, so someone else may hold a copy: the connection was ended for safety (RFC 9700). Connect again from your assistant.",
      );
    }
  }
  const res = await forward();
  if (res.ok) {
    const record: SeenToken = seen?.exchangedAt ? { ...seen, replayed: true } : { exchangedAt: Date.now() };
    await env.OAUTH_KV.put(key, JSON.stringify(record), { expirationTtl: REFRESH_TOKEN_IDLE_TTL });
    await rememberIssued(env, res);
  }
  return res;
}

/** A refresh token the provider just issued, remembered (by hash) so a later use of it after it was replaced is known as reuse. */
async function rememberIssued(env: Env, res: Response): Promise<void> {
  if (!res.ok) return;
  const issued = ((await res.clone().json()) as { refresh_token?: unknown }).refresh_token;
  if (typeof issued !== "string") return;
  const grantId = issued.split(":")[1];
  if (grantId) await env.OAUTH_KV.put(`${REFRESH_SEEN_PREFIX}${grantId}:${await sha256Hex(issued)}`, "{}", { expirationTtl: REFRESH_TOKEN_IDLE_TTL });
}

/** RFC 7009: when the revocation ends a grant that existed, its campaigns pause. */
async function revoke(env: Env, token: string, forward: () => Promise<Response>): Promise<Response> {
  const [userId, grantId] = token.split(":");
  const key = `grant:${userId}:${grantId}`;
  const existed = Boolean(userId && grantId && (await env.OAUTH_KV.get(key)));
  const res = await forward();
  if (res.ok && existed && !(await env.OAUTH_KV.get(key))) await connectionEnded(env, grantId!);
  return res;
}

function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status, headers: { "Cache-Control": "no-store" } });
}
