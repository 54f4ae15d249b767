import { ENDPOINTS, type EndpointName } from "../api/endpoints";
import { cacheKeyOf } from "./names";
import type { GatewayStore } from "./store";

export interface CachedAnswer {
  data: unknown;
  /** epoch ms when Gupshup gave this answer */
  fetchedAt: number;
}

/**
 * Cached answers of one app's endpoints, as each endpoint's table entry says (TTL, and KV or
 * this object's SQLite): this object's memory first, then the store. An answer another object
 * put in KV is found there too.
 */
export class AnswerCache {
  private readonly remembered = new Map<string, CachedAnswer>();

  constructor(
    private readonly kv: KVNamespace,
    private readonly store: GatewayStore,
  ) {}

  /** A fresh enough answer for the endpoint, if one is cached. */
  async get(endpoint: EndpointName, appId: string): Promise<CachedAnswer | undefined> {
    const cache = cacheOf(endpoint);
    if (!cache) return undefined;
    const key = cacheKeyOf(endpoint, appId);
    const hit = this.remembered.get(key) ?? (cache.store === "kv" ? ((await this.kv.get<CachedAnswer>(key, "json")) ?? undefined) : this.store.cachedAnswer(key));
    return hit && Date.now() - hit.fetchedAt < cache.ttlMs ? hit : undefined;
  }

  /** Keeps Gupshup's answer, when the endpoint's answers are cached at all. */
  async put(endpoint: EndpointName, appId: string, data: unknown, fetchedAt: number): Promise<void> {
    const cache = cacheOf(endpoint);
    if (!cache) return;
    const key = cacheKeyOf(endpoint, appId);
    this.remembered.set(key, { data, fetchedAt });
    if (cache.store === "kv") await this.kv.put(key, JSON.stringify({ fetchedAt, data }), { expirationTtl: Math.max(60, Math.ceil(cache.ttlMs / 1000)) });
    else this.store.saveAnswer(key, data, fetchedAt);
  }

  /** The app's template list changed (a create, edit, delete, or a status callback). */
  async forgetTemplates(appId: string): Promise<void> {
    const key = cacheKeyOf("listTemplates", appId);
    this.remembered.delete(key);
    await this.kv.delete(key);
  }
}

function cacheOf(endpoint: EndpointName) {
  const entry = ENDPOINTS[endpoint];
  return "cache" in entry ? entry.cache : undefined;
}
