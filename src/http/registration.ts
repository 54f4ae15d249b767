import type { Env } from "../env";
import { clientAddress } from "../utils/client-address";
import { declaresMoreThan, readCapped } from "../utils/read-capped";
import { SlidingWindow } from "../utils/sliding-window";

/** A real client registration is well under 2 KB; the provider's own cap is 1 MB. */
const MAX_REGISTRATION_BYTES = 16 * 1024;
/** Redirect URIs one client may register (claude.ai and ChatGPT use one or two). */
export const MAX_REDIRECT_URIS = 10;
/** Registrations one client address may make an hour, in this isolate. */
const registrations = new SlidingWindow(10, 3_600_000);
/** A registered client that has not exchanged a code within a day is forgotten; its first token exchange keeps it as long as its grants. */
export const UNUSED_CLIENT_TTL = 86_400;

/**
 * POST /register (RFC 7591) around the OAuth provider: bounded in size, in redirect URIs (the
 * provider's registration callback) and in registrations per address, and a client nobody uses
 * is gone after a day instead of the provider's registration lifetime.
 */
export async function guardRegistration(request: Request, env: Env, forward: (request: Request) => Promise<Response>): Promise<Response> {
  const address = clientAddress(request);
  const now = Date.now();
  if (address !== undefined) {
    const retryAfter = registrations.wait(address, now);
    if (retryAfter !== undefined) {
      return refuse(429, "too_many_requests", `Too many client registrations from your address: try again in ${Math.ceil(retryAfter / 60)} minutes.`, { "Retry-After": String(retryAfter) });
    }
    registrations.add(address, now);
  }
  const body = declaresMoreThan(request, MAX_REGISTRATION_BYTES) ? undefined : await readCapped(request.body, MAX_REGISTRATION_BYTES);
  if (!body) return refuse(413, "invalid_client_metadata", `A client registration may be at most ${MAX_REGISTRATION_BYTES / 1024} KB.`);
  const res = await forward(new Request(request, { body }));
  if (res.status !== 201) return res;
  const registered = (await res.json()) as { client_id?: string; client_secret_expires_at?: number };
  const key = `client:${registered.client_id}`;
  const stored = registered.client_id ? await env.OAUTH_KV.get<Record<string, unknown>>(key, "json") : null;
  const expiresAt = Math.floor(now / 1000) + UNUSED_CLIENT_TTL;
  if (stored) await env.OAUTH_KV.put(key, JSON.stringify({ ...stored, registrationExpiresAt: expiresAt }), { expirationTtl: UNUSED_CLIENT_TTL });
  // A secret is said to last as long as an unused client does (its first token exchange extends both).
  if (registered.client_secret_expires_at) registered.client_secret_expires_at = expiresAt;
  return new Response(JSON.stringify(registered), { status: 201, headers: res.headers });
}

/** The provider's registration callback: at most MAX_REDIRECT_URIS redirect URIs. */
export function checkRegistration({ clientMetadata }: { clientMetadata: Record<string, unknown> }): { code: string; description: string } | undefined {
  const uris = clientMetadata.redirect_uris;
  if (Array.isArray(uris) && uris.length > MAX_REDIRECT_URIS)
    return { code: "invalid_redirect_uri", description: `A client may register at most ${MAX_REDIRECT_URIS} redirect URIs (this one has ${uris.length}).` };
  return undefined;
}

function refuse(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, error_description: description }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}
