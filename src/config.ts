import type { PartnerCredential } from "./api/types";
import type { Env } from "./env";
import { getOrCreate } from "./utils/maps";

export const DEFAULT_BASE_URL = "https://partner.gupshup.io";

/** The worker's settings, read once per request from the environment. */
export interface Settings {
  /** "sandbox" (the built-in simulator) or the partner API base URL, without a trailing slash. */
  upstream: string;
  /** Operator mode: the worker's own Gupshup credentials. Absent in pass-through and sandbox-demo mode. */
  operatorCredential?: PartnerCredential;
  mcpAuthToken?: string;
  defaultAppId?: string;
  /** The origin clients reach this server on (PUBLIC_URL), when it is not the request's own. */
  publicOrigin?: string;
  /** Added to recipient numbers written without a country code (GUPSHUP_DEFAULT_COUNTRY_CODE, digits only). */
  defaultCountryCode?: string;
  /** Origins besides this server's own that callbacks may go to (WEBHOOK_ALLOWED_ORIGINS). */
  webhookOrigins: string[];
  /** Words besides STOP and the like that opt a user out (OPT_OUT_KEYWORDS, comma-separated), e.g. for other languages. */
  optOutKeywords: string[];
  /** A configuration mistake that makes serving unsafe or impossible; /mcp refuses with it. */
  problem?: string;
}

/** The shortest access secret accepted: 32 characters (`openssl rand -hex 32` gives 64). */
const MIN_ACCESS_SECRET_LENGTH = 32;

const set = (value: string | undefined) => (value && value.trim() !== "" ? value.trim() : undefined);
/** A comma-separated setting's entries, trimmed, empty ones dropped. */
const listOf = (value: string | undefined) =>
  (set(value) ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);

/** Settings per env object: a deployment's env does not change, and every request reads it. */
const parsed = new WeakMap<Env, Settings>();

export function readSettings(env: Env): Settings {
  return getOrCreate(parsed, env, () => parseSettings(env));
}

function parseSettings(env: Env): Settings {
  const token = set(env.GUPSHUP_PARTNER_TOKEN);
  const email = set(env.GUPSHUP_PARTNER_EMAIL);
  const secret = set(env.GUPSHUP_PARTNER_SECRET);
  const settings: Settings = {
    upstream: DEFAULT_BASE_URL,
    mcpAuthToken: set(env.MCP_AUTH_TOKEN),
    defaultAppId: set(env.GUPSHUP_DEFAULT_APP_ID),
    webhookOrigins: [],
    optOutKeywords: listOf(env.OPT_OUT_KEYWORDS),
  };

  const publicUrl = set(env.PUBLIC_URL);
  if (publicUrl) {
    const url = parseUrl(publicUrl);
    if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHostname(url.hostname)))) {
      settings.problem = `PUBLIC_URL must be this server's https origin, such as https://gupshup-mcp.example.workers.dev.`;
    } else settings.publicOrigin = url.origin;
  }

  for (const entry of listOf(env.WEBHOOK_ALLOWED_ORIGINS)) {
    const url = parseUrl(entry);
    if (url?.protocol === "https:") settings.webhookOrigins.push(url.origin);
    else settings.problem ??= `WEBHOOK_ALLOWED_ORIGINS must list https origins, comma-separated (such as https://mcp.example.com); "${entry}" is not one.`;
  }

  const countryCode = set(env.GUPSHUP_DEFAULT_COUNTRY_CODE)?.replace(/^\+/, "");
  if (countryCode !== undefined) {
    if (/^[1-9]\d{0,2}$/.test(countryCode)) settings.defaultCountryCode = countryCode;
    else settings.problem ??= "GUPSHUP_DEFAULT_COUNTRY_CODE must be a country calling code, such as 91 (India) or 1 (US).";
  }

  const base = set(env.GUPSHUP_BASE_URL);
  if (base?.toLowerCase() === "sandbox") settings.upstream = "sandbox";
  else if (base) {
    const url = parseUrl(base);
    const loopback = url && isLoopbackHostname(url.hostname);
    if (!url || (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))) {
      settings.problem = `GUPSHUP_BASE_URL must be "sandbox" or an https URL such as ${DEFAULT_BASE_URL}.`;
    } else settings.upstream = url.origin + url.pathname.replace(/\/+$/, "");
  }

  if ((email === undefined) !== (secret === undefined)) {
    settings.problem ??= "Set both GUPSHUP_PARTNER_EMAIL and GUPSHUP_PARTNER_SECRET, or neither.";
  } else if (email && secret) {
    settings.operatorCredential = { kind: "login", email, secret, ...(token ? { token } : {}) };
  } else if (token) {
    settings.operatorCredential = { kind: "token", token };
  }

  if (settings.mcpAuthToken !== undefined && settings.mcpAuthToken.length < MIN_ACCESS_SECRET_LENGTH) {
    settings.problem ??=
      `MCP_AUTH_TOKEN is ${settings.mcpAuthToken.length} characters long; it must be at least ${MIN_ACCESS_SECRET_LENGTH}, so that it cannot be guessed. ` +
      "Generate one with `openssl rand -hex 32` and set it again (wrangler secret put MCP_AUTH_TOKEN, or .dev.vars locally).";
  }
  if (settings.operatorCredential && !settings.mcpAuthToken) {
    settings.problem ??=
      "Gupshup credentials are configured but MCP_AUTH_TOKEN is not, so anyone could spend this WhatsApp account. " +
      "Set MCP_AUTH_TOKEN (wrangler secret put MCP_AUTH_TOKEN) and send it as 'Authorization: Bearer <MCP_AUTH_TOKEN>'.";
  }
  return settings;
}

export function isLoopbackHostname(hostname: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
