import type { EndpointName } from "../api/endpoints";
import type { UpstreamRequest, UpstreamResult } from "../api/types";
import type { LazyTables } from "../gateway/lazy-tables";
import type { InboxEvent } from "./parse";

/** Messages that opt a user out or back in: the whole message, in any case, punctuation ignored. */
const OPT_OUT_WORDS = ["STOP", "STOP ALL", "UNSUBSCRIBE", "OPT OUT", "OPTOUT", "CANCEL"];
const OPT_IN_WORDS = ["START", "SUBSCRIBE"];
/** Failure codes that mean the user opted out: Gupshup's 1012 [§21], and Meta's 131050 (stopped this business's marketing). */
const OPTED_OUT_CODES: Record<string, OptOutSource> = { "1012": "gupshup", "131050": "whatsapp" };

/** keyword: the user wrote STOP (or the app's own word); gupshup: a send failed with 1012; whatsapp: with 131050; manual: manage_opt_outs. */
export const OPT_OUT_SOURCES = ["keyword", "gupshup", "whatsapp", "manual"] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export type OptOut = { number: string; since: number; source: OptOutSource };

/** A message as the keyword lists compare it: letters (with their marks) and digits, single-spaced, upper case. */
const keywordOf = (text: string) =>
  text
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, " ")
    .trim();

/** A number as sends address it: digits only. */
const digits = (number: string) => number.replace(/\D/g, "");

/**
 * One app's opt-out list, in its object's SQLite. A user who writes STOP (or a word of the app's
 * OPT_OUT_KEYWORDS) is added, START or SUBSCRIBE removes them, and a send that failed because the
 * user opted out adds the recipient; every send checks the list before it reaches Gupshup. Each
 * number keeps the time of its last change, so a late or repeated callback cannot undo a newer one.
 */
export class OptOuts {
  static schema(sql: SqlStorage): void {
    sql.exec("CREATE TABLE IF NOT EXISTS opt_out (number TEXT PRIMARY KEY, opted_out INTEGER NOT NULL, since INTEGER NOT NULL, source TEXT NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS opt_out_listed ON opt_out (opted_out, since)");
  }

  constructor(
    private readonly sql: SqlStorage,
    private readonly tables: LazyTables,
  ) {}

  /** How many numbers opted out in a window (and are still out). */
  countSince(since: number, until: number): number {
    if (!this.tables.exist) return 0;
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM opt_out WHERE opted_out = 1 AND since >= ? AND since <= ?", since, until).one().n;
  }

  /** What newly stored callbacks say about who opted out or back in, oldest first. */
  learn(events: readonly InboxEvent[], extraOptOutWords: readonly string[]): void {
    const optOut = new Set([...OPT_OUT_WORDS, ...extraOptOutWords.map(keywordOf)].filter((word) => word !== ""));
    for (const event of [...events].sort((a, b) => a.at - b.at)) {
      // Only typed messages: tapping a button labelled "Cancel" is not an opt-out.
      if (event.kind === "inbound" && event.type === "text" && event.text) {
        const word = keywordOf(event.text);
        if (optOut.has(word)) this.change(event.sender, true, "keyword", event.at);
        else if (OPT_IN_WORDS.includes(word)) this.change(event.sender, false, "keyword", event.at);
      } else if (event.kind === "status" && event.status === "failed" && event.code !== null && OPTED_OUT_CODES[event.code] && event.recipient) {
        this.change(event.recipient, true, OPTED_OUT_CODES[event.code]!, event.at);
      }
    }
  }

  find(number: string): OptOut | undefined {
    if (!this.tables.exist) return undefined;
    return this.sql.exec<OptOut>("SELECT number, since, source FROM opt_out WHERE number = ? AND opted_out = 1", digits(number)).toArray()[0];
  }

  /** The newest `limit` opted-out numbers, and how many there are. */
  list(limit: number): { optedOut: OptOut[]; total: number } {
    if (!this.tables.exist) return { optedOut: [], total: 0 };
    const optedOut = this.sql.exec<OptOut>("SELECT number, since, source FROM opt_out WHERE opted_out = 1 ORDER BY since DESC LIMIT ?", limit).toArray();
    return { optedOut, total: this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM opt_out WHERE opted_out = 1").one().n };
  }

  /** Adds (or removes) numbers by hand, now; returns how many changed. */
  set(numbers: readonly string[], optedOut: boolean, now: number): number {
    return [...new Set(numbers.map(digits))].filter((number) => this.change(number, optedOut, "manual", now)).length;
  }

  /** Records a change unless a newer one is on record; returns whether the number's state changed. */
  private change(number: string, optedOut: boolean, source: OptOutSource, at: number): boolean {
    this.tables.create();
    const current = this.sql.exec<{ opted_out: number; since: number }>("SELECT opted_out, since FROM opt_out WHERE number = ?", digits(number)).toArray()[0];
    if ((current?.opted_out === 1) === optedOut || (current && current.since > at)) return false;
    this.sql.exec("INSERT OR REPLACE INTO opt_out (number, opted_out, since, source) VALUES (?, ?, ?, ?)", digits(number), optedOut ? 1 : 0, at, source);
    return true;
  }
}

export type OptOutChange = { action: "list" } | { action: "add" | "remove" | "check"; numbers: string[] };

/** The most opted-out numbers one answer lists (the newest; the total is given too). */
export const OPT_OUTS_LISTED = 200;

/** The number a send goes to: `destination` in Gupshup's form, `to` in Meta's JSON. */
export function recipientOf(req: UpstreamRequest): string | undefined {
  const to = req.form?.destination ?? (req.json as { to?: unknown } | undefined)?.to;
  return typeof to === "string" ? to : undefined;
}

/** A send turned down before it reached Gupshup because the recipient opted out. */
export function optedOutRefusal(endpoint: EndpointName, optedOut: OptOut): UpstreamResult {
  return { ok: false, failure: { kind: "rejected", endpoint, message: `${optedOut.number} opted out`, optedOut } };
}
