import type { EndpointName } from "../api/endpoints";
import type { PartnerCredential } from "../api/types";
import { sha256Hex } from "../utils/secrets";

/**
 * The gateway object that owns one partner credential's account-scope traffic (list_apps), by
 * hash: partners do not share a queue, and made-up tokens cannot fill another partner's.
 */
export async function accountObjectName(partner: PartnerCredential): Promise<string> {
  return `account:${await credentialHash(partner)}`;
}

/** A stable, non-secret name for a partner credential (SHA-256 of it). */
export function credentialHash(partner: PartnerCredential): Promise<string> {
  return sha256Hex(partner.kind === "token" ? `token\n${partner.token}` : `login\n${partner.email}\n${partner.secret}`);
}

/** The gateway object that owns one app's traffic. */
export const appObjectName = (appId: string) => `app:${appId}`;

/** The object that holds one partner login's token and rate limit (by hash: the name carries no secret). */
export async function loginObjectName(login: { email: string; secret: string }): Promise<string> {
  return `login:${await sha256Hex(`${login.email}\n${login.secret}`)}`;
}

/** The one login-budget object every login of this deployment asks first. */
export const LOGIN_BUDGET_NAME = "logins";

/** Where a cached answer of one app's endpoint lives (KV key or object-cache key). */
export const cacheKeyOf = (endpoint: EndpointName, appId: string) => `${endpoint}:${appId}`;
