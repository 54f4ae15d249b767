import type { EndpointName } from "../api/endpoints";

/** The gateway object that owns account-scope traffic (login, list_apps). */
export const ACCOUNT_OBJECT = "account";

/** The gateway object that owns one app's traffic. */
export const appObjectName = (appId: string) => `app:${appId}`;

/** Where a cached answer of one app's endpoint lives (KV key or object-cache key). */
export const cacheKeyOf = (endpoint: EndpointName, appId: string) => `${endpoint}:${appId}`;
