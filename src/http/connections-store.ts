import type { Env } from "../env";
import { grantIdOf } from "./auth";
import { REFRESH_TOKEN_IDLE_TTL } from "./grant";

/** When a grant was last used, kept beside the provider's records (at most one write per 5 min per grant and isolate). */
const USED_PREFIX = "gupshup-mcp:grant-used:";
const WRITE_EVERY_MS = 5 * 60_000;
const lastWritten = new Map<string, number>();

export async function recordGrantUse(env: Env, token: string): Promise<void> {
  const grantId = grantIdOf(token);
  const now = Date.now();
  if (!grantId || now - (lastWritten.get(grantId) ?? 0) < WRITE_EVERY_MS) return;
  if (lastWritten.size > 1000) lastWritten.clear();
  lastWritten.set(grantId, now);
  await env.OAUTH_KV.put(USED_PREFIX + grantId, String(now), { expirationTtl: REFRESH_TOKEN_IDLE_TTL }).catch(() => lastWritten.delete(grantId));
}

/** Epoch ms of the grant's last use, when known. */
export async function grantLastUsed(env: Env, grantId: string): Promise<number | undefined> {
  const value = await env.OAUTH_KV.get(USED_PREFIX + grantId);
  return value ? Number(value) : undefined;
}

export async function forgetGrantUse(env: Env, grantId: string): Promise<void> {
  lastWritten.delete(grantId);
  await env.OAUTH_KV.delete(USED_PREFIX + grantId);
  for (const prefix of [`${APPS_PREFIX}${grantId}:`, `${REFRESH_SEEN_PREFIX}${grantId}:`]) {
    for (const key of (await env.OAUTH_KV.list({ prefix })).keys) await env.OAUTH_KV.delete(key.name);
  }
}

/** Per grant and app, where the grant started or resumed a campaign, so ending the grant can pause them there. */
const APPS_PREFIX = "gupshup-mcp:grant-campaign-app:";
/** Per grant and refresh-token hash: the refresh tokens issued and exchanged (token-endpoint.ts). */
export const REFRESH_SEEN_PREFIX = "gupshup-mcp:refresh-seen:";

/** Records, before the campaign starts, that `principal` ("grant:<id>") starts or resumes one on `appId` (kept as long as a grant may live). */
export async function rememberGrantApp(env: Env, principal: string, appId: string): Promise<void> {
  await env.OAUTH_KV.put(`${APPS_PREFIX}${principal.replace(/^grant:/, "")}:${appId}`, "1", { expirationTtl: REFRESH_TOKEN_IDLE_TTL });
}

/** The apps where a grant started or resumed a campaign. */
export async function grantCampaignApps(env: Env, grantId: string): Promise<string[]> {
  const prefix = `${APPS_PREFIX}${grantId}:`;
  return (await env.OAUTH_KV.list({ prefix })).keys.map((k) => k.name.slice(prefix.length));
}
