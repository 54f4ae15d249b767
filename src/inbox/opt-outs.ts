import type { LazyTables } from "../gateway/lazy-tables";
import type { InboxEvent } from "./parse";

/** Messages that opt a user out or back in: the whole message, in any case, punctuation ignored. */
export const OPT_OUT_WORDS = ["STOP", "STOP ALL", "UNSUBSCRIBE", "OPT OUT", "OPTOUT", "CANCEL"];
export const OPT_IN_WORDS = ["START", "SUBSCRIBE"];
/** Failure codes that mean the user opted out: Gupshup's 1012 [§21], and Meta's 131050 (stopped marketing messages). */
const OPTED_OUT_CODES = new Set(["1012", "131050"]);

export type OptOutSource = "keyword" | "gupshup" | "manual";

export type OptOut = {
  number: string;
  since: number;
  /** keyword: the user wrote STOP (or the app's own word); gupshup: a send failed with 1012; manual: manage_opt_outs. */
  source: OptOutSource;
};

/** A message as the keyword lists compare it. */
export const keywordOf = (text: string) =>
  text
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * One app's opt-out list, in its object's SQLite. A user who writes STOP (or a word of the app's
 * OPT_OUT_KEYWORDS) is added, START or SUBSCRIBE removes them, and a send Gupshup failed with 1012
 * adds the recipient; every send checks the list before it reaches Gupshup.
 */
export class OptOuts {
  static schema(sql: SqlStorage): void {
    sql.exec("CREATE TABLE IF NOT EXISTS opt_out (number TEXT PRIMARY KEY, since INTEGER NOT NULL, source TEXT NOT NULL)");
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** What new callbacks say about who opted out or back in, in the order it happened. */
  learn(events: readonly InboxEvent[], extraOptOutWords: readonly string[]): void {
    const optOut = new Set([...OPT_OUT_WORDS, ...extraOptOutWords.map(keywordOf)]);
    for (const event of [...events].sort((a, b) => a.at - b.at)) {
      if (event.kind === "inbound" && event.text) {
        const word = keywordOf(event.text);
        if (optOut.has(word)) this.add([event.sender], "keyword", event.at);
        else if (OPT_IN_WORDS.includes(word)) this.remove([event.sender]);
      } else if (event.kind === "status" && event.status === "failed" && event.code !== null && OPTED_OUT_CODES.has(event.code) && event.recipient) {
        this.add([event.recipient], "gupshup", event.at);
      }
    }
  }

  find(number: string): OptOut | undefined {
    if (!this.tables.exist) return undefined;
    return this.sql.exec<OptOut>("SELECT number, since, source FROM opt_out WHERE number = ?", number).toArray()[0];
  }

  list(): OptOut[] {
    if (!this.tables.exist) return [];
    return this.sql.exec<OptOut>("SELECT number, since, source FROM opt_out ORDER BY since DESC").toArray();
  }

  /** Adds numbers (one already on the list keeps its first date); returns how many were new. */
  add(numbers: readonly string[], source: OptOutSource, at: number): number {
    if (numbers.length === 0) return 0;
    this.tables.create();
    let added = 0;
    for (const number of numbers) added += this.sql.exec("INSERT OR IGNORE INTO opt_out (number, since, source) VALUES (?, ?, ?)", number, at, source).rowsWritten > 0 ? 1 : 0;
    return added;
  }

  /** Removes numbers; returns how many were on the list. */
  remove(numbers: readonly string[]): number {
    if (!this.tables.exist) return 0;
    let removed = 0;
    for (const number of numbers) removed += this.sql.exec("DELETE FROM opt_out WHERE number = ?", number).rowsWritten > 0 ? 1 : 0;
    return removed;
  }
}
