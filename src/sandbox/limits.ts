/**
 * Gupshup's documented rate limits as the sandbox enforces them — written independently of the
 * server's limiter so a bug there shows up here as a 429. An overrun is answered with 429 and a
 * cooldown of a whole window, as Gupshup does.
 */
const RULES: { pattern: RegExp; name: string; limit: number; windowMs: number; perApp: boolean }[] = [
  { pattern: /^\/partner\/account\/login$/, name: "login", limit: 10, windowMs: 60_000, perApp: false },
  { pattern: /^\/partner\/app\/[^/]+\/token\/?$/, name: "token", limit: 10, windowMs: 60_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/templates(\/.*)?$/, name: "templates", limit: 10, windowMs: 60_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/health$/, name: "health", limit: 10, windowMs: 60_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/ratings$/, name: "ratings", limit: 10, windowMs: 60_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/template\/analytics\/[^/]+\/compare$/, name: "compare", limit: 10, windowMs: 3_600_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/template\/analytics$/, name: "analytics", limit: 10, windowMs: 60_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/subscription(\/.*)?$/, name: "subscription", limit: 5, windowMs: 60_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\/(upload\/)?media(\/.*)?$/, name: "media", limit: 10, windowMs: 1_000, perApp: true },
  { pattern: /^\/partner\/app\/[^/]+\//, name: "other", limit: 10, windowMs: 1_000, perApp: true },
  { pattern: /^\/partner\/account\//, name: "account", limit: 10, windowMs: 1_000, perApp: false },
];

export class SandboxLimits {
  private readonly hits = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  /** How many requests were answered 429 by rate limiting. */
  rejected = 0;

  /** Counts a request; true when it must be answered 429. */
  overLimit(path: string, now = Date.now()): boolean {
    const rule = RULES.find((r) => r.pattern.test(path));
    if (!rule) return false;
    const key = rule.perApp ? `${path.split("/")[3]}:${rule.name}` : rule.name;
    if ((this.blockedUntil.get(key) ?? 0) > now) {
      this.rejected += 1;
      return true;
    }
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - rule.windowMs);
    if (recent.length >= rule.limit) {
      this.blockedUntil.set(key, now + rule.windowMs);
      this.hits.set(key, recent);
      this.rejected += 1;
      return true;
    }
    recent.push(now);
    this.hits.set(key, recent);
    return false;
  }

  clear(): void {
    this.hits.clear();
    this.blockedUntil.clear();
    this.rejected = 0;
  }
}
