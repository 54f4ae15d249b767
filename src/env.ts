import type { GupshupGateway } from "./gateway/gateway";
import type { GupshupSandbox } from "./sandbox/sandbox";
import type { GupshupMcpSettings } from "./types";

/** Bindings and settings of the worker (names match wrangler.toml and the README). */
export interface Env extends GupshupMcpSettings {
  GATEWAY: DurableObjectNamespace<GupshupGateway>;
  SANDBOX: DurableObjectNamespace<GupshupSandbox>;
  TEMPLATE_CACHE: KVNamespace;
}
