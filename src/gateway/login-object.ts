import { DurableObject } from "cloudflare:workers";
import type { Caller } from "../api/types";
import type { Env } from "../env";
import { LazyTables } from "./lazy-tables";
import { MAX_WAIT_MS } from "./limits";
import { LOGIN_BUDGET_NAME } from "./names";
import { PartnerLogin, type TokenResult } from "./partner-login";
import { scheduledCall } from "./scheduled-call";
import { Scheduler } from "./scheduler";

/**
 * One per partner login (email + client secret, by hash): holds that partner's 24 h token and
 * the login's rate limit, so app objects never carry credentials' logins and partners never
 * share a login queue.
 */
export class GupshupPartnerLogin extends DurableObject<Env> {
  private scheduler!: Scheduler;
  private readonly login: PartnerLogin;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const tables = new LazyTables(ctx.storage.sql, [PartnerLogin.schema]);
    void ctx.blockConcurrencyWhile(async () => {
      this.scheduler = await Scheduler.load(ctx.storage, () => tables.exist);
    });
    const budget = env.LOGIN_BUDGET.get(env.LOGIN_BUDGET.idFromName(LOGIN_BUDGET_NAME));
    this.login = new PartnerLogin(ctx.storage.sql, tables, (req, caller) => scheduledCall(this.scheduler, env, req, undefined, caller, Date.now() + MAX_WAIT_MS), {
      admit: (attempt) => budget.admit(attempt),
      failed: (attempt) => budget.failed(attempt),
    });
  }

  /** The partner token for `caller`'s login credentials (renewed through Gupshup's login when `force` or near expiry). */
  token(caller: Caller, force: boolean): Promise<TokenResult> {
    return this.login.token(caller, force);
  }
}
