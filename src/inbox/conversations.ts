import type { LazyTables } from "../gateway/lazy-tables";
import { RANK_SQL } from "./status-rank";

/** One message of a conversation: what the user wrote, or what the app sent and how far it got. */
export interface ConversationEntry {
  direction: "in" | "out";
  messageId: string;
  at: number;
  /** In: the message type and text (a button or list reply: its title). */
  type: string | null;
  text: string | null;
  /** Out: the latest delivery status the inbox holds. */
  status: string | null;
}

/** An app's conversations with one number at a time, read from the delivery inbox. */
export class Conversations {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** The newest `limit` messages between the app and `number`, oldest first. */
  with(number: string, limit: number): ConversationEntry[] {
    if (!this.tables.exist) return [];
    type Row = { direction: "in" | "out"; message_id: string; at: number; type: string | null; text: string | null; status: string | null };
    return this.sql
      .exec<Row>(
        `SELECT * FROM (
           SELECT 'in' AS direction, message_id, at, type, text, NULL AS status FROM inbox_inbound WHERE sender = ?
           UNION ALL
           SELECT 'out', s.message_id, s.at, NULL, NULL, (SELECT status FROM inbox_status WHERE message_id = s.message_id ORDER BY ${RANK_SQL("status")} DESC LIMIT 1) FROM inbox_sent s WHERE s.recipient = ?
         ) ORDER BY at DESC LIMIT ?`,
        number,
        number,
        limit,
      )
      .toArray()
      .reverse()
      .map((r) => ({ direction: r.direction, messageId: r.message_id, at: r.at, type: r.type, text: r.text, status: r.direction === "out" ? (r.status ?? "submitted") : null }));
  }

  /** The numbers that wrote most recently, newest first. */
  recentNumbers(limit: number): string[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ sender: string }>("SELECT sender FROM inbox_inbound GROUP BY sender ORDER BY MAX(at) DESC LIMIT ?", limit)
      .toArray()
      .map((r) => r.sender);
  }
}
