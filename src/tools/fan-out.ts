import { ENDPOINTS, RATE_LIMITS } from "../api/endpoints";
import type { UpstreamFailure, UpstreamResult } from "../api/types";
import { FAN_OUT_CONCURRENCY } from "../gateway/limits";
import { mapConcurrently } from "../utils/concurrency";
import { type FailureContext, translateFailure, unwrap } from "./errors";

export interface FanOutResult {
  answered: { templateId: string; data: unknown }[];
  /** Ids whose call did not fit the rate limit in time: ask again after the wait. */
  pending: { templateId: string; retryAfterSeconds: number }[];
  failed: { templateId: string; error: string }[];
}

/**
 * One Gupshup call per template id, for tools whose endpoint answers one id at a time. The first
 * call runs alone: a failure `failsTool` says every id would meet (auth, a feature not enabled)
 * fails the tool once, before the other ids spend the budget. The rest run a few at a time (the
 * gateway queues them under the endpoint's limit), each reported as progress; a call that could
 * not start in time comes back as pending with its wait, any other failure as failed.
 */
export async function fanOut(
  ids: readonly string[],
  call: (id: string) => Promise<UpstreamResult>,
  opts: { failsTool: (failure: UpstreamFailure) => boolean; context: FailureContext; report: (done: number, total: number, message: string) => Promise<void> },
): Promise<FanOutResult> {
  const [firstId, ...rest] = ids;
  const first = await call(firstId!);
  if (!first.ok && opts.failsTool(first.failure)) unwrap(first, opts.context);
  let done = 1;
  await opts.report(done, ids.length, `done: ${firstId}`);
  const others = await mapConcurrently(rest, FAN_OUT_CONCURRENCY, async (id) => {
    const result = await call(id);
    await opts.report(++done, ids.length, `done: ${id}`);
    return result;
  });
  const outcome: FanOutResult = { answered: [], pending: [], failed: [] };
  [first, ...others].forEach((result, i) => {
    const templateId = ids[i]!;
    if (result.ok) outcome.answered.push({ templateId, data: result.data });
    else if (result.failure.kind === "rate_limited") outcome.pending.push({ templateId, retryAfterSeconds: result.failure.retryAfterSeconds ?? windowSeconds(result.failure) });
    else outcome.failed.push({ templateId, error: translateFailure(result.failure, opts.context) });
  });
  return outcome;
}

const windowSeconds = (failure: UpstreamFailure) => Math.ceil(RATE_LIMITS[ENDPOINTS[failure.endpoint].group].windowMs / 1000);
