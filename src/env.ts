import type { OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { GupshupGateway } from "./gateway/gateway";
import type { GupshupLoginBudget } from "./gateway/login-budget";
import type { GupshupPartnerLogin } from "./gateway/login-object";
import type { GupshupSandbox } from "./sandbox/sandbox";
import type { GupshupMcpSettings } from "./types";

/** Bindings and settings of the worker (names match wrangler.toml and the README). */
export interface Env extends GupshupMcpSettings {
  GATEWAY: DurableObjectNamespace<GupshupGateway>;
  SANDBOX: DurableObjectNamespace<GupshupSandbox>;
  PARTNER_LOGIN: DurableObjectNamespace<GupshupPartnerLogin>;
  LOGIN_BUDGET: DurableObjectNamespace<GupshupLoginBudget>;
  TEMPLATE_CACHE: KVNamespace;
  /** OAuth clients, grants and tokens (tokens only as hashes, grant props encrypted). */
  OAUTH_KV: KVNamespace;
  /** Set by the OAuth provider on the env copy of each request it handles. */
  OAUTH_PROVIDER?: OAuthHelpers;
}
