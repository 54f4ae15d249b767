import { clientAddress } from "../utils/client-address";
import { timingSafeEqual } from "../utils/secrets";
import { SlidingWindow } from "../utils/sliding-window";

/** Wrong access secrets one client address may try in a minute, in this isolate, before its wrong ones are refused unchecked. */
const failures = new SlidingWindow(10, 60_000);

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
  const retryAfterSeconds = failures.wait(address, now);
  if (retryAfterSeconds !== undefined) return { ok: false, retryAfterSeconds };
  failures.add(address, now);
  return { ok: false };
}

export const tooManyWrongSecrets = (seconds: number) => `Too many wrong access secrets from your address: wait ${seconds} s, then try again with this server's MCP_AUTH_TOKEN.`;
