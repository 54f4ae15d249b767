/**
 * Ids, headers and patterns that more than one layer uses (HTTP routes, tools, the sandbox), in
 * one neutral place so no layer imports another's module for them.
 */

/** A Gupshup app id as it may appear in a path or header. */
export const APP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The header Gupshup sends with each webhook call, carrying the app's shared secret. */
export const WEBHOOK_SECRET_HEADER = "X-Gupshup-Mcp-Secret";

/**
 * The built-in simulator's demo partner token. It only ever works against the simulator
 * (GUPSHUP_BASE_URL = "sandbox"), never against Gupshup.
 */
export const SANDBOX_DEMO_PARTNER_TOKEN = "sandbox-demo-partner-token";
