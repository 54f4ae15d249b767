/**
 * Fixed credentials of the sandbox's seeded partners. They only ever work against the built-in
 * simulator (GUPSHUP_BASE_URL = "sandbox"), never against Gupshup.
 */
export { SANDBOX_DEMO_PARTNER_TOKEN } from "../constants";
export const SANDBOX_OTHER_PARTNER_TOKEN = "sandbox-other-partner-token";
export const SANDBOX_DEMO_LOGIN = { email: "demo@sandbox.invalid", secret: "sandbox-demo-secret" } as const;
