import type { LazyTables } from "./lazy-tables";

/**
 * What a gateway object remembers across evictions, in its SQLite: the app token, which callers
 * proved access to the app (by token hash, never the token) and cached answers.
 */
/** A caller that proved access is remembered this long after its proof lapsed (it keeps its share of token calls). */
const KNOWN_CALLER_MS = 30 * 86_400_000;

export class GatewayStore {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS app_token (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL, fetched_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS verified_caller (caller TEXT PRIMARY KEY, until INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS cached_answer (key TEXT PRIMARY KEY, data TEXT NOT NULL, fetched_at INTEGER NOT NULL);
      DROP TABLE IF EXISTS partner_login;
      DROP TABLE IF EXISTS known_address;`);
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  appToken(): string | undefined {
    if (!this.tables.exist) return undefined;
    return this.sql.exec<{ token: string }>("SELECT token FROM app_token WHERE id = 1").toArray()[0]?.token;
  }

  saveAppToken(token: string, now: number): void {
    this.tables.create();
    this.sql.exec("INSERT OR REPLACE INTO app_token (id, token, fetched_at) VALUES (1, ?, ?)", token, now);
  }

  isVerified(caller: string, now: number): boolean {
    const until = this.proofOf(caller);
    return until !== undefined && until > now;
  }

  /** Whether the caller proved access within the last 30 days (its proof may have lapsed since). */
  isKnown(caller: string, now: number): boolean {
    const until = this.proofOf(caller);
    return until !== undefined && until > now - KNOWN_CALLER_MS;
  }

  verify(caller: string, until: number): void {
    this.tables.create();
    this.sql.exec("INSERT OR REPLACE INTO verified_caller (caller, until) VALUES (?, ?)", caller, until);
    this.sql.exec("DELETE FROM verified_caller WHERE until <= ?", Date.now() - KNOWN_CALLER_MS);
  }

  unverify(caller: string): void {
    if (this.tables.exist) this.sql.exec("DELETE FROM verified_caller WHERE caller = ?", caller);
  }

  cachedAnswer(key: string): { data: unknown; fetchedAt: number } | undefined {
    if (!this.tables.exist) return undefined;
    const row = this.sql.exec<{ data: string; fetched_at: number }>("SELECT data, fetched_at FROM cached_answer WHERE key = ?", key).toArray()[0];
    return row && { data: JSON.parse(row.data), fetchedAt: row.fetched_at };
  }

  saveAnswer(key: string, data: unknown, now: number): void {
    this.tables.create();
    this.sql.exec("INSERT OR REPLACE INTO cached_answer (key, data, fetched_at) VALUES (?, ?, ?)", key, JSON.stringify(data), now);
  }

  /** Until when the caller's proof of access holds (undefined: it never proved access here). */
  private proofOf(caller: string): number | undefined {
    if (!this.tables.exist) return undefined;
    return this.sql.exec<{ until: number }>("SELECT until FROM verified_caller WHERE caller = ?", caller).toArray()[0]?.until;
  }
}
