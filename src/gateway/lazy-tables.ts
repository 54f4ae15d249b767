/**
 * A Durable Object's SQL tables, created by its first write. Until then reads find nothing and
 * nothing is stored, so a request that is refused — a stranger's webhook post, a made-up app id —
 * leaves no object behind. An object that has tables gets any newer ones on its first use.
 */
export class LazyTables {
  private created = false;

  constructor(
    private readonly sql: SqlStorage,
    /** Each part's schema: CREATE … IF NOT EXISTS and migrations, safe to run again. */
    private readonly schemas: readonly ((sql: SqlStorage) => void)[],
  ) {}

  /** Whether the tables exist (a read on an object without them has nothing to find). */
  get exist(): boolean {
    // The runtime's own tables do not count: Cloudflare's _cf_KV (the key-value storage) and
    // miniflare's __miniflare_do_name (in wrangler dev's file-backed state). Ours never start with "_".
    if (!this.created && this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' LIMIT 1").toArray().length > 0) this.create();
    return this.created;
  }

  /** Creates the tables, once, before a write. */
  create(): void {
    if (this.created) return;
    for (const schema of this.schemas) schema(this.sql);
    this.created = true;
  }
}
