import type { LazyTables } from "../gateway/lazy-tables";

/** queued: not sent yet; sending: handed to the send ledger; skipped: opted out after the preview. */
export const RECIPIENT_STATES = ["queued", "sending", "submitted", "failed", "unknown", "skipped"] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

export interface Recipient {
  row: number;
  destination: string;
  params: string[];
  state: RecipientState;
  messageId: string | null;
  reason: string | null;
  /** The newest delivery event the inbox holds for the message (delivered, read, failed…). */
  delivery: string | null;
}

/**
 * A campaign's recipients, one row each in the object's SQLite: queued → sending → a final state
 * once. What the runner takes and settles, and what reports count.
 */
export class RecipientRows {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** Takes the campaign's next queued recipient (marks it sending), if any. */
  claimNext(id: string, now: number): Recipient | undefined {
    const row = this.sql
      .exec<RecipientRow>(
        "UPDATE campaign_recipient SET state = 'sending', sent_at = ?, handed_at = NULL WHERE campaign_id = ? AND row = (SELECT row FROM campaign_recipient WHERE campaign_id = ? AND state = 'queued' ORDER BY row LIMIT 1) RETURNING *",
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

  /** The turn came and the send is going out: from here on only the send ledger can say whether Gupshup took it. */
  handOver(id: string, row: number, now: number): void {
    this.sql.exec("UPDATE campaign_recipient SET handed_at = ? WHERE campaign_id = ? AND row = ?", now, id, row);
  }

  /** Rows an instance that is gone left in `sending`: whether each was handed over, and to which campaign. */
  interrupted(): { campaignId: string; row: number; handed: boolean }[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ campaign_id: string; row: number; handed_at: number | null }>("SELECT campaign_id, row, handed_at FROM campaign_recipient WHERE state = 'sending'")
      .toArray()
      .map((r) => ({ campaignId: r.campaign_id, row: r.row, handed: r.handed_at !== null }));
  }

  /** Whether any recipient of the campaign waits to be sent. */
  hasQueued(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM campaign_recipient WHERE campaign_id = ? AND state = 'queued' LIMIT 1", id).toArray().length > 0;
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
}

type RecipientRow = { row: number; destination: string; params: string; state: RecipientState; message_id: string | null; reason: string | null; sent_at: number | null };

const recipientOf = (r: RecipientRow, delivery: string | null): Recipient => ({
  row: r.row,
  destination: r.destination,
  params: JSON.parse(r.params) as string[],
  state: r.state,
  messageId: r.message_id,
  reason: r.reason,
  delivery,
});
