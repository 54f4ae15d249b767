import type { LazyTables } from "../gateway/lazy-tables";
import { RANK_SQL, STATUS_RANK } from "../inbox/status-rank";
import type { TestCounts } from "./ab-test";

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
  /** In an A/B test's test share: the template it gets (A: the campaign's, B: the second); null: the rest, who get the winner. */
  variant: "A" | "B" | null;
}

/** A delivery event for one of our messages, as the inbox stored it. */
export type DeliveryEvent = {
  messageId: string;
  status: string;
  code: string | null;
  reason: string | null;
};

/**
 * A campaign's recipients, one row each in the object's SQLite: queued → sending → a final state
 * once. What the runner takes and settles. Reports read per-campaign tallies kept as rows settle
 * and delivery events arrive (each row counted once, in its latest delivery state), so a report
 * costs the same at 1,000 recipients as at 100,000.
 */
export class RecipientRows {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS campaign_tally (campaign_id TEXT NOT NULL, bucket TEXT NOT NULL, n INTEGER NOT NULL, note TEXT, PRIMARY KEY (campaign_id, bucket));
      CREATE INDEX IF NOT EXISTS campaign_recipient_message ON campaign_recipient (message_id) WHERE message_id IS NOT NULL;`);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(campaign_recipient)").toArray();
    if (!columns.some((c) => c.name === "delivery")) {
      sql.exec("ALTER TABLE campaign_recipient ADD COLUMN delivery TEXT");
      sql.exec("ALTER TABLE campaign_recipient ADD COLUMN delivery_code TEXT");
    }
    if (!columns.some((c) => c.name === "variant")) sql.exec("ALTER TABLE campaign_recipient ADD COLUMN variant TEXT");
    // An A/B test's share is found without reading past the rest that waits for the winner.
    sql.exec("CREATE INDEX IF NOT EXISTS campaign_recipient_test ON campaign_recipient (campaign_id, state, row) WHERE variant IS NOT NULL");
    RecipientRows.tallyUntallied(sql);
  }

  /**
   * Campaigns stored before tallies existed (or whose tallies were lost) are counted from their
   * rows once, when the object starts and before anything claims or settles a row.
   */
  private static tallyUntallied(sql: SqlStorage): void {
    const ids = sql.exec<{ id: string }>("SELECT id FROM campaign WHERE id NOT IN (SELECT DISTINCT campaign_id FROM campaign_tally)").toArray();
    const best = (column: string) => `(SELECT ${column} FROM inbox_status s WHERE s.message_id = campaign_recipient.message_id ORDER BY ${RANK_SQL("s.status")} DESC LIMIT 1)`;
    for (const { id } of ids) {
      sql.exec(`UPDATE campaign_recipient SET delivery = ${best("s.status")}, delivery_code = ${best("s.code")} WHERE campaign_id = ? AND message_id IS NOT NULL`, id);
      sql.exec("INSERT INTO campaign_tally (campaign_id, bucket, n) SELECT campaign_id, 'state:' || state, COUNT(*) FROM campaign_recipient WHERE campaign_id = ? GROUP BY state", id);
      sql.exec(
        "INSERT INTO campaign_tally (campaign_id, bucket, n) SELECT campaign_id, 'failed:' || COALESCE(reason, 'unknown'), COUNT(*) FROM campaign_recipient WHERE campaign_id = ? AND state = 'failed' GROUP BY 2",
        id,
      );
      sql.exec(
        `INSERT INTO campaign_tally (campaign_id, bucket, n, note)
         SELECT g.campaign_id, g.bucket, g.n, (SELECT s.reason FROM inbox_status s WHERE s.message_id = g.last AND s.status = 'failed' LIMIT 1)
         FROM (SELECT campaign_id, CASE delivery WHEN 'failed' THEN 'delivery:failed:' || COALESCE(delivery_code, '') ELSE 'delivery:' || delivery END AS bucket, COUNT(*) AS n, MAX(message_id) AS last
               FROM campaign_recipient WHERE campaign_id = ? AND delivery IS NOT NULL GROUP BY 2) g`,
        id,
      );
      sql.exec("INSERT OR IGNORE INTO campaign_tally (campaign_id, bucket, n) VALUES (?, 'state:queued', 0)", id);
    }
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** A new campaign's `count` recipients, all queued. */
  start(id: string, count: number): void {
    this.bump(id, "state:queued", count);
  }

  /** Forgets a campaign's recipients and tallies. */
  forget(id: string): void {
    this.sql.exec("DELETE FROM campaign_recipient WHERE campaign_id = ?", id);
    this.sql.exec("DELETE FROM campaign_tally WHERE campaign_id = ?", id);
  }

  /** Takes the campaign's next queued recipient (marks it sending), if any; `testOnly`: only one in an A/B test's test share. */
  claimNext(id: string, now: number, testOnly = false): Recipient | undefined {
    const row = this.sql
      .exec<RecipientRow>(
        `UPDATE campaign_recipient SET state = 'sending', sent_at = ?, handed_at = NULL WHERE campaign_id = ? AND row = (SELECT row FROM campaign_recipient WHERE campaign_id = ? AND state = 'queued'${testOnly ? " AND variant IS NOT NULL" : ""} ORDER BY row LIMIT 1) RETURNING *`,
        now,
        id,
        id,
      )
      .toArray()[0];
    if (!row) return undefined;
    this.move(id, "queued", "sending");
    return recipientOf(row);
  }

  /** Where a recipient ended: sent (with its message id), failed, unknown or skipped — or back to the queue. */
  settle(id: string, row: number, state: RecipientState, fields: { messageId?: string; reason?: string } = {}): void {
    const before = this.sql.exec<{ state: RecipientState; variant: string | null }>("SELECT state, variant FROM campaign_recipient WHERE campaign_id = ? AND row = ?", id, row).toArray()[0];
    if (!before) return;
    this.sql.exec("UPDATE campaign_recipient SET state = ?, message_id = ?, reason = ? WHERE campaign_id = ? AND row = ?", state, fields.messageId ?? null, fields.reason ?? null, id, row);
    this.move(id, before.state, state);
    if (state === "failed") this.bump(id, `failed:${fields.reason ?? "unknown"}`, 1);
    if (state === "submitted" && before.variant) this.bump(id, `ab:${before.variant}:sent`, 1);
    // Gupshup may report on a message before its send is settled here: what the inbox already holds counts now.
    if (state === "submitted" && fields.messageId) {
      for (const e of this.sql.exec<DeliveryEvent>("SELECT message_id AS messageId, status, code, reason FROM inbox_status WHERE message_id = ?", fields.messageId).toArray()) this.learn(e);
    }
  }

  /** A delivery event: the recipient it is about moves to it when it is a later stage than the one they are in. */
  learn(event: DeliveryEvent): void {
    const row = this.sql
      .exec<{ campaign_id: string; delivery: string | null; delivery_code: string | null; variant: string | null }>(
        "SELECT campaign_id, delivery, delivery_code, variant FROM campaign_recipient WHERE message_id = ? LIMIT 1",
        event.messageId,
      )
      .toArray()[0];
    if (!row || rankOf(event.status) <= rankOf(row.delivery)) return;
    this.sql.exec("UPDATE campaign_recipient SET delivery = ?, delivery_code = ? WHERE message_id = ?", event.status, event.code, event.messageId);
    if (row.delivery) this.bump(row.campaign_id, deliveryBucket(row.delivery, row.delivery_code), -1);
    this.bump(row.campaign_id, deliveryBucket(event.status, event.code), 1, event.status === "failed" ? event.reason : null);
    if (row.variant && event.status === "read") this.bump(row.campaign_id, `ab:${row.variant}:read`, 1);
  }

  /**
   * An A/B test's share: `size` recipients spread over the list (a fixed scramble of the rows, so
   * neither the file's first lines nor any sort order decide who is tested), alternately A and B.
   */
  splitForTest(id: string, size: number): void {
    this.sql.exec(
      `WITH ranked AS (SELECT row, ROW_NUMBER() OVER (ORDER BY (row * 2654435761) % 4294967296, row) AS k FROM campaign_recipient WHERE campaign_id = ?1)
       UPDATE campaign_recipient SET variant = CASE ranked.k % 2 WHEN 1 THEN 'A' ELSE 'B' END
       FROM ranked WHERE campaign_recipient.campaign_id = ?1 AND campaign_recipient.row = ranked.row AND ranked.k <= ?2`,
      id,
      size,
    );
  }

  /** An A/B test's two templates: how many got each, and how many of them read it. */
  testCounts(id: string): TestCounts {
    const n = Object.fromEntries(this.tally(id, "ab:").map((t) => [t.key, t.n]));
    return { A: { sent: n["A:sent"] ?? 0, read: n["A:read"] ?? 0 }, B: { sent: n["B:sent"] ?? 0, read: n["B:read"] ?? 0 } };
  }

  /** Whether any of an A/B test's share is still to be sent or being sent. */
  testLeft(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM campaign_recipient WHERE campaign_id = ? AND state IN ('queued', 'sending') AND variant IS NOT NULL LIMIT 1", id).toArray().length > 0;
  }

  /** Whether a message is one of a campaign's (its delivery events are then kept as its latest only). */
  isCampaignMessage(messageId: string): boolean {
    if (!this.tables.exist) return false;
    return this.sql.exec("SELECT 1 FROM campaign_recipient WHERE message_id = ? LIMIT 1", messageId).toArray().length > 0;
  }

  /** Rows an instance that is gone left in `sending`: whether each was handed over, and to which campaign. */
  interrupted(): { campaignId: string; row: number; handed: boolean }[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ campaign_id: string; row: number; handed_at: number | null }>("SELECT campaign_id, row, handed_at FROM campaign_recipient WHERE state = 'sending'")
      .toArray()
      .map((r) => ({ campaignId: r.campaign_id, row: r.row, handed: r.handed_at !== null }));
  }

  /** The turn came and the send is going out: from here on only the send ledger can say whether Gupshup took it. */
  handOver(id: string, row: number, now: number): void {
    this.sql.exec("UPDATE campaign_recipient SET handed_at = ? WHERE campaign_id = ? AND row = ?", now, id, row);
  }

  /** Recipients being sent right now, in all campaigns. */
  sendingNow(): number {
    if (!this.tables.exist) return 0;
    return this.sql.exec<{ n: number | null }>("SELECT SUM(n) AS n FROM campaign_tally WHERE bucket = 'state:sending'").one().n ?? 0;
  }

  /** Whether any recipient of the campaign is in one of `states` (queued: waits to be sent; queued or sending: not finished). */
  hasAny(id: string, ...states: RecipientState[]): boolean {
    return this.sql.exec(`SELECT 1 FROM campaign_recipient WHERE campaign_id = ? AND state IN (${states.map(() => "?").join(", ")}) LIMIT 1`, id, ...states).toArray().length > 0;
  }

  /** How many recipients are in each state. */
  counts(id: string): Record<RecipientState, number> {
    const counts = Object.fromEntries(RECIPIENT_STATES.map((s) => [s, 0])) as Record<RecipientState, number>;
    for (const t of this.tally(id, "state:")) counts[t.key as RecipientState] = t.n;
    return counts;
  }

  /** Why recipients were not sent, with how many each. */
  failures(id: string): { reason: string; count: number }[] {
    return this.tally(id, "failed:").map((t) => ({ reason: t.key, count: t.n }));
  }

  /** What the delivery inbox says about the campaign's sent messages: each recipient once, in their latest state. */
  delivery(id: string): { delivered: number; read: number; failed: { code: string | null; reason: string | null; count: number }[] } {
    const buckets = this.tally(id, "delivery:");
    const n = (...keys: string[]) => buckets.filter((b) => keys.includes(b.key)).reduce((sum, b) => sum + b.n, 0);
    const failed = buckets.filter((b) => b.key.startsWith("failed:")).map((b) => ({ code: b.key.slice("failed:".length) || null, reason: b.note, count: b.n }));
    // A message deleted after it arrived was delivered (whether it was read first is not known).
    return { delivered: n("delivered", "read", "deleted"), read: n("read"), failed };
  }

  /** Sends made since `since` (for throughput). */
  sentSince(id: string, since: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign_recipient WHERE campaign_id = ? AND sent_at >= ? AND state != 'queued'", id, since).one().n;
  }

  /** A page of recipients after row `after`, optionally in one state. */
  page(id: string, state: RecipientState | undefined, after: number, limit: number): Recipient[] {
    return this.sql
      .exec<RecipientRow>("SELECT * FROM campaign_recipient WHERE campaign_id = ? AND row > ? AND (? IS NULL OR state = ?) ORDER BY row LIMIT ?", id, after, state ?? null, state ?? null, limit)
      .toArray()
      .map(recipientOf);
  }

  /** A recipient left one state for another. */
  private move(id: string, from: RecipientState, to: RecipientState): void {
    if (from === to) return;
    this.bump(id, `state:${from}`, -1);
    this.bump(id, `state:${to}`, 1);
  }

  private bump(id: string, bucket: string, by: number, note: string | null = null): void {
    this.sql.exec(
      "INSERT INTO campaign_tally (campaign_id, bucket, n, note) VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id, bucket) DO UPDATE SET n = n + excluded.n, note = COALESCE(excluded.note, note)",
      id,
      bucket,
      by,
      note,
    );
  }

  /** A campaign's tallies under one prefix, largest first. */
  private tally(id: string, prefix: string): { key: string; n: number; note: string | null }[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ bucket: string; n: number; note: string | null }>(
        "SELECT bucket, n, note FROM campaign_tally WHERE campaign_id = ? AND bucket LIKE ? AND n > 0 ORDER BY n DESC, bucket",
        id,
        `${prefix}%`,
      )
      .toArray()
      .map((t) => ({ key: t.bucket.slice(prefix.length), n: t.n, note: t.note }));
  }
}

/** How far a stage is (0: none yet). */
const rankOf = (status: string | null) => (status === null ? 0 : (STATUS_RANK[status as keyof typeof STATUS_RANK] ?? 0));

/** The tally a recipient's latest delivery state counts in (a failure by its code). */
const deliveryBucket = (status: string, code: string | null) => (status === "failed" ? `delivery:failed:${code ?? ""}` : `delivery:${status}`);

type RecipientRow = {
  row: number;
  destination: string;
  params: string;
  state: RecipientState;
  message_id: string | null;
  reason: string | null;
  sent_at: number | null;
  delivery: string | null;
  variant: "A" | "B" | null;
};

const recipientOf = (r: RecipientRow): Recipient => ({
  row: r.row,
  destination: r.destination,
  params: JSON.parse(r.params) as string[],
  state: r.state,
  messageId: r.message_id,
  reason: r.reason,
  delivery: r.delivery,
  variant: r.variant,
});
