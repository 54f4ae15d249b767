/**
 * What a gateway object remembers across evictions, in its SQLite: the app token, which callers
 * proved access to the app (by token hash, never the token) and cached answers.
 */
export class GatewayStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS app_token (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL, fetched_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS verified_caller (caller TEXT PRIMARY KEY, until INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS cached_answer (key TEXT PRIMARY KEY, data TEXT NOT NULL, fetched_at INTEGER NOT NULL);
      DROP TABLE IF EXISTS partner_login;`);
  }

  appToken(): string | undefined {
    return this.sql.exec<{ token: string }>("SELECT token FROM app_token WHERE id = 1").toArray()[0]?.token;
  }

  saveAppToken(token: string, now: number): void {
    this.sql.exec("INSERT OR REPLACE INTO app_token (id, token, fetched_at) VALUES (1, ?, ?)", token, now);
  }

  dropAppToken(): void {
    this.sql.exec("DELETE FROM app_token");
  }

  isVerified(caller: string, now: number): boolean {
    const row = this.sql.exec<{ until: number }>("SELECT until FROM verified_caller WHERE caller = ?", caller).toArray()[0];
    return row !== undefined && row.until > now;
  }

  verify(caller: string, until: number): void {
    this.sql.exec("INSERT OR REPLACE INTO verified_caller (caller, until) VALUES (?, ?)", caller, until);
    this.sql.exec("DELETE FROM verified_caller WHERE until <= ?", Date.now());
  }

  unverify(caller: string): void {
    this.sql.exec("DELETE FROM verified_caller WHERE caller = ?", caller);
  }

  cachedAnswer(key: string): { data: unknown; fetchedAt: number } | undefined {
    const row = this.sql.exec<{ data: string; fetched_at: number }>("SELECT data, fetched_at FROM cached_answer WHERE key = ?", key).toArray()[0];
    return row && { data: JSON.parse(row.data), fetchedAt: row.fetched_at };
  }

  saveAnswer(key: string, data: unknown, now: number): void {
    this.sql.exec("INSERT OR REPLACE INTO cached_answer (key, data, fetched_at) VALUES (?, ?, ?)", key, JSON.stringify(data), now);
  }
}
