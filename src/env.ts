import type { GupshupGateway } from "./gateway/gateway";
import type { GupshupSandbox } from "./sandbox/sandbox";

/** Bindings and settings of the worker (names match wrangler.toml and the README). */
export interface Env {
  GATEWAY: DurableObjectNamespace<GupshupGateway>;
  SANDBOX: DurableObjectNamespace<GupshupSandbox>;
  TEMPLATE_CACHE: KVNamespace;

  GUPSHUP_PARTNER_TOKEN?: string;
  GUPSHUP_PARTNER_EMAIL?: string;
  GUPSHUP_PARTNER_SECRET?: string;
  GUPSHUP_DEFAULT_APP_ID?: string;
  GUPSHUP_BASE_URL?: string;
  MCP_AUTH_TOKEN?: string;
}
