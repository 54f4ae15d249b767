import { timingSafeEqual } from "../utils/secrets";

/** Wrong access secrets one client address may try in a minute, in this isolate, before it must wait. */
const MAX_FAILURES = 10;
const WINDOW_MS = 60_000;
const failures = new Map<string, number[]>();

export type SecretCheck = { ok: true } | { ok: false; retryAfterSeconds?: number };

/**
 * Checks a given access secret (MCP_AUTH_TOKEN) in constant time. An address with 10 wrong ones
 * in the last minute is refused without a check until the minute has passed (`retryAfterSeconds`),
 * even with the right secret, so guessing gets nowhere fast. Cloudflare's edge always names the
 * address (CF-Connecting-IP); a request without one (local tools) is only checked.
 */
export function checkAccessSecret(request: Request, given: string, secret: string): SecretCheck {
  const address = request.headers.get("CF-Connecting-IP");
  if (address === null) return timingSafeEqual(given, secret) ? { ok: true } : { ok: false };
  const now = Date.now();
  const recent = (failures.get(address) ?? []).filter((at) => at > now - WINDOW_MS);
  if (recent.length >= MAX_FAILURES) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000)) };
  if (timingSafeEqual(given, secret)) return { ok: true };
  if (failures.size > 10_000) failures.clear();
  failures.set(address, [...recent, now]);
  return { ok: false };
}

export const tooManyWrongSecrets = (seconds: number) => `Too many wrong access secrets from your address: wait ${seconds} s, then try again with this server's MCP_AUTH_TOKEN.`;
