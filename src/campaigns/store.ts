import type { LazyTables } from "../gateway/lazy-tables";
import { type AbPlan, type AbState, type TestCounts, testSize } from "./ab-test";
import { RecipientRows } from "./recipient-rows";
import type { SendingWindow } from "./schedule";
import { type CheckedRow, RecipientStaging } from "./staging";

export const CAMPAIGN_STATES = ["draft", "scheduled", "running", "paused", "completed", "cancelled"] as const;
type CampaignState = (typeof CAMPAIGN_STATES)[number];
/** What a campaign sends, from where, and its cost per message: what preview_campaign decided. */
export interface CampaignPlan {
  appId: string;
  name: string;
  templateId: string;
  templateName: string;
  category: string;
  source: string;
  srcName: string;
  /** The form's `message` field (JSON text), shared by every recipient; null when the template needs none. */
  message: string | null;
  /** Where Gupshup is for this campaign's sends ("sandbox" or the partner API URL): no credential. */
  upstream: string;
  /** The estimate's cost per message (null: unknown) and currency, for start_campaign's balance check. */
  feePerMessage: number | null;
  currency: string | null;
  /** The number's messaging tier when previewed (TIER_1K…) and the people a day it allows; null: not known (not planned over days). */
  tier: string | null;
  dailyLimit: number | null;
  /** An A/B test of a second template on a share of the list; null: one template for all. */
  abTest?: AbPlan | null;
}

/** What preview_campaign hands the app's object: the plan and its recipients, checked already — given here, or read into a load before. */
export interface CampaignDraft extends CampaignPlan {
  rows: CheckedRow[];
  /** The load the recipients were read into batch by batch (a file), if they were. */
  loadId?: string;
}

export interface Campaign extends CampaignPlan {
  id: string;
  state: CampaignState;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Why it is paused or stopped (the wallet ran out, Gupshup refused the app's token, a person paused it). */
  reason: string | null;
  /** Who previewed it (the caller's idempotency scope: an OAuth connection, a partner, a credential). */
  draftedBy: string | null;
  /** The OAuth connection that last started or resumed it ("grant:<id>"), when one did: ending that connection pauses it. */
  startedBy: string | null;
  /** When a scheduled campaign starts (epoch ms); null: at once. */
  startAt: number | null;
  /** The customers' time zone its schedule was given in. */
  timeZone: string | null;
  /** The hours it may send in, in the customers' time zone; null: any time. */
  window: SendingWindow | null;
  /** The A/B test's plan and where it is (overrides the plan's abTest). */
  abTest: AbState | null;
}

/** A draft as the caps on drafts count it. */
export interface DraftSize {
  id: string;
  name: string;
  draftedBy: string | null;
  rows: number;
}

/**
 * An app's campaigns and their recipients, in its object's SQLite: memory stays flat however long
 * the list, and a campaign survives evictions. Each recipient row moves queued → sending → a final
 * state once; the send ledger (keyed by campaign and row) says what a row left in `sending` did.
 */
export class CampaignStore {
  readonly recipients: RecipientRows;
  readonly staging: RecipientStaging;

  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS campaign (id TEXT PRIMARY KEY, app_id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, template_id TEXT NOT NULL, template_name TEXT NOT NULL, category TEXT NOT NULL, source TEXT NOT NULL, src_name TEXT NOT NULL, message TEXT, upstream TEXT NOT NULL, fee_per_message REAL, currency TEXT, created_at INTEGER NOT NULL, started_at INTEGER, resumed_at INTEGER, finished_at INTEGER, reason TEXT);
      CREATE TABLE IF NOT EXISTS campaign_recipient (campaign_id TEXT NOT NULL, row INTEGER NOT NULL, destination TEXT NOT NULL, params TEXT NOT NULL, state TEXT NOT NULL, message_id TEXT, reason TEXT, sent_at INTEGER, handed_at INTEGER, PRIMARY KEY (campaign_id, row));
      CREATE INDEX IF NOT EXISTS campaign_recipient_state ON campaign_recipient (campaign_id, state, row);
      CREATE INDEX IF NOT EXISTS campaign_recipient_sent ON campaign_recipient (campaign_id, sent_at);`);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(campaign)").toArray();
    for (const [column, type] of [
      ["drafted_by", "TEXT"],
      ["started_by", "TEXT"],
      ["start_at", "INTEGER"],
      ["time_zone", "TEXT"],
      ["hours_from", "INTEGER"],
      ["hours_to", "INTEGER"],
      ["tier", "TEXT"],
      ["daily_limit", "INTEGER"],
      ["ab_template_id", "TEXT"],
      ["ab_template_name", "TEXT"],
      ["ab_share", "REAL"],
      ["ab_decide_after_ms", "INTEGER"],
      ["ab_test_done_at", "INTEGER"],
      ["ab_winner", "TEXT"],
      ["ab_decided_on", "TEXT"],
    ])
      if (!columns.some((c) => c.name === column)) sql.exec(`ALTER TABLE campaign ADD COLUMN ${column} ${type}`);
    RecipientRows.schema(sql);
    RecipientStaging.schema(sql);
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {
    this.recipients = new RecipientRows(sql, tables);
    this.staging = new RecipientStaging(sql, tables);
  }

  /** A draft of the plan, with the recipients of a load (which is forgotten). */
  create(id: string, draft: CampaignPlan, loadId: string, now: number, draftedBy: string): void {
    this.tables.create();
    this.sql.exec(
      "INSERT INTO campaign (id, app_id, name, state, template_id, template_name, category, source, src_name, message, upstream, fee_per_message, currency, created_at, drafted_by, tier, daily_limit) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      id,
      draft.appId,
      draft.name,
      draft.templateId,
      draft.templateName,
      draft.category,
      draft.source,
      draft.srcName,
      draft.message,
      draft.upstream,
      draft.feePerMessage,
      draft.currency,
      now,
      draftedBy,
      draft.tier,
      draft.dailyLimit,
    );
    const count = this.staging.moveInto(loadId, id);
    this.recipients.start(id, count);
    if (draft.abTest) {
      this.sql.exec(
        "UPDATE campaign SET ab_template_id = ?, ab_template_name = ?, ab_share = ?, ab_decide_after_ms = ? WHERE id = ?",
        draft.abTest.templateId,
        draft.abTest.templateName,
        draft.abTest.share,
        draft.abTest.decideAfterMs,
        id,
      );
      this.recipients.splitForTest(id, testSize(count, draft.abTest.share));
    }
  }

  /** The A/B test's last test send settled at `at`; the winner is chosen `decideAfterMs` later. */
  setTestDone(id: string, at: number): void {
    this.sql.exec("UPDATE campaign SET ab_test_done_at = ? WHERE id = ?", at, id);
  }

  setWinner(id: string, winner: "A" | "B", decidedOn: TestCounts): void {
    this.sql.exec("UPDATE campaign SET ab_winner = ?, ab_decided_on = ? WHERE id = ?", winner, JSON.stringify(decidedOn), id);
  }

  get(id: string): Campaign | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<CampaignRow>("SELECT * FROM campaign WHERE id = ?", id).toArray()[0];
    return row && campaignOf(row);
  }

  /** The newest campaigns first. */
  list(limit: number): Campaign[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<CampaignRow>("SELECT * FROM campaign ORDER BY created_at DESC LIMIT ?", limit).toArray().map(campaignOf);
  }

  setState(id: string, state: CampaignState, reason: string | null, now: number): void {
    const finished = state === "completed" || state === "cancelled" ? now : null;
    const running = state === "running" ? now : null;
    this.sql.exec(
      "UPDATE campaign SET state = ?, reason = ?, started_at = COALESCE(started_at, ?), resumed_at = COALESCE(?, resumed_at), finished_at = ? WHERE id = ?",
      state,
      reason,
      running,
      running,
      finished,
      id,
    );
  }

  /** When a campaign starts and the hours it sends in (null: at once, any time). */
  setSchedule(id: string, startAt: number | null, timeZone: string | null, window: SendingWindow | null): void {
    this.sql.exec("UPDATE campaign SET start_at = ?, time_zone = ?, hours_from = ?, hours_to = ? WHERE id = ?", startAt, window?.timeZone ?? timeZone, window?.from ?? null, window?.to ?? null, id);
  }

  /** The scheduled campaigns, soonest first. */
  scheduled(): Campaign[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<CampaignRow>("SELECT * FROM campaign WHERE state = 'scheduled' ORDER BY start_at").toArray().map(campaignOf);
  }

  /** The number's tier changed while the campaign runs: it sends at the new tier's pace. */
  setTier(id: string, tier: string, dailyLimit: number | null): void {
    this.sql.exec("UPDATE campaign SET tier = ?, daily_limit = ? WHERE id = ?", tier, dailyLimit, id);
  }

  /** Records the OAuth connection (or none) that started or resumed a campaign. */
  setStarter(id: string, startedBy: string | null): void {
    this.sql.exec("UPDATE campaign SET started_by = ? WHERE id = ?", startedBy, id);
  }

  /** Pauses the scheduled and running campaigns `startedBy` started or resumed, with `reason`; their ids and names. */
  pauseStartedBy(startedBy: string, reason: string, now: number): { id: string; name: string }[] {
    const paused = this.startedBy(startedBy).filter((c) => c.state === "running" || c.state === "scheduled");
    for (const c of paused) this.setState(c.id, "paused", reason, now);
    return paused.map((c) => ({ id: c.id, name: c.name }));
  }

  /** The scheduled, running and paused campaigns `startedBy` started or resumed last. */
  startedBy(startedBy: string): Campaign[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<CampaignRow>("SELECT * FROM campaign WHERE started_by = ? AND state IN ('scheduled', 'running', 'paused') ORDER BY started_at", startedBy).toArray().map(campaignOf);
  }

  /** The drafts, oldest first, with their recipient counts. */
  drafts(): DraftSize[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ id: string; name: string; drafted_by: string | null; rows: number }>(
        `SELECT c.id, c.name, c.drafted_by, COALESCE((SELECT n FROM campaign_tally t WHERE t.campaign_id = c.id AND t.bucket = 'state:queued'), (SELECT COUNT(*) FROM campaign_recipient r WHERE r.campaign_id = c.id)) AS rows
         FROM campaign c WHERE c.state = 'draft' ORDER BY c.created_at`,
      )
      .toArray()
      .map((d) => ({ id: d.id, name: d.name, draftedBy: d.drafted_by, rows: d.rows }));
  }

  /** Forgets a campaign and its recipients. */
  forget(id: string): void {
    this.recipients.forget(id);
    this.sql.exec("DELETE FROM campaign WHERE id = ?", id);
  }

  /** The running campaigns, oldest start first. */
  running(): Campaign[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<CampaignRow>("SELECT * FROM campaign WHERE state = 'running' ORDER BY started_at").toArray().map(campaignOf);
  }

  /** The running campaigns that sent any of these messages since they last (re)started (a wallet-empty failure pauses them; a late report of one sent before a resume does not). */
  runningWith(messageIds: readonly string[]): string[] {
    if (!this.tables.exist || messageIds.length === 0) return [];
    return this.sql
      .exec<{ id: string }>(
        `SELECT DISTINCT c.id FROM campaign c JOIN campaign_recipient r ON r.campaign_id = c.id WHERE c.state = 'running' AND r.sent_at >= c.resumed_at AND r.message_id IN (${messageIds.map(() => "?").join(",")})`,
        ...messageIds,
      )
      .toArray()
      .map((r) => r.id);
  }

  /** Forgets drafts never started by `draftCutoff` and finished campaigns by `finishedCutoff`; says whether any campaign is left. */
  prune(draftCutoff: number, finishedCutoff: number): boolean {
    if (!this.tables.exist) return false;
    const gone = this.sql
      .exec<{ id: string }>("SELECT id FROM campaign WHERE (state = 'draft' AND created_at < ?) OR (finished_at IS NOT NULL AND finished_at < ?) LIMIT 20", draftCutoff, finishedCutoff)
      .toArray();
    for (const { id } of gone) this.forget(id);
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign").one().n > 0;
  }
}

type CampaignRow = {
  id: string;
  app_id: string;
  name: string;
  state: CampaignState;
  template_id: string;
  template_name: string;
  category: string;
  source: string;
  src_name: string;
  message: string | null;
  upstream: string;
  fee_per_message: number | null;
  currency: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  reason: string | null;
  drafted_by: string | null;
  started_by: string | null;
  start_at: number | null;
  time_zone: string | null;
  hours_from: number | null;
  hours_to: number | null;
  tier: string | null;
  daily_limit: number | null;
  ab_template_id: string | null;
  ab_template_name: string | null;
  ab_share: number | null;
  ab_decide_after_ms: number | null;
  ab_test_done_at: number | null;
  ab_winner: "A" | "B" | null;
  ab_decided_on: string | null;
};

const campaignOf = (r: CampaignRow): Campaign => ({
  id: r.id,
  appId: r.app_id,
  name: r.name,
  state: r.state,
  templateId: r.template_id,
  templateName: r.template_name,
  category: r.category,
  source: r.source,
  srcName: r.src_name,
  message: r.message,
  upstream: r.upstream,
  feePerMessage: r.fee_per_message,
  currency: r.currency,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  reason: r.reason,
  draftedBy: r.drafted_by,
  startedBy: r.started_by,
  startAt: r.start_at,
  timeZone: r.time_zone,
  tier: r.tier,
  dailyLimit: r.daily_limit,
  window: r.time_zone !== null && r.hours_from !== null && r.hours_to !== null ? { timeZone: r.time_zone, from: r.hours_from, to: r.hours_to } : null,
  abTest:
    r.ab_template_id === null
      ? null
      : {
          templateId: r.ab_template_id,
          templateName: r.ab_template_name ?? "",
          share: r.ab_share ?? 0,
          decideAfterMs: r.ab_decide_after_ms ?? 0,
          testDoneAt: r.ab_test_done_at,
          winner: r.ab_winner,
          decidedOn: r.ab_decided_on === null ? null : (JSON.parse(r.ab_decided_on) as TestCounts),
        },
});
