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
  await env.OAUTH_KV.delete(APPS_PREFIX + grantId);
}

/** The apps where a grant started or resumed a campaign, so ending the grant can pause them there. */
const APPS_PREFIX = "gupshup-mcp:grant-campaign-apps:";

/** Records that `principal` ("grant:<id>") started or resumed a campaign on `appId`. */
export async function rememberGrantApp(env: Env, principal: string, appId: string): Promise<void> {
  const grantId = principal.replace(/^grant:/, "");
  const apps = await grantCampaignApps(env, grantId);
  if (apps.includes(appId)) return;
  await env.OAUTH_KV.put(APPS_PREFIX + grantId, JSON.stringify([...apps, appId].slice(-100)), { expirationTtl: REFRESH_TOKEN_IDLE_TTL });
}

/** The apps where a grant started or resumed a campaign. */
export async function grantCampaignApps(env: Env, grantId: string): Promise<string[]> {
  const value = await env.OAUTH_KV.get<string[]>(APPS_PREFIX + grantId, "json");
  return Array.isArray(value) ? value : [];
}
