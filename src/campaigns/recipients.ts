/** A recipient as given: the number as written, and the values for the template's variables. */
export interface GivenRecipient {
  /** Where a person finds it: the item's position in `recipients`, or the line of the CSV text. */
  row: number;
  destination: string;
  params: string[];
}

/**
 * Recipients in CSV text: a phone column, then one column per variable; a first line without digits
 * is a header. `columns` (see CsvRecipients) picks other columns.
 */
export function recipientsFromCsv(text: string, columns?: Columns): { header: string[] | null; rows: GivenRecipient[] } {
  const reader = new CsvRecipients(columns);
  const rows = [...reader.push(text), ...reader.end()];
  return { header: reader.header, rows };
}

/** Which cells of a row are the number and each variable's value (indexes), decided from the header once it is read. */
export type Columns = (header: string[] | null, width: number) => number[] | undefined;

/** Recipients from CSV read a piece at a time (a file streamed in): each piece gives the rows it completed. */
export class CsvRecipients {
  private readonly csv = new CsvReader();
  private first = true;
  /** The first line, when it is a header (no digit in its first cell). */
  header: string[] | null = null;
  private picked: number[] | undefined;

  constructor(private readonly columns?: Columns) {}

  push(text: string): GivenRecipient[] {
    return this.rows(this.csv.push(text));
  }

  end(): GivenRecipient[] {
    return this.rows(this.csv.end());
  }

  get pending() {
    return this.csv.pending;
  }

  private rows(records: CsvRecord[]): GivenRecipient[] {
    if (this.first && records.length > 0) {
      this.first = false;
      // A header has no digit where a number would be first, and no phone-like cell anywhere (the number may be in any column).
      const first = records[0]!.cells;
      if (!/\d/.test(first[0] ?? "") && !first.some((c) => /\d{8,}/.test(c.replace(/[\s().+-]/g, "")))) {
        this.header = records[0]!.cells.map((c) => c.trim());
        records = records.slice(1);
      }
      this.picked = this.columns?.(this.header, Math.max(this.header?.length ?? 0, records[0]?.cells.length ?? 0));
    }
    const pick = this.picked;
    return records
      .filter((l) => l.cells.some((c) => c.trim() !== ""))
      .map((l) => {
        const cells = pick ? pick.map((i) => l.cells[i] ?? "") : l.cells;
        return { row: l.line, destination: cells[0] ?? "", params: cells.slice(1) };
      });
  }
}

type CsvRecord = { line: number; cells: string[] };

/** RFC 4180 CSV (quotes, doubled quotes, commas and newlines inside quotes; CRLF or LF), with each record's first line number. */
export function parseCsv(text: string): CsvRecord[] {
  const reader = new CsvReader();
  return [...reader.push(text), ...reader.end()];
}

/** parseCsv a piece at a time: a record split across pieces is completed by the next one. */
class CsvReader {
  private cells: string[] = [];
  private cell = "";
  private quoted = false;
  private line = 1;
  private recordLine = 1;
  /** A last character whose meaning depends on the next one (a quote inside quotes, a CR), kept for the next piece. */
  private held = "";

  push(piece: string): CsvRecord[] {
    return this.read(this.held + piece, false);
  }

  end(): CsvRecord[] {
    const records = this.read(this.held, true);
    if (this.cell !== "" || this.cells.length > 0) this.endRecord(records);
    return records;
  }

  /** The record being read, not yet complete: where it starts, and how large it has grown (a guard for an unclosed quote). */
  get pending(): { line: number; chars: number; cells: number } {
    return { line: this.recordLine, chars: this.cell.length, cells: this.cells.length };
  }

  private endRecord(records: CsvRecord[]): void {
    this.cells.push(this.cell);
    this.cell = "";
    records.push({ line: this.recordLine, cells: this.cells });
    this.cells = [];
  }

  /** Reads `text`; unless it is the `last` piece, a quote or CR at its very end waits for the next piece. */
  private read(text: string, last: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    this.held = "";
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (!last && i === text.length - 1 && (ch === "\r" || (ch === '"' && this.quoted))) {
        this.held = ch;
        break;
      }
      if (this.quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          this.cell += '"';
          i++;
        } else if (ch === '"') this.quoted = false;
        else {
          if (ch === "\n") this.line++;
          this.cell += ch;
        }
      } else if (ch === '"' && this.cell === "") this.quoted = true;
      else if (ch === ",") {
        this.cells.push(this.cell);
        this.cell = "";
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        this.endRecord(records);
        this.line++;
        this.recordLine = this.line;
      } else this.cell += ch;
    }
    return records;
  }
}

export interface CheckedRecipients {
  valid: { row: number; destination: string; params: string[] }[];
  invalid: { row: number; reason: string }[];
  duplicates: number;
  /** Each duplicate row and the earlier row with the same number. */
  duplicateRows: { row: number; sameAs: number }[];
}

/**
 * Every row checked as a send would be: a number with its country code (`toNumber` normalises or
 * explains), one value per variable (`slots`, in order), each value one a message can carry. The
 * first row for a number is kept; later ones count as duplicates.
 */
export function checkRecipients(
  rows: readonly GivenRecipient[],
  slots: readonly string[],
  toNumber: (value: string) => { number: string } | { error: string },
  header: string | null,
): CheckedRecipients {
  const checked: CheckedRecipients = { valid: [], invalid: [], duplicates: 0, duplicateRows: [] };
  const seen = new Map<string, number>();
  for (const r of rows) {
    const number = toNumber(r.destination.trim());
    const params = r.params.map((p) => p.trim());
    const reason = "error" in number ? number.error : paramProblem(params, slots, header);
    if (reason) checked.invalid.push({ row: r.row, reason });
    else if (seen.has((number as { number: string }).number)) {
      checked.duplicates++;
      checked.duplicateRows.push({ row: r.row, sameAs: seen.get((number as { number: string }).number)! });
    } else {
      const destination = (number as { number: string }).number;
      seen.set(destination, r.row);
      checked.valid.push({ row: r.row, destination, params });
    }
  }
  return checked;
}

function paramProblem(params: readonly string[], slots: readonly string[], header: string | null): string | undefined {
  if (params.length !== slots.length) {
    return `${params.length} value(s) for ${slots.length} variable(s): give ${slots.length ? slots.join(", ") : "none"}, in that order`;
  }
  const empty = params.indexOf("");
  if (empty >= 0) return `${slots[empty]} is empty: every variable needs a value`;
  const long = params.findIndex((p) => p.length > 1024);
  if (long >= 0) return `${slots[long]} is longer than 1024 characters`;
  const headerSlot = slots.findIndex((s) => s.startsWith("header"));
  if (header && headerSlot >= 0 && header.replace(/\{\{\s*\d+\s*\}\}/g, params[headerSlot]!).length > 60) {
    return `the header with "${params[headerSlot]}" is longer than WhatsApp's 60 characters`;
  }
  return undefined;
}
