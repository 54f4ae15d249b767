import type { LazyTables } from "../gateway/lazy-tables";

export const CAMPAIGN_STATES = ["draft", "running", "paused", "completed", "cancelled"] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
/** queued: not sent yet; sending: handed to the send ledger; skipped: opted out after the preview. */
export const RECIPIENT_STATES = ["queued", "sending", "submitted", "failed", "unknown", "skipped"] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** What preview_campaign hands the app's object: everything a send needs, checked already. */
export interface CampaignDraft {
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
  rows: { row: number; destination: string; params: string[] }[];
}

export interface Campaign {
  id: string;
  appId: string;
  name: string;
  state: CampaignState;
  templateId: string;
  templateName: string;
  category: string;
  source: string;
  srcName: string;
  message: string | null;
  upstream: string;
  feePerMessage: number | null;
  currency: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Why it is paused or stopped (the wallet ran out, Gupshup refused the app's token, a person paused it). */
  reason: string | null;
}

export interface Recipient {
  row: number;
  destination: string;
  params: string[];
  state: RecipientState;
  messageId: string | null;
  reason: string | null;
  sentAt: number | null;
  /** The newest delivery event the inbox holds for the message (delivered, read, failed…). */
  delivery: string | null;
}

/**
 * An app's campaigns and their recipients, in its object's SQLite: memory stays flat however long
 * the list, and a campaign survives evictions. Each recipient row moves queued → sending → a final
 * state once; the send ledger (keyed by campaign and row) says what a row left in `sending` did.
 */
export class CampaignStore {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS campaign (id TEXT PRIMARY KEY, app_id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, template_id TEXT NOT NULL, template_name TEXT NOT NULL, category TEXT NOT NULL, source TEXT NOT NULL, src_name TEXT NOT NULL, message TEXT, upstream TEXT NOT NULL, fee_per_message REAL, currency TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, reason TEXT);
      CREATE TABLE IF NOT EXISTS campaign_recipient (campaign_id TEXT NOT NULL, row INTEGER NOT NULL, destination TEXT NOT NULL, params TEXT NOT NULL, state TEXT NOT NULL, message_id TEXT, reason TEXT, sent_at INTEGER, PRIMARY KEY (campaign_id, row));
      CREATE INDEX IF NOT EXISTS campaign_recipient_state ON campaign_recipient (campaign_id, state, row);
      CREATE INDEX IF NOT EXISTS campaign_recipient_sent ON campaign_recipient (campaign_id, sent_at);`);
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  create(id: string, draft: CampaignDraft, now: number): void {
    this.tables.create();
    this.sql.exec(
      "INSERT INTO campaign (id, app_id, name, state, template_id, template_name, category, source, src_name, message, upstream, fee_per_message, currency, created_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    );
    for (const r of draft.rows) {
      this.sql.exec("INSERT INTO campaign_recipient (campaign_id, row, destination, params, state) VALUES (?, ?, ?, ?, 'queued')", id, r.row, r.destination, JSON.stringify(r.params));
    }
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
    this.sql.exec("UPDATE campaign SET state = ?, reason = ?, started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ?", state, reason, state === "running" ? now : null, finished, id);
  }

  /** The running campaigns, oldest start first. */
  running(): Campaign[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<CampaignRow>("SELECT * FROM campaign WHERE state = 'running' ORDER BY started_at").toArray().map(campaignOf);
  }

  /** Takes the campaign's next queued recipient (marks it sending), if any. */
  claimNext(id: string, now: number): Recipient | undefined {
    const row = this.sql
      .exec<RecipientRow>(
        "UPDATE campaign_recipient SET state = 'sending', sent_at = ? WHERE campaign_id = ? AND row = (SELECT row FROM campaign_recipient WHERE campaign_id = ? AND state = 'queued' ORDER BY row LIMIT 1) RETURNING *",
        now,
        id,
        id,
      )
      .toArray()[0];
    return row && recipientOf(row, null);
  }

  /** Where a recipient ended: sent (with its message id), failed, unknown or skipped — or back to the queue. */
  settle(id: string, row: number, state: RecipientState, fields: { messageId?: string; reason?: string } = {}): void {
    this.sql.exec("UPDATE campaign_recipient SET state = ?, message_id = ?, reason = ? WHERE campaign_id = ? AND row = ?", state, fields.messageId ?? null, fields.reason ?? null, id, row);
  }

  /** Rows left in `sending` by an instance that is gone go back to the queue: the send ledger answers for them. */
  requeueInterrupted(): void {
    if (this.tables.exist) this.sql.exec("UPDATE campaign_recipient SET state = 'queued' WHERE state = 'sending'");
  }

  /** How many recipients are in each state. */
  counts(id: string): Record<RecipientState, number> {
    const counts = Object.fromEntries(RECIPIENT_STATES.map((s) => [s, 0])) as Record<RecipientState, number>;
    for (const r of this.sql.exec<{ state: RecipientState; n: number }>("SELECT state, COUNT(*) AS n FROM campaign_recipient WHERE campaign_id = ? GROUP BY state", id)) counts[r.state] = r.n;
    return counts;
  }

  /** Why recipients were not sent, with how many each. */
  failures(id: string): { reason: string; count: number }[] {
    return this.sql
      .exec<{ reason: string; count: number }>(
        "SELECT COALESCE(reason, 'unknown') AS reason, COUNT(*) AS count FROM campaign_recipient WHERE campaign_id = ? AND state = 'failed' GROUP BY reason ORDER BY count DESC",
        id,
      )
      .toArray();
  }

  /** What the delivery inbox says about the campaign's sent messages. */
  delivery(id: string): { delivered: number; read: number; failed: { code: string | null; reason: string | null; count: number }[] } {
    const reached = this.sql
      .exec<{ delivered: number; read: number }>(
        `SELECT COUNT(DISTINCT CASE WHEN s.status IN ('delivered', 'read') THEN r.row END) AS delivered, COUNT(DISTINCT CASE WHEN s.status = 'read' THEN r.row END) AS read
         FROM campaign_recipient r JOIN inbox_status s ON s.message_id = r.message_id WHERE r.campaign_id = ? AND r.message_id IS NOT NULL`,
        id,
      )
      .one();
    const failed = this.sql
      .exec<{ code: string | null; reason: string | null; count: number }>(
        `SELECT s.code, MAX(s.reason) AS reason, COUNT(DISTINCT r.row) AS count FROM campaign_recipient r JOIN inbox_status s ON s.message_id = r.message_id
         WHERE r.campaign_id = ? AND r.message_id IS NOT NULL AND s.status = 'failed' GROUP BY s.code ORDER BY count DESC`,
        id,
      )
      .toArray();
    return { ...reached, failed };
  }

  /** Sends made since `since` (for throughput). */
  sentSince(id: string, since: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign_recipient WHERE campaign_id = ? AND sent_at >= ? AND state != 'queued'", id, since).one().n;
  }

  /** A page of recipients after row `after`, optionally in one state. */
  page(id: string, state: RecipientState | undefined, after: number, limit: number): Recipient[] {
    const rows = this.sql
      .exec<RecipientRow & { delivery: string | null }>(
        `SELECT r.*, (SELECT s.status FROM inbox_status s WHERE s.message_id = r.message_id ORDER BY CASE s.status WHEN 'failed' THEN 6 WHEN 'read' THEN 4 WHEN 'delivered' THEN 3 WHEN 'sent' THEN 2 ELSE 1 END DESC LIMIT 1) AS delivery
         FROM campaign_recipient r WHERE r.campaign_id = ? AND r.row > ? AND (? IS NULL OR r.state = ?) ORDER BY r.row LIMIT ?`,
        id,
        after,
        state ?? null,
        state ?? null,
        limit,
      )
      .toArray();
    return rows.map((r) => recipientOf(r, r.delivery));
  }

  /** The running campaigns that sent any of these messages (a wallet-empty failure pauses them). */
  runningWith(messageIds: readonly string[]): string[] {
    if (!this.tables.exist || messageIds.length === 0) return [];
    return this.sql
      .exec<{ id: string }>(
        `SELECT DISTINCT c.id FROM campaign c JOIN campaign_recipient r ON r.campaign_id = c.id WHERE c.state = 'running' AND r.message_id IN (${messageIds.map(() => "?").join(",")})`,
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
    for (const { id } of gone) {
      this.sql.exec("DELETE FROM campaign_recipient WHERE campaign_id = ?", id);
      this.sql.exec("DELETE FROM campaign WHERE id = ?", id);
    }
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
};

type RecipientRow = { row: number; destination: string; params: string; state: RecipientState; message_id: string | null; reason: string | null; sent_at: number | null };

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
});

const recipientOf = (r: RecipientRow, delivery: string | null): Recipient => ({
  row: r.row,
  destination: r.destination,
  params: JSON.parse(r.params) as string[],
  state: r.state,
  messageId: r.message_id,
  reason: r.reason,
  sentAt: r.sent_at,
  delivery,
});
