import { ipv6Groups } from "./internal-address";

/** One client, as limits on strangers count them: an IPv4 address, or an IPv6 address's /64 (what one subscriber is usually given). */
export function clientOf(ip: string): string {
  const groups = ip.includes(":") ? ipv6Groups(ip.toLowerCase()) : undefined;
  return groups
    ? `${groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(":")}::/64`
    : ip;
}

/** The client's address as Cloudflare's edge names it (CF-Connecting-IP), counted as one client; undefined for local tools. */
export function clientAddress(request: Request): string | undefined {
  const ip = request.headers.get("CF-Connecting-IP");
  return ip === null ? undefined : clientOf(ip);
}
