import type { UpstreamResult } from "../api/types";
import type { LazyTables } from "./lazy-tables";

/** An explicit idempotency key is honoured this long. */
export const KEY_TTL_MS = 24 * 3_600_000;
/** An identical send without a key within this long is treated as a client retry. */
export const DUPLICATE_WINDOW_MS = 60_000;

export interface LedgerEntry {
  key: string;
  contentHash: string;
  /** in_flight: sent, no answer yet. done: Gupshup accepted it. unknown: no proof either way. */
  state: "in_flight" | "done" | "unknown";
  result: UpstreamResult | null;
  createdAt: number;
  explicitKey: boolean;
}

/**
 * Every send this app made in the last 24 h, by idempotency key and by content, in the app's
 * SQLite — so a retried or duplicated send is answered from here instead of reaching Gupshup
 * again, even after an eviction.
 */
export class SendLedger {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS send_ledger (key TEXT PRIMARY KEY, content_hash TEXT NOT NULL, state TEXT NOT NULL, result TEXT, created_at INTEGER NOT NULL, explicit_key INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS send_ledger_content ON send_ledger (content_hash, created_at);
      CREATE INDEX IF NOT EXISTS send_ledger_created ON send_ledger (created_at);`);
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** The entry a send must be answered from: same key within 24 h, or (without a key) same content within 60 s. */
  find(key: string | undefined, contentHash: string, now: number): LedgerEntry | undefined {
    type Row = { key: string; content_hash: string; state: LedgerEntry["state"]; result: string | null; created_at: number; explicit_key: number };
    if (!this.tables.exist) return undefined;
    const row = key
      ? this.sql.exec<Row>("SELECT * FROM send_ledger WHERE key = ? AND created_at > ?", key, now - KEY_TTL_MS).toArray()[0]
      : this.sql.exec<Row>("SELECT * FROM send_ledger WHERE content_hash = ? AND created_at > ? ORDER BY created_at DESC LIMIT 1", contentHash, now - DUPLICATE_WINDOW_MS).toArray()[0];
    return (
      row && {
        key: row.key,
        contentHash: row.content_hash,
        state: row.state,
        result: row.result ? (JSON.parse(row.result) as UpstreamResult) : null,
        createdAt: row.created_at,
        explicitKey: row.explicit_key === 1,
      }
    );
  }

  /** The entry under `key`, however old (a campaign's row may be answered for after a long pause). */
  entry(key: string): Pick<LedgerEntry, "state" | "result"> | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<{ state: LedgerEntry["state"]; result: string | null }>("SELECT state, result FROM send_ledger WHERE key = ?", key).toArray()[0];
    return row && { state: row.state, result: row.result ? (JSON.parse(row.result) as UpstreamResult) : null };
  }

  begin(key: string, contentHash: string, explicitKey: boolean, now: number): void {
    this.tables.create();
    this.sql.exec("DELETE FROM send_ledger WHERE created_at <= ?", now - KEY_TTL_MS);
    this.sql.exec("INSERT OR REPLACE INTO send_ledger (key, content_hash, state, result, created_at, explicit_key) VALUES (?, ?, 'in_flight', NULL, ?, ?)", key, contentHash, now, explicitKey ? 1 : 0);
  }

  finish(key: string, state: "done" | "unknown", result: UpstreamResult): void {
    this.sql.exec("UPDATE send_ledger SET state = ?, result = ? WHERE key = ?", state, JSON.stringify(result), key);
  }

  /** A send that provably did not happen is forgotten, so the same key may try again. */
  forget(key: string): void {
    this.sql.exec("DELETE FROM send_ledger WHERE key = ?", key);
  }
}
