import { ENDPOINTS, RATE_LIMITS } from "../api/endpoints";
import { exchange } from "../api/exchange";
import type { Caller, PartnerCredential, UpstreamRequest, UpstreamResult } from "../api/types";
import { upstreamFor } from "../api/upstream";
import type { Env } from "../env";
import { MAX_WAIT_MS, REQUEST_BUDGET_MS, UPSTREAM_TIMEOUT_MS } from "./limits";
import type { Scheduler, TurnOptions } from "./scheduler";

/**
 * Sends one request when its rate-limit group's scheduler gives it a turn (the earliest moment
 * the sliding window allows; calls are in flight together). A call that could not start before
 * `deadline` is answered with the wait instead of being sent; an upstream 429 is retried after
 * the group's cooldown with exponential backoff and jitter while that still fits before `deadline`.
 */
export async function scheduledCall(scheduler: Scheduler, env: Env, req: UpstreamRequest, token: string | undefined, caller: Caller, deadline: number, options?: TurnOptions): Promise<UpstreamResult> {
  const group = ENDPOINTS[req.endpoint].group;
  for (let attempt = 0; ; attempt++) {
    const turn = await scheduler.turn(group, deadline, options);
    if (!turn.ok)
      return turn.withdrawn ? { ok: false, failure: { kind: "rate_limited", endpoint: req.endpoint, message: "taken back before it was sent", withdrawn: true } } : rateLimited(req, turn.waitMs);
    const limitMs = Math.max(1000, Math.min(timeoutMs(env), budgetEnd(deadline) - Date.now()));
    // The call counts from when Gupshup's answer begins (it has the request by then), not from
    // when the whole body has been read: under load, reading can lag behind.
    let counted = false;
    const answered = () => {
      if (!counted) scheduler.answered(group, turn.sentAt);
      counted = true;
    };
    const res = await exchange(upstreamFor(env, caller.upstream), req, token, [token ?? "", ...partnerSecrets(caller.partner)], limitMs, answered);
    answered();
    if (res.ok || res.failure.kind !== "rate_limited") return res;
    const backoff = Math.max(RATE_LIMITS[group].windowMs, 1000 * 2 ** attempt) + Math.random() * 250;
    scheduler.coolDown(group, Date.now() + backoff);
    if (Date.now() + backoff > deadline) return { ok: false, failure: { ...res.failure, retryAfterSeconds: Math.ceil(backoff / 1000) } };
  }
}

/** The end of a request's total budget, from its queue-wait deadline. */
const budgetEnd = (deadline: number) => deadline - MAX_WAIT_MS + REQUEST_BUDGET_MS;

function timeoutMs(env: Env): number {
  const ms = Number(env.GUPSHUP_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : UPSTREAM_TIMEOUT_MS;
}

/** What to redact from anything Gupshup's answer echoes back. */
function partnerSecrets(cred: PartnerCredential): string[] {
  return cred.kind === "token" ? [cred.token] : [cred.secret, cred.token ?? ""];
}

function rateLimited(req: UpstreamRequest, waitMs: number): UpstreamResult {
  return {
    ok: false,
    failure: { kind: "rate_limited", endpoint: req.endpoint, message: "rate limit of this endpoint reached", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  };
}
