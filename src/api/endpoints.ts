/**
 * Every Gupshup endpoint this server calls, in one table. The gateway's HTTP client is driven
 * entirely by it: method, path template, body encoding, which token authorises the call, and
 * which rate-limit group the call counts against.
 */
export type RateGroup = "login" | "account" | "token" | "templates" | "health" | "ratings" | "analytics" | "compare" | "subscription" | "media" | "default";

/** "At most `limit` calls in any `windowMs` window" (Gupshup partner rate-limit page + spec). */
export const RATE_LIMITS: Record<RateGroup, { limit: number; windowMs: number }> = {
  login: { limit: 10, windowMs: 60_000 },
  account: { limit: 10, windowMs: 1_000 },
  token: { limit: 10, windowMs: 60_000 },
  templates: { limit: 10, windowMs: 60_000 },
  health: { limit: 10, windowMs: 60_000 },
  ratings: { limit: 10, windowMs: 60_000 },
  analytics: { limit: 10, windowMs: 60_000 },
  compare: { limit: 10, windowMs: 3_600_000 },
  subscription: { limit: 5, windowMs: 60_000 },
  media: { limit: 10, windowMs: 1_000 },
  default: { limit: 10, windowMs: 1_000 },
};

/** A group's limit in words: "10/min", "10/hour", "10/s" (for texts the model reads). */
export function limitInWords(group: RateGroup): string {
  const { limit, windowMs } = RATE_LIMITS[group];
  const per = windowMs === 3_600_000 ? "hour" : windowMs === 60_000 ? "min" : windowMs === 1_000 ? "s" : `${windowMs / 1000} s`;
  return `${limit}/${per}`;
}

export type Encoding = "none" | "form" | "json" | "multipart";
/** none: no auth header (login); partner: the partner JWT; app: the app token (sk_…). */
export type TokenScope = "none" | "partner" | "app";

export interface Endpoint {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with `{name}` placeholders; each value is percent-encoded when filled in. */
  path: string;
  encoding: Encoding;
  scope: TokenScope;
  group: RateGroup;
  /** A successful call changes the app's template list (drops the KV cache). */
  invalidatesTemplates?: boolean;
  /**
   * Successful answers are reused for `ttlMs`: in KV (shared by the worker's locations) or in
   * the app's Durable Object. Read only after the caller has proven access to the app.
   */
  cache?: { store: "kv" | "object"; ttlMs: number };
  /** Sends a message (costs money, reaches a person): deduplicated and never retried blindly. */
  send?: boolean;
}

export const ENDPOINTS = {
  login: { method: "POST", path: "/partner/account/login", encoding: "form", scope: "none", group: "login" },
  // An app's object keeps its own entry of this list (name and number, for sends) for an hour.
  listApps: { method: "GET", path: "/partner/account/api/partnerApps", encoding: "none", scope: "partner", group: "account", cache: { store: "object", ttlMs: 3_600_000 } },
  appToken: { method: "GET", path: "/partner/app/{appId}/token", encoding: "none", scope: "partner", group: "token" },
  listTemplates: { method: "GET", path: "/partner/app/{appId}/templates", encoding: "none", scope: "app", group: "templates", cache: { store: "kv", ttlMs: 60_000 } },
  createTemplate: { method: "POST", path: "/partner/app/{appId}/templates", encoding: "form", scope: "app", group: "templates", invalidatesTemplates: true },
  editTemplate: { method: "PUT", path: "/partner/app/{appId}/templates/{templateId}", encoding: "form", scope: "app", group: "templates", invalidatesTemplates: true },
  deleteTemplate: { method: "DELETE", path: "/partner/app/{appId}/template/{elementName}", encoding: "none", scope: "app", group: "default", invalidatesTemplates: true },
  deleteTemplateById: { method: "DELETE", path: "/partner/app/{appId}/template/{elementName}/{templateId}", encoding: "none", scope: "app", group: "default", invalidatesTemplates: true },
  uploadMedia: { method: "POST", path: "/partner/app/{appId}/upload/media", encoding: "multipart", scope: "app", group: "media" },
  sendTemplate: { method: "POST", path: "/partner/app/{appId}/template/msg", encoding: "form", scope: "app", group: "default", send: true },
  sendMessage: { method: "POST", path: "/partner/app/{appId}/v3/message", encoding: "json", scope: "app", group: "default", send: true },
  // Blue ticks (and a typing indicator) for a customer's message: https://partner-docs.gupshup.io/reference/voicecallaction-1
  markRead: { method: "POST", path: "/partner/app/{appId}/v1/event", encoding: "json", scope: "app", group: "default" },
  listSubscriptions: { method: "GET", path: "/partner/app/{appId}/subscription", encoding: "none", scope: "app", group: "subscription" },
  createSubscription: { method: "POST", path: "/partner/app/{appId}/subscription", encoding: "form", scope: "app", group: "subscription" },
  updateSubscription: { method: "PUT", path: "/partner/app/{appId}/subscription/{subscriptionId}", encoding: "form", scope: "app", group: "subscription" },
  deleteSubscription: { method: "DELETE", path: "/partner/app/{appId}/subscription/{subscriptionId}", encoding: "none", scope: "app", group: "subscription" },
  enableAnalytics: { method: "POST", path: "/partner/app/{appId}/template/analytics", encoding: "form", scope: "app", group: "analytics" },
  getAnalytics: { method: "GET", path: "/partner/app/{appId}/template/analytics", encoding: "none", scope: "app", group: "analytics" },
  compareTemplates: { method: "GET", path: "/partner/app/{appId}/template/analytics/{templateId}/compare", encoding: "none", scope: "app", group: "compare" },
  health: { method: "GET", path: "/partner/app/{appId}/health", encoding: "none", scope: "app", group: "health" },
  // Gupshup allows ratings once per 24 h per app.
  ratings: { method: "GET", path: "/partner/app/{appId}/ratings", encoding: "none", scope: "app", group: "ratings", cache: { store: "object", ttlMs: 86_400_000 } },
  wallet: { method: "GET", path: "/partner/app/{appId}/wallet/balance", encoding: "none", scope: "app", group: "default" },
  usage: { method: "GET", path: "/partner/app/{appId}/usage", encoding: "none", scope: "app", group: "default" },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** Fills `{name}` placeholders, percent-encoding every value so no input can change the path. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === "") throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
