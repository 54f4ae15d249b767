/** A recipient as given: the number as written, and the values for the template's variables. */
export interface GivenRecipient {
  /** Where a person finds it: the item's position in `recipients`, or the line of the CSV text. */
  row: number;
  destination: string;
  params: string[];
}

/** Recipients in CSV text: a phone column, then one column per variable; a first line without digits is a header. */
export function recipientsFromCsv(text: string): GivenRecipient[] {
  const lines = parseCsv(text);
  const headerLines = lines[0] && !/\d/.test(lines[0].cells[0] ?? "") ? 1 : 0;
  return lines
    .slice(headerLines)
    .filter((l) => l.cells.some((c) => c.trim() !== ""))
    .map((l) => ({ row: l.line, destination: l.cells[0] ?? "", params: l.cells.slice(1) }));
}

/** RFC 4180 CSV (quotes, doubled quotes, commas and newlines inside quotes; CRLF or LF), with each record's first line number. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endCell = () => {
    cells.push(cell);
    cell = "";
  };
  const endRecord = () => {
    endCell();
    records.push({ line: recordLine, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") endCell();
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (cell !== "" || cells.length > 0) endRecord();
  return records;
}

interface CheckedRecipients {
  valid: { row: number; destination: string; params: string[] }[];
  invalid: { row: number; reason: string }[];
  duplicates: number;
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
  const checked: CheckedRecipients = { valid: [], invalid: [], duplicates: 0 };
  const seen = new Set<string>();
  for (const r of rows) {
    const number = toNumber(r.destination.trim());
    const params = r.params.map((p) => p.trim());
    const reason = "error" in number ? number.error : paramProblem(params, slots, header);
    if (reason) checked.invalid.push({ row: r.row, reason });
    else if (seen.has((number as { number: string }).number)) checked.duplicates++;
    else {
      const destination = (number as { number: string }).number;
      seen.add(destination);
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
