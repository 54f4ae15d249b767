import { RATE_LIMITS } from "../api/endpoints";
import { sendTemplateResponse } from "../api/responses";
import type { UpstreamResult } from "../api/types";
import { redactSecrets } from "../utils/secrets";
import { advanceTest, decisionAt, waitsForWinner } from "./ab-test";
import type { Recipient } from "./recipient-rows";
import { insideWindow, nextOpening } from "./schedule";
import type { Campaign, CampaignStore } from "./store";

/** What one recipient's send came to. */
export type SendOutcome =
  | { kind: "submitted"; messageId: string }
  | { kind: "failed" | "unknown" | "skipped"; reason: string }
  /** Not sent (no turn in time, or taken back): the recipient goes back to the queue. */
  | { kind: "retry"; waitMs: number }
  /** Not sent, and the campaign cannot go on until a person acts (wallet empty, token refused). */
  | { kind: "pause"; reason: string };

/** Why a campaign stopped by itself; control_campaign's resume continues it. */
export const WALLET_EMPTY = "The wallet balance ran out (Gupshup 1003 Wallet Balance Low): top up, then control_campaign with action resume.";
export const TOKEN_REFUSED = "Gupshup refused the app's access token: control_campaign with action resume renews it and continues.";

/** How often the runner re-reads how many people the number reached in the last 24 hours. */
const REACH_READ_EVERY_MS = 5_000;

/** Sends a campaign has in flight or waiting for a turn at once: as many as Gupshup's window holds. */
const WORKERS = RATE_LIMITS.default.limit;

/**
 * Works through the running campaigns' queues: WORKERS sends at a time, each waiting for a
 * background turn of the app's limiter (interactive calls go first), until the time slice ends.
 * Only one run at a time per object. A send that throws is recorded unknown, never left `sending`.
 */
export class CampaignRunner {
  private active: Promise<void> | undefined;

  /** The people the app's number reached in the last 24 hours (what its tier counts), read now and then and counted on between reads. */
  private reach = { at: Number.NEGATIVE_INFINITY, n: 0 };

  constructor(
    private readonly store: CampaignStore,
    private readonly send: (campaign: Campaign, recipient: Recipient) => Promise<SendOutcome>,
    /** The people the app's number reached in the last 24 hours, as far as this server knows (sends being made count too). */
    private readonly reachedLastDay: (now: number) => number,
  ) {}

  run(until: number): Promise<void> {
    this.active ??= this.work(until).finally(() => {
      this.active = undefined;
    });
    return this.active;
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  /** Whether a running campaign inside its sending hours still has recipients to send to. */
  hasWork(): boolean {
    return this.sendable(Date.now()).some((c) => this.store.recipients.hasAny(c.id, "queued"));
  }

  /** When the next running campaign that waits — for its sending hours, its day's share of the tier, or its A/B test's winner — may send again (undefined: none waits). */
  nextOpening(now: number): number | undefined {
    const waiting = this.store.running().filter((c) => !this.maySend(c, now) && this.store.recipients.hasAny(c.id, "queued"));
    const nextHour = Math.ceil((now + 1) / 3_600_000) * 3_600_000;
    const opening = (c: Campaign) => (c.window && !insideWindow(c.window, now) ? nextOpening(c.window, now) : this.heldForWinner(c) ? (decisionAt(c) ?? now) : nextHour);
    return waiting.length ? Math.min(...waiting.map(opening)) : undefined;
  }

  /** The running campaigns that may send now. */
  private sendable(now: number): Campaign[] {
    return this.store.running().filter((c) => this.maySend(c, now));
  }

  /** Inside its sending hours, while the number has reached fewer people than its tier allows in 24 hours, and not waiting for its test's winner. */
  private maySend(c: Campaign, now: number): boolean {
    return (!c.window || insideWindow(c.window, now)) && (c.dailyLimit === null || this.reached(now) < c.dailyLimit) && !this.heldForWinner(c);
  }

  /** Its A/B test share is all sent, and the rest waits for the winner. */
  private heldForWinner(c: Campaign): boolean {
    return waitsForWinner(c) && !this.store.recipients.testLeft(c.id);
  }

  /** Read from storage every few seconds (a count over the day's sends), and counted on with each claim in between. */
  private reached(now: number): number {
    if (now - this.reach.at > REACH_READ_EVERY_MS) this.reach = { at: now, n: this.reachedLastDay(now) };
    return this.reach.n;
  }

  private async work(until: number): Promise<void> {
    this.reach.at = Number.NEGATIVE_INFINITY; // each slice starts from what storage says
    for (const campaign of this.store.running()) advanceTest(this.store, campaign, Date.now());
    await Promise.all(Array.from({ length: WORKERS }, () => this.worker(until)));
    for (const campaign of this.store.running()) advanceTest(this.store, campaign, Date.now());
    for (const campaign of this.store.running()) if (!this.store.recipients.hasAny(campaign.id, "queued", "sending")) this.store.setState(campaign.id, "completed", null, Date.now());
  }

  private async worker(until: number): Promise<void> {
    while (Date.now() < until) {
      const next = this.next();
      if (!next) return;
      const [campaign, recipient] = next;
      const outcome = await this.send(campaign, recipient).catch((error: unknown): SendOutcome => {
        console.error(`[gupshup-mcp] campaign ${campaign.id} row ${recipient.row}: ${redactSecrets(String(error))}`);
        return { kind: "unknown", reason: "an internal error in gupshup-mcp during the send; not sent again" };
      });
      this.settle(campaign, recipient, outcome);
      if (outcome.kind === "retry" && outcome.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(outcome.waitMs, until - Date.now())));
    }
  }

  /** The next recipient of the oldest running campaign (inside its sending hours) that has one. */
  private next(): [Campaign, Recipient] | undefined {
    for (const campaign of this.sendable(Date.now())) {
      const recipient = this.store.recipients.claimNext(campaign.id, Date.now(), waitsForWinner(campaign));
      if (!recipient) continue;
      this.reach.n += 1;
      return [campaign, recipient];
    }
    return undefined;
  }

  private settle(campaign: Campaign, recipient: Recipient, outcome: SendOutcome): void {
    const { store } = this;
    if (outcome.kind === "submitted") store.recipients.settle(campaign.id, recipient.row, "submitted", { messageId: outcome.messageId });
    else if (outcome.kind === "retry" || outcome.kind === "pause") store.recipients.settle(campaign.id, recipient.row, "queued");
    else store.recipients.settle(campaign.id, recipient.row, outcome.kind, { reason: outcome.reason });
    if (outcome.kind === "pause" && store.get(campaign.id)?.state === "running") store.setState(campaign.id, "paused", outcome.reason, Date.now());
  }
}

/** Whether a refused send means the wallet is empty: Gupshup's 1003, or its "wallet balance is low" answer. */
function isWalletEmpty(message: string): boolean {
  return /\b1003\b|wallet balance|insufficient balance/i.test(message);
}

/** A campaign send's result, as the recipient's row records it. */
export function outcomeOf(result: UpstreamResult): SendOutcome {
  if (result.ok) {
    const answer = sendTemplateResponse.safeParse(result.data);
    return answer.success ? { kind: "submitted", messageId: answer.data.messageId } : { kind: "unknown", reason: "Gupshup's answer had no message id" };
  }
  const f = result.failure;
  if (f.optedOut) return { kind: "skipped", reason: `opted out since ${new Date(f.optedOut.since).toISOString().slice(0, 10)}` };
  if (f.withdrawn) return { kind: "retry", waitMs: 0 };
  if (f.outcomeUnknown) return { kind: "unknown", reason: `no answer from Gupshup (${f.message}); not sent again` };
  if (f.kind === "rate_limited") return { kind: "retry", waitMs: 1000 };
  if (f.kind === "auth") return { kind: "pause", reason: TOKEN_REFUSED };
  if (isWalletEmpty(f.message)) return { kind: "pause", reason: WALLET_EMPTY };
  return { kind: "failed", reason: f.message };
}
