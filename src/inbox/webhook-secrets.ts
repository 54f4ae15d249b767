import type { LazyTables } from "../gateway/lazy-tables";
import { randomHexSecret, timingSafeEqual } from "../utils/secrets";

/**
 * The shared secrets one app's callbacks may carry (Gupshup sends them back through the
 * subscription's meta.headers), and when the app's inbox was set up.
 *
 * Gupshup sets a subscription's headers only when it is created, so a new secret arrives with a
 * new subscription and the two overlap for a while:
 * - `pending`: sent to Gupshup, not yet seen in its subscription list — accepted, because
 *   Gupshup may already call (its URL check does, before it even answers the create);
 * - `current`: seen in Gupshup's subscription list;
 * - `retiring`: the previous current one, accepted until the subscription holding it is deleted.
 */
export type SecretState = "pending" | "current" | "retiring";

export interface WebhookSetup {
  secrets: { secret: string; state: SecretState }[];
  /** When a subscription with one of these secrets was first registered (epoch ms), or null. */
  configuredAt: number | null;
}

export type SecretChange =
  | { kind: "read" }
  /** A new random pending secret (returned as `proposed`). */
  | { kind: "propose" }
  /** Gupshup took a subscription with this secret; `confirmed` when its list shows the secret. */
  | { kind: "registered"; secret: string; confirmed: boolean }
  /** Stop accepting this secret (Gupshup refused it, or its subscription is gone). */
  | { kind: "forget"; secret: string };

export class WebhookSecrets {
  static schema(sql: SqlStorage): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS webhook_secret (secret TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS webhook_setup (id INTEGER PRIMARY KEY CHECK (id = 1), configured_at INTEGER NOT NULL);`);
    // Objects set up before secrets could overlap kept one secret in `inbox_webhook`.
    if (sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'inbox_webhook'").toArray().length === 0) return;
    sql.exec("INSERT OR IGNORE INTO webhook_secret (secret, state, since) SELECT secret, 'current', configured_at FROM inbox_webhook");
    sql.exec("INSERT OR IGNORE INTO webhook_setup (id, configured_at) SELECT 1, configured_at FROM inbox_webhook");
    sql.exec("DROP TABLE inbox_webhook");
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** Whether a callback carrying `secret` comes from one of this app's subscriptions. */
  accepts(secret: string): boolean {
    let match = false;
    for (const { secret: known } of this.secrets()) match = timingSafeEqual(secret, known) || match;
    return match;
  }

  configuredAt(): number | null {
    if (!this.tables.exist) return null;
    return this.sql.exec<{ configured_at: number }>("SELECT configured_at FROM webhook_setup WHERE id = 1").toArray()[0]?.configured_at ?? null;
  }

  apply(change: SecretChange, now: number): WebhookSetup & { proposed?: string } {
    let proposed: string | undefined;
    if (change.kind !== "read") this.tables.create();
    switch (change.kind) {
      case "read":
        break;
      case "propose":
        proposed = randomHexSecret();
        this.sql.exec("INSERT INTO webhook_secret (secret, state, since) VALUES (?, 'pending', ?)", proposed, now);
        break;
      case "registered":
        this.sql.exec("INSERT OR IGNORE INTO webhook_setup (id, configured_at) VALUES (1, ?)", now);
        if (change.confirmed) {
          this.sql.exec("UPDATE webhook_secret SET state = 'retiring', since = ? WHERE state = 'current' AND secret <> ?", now, change.secret);
          this.sql.exec("UPDATE webhook_secret SET state = 'current', since = ? WHERE secret = ?", now, change.secret);
        }
        break;
      case "forget":
        this.sql.exec("DELETE FROM webhook_secret WHERE secret = ?", change.secret);
        break;
    }
    return { secrets: this.secrets(), configuredAt: this.configuredAt(), ...(proposed ? { proposed } : {}) };
  }

  private secrets(): { secret: string; state: SecretState }[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<{ secret: string; state: SecretState }>("SELECT secret, state FROM webhook_secret ORDER BY since").toArray();
  }
}
