import type { LazyTables } from "../gateway/lazy-tables";
import { Conversations, SERVICE_WINDOW_MS, type SentContent } from "./conversations";
import type { DeliveryStatus, InboxEvent } from "./parse";
import { RANK_SQL, STATUS_RANK } from "./status-rank";

export { SERVICE_WINDOW_MS };

export type WindowState = "open" | "closed" | "unknown";

export interface StatusEntry {
  status: DeliveryStatus | "submitted";
  at: number;
  code: string | null;
  reason: string | null;
}

export interface MessageStatus {
  messageId: string;
  whatsappId: string | null;
  recipient: string | null;
  status: StatusEntry["status"];
  history: StatusEntry[];
}

export interface FailedEntry {
  recipient: string | null;
  messageId: string;
  code: string | null;
  reason: string | null;
  at: number;
}

export interface InboundEntry {
  sender: string;
  name: string | null;
  messageId: string;
  type: string;
  text: string | null;
  /** For button and list replies: the id (or postback payload) of the option chosen. */
  replyId: string | null;
  /** The message it quoted (the customer replied to it). */
  replyTo: string | null;
  at: number;
}

export interface InboxReport {
  sent: { type: string | null; text: string | null; sent: number; delivered: number; read: number; failed: number }[];
  failures: { code: string | null; reason: string | null; count: number }[];
  inbound: { messages: number; customers: number };
}

/**
 * One app's delivery inbox in its Durable Object's SQLite: delivery events, inbound messages and
 * the messages our tools sent. Events are stored once (by key) and kept for a bounded time.
 */
export class InboxStore {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS inbox_status (key TEXT PRIMARY KEY, message_id TEXT NOT NULL, whatsapp_id TEXT, status TEXT NOT NULL, recipient TEXT, code TEXT, reason TEXT, at INTEGER NOT NULL, received_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS inbox_status_message ON inbox_status (message_id);
      CREATE INDEX IF NOT EXISTS inbox_status_whatsapp ON inbox_status (whatsapp_id);
      CREATE INDEX IF NOT EXISTS inbox_status_at ON inbox_status (status, at);
      CREATE INDEX IF NOT EXISTS inbox_status_received ON inbox_status (received_at);
      CREATE TABLE IF NOT EXISTS inbox_inbound (key TEXT PRIMARY KEY, message_id TEXT NOT NULL, sender TEXT NOT NULL, name TEXT, type TEXT NOT NULL, text TEXT, at INTEGER NOT NULL, received_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS inbox_inbound_sender ON inbox_inbound (sender, at);
      CREATE INDEX IF NOT EXISTS inbox_inbound_at ON inbox_inbound (at);
      CREATE INDEX IF NOT EXISTS inbox_inbound_received ON inbox_inbound (received_at);
      CREATE TABLE IF NOT EXISTS inbox_sent (message_id TEXT PRIMARY KEY, recipient TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS inbox_sent_at ON inbox_sent (at);
      CREATE INDEX IF NOT EXISTS inbox_sent_recipient ON inbox_sent (recipient, at);`);
    addColumns(sql, "inbox_inbound", ["reply_id", "reply_to"]);
    addColumns(sql, "inbox_sent", ["type", "text", "reply_to", "campaign"]);
    Conversations.schema(sql);
  }

  readonly conversations: Conversations;

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {
    this.conversations = new Conversations(sql, tables);
  }

  /** How many different numbers our sends reached since `since` (what a messaging tier counts, as far as this server knows). */
  recipientsSince(since: number): number {
    if (!this.tables.exist) return 0;
    return this.sql.exec<{ n: number }>("SELECT COUNT(DISTINCT recipient) AS n FROM inbox_sent WHERE at >= ?", since).one().n;
  }

  /**
   * Stores events not seen before (template events are not kept: they only drop caches). An event
   * dated in the future counts as now, so it cannot hold a 24-hour window open; one older than
   * `oldest` (the retention) is not stored, so it cannot come back after it was forgotten. Returns
   * the events stored now (a callback Gupshup repeats is not among them).
   */
  ingest(events: InboxEvent[], now: number, oldest: number, latestOnly: (messageId: string) => boolean = () => false): InboxEvent[] {
    if (events.length > 0) this.tables.create();
    const stored: InboxEvent[] = [];
    for (const event of events) {
      if (event.kind === "template" || event.at < oldest) continue;
      const e = { ...event, at: Math.min(event.at, now) };
      let written = 0;
      if (e.kind === "status") {
        // A campaign message keeps its latest stage only: 100,000 sends are 100,000 rows, not one per event.
        const latest = latestOnly(e.messageId);
        const onConflict = latest
          ? `ON CONFLICT (key) DO UPDATE SET whatsapp_id = COALESCE(excluded.whatsapp_id, whatsapp_id), status = excluded.status, recipient = COALESCE(excluded.recipient, recipient),
               code = excluded.code, reason = excluded.reason, at = excluded.at, received_at = excluded.received_at
             WHERE ${RANK_SQL("excluded.status")} > ${RANK_SQL("inbox_status.status")}`
          : "ON CONFLICT (key) DO NOTHING";
        written = this.sql.exec(
          `INSERT INTO inbox_status (key, message_id, whatsapp_id, status, recipient, code, reason, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${onConflict}`,
          latest ? `latest:${e.messageId}` : e.key,
          e.messageId,
          e.whatsappId,
          e.status,
          e.recipient,
          e.code,
          e.reason,
          e.at,
          now,
        ).rowsWritten;
      } else if (e.kind === "inbound") {
        written = this.sql.exec(
          "INSERT OR IGNORE INTO inbox_inbound (key, message_id, sender, name, type, text, reply_id, reply_to, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          e.key,
          e.messageId,
          e.sender,
          e.name,
          e.type,
          e.text,
          e.replyId,
          e.replyTo,
          e.at,
          now,
        ).rowsWritten;
        if (written > 0) this.conversations.noteInbound(e, now);
      }
      if (written > 0) stored.push(e);
    }
    return stored;
  }

  /** One of our messages went out: kept for its status and its conversation's thread. */
  recordSent(messageId: string, recipient: string, now: number, content: SentContent): void {
    this.tables.create();
    const written = this.sql.exec(
      "INSERT OR IGNORE INTO inbox_sent (message_id, recipient, at, type, text, reply_to, campaign) VALUES (?, ?, ?, ?, ?, ?, ?)",
      messageId,
      recipient,
      now,
      content.type,
      content.text,
      content.replyTo ?? null,
      content.campaign ?? null,
    ).rowsWritten;
    if (written > 0) this.conversations.noteSent(messageId, recipient, now, content);
  }

  /**
   * Forgets what was received before `cutoff`, at most `batch` rows a table (by index), and says
   * whether anything older may remain.
   */
  prune(cutoff: number, batch: number): boolean {
    if (!this.tables.exist) return false;
    let full = false;
    for (const [table, column] of [
      ["inbox_status", "received_at"],
      ["inbox_inbound", "received_at"],
      ["inbox_sent", "at"],
    ] as const) {
      const deleted = this.sql.exec(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ?)`, cutoff, batch).rowsWritten;
      if (deleted >= batch) full = true;
    }
    if (this.conversations.prune(cutoff, batch) >= batch) full = true;
    return full;
  }

  /** Whether anything is stored at all. */
  isEmpty(): boolean {
    if (!this.tables.exist) return true;
    return this.sql.exec<{ stored: number }>("SELECT EXISTS (SELECT 1 FROM inbox_status) OR EXISTS (SELECT 1 FROM inbox_inbound) OR EXISTS (SELECT 1 FROM inbox_sent) AS stored").one().stored === 0;
  }

  /** Every event for a message, found by Gupshup's id or WhatsApp's (they are linked by the events themselves). */
  messageStatus(id: string): MessageStatus | undefined {
    type Row = { message_id: string; whatsapp_id: string | null; status: DeliveryStatus; recipient: string | null; code: string | null; reason: string | null; at: number };
    if (!this.tables.exist) return undefined;
    const find = (ids: string[]) =>
      this.sql
        .exec<Row>(
          `SELECT message_id, whatsapp_id, status, recipient, code, reason, at FROM inbox_status WHERE message_id IN (${ids.map(() => "?").join(",")}) OR whatsapp_id IN (${ids.map(() => "?").join(",")})`,
          ...ids,
          ...ids,
        )
        .toArray();
    let rows = find([id]);
    const ids = new Set([id, ...rows.flatMap((r) => [r.message_id, r.whatsapp_id ?? r.message_id])]);
    if (ids.size > 1) rows = find([...ids]);
    const sent = this.sql
      .exec<{ message_id: string; recipient: string; at: number }>(`SELECT message_id, recipient, at FROM inbox_sent WHERE message_id IN (${[...ids].map(() => "?").join(",")})`, ...ids)
      .toArray()[0];
    if (rows.length === 0 && !sent) return undefined;
    const history: StatusEntry[] = [
      ...(sent ? [{ status: "submitted" as const, at: sent.at, code: null, reason: null }] : []),
      ...rows.map((r) => ({ status: r.status, at: r.at, code: r.code, reason: r.reason })),
    ].sort((a, b) => Math.floor(a.at / 1000) - Math.floor(b.at / 1000) || STATUS_RANK[a.status] - STATUS_RANK[b.status]); // Gupshup stamps most events in whole seconds
    const latest = history.reduce((best, e) => (STATUS_RANK[e.status] >= STATUS_RANK[best.status] ? e : best));
    return {
      messageId: sent?.message_id ?? rows.find((r) => r.message_id !== r.whatsapp_id)?.message_id ?? id,
      whatsappId: rows.find((r) => r.whatsapp_id)?.whatsapp_id ?? null,
      recipient: sent?.recipient ?? rows.find((r) => r.recipient)?.recipient ?? null,
      status: latest.status,
      history,
    };
  }

  failed(since: number, until: number, limit: number): FailedEntry[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ recipient: string | null; message_id: string; code: string | null; reason: string | null; at: number }>(
        `SELECT COALESCE(f.recipient, s.recipient) AS recipient, f.message_id, f.code, f.reason, f.at
         FROM inbox_status f LEFT JOIN inbox_sent s ON s.message_id = f.message_id
         WHERE f.status = 'failed' AND f.at >= ? AND f.at <= ? ORDER BY f.at DESC LIMIT ?`,
        since,
        until,
        limit,
      )
      .toArray()
      .map((r) => ({ recipient: r.recipient, messageId: r.message_id, code: r.code, reason: r.reason, at: r.at }));
  }

  /** Numbers whose messages failed with `code` (e.g. 1002, not on WhatsApp) while the inbox kept them. */
  numbersThatFailedWith(code: string): Set<string> {
    if (!this.tables.exist) return new Set();
    const rows = this.sql
      .exec<{ recipient: string | null }>(
        "SELECT DISTINCT COALESCE(f.recipient, s.recipient) AS recipient FROM inbox_status f LEFT JOIN inbox_sent s ON s.message_id = f.message_id WHERE f.status = 'failed' AND f.code = ?",
        code,
      )
      .toArray();
    return new Set(rows.flatMap((r) => (r.recipient ? [r.recipient.replace(/\D/g, "")] : [])));
  }

  inbound(since: number, until: number, limit: number): InboundEntry[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<InboundRow>(`SELECT ${INBOUND_COLUMNS} FROM inbox_inbound WHERE at >= ? AND at <= ? ORDER BY at DESC LIMIT ?`, since, until, limit).toArray().map(inboundOf);
  }

  /**
   * What the inbox knows of a window's messages: ours sent in it by kind (a template by its name or
   * id), each with how many were delivered, read and failed as reported so far; the failure codes;
   * and what customers wrote in it.
   */
  report(since: number, until: number): InboxReport {
    const empty: InboxReport = { sent: [], failures: [], inbound: { messages: 0, customers: 0 } };
    if (!this.tables.exist) return empty;
    const reached = (statuses: string) => `SUM(EXISTS (SELECT 1 FROM inbox_status x WHERE x.message_id = s.message_id AND x.status IN (${statuses})))`;
    const sent = this.sql
      .exec<{ type: string | null; text: string | null; sent: number; delivered: number; read: number; failed: number }>(
        `SELECT s.type, CASE WHEN s.type = 'template' THEN s.text END AS text, COUNT(*) AS sent, ${reached("'delivered', 'read'")} AS delivered, ${reached("'read'")} AS read, ${reached("'failed'")} AS failed
         FROM inbox_sent s WHERE s.at >= ? AND s.at <= ? GROUP BY 1, 2 ORDER BY sent DESC`,
        since,
        until,
      )
      .toArray();
    const failures = this.sql
      .exec<{ code: string | null; reason: string | null; count: number }>(
        `SELECT f.code, MAX(f.reason) AS reason, COUNT(DISTINCT f.message_id) AS count FROM inbox_sent s JOIN inbox_status f ON f.message_id = s.message_id
         WHERE s.at >= ? AND s.at <= ? AND f.status = 'failed' GROUP BY f.code ORDER BY count DESC LIMIT 5`,
        since,
        until,
      )
      .toArray();
    const inbound = this.sql
      .exec<{ messages: number; customers: number }>("SELECT COUNT(*) AS messages, COUNT(DISTINCT sender) AS customers FROM inbox_inbound WHERE at >= ? AND at <= ?", since, until)
      .one();
    return { sent, failures, inbound };
  }

  /** Template sends in a window by the name or id each recorded (one range read of the sends' time index). */
  templateSends(since: number, until: number): { text: string; sent: number }[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ text: string; sent: number }>("SELECT text, COUNT(*) AS sent FROM inbox_sent WHERE at >= ? AND at <= ? AND type = 'template' AND text IS NOT NULL GROUP BY text", since, until)
      .toArray();
  }

  /** One message a customer sent, by its id. */
  inboundMessage(messageId: string): InboundEntry | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<InboundRow>(`SELECT ${INBOUND_COLUMNS} FROM inbox_inbound WHERE key = ?`, `inbound:${messageId}`).toArray()[0];
    return row ? inboundOf(row) : undefined;
  }

  /** Gupshup took a mark-read for a customer's message: it and their earlier ones no longer count as unread. */
  noteMarkedRead(messageId: string): void {
    const message = this.inboundMessage(messageId);
    if (message) this.conversations.noteRead(message.sender, message.at);
  }

  lastInboundAt(sender: string): number | undefined {
    if (!this.tables.exist) return undefined;
    return this.conversations.lastCustomerAt(sender);
  }

  /**
   * Whether a free-form message to `sender` can be delivered, as far as the inbox knows; it knows
   * only since the webhook was set up (`configuredAt`).
   */
  windowState(sender: string, now: number, configuredAt: number | null): WindowState {
    if (configuredAt === null) return "unknown";
    const last = this.lastInboundAt(sender);
    if (last !== undefined) return now - last < SERVICE_WINDOW_MS ? "open" : "closed";
    return now - configuredAt >= SERVICE_WINDOW_MS ? "closed" : "unknown";
  }
}

type InboundRow = { sender: string; name: string | null; message_id: string; type: string; text: string | null; reply_id: string | null; reply_to: string | null; at: number };
const INBOUND_COLUMNS = "sender, name, message_id, type, text, reply_id, reply_to, at";
const inboundOf = (r: InboundRow): InboundEntry => ({ sender: r.sender, name: r.name, messageId: r.message_id, type: r.type, text: r.text, replyId: r.reply_id, replyTo: r.reply_to, at: r.at });

/** Adds the TEXT columns a table from an older version lacks. */
function addColumns(sql: SqlStorage, table: string, columns: string[]): void {
  const have = new Set(
    sql
      .exec<{ name: string }>(`PRAGMA table_info(${table})`)
      .toArray()
      .map((c) => c.name),
  );
  for (const column of columns) if (!have.has(column)) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
}
