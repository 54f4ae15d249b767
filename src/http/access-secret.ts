import { clientAddress } from "../utils/client-address";
import { timingSafeEqual } from "../utils/secrets";

/** Wrong access secrets one client address may try in a minute, in this isolate, before its wrong ones are refused unchecked. */
const MAX_FAILURES = 10;
const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;
const failures = new Map<string, number[]>();

export type SecretCheck = { ok: true } | { ok: false; retryAfterSeconds?: number };

/**
 * Checks a given access secret (MCP_AUTH_TOKEN) in constant time. The right secret is always
 * accepted: it is at least 32 characters (config.ts), so no one guesses it, and throttling it would
 * let strangers behind the owner's NAT (or in the owner's IPv6 /64) lock the owner out. Wrong ones
 * are throttled: an address with 10 in the last minute is refused until the minute has passed
 * (`retryAfterSeconds`). Cloudflare's edge always names the address (CF-Connecting-IP); a request
 * without one (local tools) is only checked.
 */
export function checkAccessSecret(request: Request, given: string, secret: string): SecretCheck {
  if (timingSafeEqual(given, secret)) return { ok: true };
  const address = clientAddress(request);
  if (address === undefined) return { ok: false };
  const now = Date.now();
  const recent = (failures.get(address) ?? []).filter((at) => at > now - WINDOW_MS);
  if (recent.length >= MAX_FAILURES) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000)) };
  failures.delete(address);
  failures.set(address, [...recent, now]);
  if (failures.size > MAX_TRACKED) forgetOldest(now);
  return { ok: false };
}

/** Drops clients whose failures have all expired, then the least recently failing ones (never all at once). */
function forgetOldest(now: number): void {
  for (const [client, times] of failures) if (times.at(-1)! <= now - WINDOW_MS) failures.delete(client);
  for (const client of failures.keys()) {
    if (failures.size <= MAX_TRACKED * 0.9) break;
    failures.delete(client);
  }
}

export const tooManyWrongSecrets = (seconds: number) => `Too many wrong access secrets from your address: wait ${seconds} s, then try again with this server's MCP_AUTH_TOKEN.`;
