import { buildRequest, readResponse } from "./client";
import type { UpstreamRequest, UpstreamResult } from "./types";
import type { Upstream } from "./upstream";

/**
 * One HTTP round trip to Gupshup, cancelled after `limitMs`: the request is aborted (a real
 * fetch stops), and an answer that still does not come is not waited for. Never throws.
 * `secrets` are redacted from anything Gupshup's answer echoes back.
 */
export async function exchange(
  upstream: Upstream,
  req: UpstreamRequest,
  token: string | undefined,
  secrets: readonly string[],
  limitMs: number,
  /** Called when Gupshup's answer begins (its status and headers): it has the request by then. */
  onAnswer?: () => void,
): Promise<UpstreamResult> {
  const signal = AbortSignal.timeout(limitMs);
  const timedOut = new Promise<"timeout">((resolve) => signal.addEventListener("abort", () => resolve("timeout"), { once: true }));
  try {
    const request = new Request(buildRequest(upstream.baseUrl, req, token), { signal });
    const response = await Promise.race([upstream.fetch(request), timedOut]);
    if (response !== "timeout") {
      onAnswer?.();
      const result = await Promise.race([readResponse(response, req.endpoint, secrets), timedOut]);
      if (result !== "timeout") return result;
    }
    return { ok: false, failure: { kind: "timeout", endpoint: req.endpoint, message: `Gupshup did not answer within ${Math.round(limitMs / 100) / 10} s` } };
  } catch {
    if (signal.aborted) return { ok: false, failure: { kind: "timeout", endpoint: req.endpoint, message: `Gupshup did not answer within ${Math.round(limitMs / 100) / 10} s` } };
    return { ok: false, failure: { kind: "network", endpoint: req.endpoint, message: "Could not reach Gupshup" } };
  }
}
