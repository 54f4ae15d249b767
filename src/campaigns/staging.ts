import type { LazyTables } from "../gateway/lazy-tables";

/** A checked recipient: the number normalised, one value per variable. */
export interface CheckedRow {
  row: number;
  destination: string;
  params: string[];
}

/** Why a number is kept out of the campaign (it still counts as seen: a later row for it is a duplicate). */
export type Skip = "optedOut" | "notOnWhatsApp";

/**
 * Recipients being read into a preview, batch by batch, before the preview exists: kept in the
 * object's SQLite (memory stays flat however long the list) with one row per number, the first
 * row given for it, and why it is skipped if it is. A load outlives an eviction of the object, so the batches after one carry on;
 * a load nobody finished (the tool call was cut off) is never startable and is forgotten.
 */
export class RecipientStaging {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS campaign_load (id TEXT PRIMARY KEY, staged_by TEXT NOT NULL, started_at INTEGER NOT NULL, rows INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS campaign_stage (load_id TEXT NOT NULL, destination TEXT NOT NULL, row INTEGER NOT NULL, params TEXT NOT NULL, skip TEXT, PRIMARY KEY (load_id, destination));`);
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** The load, if it exists: who started it and how many rows it holds to send. */
  load(id: string): { stagedBy: string; startedAt: number; rows: number } | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<{ staged_by: string; started_at: number; rows: number }>("SELECT staged_by, started_at, rows FROM campaign_load WHERE id = ?", id).toArray()[0];
    return row && { stagedBy: row.staged_by, startedAt: row.started_at, rows: row.rows };
  }

  /** Loads begun since `since` and not finished. */
  openSince(since: number): number {
    if (!this.tables.exist) return 0;
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign_load WHERE started_at >= ?", since).one().n;
  }

  /**
   * Adds rows to a load (begun by this call when new), each with why it is skipped (`skipOf`, asked
   * only of numbers the load does not hold yet). Returns the rows added; the others were duplicates.
   */
  add(id: string, stagedBy: string, rows: readonly CheckedRow[], now: number, skipOf: (destination: string) => Skip | undefined): (CheckedRow & { skip?: Skip })[] {
    this.tables.create();
    this.sql.exec("INSERT OR IGNORE INTO campaign_load (id, staged_by, started_at, rows) VALUES (?, ?, ?, 0)", id, stagedBy, now);
    const added: (CheckedRow & { skip?: Skip })[] = [];
    for (const r of rows) {
      if (this.sql.exec("SELECT 1 FROM campaign_stage WHERE load_id = ? AND destination = ?", id, r.destination).toArray().length > 0) continue;
      const skip = skipOf(r.destination);
      this.sql.exec("INSERT INTO campaign_stage (load_id, destination, row, params, skip) VALUES (?, ?, ?, ?, ?)", id, r.destination, r.row, JSON.stringify(r.params), skip ?? null);
      added.push(skip ? { ...r, skip } : r);
    }
    this.sql.exec("UPDATE campaign_load SET rows = rows + ? WHERE id = ?", added.filter((r) => !r.skip).length, id);
    return added;
  }

  /** Moves a load's rows not skipped into a campaign's recipients, all queued, and forgets the load; returns how many. */
  moveInto(id: string, campaignId: string): number {
    const moved = this.load(id)?.rows ?? 0;
    this.sql.exec(
      "INSERT INTO campaign_recipient (campaign_id, row, destination, params, state) SELECT ?, row, destination, params, 'queued' FROM campaign_stage WHERE load_id = ? AND skip IS NULL ORDER BY row",
      campaignId,
      id,
    );
    this.drop(id);
    return moved;
  }

  drop(id: string): void {
    if (!this.tables.exist) return;
    this.sql.exec("DELETE FROM campaign_stage WHERE load_id = ?", id);
    this.sql.exec("DELETE FROM campaign_load WHERE id = ?", id);
  }

  /** Forgets loads begun before `cutoff` (a tool call that was cut off left them); says whether any load is left. */
  prune(cutoff: number): boolean {
    if (!this.tables.exist) return false;
    for (const { id } of this.sql.exec<{ id: string }>("SELECT id FROM campaign_load WHERE started_at < ?", cutoff).toArray()) this.drop(id);
    return this.openSince(0) > 0;
  }
}
