import type { LazyTables } from "../gateway/lazy-tables";
import { RANK_SQL } from "./status-rank";

/** 24 hours: WhatsApp's customer-service window after a user's last message. */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

/** Who is on a conversation: open (it needs an answer), waiting (someone has it, or it waits on the customer), done. */
export type HandOff = "open" | "waiting" | "done";

/** A hand-off: the conversation with `number` is marked `state`, with a note and who handles it. */
export interface HandOffChange {
  number: string;
  state: HandOff;
  note: string | null;
  handledBy: string | null;
}

/** What one of our messages was, for the thread: its type, its text or template, the message it quoted. */
export interface SentContent {
  type: string;
  text: string | null;
  /** The customer message this one quoted (replyTo). */
  replyTo?: string | null;
  /** The campaign that sent it, by name. */
  campaign?: string | null;
}

/** One message of a conversation: what the customer wrote, or what the app sent and how far it got. */
export interface ConversationEntry {
  direction: "in" | "out";
  messageId: string;
  at: number;
  /** text, image, …, button_reply / list_reply / quick_reply (in), template, interactive (out). */
  type: string | null;
  /** In: the text, caption or option title; out: the text, or the template's name. */
  text: string | null;
  /** In, for a button or list reply: the id of the option chosen. */
  replyId: string | null;
  /** The message this one quoted. */
  replyTo: string | null;
  /** Out: the latest delivery status the inbox holds. */
  status: string | null;
  /** Out: the campaign that sent it. */
  campaign: string | null;
}

export interface ConversationSummary {
  number: string;
  name: string | null;
  lastAt: number;
  lastFrom: "customer" | "business";
  lastType: string | null;
  lastText: string | null;
  /** Our last message's delivery status, when it is the last message. */
  lastStatus: string | null;
  /** Customer messages since our last message and the last mark_read. */
  unread: number;
  lastCustomerAt: number | null;
  startedAt: number;
  startedBy: { kind: "customer" | "template" | "campaign" | "message"; name: string | null };
  handOff: { state: HandOff; note: string | null; handledBy: string | null; at: number | null };
}

export interface ConversationFilter {
  unread?: boolean;
  awaitingReply?: boolean;
  windowOpen?: boolean;
  state?: HandOff;
  since?: number;
  limit: number;
}

/**
 * When a customer's message came, for ordering it against ours: Meta's callbacks stamp it in whole
 * seconds, so one stamped in the second of our send may have come after it; it counts as the end
 * of its second, but never later than it reached us (our sends are timed on the same clock).
 * `ARRIVED_SQL` is the same over inbox_inbound's columns.
 */
const arrivedAt = (at: number, receivedAt: number) => Math.min(at % 1000 === 0 ? at + 999 : at, receivedAt);
const ARRIVED_SQL = (table: string) => `MIN(CASE WHEN ${table}.at % 1000 = 0 THEN ${table}.at + 999 ELSE ${table}.at END, ${table}.received_at)`;
/** The conversation's last message is ours and it failed: the customer still waits for an answer. */
const LAST_FAILED_SQL = "EXISTS (SELECT 1 FROM inbox_status f WHERE f.message_id = conversation.last_message_id AND f.status = 'failed')";
const LAST_STATUS_SQL = `CASE WHEN conversation.last_direction = 'out' THEN (SELECT status FROM inbox_status WHERE message_id = conversation.last_message_id ORDER BY ${RANK_SQL("status")} DESC LIMIT 1) END AS last_status`;

type Row = {
  number: string;
  name: string | null;
  last_at: number;
  last_direction: "in" | "out";
  last_type: string | null;
  last_text: string | null;
  last_message_id: string;
  last_in_at: number | null;
  last_out_at: number | null;
  read_upto: number | null;
  unread: number;
  started_at: number;
  started_kind: ConversationSummary["startedBy"]["kind"];
  started_name: string | null;
  state: HandOff;
  note: string | null;
  handled_by: string | null;
  state_at: number | null;
};

/**
 * An app's conversations, one row per customer number, kept up to date as messages come and go
 * (so listing them reads one indexed table, whatever the inbox holds); threads read the inbox.
 */
export class Conversations {
  static schema(sql: SqlStorage): void {
    const existed = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation'").toArray().length > 0;
    sql.exec(`CREATE TABLE IF NOT EXISTS conversation (number TEXT PRIMARY KEY, name TEXT, last_at INTEGER NOT NULL, last_direction TEXT NOT NULL, last_type TEXT, last_text TEXT, last_message_id TEXT NOT NULL,
        last_in_at INTEGER, last_out_at INTEGER, read_upto INTEGER, unread INTEGER NOT NULL DEFAULT 0, started_at INTEGER NOT NULL, started_kind TEXT NOT NULL, started_name TEXT,
        state TEXT NOT NULL DEFAULT 'open', note TEXT, handled_by TEXT, state_at INTEGER);
      CREATE INDEX IF NOT EXISTS conversation_last ON conversation (last_at);
      CREATE INDEX IF NOT EXISTS conversation_state ON conversation (state, last_at);
      CREATE INDEX IF NOT EXISTS conversation_last_in ON conversation (last_in_at);`);
    if (!existed) backfill(sql);
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** A customer's message arrived: it is their conversation's latest (unless older), unread, and reopens a done one. */
  noteInbound(m: { messageId: string; sender: string; name: string | null; type: string; text: string | null; at: number }, receivedAt: number): void {
    const row = this.row(m.sender);
    if (!row) {
      this.sql.exec(
        `INSERT INTO conversation (number, name, last_at, last_direction, last_type, last_text, last_message_id, last_in_at, unread, started_at, started_kind) VALUES (?, ?, ?, 'in', ?, ?, ?, ?, 1, ?, 'customer')`,
        m.sender,
        m.name,
        m.at,
        m.type,
        m.text,
        m.messageId,
        m.at,
        m.at,
      );
      return;
    }
    const restarts = m.at - row.last_at >= SERVICE_WINDOW_MS;
    const arrived = arrivedAt(m.at, receivedAt);
    const latest = arrived >= row.last_at;
    const counts = arrived >= (row.last_out_at ?? 0) && m.at > (row.read_upto ?? 0);
    const unread = counts ? row.unread + 1 : row.unread;
    this.sql.exec(
      `UPDATE conversation SET name = COALESCE(?, name), last_in_at = MAX(COALESCE(last_in_at, 0), ?), unread = ?,
         last_at = ?, last_direction = ?, last_type = ?, last_text = ?, last_message_id = ?,
         started_at = ?, started_kind = ?, started_name = ?,
         state = CASE WHEN state = 'done' AND ? THEN 'open' ELSE state END, state_at = CASE WHEN state = 'done' AND ? THEN ? ELSE state_at END
       WHERE number = ?`,
      m.name,
      m.at,
      unread,
      Math.max(m.at, row.last_at),
      latest ? "in" : row.last_direction,
      latest ? m.type : row.last_type,
      latest ? m.text : row.last_text,
      latest ? m.messageId : row.last_message_id,
      restarts ? m.at : row.started_at,
      restarts ? "customer" : row.started_kind,
      restarts ? null : row.started_name,
      counts ? 1 : 0,
      counts ? 1 : 0,
      m.at,
      m.sender,
    );
  }

  /**
   * One of our messages went out: the latest of its conversation; what the customer wrote before
   * it counts as answered. A campaign's message answers no one: it only starts a conversation
   * (none yet, or quiet for 24 hours), and otherwise leaves it as it was (the thread shows it).
   */
  noteSent(messageId: string, recipient: string, at: number, content: SentContent): void {
    const kind: ConversationSummary["startedBy"]["kind"] = content.campaign ? "campaign" : content.type === "template" ? "template" : "message";
    const startedName = content.campaign ?? (content.type === "template" ? content.text : null);
    const restarts = `excluded.last_at - conversation.last_at >= ${SERVICE_WINDOW_MS}`;
    this.sql.exec(
      `INSERT INTO conversation (number, last_at, last_direction, last_type, last_text, last_message_id, last_out_at, unread, started_at, started_kind, started_name) VALUES (?, ?, 'out', ?, ?, ?, ?, 0, ?, ?, ?)
       ON CONFLICT (number) DO UPDATE SET last_out_at = MAX(COALESCE(last_out_at, 0), excluded.last_at), unread = 0,
         started_at = CASE WHEN ${restarts} THEN excluded.started_at ELSE started_at END,
         started_kind = CASE WHEN ${restarts} THEN excluded.started_kind ELSE started_kind END,
         started_name = CASE WHEN ${restarts} THEN excluded.started_name ELSE started_name END,
         last_direction = 'out', last_type = excluded.last_type, last_text = excluded.last_text, last_message_id = excluded.last_message_id, last_at = MAX(last_at, excluded.last_at)
       WHERE excluded.started_kind <> 'campaign' OR ${restarts}`,
      recipient,
      at,
      content.type,
      content.text,
      messageId,
      at,
      at,
      kind,
      startedName,
    );
  }

  /** The customer's messages up to `at` were read (mark_read): none of them counts as unread. */
  noteRead(number: string, at: number): void {
    if (!this.tables.exist) return;
    const row = this.row(number);
    if (!row) return;
    const upto = Math.max(row.read_upto ?? 0, at);
    const unread = this.sql
      .exec<{ n: number }>(`SELECT COUNT(*) AS n FROM inbox_inbound WHERE sender = ? AND at > ? AND ${ARRIVED_SQL("inbox_inbound")} >= ?`, number, upto, row.last_out_at ?? 0)
      .one().n;
    this.sql.exec("UPDATE conversation SET read_upto = ?, unread = ? WHERE number = ?", upto, unread, number);
  }

  /** Marks who is on a conversation; false when there is none with that number. */
  setHandOff(number: string, state: HandOff, note: string | null, handledBy: string | null, at: number): boolean {
    if (!this.tables.exist) return false;
    return this.sql.exec("UPDATE conversation SET state = ?, note = ?, handled_by = ?, state_at = ? WHERE number = ?", state, note, handledBy, at, number).rowsWritten > 0;
  }

  /** Conversations that match, newest activity first, and how many match in all. */
  list(filter: ConversationFilter, now: number): { conversations: ConversationSummary[]; total: number } {
    if (!this.tables.exist) return { conversations: [], total: 0 };
    const where: string[] = [];
    const values: (string | number)[] = [];
    if (filter.unread !== undefined) where.push(filter.unread ? "unread > 0" : "unread = 0");
    if (filter.awaitingReply !== undefined)
      where.push(
        filter.awaitingReply ? `(last_direction = 'in' OR (last_in_at IS NOT NULL AND ${LAST_FAILED_SQL}))` : `(last_direction = 'out' AND NOT (last_in_at IS NOT NULL AND ${LAST_FAILED_SQL}))`,
      );
    if (filter.windowOpen !== undefined) {
      where.push(filter.windowOpen ? "last_in_at > ?" : "(last_in_at IS NULL OR last_in_at <= ?)");
      values.push(now - SERVICE_WINDOW_MS);
    }
    if (filter.state) {
      where.push("state = ?");
      values.push(filter.state);
    }
    if (filter.since !== undefined) {
      where.push("last_at >= ?");
      values.push(filter.since);
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM conversation ${clause}`, ...values).one().n;
    const rows = this.sql
      .exec<Row & { last_status: string | null }>(`SELECT conversation.*, ${LAST_STATUS_SQL} FROM conversation ${clause} ORDER BY last_at DESC LIMIT ?`, ...values, filter.limit)
      .toArray();
    return { conversations: rows.map(summaryOf), total };
  }

  /** One conversation's summary, or undefined when the inbox has none with that number. */
  summary(number: string): ConversationSummary | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<Row & { last_status: string | null }>(`SELECT conversation.*, ${LAST_STATUS_SQL} FROM conversation WHERE number = ?`, number).toArray()[0];
    return row ? summaryOf(row) : undefined;
  }

  /** The newest `limit` messages between the app and `number`, oldest first. */
  with(number: string, limit: number): ConversationEntry[] {
    if (!this.tables.exist) return [];
    type Entry = {
      direction: "in" | "out";
      message_id: string;
      at: number;
      type: string | null;
      text: string | null;
      reply_id: string | null;
      reply_to: string | null;
      status: string | null;
      campaign: string | null;
    };
    return this.sql
      .exec<Entry>(
        `SELECT * FROM (
           SELECT 'in' AS direction, i.message_id, i.at, i.type, i.text, i.reply_id, COALESCE((SELECT message_id FROM inbox_status WHERE whatsapp_id = i.reply_to LIMIT 1), i.reply_to) AS reply_to, NULL AS status, NULL AS campaign, ${ARRIVED_SQL("i")} AS arrived FROM inbox_inbound i WHERE i.sender = ?
           UNION ALL
           SELECT 'out', s.message_id, s.at, s.type, s.text, NULL, s.reply_to, (SELECT status FROM inbox_status WHERE message_id = s.message_id ORDER BY ${RANK_SQL("status")} DESC LIMIT 1), s.campaign, s.at FROM inbox_sent s WHERE s.recipient = ?
         ) ORDER BY arrived DESC LIMIT ?`,
        number,
        number,
        limit,
      )
      .toArray()
      .reverse()
      .map((r) => ({
        direction: r.direction,
        messageId: r.message_id,
        at: r.at,
        type: r.type,
        text: r.text,
        replyId: r.reply_id,
        replyTo: r.reply_to,
        status: r.direction === "out" ? (r.status ?? "submitted") : null,
        campaign: r.campaign,
      }));
  }

  /** When the customer last wrote (the start of their 24-hour window), if ever. */
  lastCustomerAt(number: string): number | undefined {
    return this.sql.exec<{ last_in_at: number | null }>("SELECT last_in_at FROM conversation WHERE number = ?", number).toArray()[0]?.last_in_at ?? undefined;
  }

  /** The numbers that wrote most recently, newest first. */
  recentNumbers(limit: number): string[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ number: string }>("SELECT number FROM conversation WHERE last_in_at IS NOT NULL ORDER BY last_in_at DESC LIMIT ?", limit)
      .toArray()
      .map((r) => r.number);
  }

  /** Forgets conversations quiet, and not handed off, since before `cutoff` (the inbox's retention), at most `batch`. */
  prune(cutoff: number, batch: number): number {
    return this.sql.exec("DELETE FROM conversation WHERE rowid IN (SELECT rowid FROM conversation WHERE last_at < ? AND COALESCE(state_at, 0) < ? LIMIT ?)", cutoff, cutoff, batch).rowsWritten;
  }

  private row(number: string): Row | undefined {
    return this.sql.exec<Row>("SELECT * FROM conversation WHERE number = ?", number).toArray()[0];
  }
}

function summaryOf(r: Row & { last_status: string | null }): ConversationSummary {
  return {
    number: r.number,
    name: r.name,
    lastAt: r.last_at,
    lastFrom: r.last_direction === "in" ? "customer" : "business",
    lastType: r.last_type,
    lastText: r.last_text,
    lastStatus: r.last_direction === "out" ? (r.last_status ?? "submitted") : null,
    unread: r.unread,
    lastCustomerAt: r.last_in_at,
    startedAt: r.started_at,
    startedBy: { kind: r.started_kind, name: r.started_name },
    handOff: { state: r.state, note: r.note, handledBy: r.handled_by, at: r.state_at },
  };
}

/** An inbox from before conversations were kept: one row per number from the messages it holds. */
function backfill(sql: SqlStorage): void {
  type Message = {
    number: string;
    message_id: string;
    at: number;
    received_at: number;
    direction: "in" | "out";
    type: string | null;
    text: string | null;
    name: string | null;
    reply_to: string | null;
    campaign: string | null;
  };
  const messages = sql
    .exec<Message>(
      `SELECT sender AS number, message_id, at, received_at, 'in' AS direction, type, text, name, reply_to, NULL AS campaign FROM inbox_inbound
       UNION ALL SELECT recipient, message_id, at, at, 'out', type, text, NULL, reply_to, campaign FROM inbox_sent ORDER BY at`,
    )
    .toArray();
  const store = new Conversations(sql, { exist: true } as LazyTables);
  for (const m of messages) {
    if (m.direction === "in") store.noteInbound({ messageId: m.message_id, sender: m.number, name: m.name, type: m.type ?? "unknown", text: m.text, at: m.at }, m.received_at);
    else store.noteSent(m.message_id, m.number, m.at, { type: m.type ?? "message", text: m.text, replyTo: m.reply_to, campaign: m.campaign });
  }
}
