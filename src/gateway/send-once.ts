import type { UpstreamRequest, UpstreamResult } from "../api/types";
import { sha256Hex } from "../utils/secrets";
import type { SendLedger } from "./send-ledger";

/** Failures after which nobody can say whether Gupshup took the message. */
const AMBIGUOUS = new Set(["timeout", "network", "upstream", "malformed"]);

/**
 * Message sends, at most once: the same idempotency key (24 h), or the same content without a
 * key (60 s), is answered with the first send's result — waiting for it if it is still in
 * flight — and never reaches Gupshup again. A send whose outcome cannot be known (timeout, 5xx,
 * unreadable answer, interruption) is recorded as unknown, not retried. Keys and content are the
 * sender's own (`scope`): two connections that pick "welcome-1", or send the same text, do not collide.
 */
export class SendOnce {
  private readonly inFlight = new Map<string, Promise<UpstreamResult>>();

  constructor(private readonly ledger: SendLedger) {}

  /**
   * `refuse` may turn down a new send (never a repeat of one already made) before it reaches Gupshup.
   * Same content without a key is not a repeat of a send made before `trackedSince` (delivery
   * tracking started since): that one's delivery will never be known, so the person gets a tracked one.
   */
  async send(
    req: UpstreamRequest,
    scope: string,
    perform: () => Promise<UpstreamResult>,
    refuse: () => UpstreamResult | undefined = () => undefined,
    trackedSince: number | null = null,
  ): Promise<UpstreamResult> {
    const now = Date.now();
    const contentHash = await sha256Hex(JSON.stringify([scope, req.endpoint, req.form ?? null, req.json ?? null]));
    const found = this.ledger.find(req.idempotencyKey === undefined ? undefined : ledgerKey(scope, req.idempotencyKey), contentHash, now);
    // Only a send known to have gone out: one in flight or with an unknown outcome is never sent again.
    const untrackedLookalike = found?.state === "done" && req.idempotencyKey === undefined && trackedSince !== null && found.createdAt < trackedSince;
    if (found && !untrackedLookalike) {
      if (req.idempotencyKey && found.contentHash !== contentHash) {
        return {
          ok: false,
          failure: { kind: "rejected", endpoint: req.endpoint, message: `idempotencyKey '${req.idempotencyKey}' was already used for a different message; use a new key to send different content` },
        };
      }
      return this.replay(found.key, found.state, found.result, found.createdAt);
    }
    const refused = refuse();
    if (refused) return refused;
    const key = req.idempotencyKey ?? crypto.randomUUID();
    const entry = ledgerKey(scope, key);
    this.ledger.begin(entry, contentHash, req.idempotencyKey !== undefined, now);
    const run = perform().then((res): UpstreamResult => {
      if (res.ok) {
        const done = { ...res, send: { idempotencyKey: key, replayed: false, firstSentAt: now } };
        this.ledger.finish(entry, "done", done);
        return done;
      }
      if (AMBIGUOUS.has(res.failure.kind)) {
        const unknown: UpstreamResult = { ok: false, failure: { ...res.failure, outcomeUnknown: true, idempotencyKey: key } };
        this.ledger.finish(entry, "unknown", unknown);
        return unknown;
      }
      this.ledger.forget(entry);
      return res;
    });
    this.inFlight.set(entry, run);
    return run.finally(() => this.inFlight.delete(entry));
  }

  private async replay(entry: string, state: "in_flight" | "done" | "unknown", stored: UpstreamResult | null, firstSentAt: number): Promise<UpstreamResult> {
    const key = entry.slice(entry.lastIndexOf("\n") + 1);
    let result = stored;
    if (state === "in_flight") {
      const running = this.inFlight.get(entry);
      if (running) result = await running;
      else {
        // Sent before an eviction, never answered: nobody can say whether Gupshup took it.
        result = { ok: false, failure: { kind: "network", endpoint: "sendMessage", message: "The send was interrupted before Gupshup answered", outcomeUnknown: true, idempotencyKey: key } };
        this.ledger.finish(entry, "unknown", result);
      }
    }
    if (result?.ok) return { ...result, send: { idempotencyKey: key, replayed: true, firstSentAt } };
    return result ?? { ok: false, failure: { kind: "network", endpoint: "sendMessage", message: "No record of the first send's outcome", outcomeUnknown: true, idempotencyKey: key } };
  }
}

/** The ledger's key for a caller's idempotency key (a newline cannot occur in either part). */
export const ledgerKey = (scope: string, key: string) => `${scope}\n${key}`;
