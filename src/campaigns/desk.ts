import { RATE_LIMITS } from "../api/endpoints";
import { appWallet } from "../api/responses";
import type { Caller, UpstreamRequest, UpstreamResult } from "../api/types";
import { MAX_WAIT_MS } from "../gateway/limits";
import type { TurnOptions } from "../gateway/scheduler";
import type { SendLedger } from "../gateway/send-ledger";
import { ledgerKey, type SendOnce } from "../gateway/send-once";
import { type OptOuts, optedOutRefusal } from "../inbox/opt-outs";
import type { InboxEvent } from "../inbox/parse";
import type { InboxStore } from "../inbox/store";
import { MIN_TEST_SIZE, type TestCounts, templateFor, testSize } from "./ab-test";
import type { Recipient, RecipientState } from "./recipient-rows";
import { CampaignRunner, outcomeOf, type SendOutcome, TOKEN_REFUSED, WALLET_EMPTY } from "./runner";
import type { SendingWindow } from "./schedule";
import type { CheckedRow } from "./staging";
import type { Campaign, CampaignDraft, CampaignStore, DraftSize } from "./store";
import { type DailyPlan, MAX_PLAN_DAYS, planDays, TIER_WINDOW_MS } from "./tier";
import { type Rating, TierWatch } from "./tier-watch";
import { type Wallet, WalletWatch } from "./wallet-watch";

/** A campaign's sends are recorded in the send ledger under its own scope, keyed by row. */
const scopeOf = (campaignId: string) => `campaign:${campaignId}`;
const INTERRUPTED = "the server restarted while Gupshup had this send and its answer was lost; not sent again (check get_message_status or the person)";

/** A draft can be started this long after its preview. */
export const DRAFT_TTL_MS = 24 * 3_600_000;
/** Finished campaigns are forgotten after this long (drafts never started, after DRAFT_TTL_MS). */
const KEPT_MS = 30 * 86_400_000;

/** Why a draft can no longer be started, if it cannot. */
export function draftExpired(campaign: Campaign, now: number): string | undefined {
  if (campaign.state !== "draft" || now - campaign.createdAt <= DRAFT_TTL_MS) return undefined;
  return "This campaign's preview is more than 24 hours old: run preview_campaign again, so the list, the opt-outs and the estimate are current.";
}
/** How long one alarm sends before the next alarm carries on (a slice, so the object is never stuck in one handler). */
export const CAMPAIGN_SLICE_MS = 30_000;

export type CampaignCommand =
  | { kind: "draft"; draft: CampaignDraft }
  /** A batch of a list being read into a preview (a file); `unstage` forgets the batches when the reading fails. */
  | { kind: "stage"; loadId: string; rows: CheckedRow[]; abTest?: boolean }
  | { kind: "unstage"; loadId: string }
  | { kind: "get"; id: string; page?: { state?: RecipientState; after: number; limit: number } }
  | { kind: "list"; limit: number }
  /** start: at once, or at `startAt` (epoch ms); with `window`, only inside those sending hours. */
  | { kind: "start"; id: string; startAt?: number; timeZone?: string; window?: SendingWindow }
  | { kind: "pause" | "resume" | "cancel"; id: string };

/** A campaign as a period's report lists it. */
export interface RanCampaign {
  appId: string;
  id: string;
  name: string;
  state: string;
  submitted: number;
}

export interface CampaignReport {
  campaign: Campaign;
  counts: Record<RecipientState, number>;
  /** Sends Gupshup refused, by its reason. */
  failures: { reason: string; count: number }[];
  /** From the delivery inbox (only while configure_webhook's subscription reports events). */
  delivery: { delivered: number; read: number; failed: { code: string | null; reason: string | null; count: number }[] };
  /** Since when the inbox receives delivery events (configure_webhook's first run), or null: not tracked. */
  trackedSince: number | null;
  /** Sends a second over the last minute while running; null otherwise. */
  perSecond: number | null;
  /** An A/B test's two templates: sent, and read. */
  test?: TestCounts;
  page?: Recipient[];
}

/** What became of a batch of rows: added to the list, or left out (a number seen before, opted out, not on WhatsApp); the first rows added. */
export type StageReply = {
  added: number;
  duplicates: number;
  optedOut: number;
  notOnWhatsApp: number;
  samples: CheckedRow[];
};

/** The preview made: its recipients (what became of the rows given with it, as for a batch) and the plan. */
export type DraftReply = StageReply & {
  campaign: Campaign;
  queued: number;
  /** Earlier previews this one made room for: the caller's own of the same name, or the oldest over the caps. */
  replaced: { id: string; name: string; why: "same name" | "too many previews" }[];
  /** The days it goes over, when the number's tier is known and limited. */
  plan: DailyPlan | null;
};

/** Who asks the desk: the caller's own scope (an OAuth connection, a partner, a credential) and their OAuth connection, if any. */
export interface DeskCaller {
  scope: string;
  grant?: string;
}

/** Previews not started that one caller keeps on an app, and all callers together (in previews and in recipients). */
export const DRAFTS_PER_CALLER = 3;
export const DRAFTS_PER_APP = 10;
export const DRAFT_ROWS_PER_APP = 1_000_000;
/** The most recipients one preview may have (a file; a list in the call is capped lower by the tool). */
export const MAX_LIST_ROWS = 500_000;
/** Lists being read into previews of one app at once, and how long an unfinished one is kept. */
const LOADS_PER_APP = 2;
const LOAD_TTL_MS = 15 * 60_000;

const NOT_TRACKED = "An A/B test picks the winner by how many read each template, which this server learns from Gupshup's delivery events: run configure_webhook first, then preview again.";

/** Why a campaign paused when the connection that started it was ended. */
export const CONNECTION_ENDED = "The connection that started it was ended (revoked), so it stopped sending. Whoever runs the app can check it and resume it with control_campaign.";
export type DeskAnswer<T> = { ok: true; reply: T } | { ok: false; refusal: string };

interface DeskParts {
  store: CampaignStore;
  sends: SendOnce;
  ledger: SendLedger;
  optOuts: OptOuts;
  inbox: InboxStore;
  trackedSince: () => number | null;
  appToken: () => string | undefined;
  /** The app number's rating (tier and quality), from the object's day-long cache or Gupshup. */
  rating: (appId: string, upstream: string) => Promise<Rating | undefined>;
  call: (req: UpstreamRequest, token: string, caller: Caller, deadline: number, options: TurnOptions) => Promise<UpstreamResult>;
  /** Makes the object's alarm come now (the runner works in alarms). */
  wake: () => Promise<void>;
}

/** An app's campaigns: drafts, the state changes people ask for, reports, and the runner's sends. */
export class CampaignDesk {
  readonly runner: CampaignRunner;

  private readonly wallet: WalletWatch;
  private readonly tier: TierWatch;

  constructor(private readonly parts: DeskParts) {
    this.runner = new CampaignRunner(
      parts.store,
      (campaign, recipient) => this.sendTo(campaign, recipient),
      (now) => parts.inbox.recipientsSince(now - TIER_WINDOW_MS) + parts.store.recipients.sendingNow(),
    );
    this.wallet = new WalletWatch((campaign) => this.readWallet(campaign));
    this.tier = new TierWatch((campaign) => this.parts.rating(campaign.appId, campaign.upstream));
    this.recoverInterrupted();
  }

  /**
   * Rows an evicted instance left in `sending`, settled before anything else runs: one whose turn
   * never came was not sent and goes back to the queue; one handed over is what the send ledger
   * says — submitted, or unknown (sent with no answer on record), never sent again.
   */
  private recoverInterrupted(): void {
    const { store, ledger } = this.parts;
    for (const r of store.recipients.interrupted()) {
      const key = ledgerKey(scopeOf(r.campaignId), String(r.row));
      if (!r.handed) {
        ledger.forget(key);
        store.recipients.settle(r.campaignId, r.row, "queued");
        continue;
      }
      const entry = ledger.entry(key);
      const outcome = entry?.state === "done" && entry.result ? outcomeOf(entry.result) : undefined;
      if (outcome?.kind === "submitted") {
        store.recipients.settle(r.campaignId, r.row, "submitted", { messageId: outcome.messageId });
        continue;
      }
      // Sent before the eviction, never answered: nobody can say whether Gupshup took it.
      if (entry?.state === "in_flight")
        ledger.finish(key, "unknown", { ok: false, failure: { kind: "network", endpoint: "sendTemplate", message: INTERRUPTED, outcomeUnknown: true, idempotencyKey: String(r.row) } });
      store.recipients.settle(r.campaignId, r.row, "unknown", { reason: INTERRUPTED });
    }
  }

  async handle(command: CampaignCommand, now: number, caller: DeskCaller): Promise<DeskAnswer<DraftReply | StageReply | CampaignReport | CampaignReport[] | null>> {
    const { store } = this.parts;
    if (command.kind === "draft") return this.draft(command.draft, now, caller.scope);
    if (command.kind === "stage") {
      if (command.abTest && this.parts.trackedSince() === null) return { ok: false, refusal: NOT_TRACKED };
      return this.stage(command.loadId, command.rows, now, caller.scope);
    }
    if (command.kind === "unstage") {
      if (store.staging.load(command.loadId)?.stagedBy === caller.scope) store.staging.drop(command.loadId);
      return { ok: true, reply: null };
    }
    if (command.kind === "list") return { ok: true, reply: store.list(command.limit).map((c) => this.report(c, now)) };
    const campaign = store.get(command.id);
    if (!campaign) {
      return {
        ok: false,
        refusal: `No campaign ${command.id} on this app: a preview not started within 24 hours is forgotten, a finished campaign after 30 days. list_campaigns shows the app's campaigns.`,
      };
    }
    if (command.kind === "cancel" && campaign.state === "draft") {
      // A preview nobody will start holds its recipients for nothing: it is forgotten at once.
      const report = this.report(campaign, now);
      store.forget(campaign.id);
      return { ok: true, reply: { ...report, campaign: { ...campaign, state: "cancelled", reason: "Cancelled before it started: the preview is forgotten.", finishedAt: now } } };
    }
    const change = this.change(campaign, command, now);
    if (typeof change === "object") return { ok: false, refusal: change.refusal };
    if (change === "wake") store.setStarter(campaign.id, caller.grant ?? null);
    if (change === "wake" || (campaign.state === "running" && !this.runner.isRunning)) await this.parts.wake();
    const page = command.kind === "get" ? command.page : undefined;
    return { ok: true, reply: this.report(store.get(command.id)!, now, page) };
  }

  /** Resuming a campaign paused because Gupshup refused the app token needs a new one (fetched with the caller's credential). */
  needsNewToken(command: CampaignCommand): boolean {
    return command.kind === "resume" && this.parts.store.get(command.id)?.reason === TOKEN_REFUSED;
  }

  /** New inbox events: each moves its recipient's delivery state; a campaign message Gupshup failed with 1003 (wallet balance low) pauses its campaign. */
  learn(events: readonly InboxEvent[]): void {
    for (const e of events) if (e.kind === "status") this.parts.store.recipients.learn(e);
    const walletEmpty = events.flatMap((e) => (e.kind === "status" && e.status === "failed" && e.code === "1003" ? [e.messageId] : []));
    for (const id of this.parts.store.runningWith(walletEmpty)) this.parts.store.setState(id, "paused", WALLET_EMPTY, Date.now());
  }

  /** Scheduled campaigns whose start has come begin to run. */
  startDue(now: number): void {
    for (const c of this.parts.store.scheduled()) if (c.startAt !== null && c.startAt <= now) this.parts.store.setState(c.id, "running", null, now);
  }

  /** When the object must wake next for a campaign: a scheduled start, or sending hours opening (undefined: not for campaigns). */
  nextWake(now: number): number | undefined {
    const times = [this.parts.store.scheduled()[0]?.startAt ?? undefined, this.runner.nextOpening(now)].filter((t) => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Whether a message is one of a campaign's. */
  isCampaignMessage(messageId: string): boolean {
    return this.parts.store.recipients.isCampaignMessage(messageId);
  }

  /** An OAuth connection was ended: the campaigns it started (or resumed) and that are running pause. */
  connectionEnded(grant: string, now: number): { id: string; name: string }[] {
    return this.parts.store.pauseStartedBy(grant, CONNECTION_ENDED, now);
  }

  /** The scheduled, running and paused campaigns an OAuth connection started or resumed last. */
  startedBy(grant: string): { id: string; name: string; state: string }[] {
    return this.parts.store.startedBy(grant).map((c) => ({ id: c.id, name: c.name, state: c.state }));
  }

  /** Forgets old drafts, finished campaigns and lists nobody finished reading; says whether any is left. */
  prune(now: number): boolean {
    const loads = this.parts.store.staging.prune(now - LOAD_TTL_MS);
    return this.parts.store.prune(now - DRAFT_TTL_MS, now - KEPT_MS) || loads;
  }

  /**
   * Adds a batch to a list being read: each number once (its first row), opted-out numbers and
   * numbers not on WhatsApp left out. A list given whole with its draft (`fromFile` false) is not
   * one of the lists being read that LOADS_PER_APP bounds.
   */
  private stage(loadId: string, rows: readonly CheckedRow[], now: number, scope: string, fromFile = true): DeskAnswer<StageReply> {
    const { staging } = this.parts.store;
    const load = staging.load(loadId);
    if (load && load.stagedBy !== scope) return { ok: false, refusal: "This list is being read by another connection: preview_campaign again to read it for yours." };
    if (fromFile && !load && staging.openSince(now - LOAD_TTL_MS) >= LOADS_PER_APP)
      return { ok: false, refusal: `${LOADS_PER_APP} lists are being read into previews of this app right now: wait until they are done (a minute or two), then preview again.` };
    if ((load?.rows ?? 0) + rows.length > MAX_LIST_ROWS) return { ok: false, refusal: `The list has more than ${MAX_LIST_ROWS} recipients: split it into several campaigns.` };
    const notOnWhatsApp = this.parts.inbox.numbersThatFailedWith("1002");
    const added = staging.add(loadId, scope, rows, now, (number) => (this.parts.optOuts.find(number) ? "optedOut" : notOnWhatsApp.has(number) ? "notOnWhatsApp" : undefined));
    const kept = added.filter((r) => !r.skip);
    return {
      ok: true,
      reply: {
        added: kept.length,
        duplicates: rows.length - added.length,
        optedOut: added.filter((r) => r.skip === "optedOut").length,
        notOnWhatsApp: added.filter((r) => r.skip === "notOnWhatsApp").length,
        samples: kept.slice(0, 3),
      },
    };
  }

  /** The preview: the rows given with it (or read into its load before), planned over the tier's days and within the caps on previews. */
  private draft(draft: CampaignDraft, now: number, scope: string): DeskAnswer<DraftReply> {
    const { staging } = this.parts.store;
    const loadId = draft.loadId ?? crypto.randomUUID();
    if (draft.loadId && staging.load(loadId)?.stagedBy !== scope)
      return { ok: false, refusal: "The list read for this preview is gone (over 15 minutes old, or read by another connection): preview_campaign again." };
    const staged = this.stage(loadId, draft.rows, now, scope, draft.loadId !== undefined);
    if (!staged.ok) return staged;
    const queued = staging.load(loadId)?.rows ?? 0;
    const refuse = (refusal: string): DeskAnswer<DraftReply> => {
      staging.drop(loadId);
      return { ok: false, refusal };
    };
    // What the tier leaves today: the people this app's number reached from here in the last 24 hours count.
    const plan = draft.dailyLimit === null ? null : planDays(queued, draft.dailyLimit, this.parts.inbox.recipientsSince(now - TIER_WINDOW_MS));
    if (plan && plan.days.length > MAX_PLAN_DAYS) {
      return refuse(
        `Not planned: at ${draft.tier} the number may reach ${draft.dailyLimit} new people a day, so ${queued} recipients would take more than ${MAX_PLAN_DAYS} days. ` +
          "Split the list into smaller campaigns, or grow the tier first: Meta raises it as the number reaches more people with GREEN quality (get_app_health shows tier and quality).",
      );
    }
    if (draft.abTest && this.parts.trackedSince() === null) return refuse(NOT_TRACKED);
    if (draft.abTest && testSize(queued, draft.abTest.share) < MIN_TEST_SIZE)
      return refuse(
        `An A/B test of ${Math.round(draft.abTest.share * 100)} % of ${queued} recipients is ${testSize(queued, draft.abTest.share)} people: at least ${MIN_TEST_SIZE} are needed to compare two templates. Raise the share, or leave abTest out.`,
      );
    const room = this.roomFor(draft.name, queued, scope);
    if ("refusal" in room) return refuse(room.refusal);
    for (const r of room.replaced) this.parts.store.forget(r.id);
    const id = crypto.randomUUID().replace(/-/g, "").slice(0, 12);
    const { rows: _rows, loadId: _load, ...plain } = draft;
    this.parts.store.create(id, plain, loadId, now, scope);
    return { ok: true, reply: { ...staged.reply, campaign: this.parts.store.get(id)!, queued, replaced: room.replaced, plan } };
  }

  /**
   * The previews a new one replaces, only ever the caller's own: their earlier one of the same
   * name, then their oldest while they would keep more than DRAFTS_PER_CALLER or the app more than
   * DRAFTS_PER_APP previews or DRAFT_ROWS_PER_APP recipients in them. When the app is still over,
   * the preview is refused: other people's previews are never dropped for it.
   */
  private roomFor(name: string, rows: number, scope: string): { replaced: DraftReply["replaced"] } | { refusal: string } {
    let kept: DraftSize[] = this.parts.store.drafts();
    const replaced: DraftReply["replaced"] = [];
    const drop = (d: DraftSize, why: DraftReply["replaced"][number]["why"]) => {
      kept = kept.filter((k) => k !== d);
      replaced.push({ id: d.id, name: d.name, why });
    };
    const mine = () => kept.filter((d) => d.draftedBy === scope);
    const appFull = () => kept.length + 1 > DRAFTS_PER_APP || kept.reduce((sum, d) => sum + d.rows, 0) + rows > DRAFT_ROWS_PER_APP;
    for (const d of mine()) if (d.name === name) drop(d, "same name");
    for (const d of mine()) if (mine().length + 1 > DRAFTS_PER_CALLER || appFull()) drop(d, "too many previews");
    if (appFull()) {
      return {
        refusal: `App previews are full: ${kept.length} campaign previews not started (${kept.reduce((sum, d) => sum + d.rows, 0)} recipients) are waiting, made by others. Start or cancel one of them (control_campaign's cancel forgets a preview at once), or wait: a preview is forgotten 24 hours after it was made. An app keeps ${DRAFTS_PER_APP} previews and ${DRAFT_ROWS_PER_APP} recipients in them.`,
      };
    }
    return { replaced };
  }

  /** A state change a person asked for: nothing to do, "wake" the runner, or why it cannot be done. */
  private change(campaign: Campaign, command: Exclude<CampaignCommand, { kind: "draft" | "list" }>, now: number): "wake" | undefined | { refusal: string } {
    const { store } = this.parts;
    const is = (...states: Campaign["state"][]) => states.includes(campaign.state);
    switch (command.kind) {
      case "get":
        return undefined;
      case "start":
        if (!is("draft")) return { refusal: `Campaign ${campaign.id} was already started (it is ${campaign.state}); get_campaign shows its progress.` };
        if (now - campaign.createdAt > DRAFT_TTL_MS)
          return { refusal: `The preview of campaign ${campaign.id} is more than 24 hours old: run preview_campaign again, so the list and the estimate are current.` };
        {
          const later = command.startAt !== undefined && command.startAt > now ? command.startAt : null;
          store.setSchedule(campaign.id, later, command.timeZone ?? null, command.window ?? null);
          store.setState(campaign.id, later ? "scheduled" : "running", null, now);
        }
        return "wake";
      case "resume":
        if (!is("paused")) return { refusal: `Campaign ${campaign.id} is ${campaign.state}; only a paused campaign can be resumed.` };
        store.setState(campaign.id, campaign.startAt !== null && campaign.startAt > now ? "scheduled" : "running", null, now);
        this.wallet.forget(campaign.id);
        this.tier.forget(campaign.id);
        return "wake";
      case "pause":
        if (!is("running", "scheduled")) return { refusal: `Campaign ${campaign.id} is ${campaign.state}; only a running or scheduled campaign can be paused.` };
        store.setState(campaign.id, "paused", "Paused with control_campaign.", now);
        return undefined;
      case "cancel":
        if (is("completed", "cancelled")) return { refusal: `Campaign ${campaign.id} is already ${campaign.state}.` };
        store.setState(campaign.id, "cancelled", "Cancelled with control_campaign: nobody else gets the message.", now);
        return undefined;
    }
  }

  /** The campaigns that were sending at some point of a window, newest first, with how many they sent in all. */
  ranIn(since: number, until: number, now: number): RanCampaign[] {
    const { store } = this.parts;
    return store
      .list(50)
      .filter((c) => c.startedAt !== null && c.startedAt <= until && (c.finishedAt ?? now) >= since)
      .map((c) => ({ appId: c.appId, id: c.id, name: c.name, state: c.state, submitted: store.recipients.counts(c.id).submitted }));
  }

  private report(campaign: Campaign, now: number, page?: { state?: RecipientState; after: number; limit: number }): CampaignReport {
    const { store } = this.parts;
    const since = Math.max(now - 60_000, campaign.startedAt ?? now);
    // Sends taken in the last minute (at most the limit: the first window's burst is not the pace).
    const rate = now > since ? store.recipients.sentSince(campaign.id, since) / ((now - since) / 1000) : 0;
    const { limit, windowMs } = RATE_LIMITS.default;
    const perSecond = campaign.state === "running" ? Math.round(Math.min(rate, limit / (windowMs / 1000)) * 10) / 10 : null;
    return {
      campaign,
      counts: store.recipients.counts(campaign.id),
      failures: store.recipients.failures(campaign.id),
      delivery: store.recipients.delivery(campaign.id),
      trackedSince: this.parts.trackedSince(),
      perSecond,
      ...(campaign.abTest ? { test: store.recipients.testCounts(campaign.id) } : {}),
      ...(page ? { page: store.recipients.page(campaign.id, page.state, page.after, page.limit) } : {}),
    };
  }

  /** One recipient's send: at most once (the ledger, keyed by campaign and row), never to an opted-out number. */
  private async sendTo(campaign: Campaign, recipient: Recipient): Promise<SendOutcome> {
    const low = await this.wallet.pauseReason(campaign, () => this.parts.store.recipients.counts(campaign.id));
    if (low) return { kind: "pause", reason: low };
    const tier = await this.tier.change(campaign, Date.now());
    if (tier?.tier) this.parts.store.setTier(campaign.id, tier.tier.tier, tier.tier.dailyLimit);
    if (tier?.kind === "pause") return { kind: "pause", reason: tier.reason };
    const templateId = templateFor(campaign, recipient);
    const form: Record<string, string> = {
      source: campaign.source,
      destination: recipient.destination,
      "src.name": campaign.srcName,
      template: JSON.stringify({ id: templateId, params: recipient.params }),
    };
    if (campaign.message) form.message = campaign.message;
    const req: UpstreamRequest = { endpoint: "sendTemplate", appId: campaign.appId, form, idempotencyKey: String(recipient.row) };
    const optedOut = this.parts.optOuts.find(recipient.destination);
    const refuse = () => (optedOut ? optedOutRefusal("sendTemplate", optedOut) : undefined);
    const perform = async (): Promise<UpstreamResult> => {
      const token = this.parts.appToken();
      if (!token) return { ok: false, failure: { kind: "auth", endpoint: "sendTemplate", message: "no app token" } };
      // No credential is kept for a campaign: it sends with the app token its object holds.
      const caller: Caller = { upstream: campaign.upstream, partner: { kind: "token", token: "" } };
      // Asked as the turn comes: a campaign paused or cancelled, or a number that opted out meanwhile, takes the send back.
      const wanted = () => {
        if (this.parts.store.get(campaign.id)?.state !== "running" || this.parts.optOuts.find(recipient.destination)) return false;
        this.parts.store.recipients.handOver(campaign.id, recipient.row, Date.now());
        return true;
      };
      const res = await this.parts.call(req, token, caller, Date.now() + MAX_WAIT_MS, { background: true, wanted });
      const outcome = outcomeOf(res);
      // Pruning needs no alarm of its own: the campaign's alarm schedules it when the campaign ends.
      if (outcome.kind === "submitted") {
        const templateName = templateId === campaign.templateId ? campaign.templateName : (campaign.abTest?.templateName ?? templateId);
        this.parts.inbox.recordSent(outcome.messageId, recipient.destination, Date.now(), { type: "template", text: templateName, campaign: campaign.name });
      }
      return res;
    };
    return outcomeOf(await this.parts.sends.send(req, scopeOf(campaign.id), perform, refuse));
  }

  /** The app's wallet, read with the token its object holds (a background turn, like the sends). */
  private async readWallet(campaign: Campaign): Promise<Wallet | undefined> {
    const token = this.parts.appToken();
    if (!token) return undefined;
    const caller: Caller = { upstream: campaign.upstream, partner: { kind: "token", token: "" } };
    const res = await this.parts.call({ endpoint: "wallet", appId: campaign.appId }, token, caller, Date.now() + MAX_WAIT_MS, { background: true });
    return res.ok ? appWallet(res.data) : undefined;
  }
}
