import type { Columns } from "../campaigns/recipients";
import { ToolError } from "./errors";

/** Header names people give the phone column. */
const PHONE = /^(phone|mobile|number|whatsapp|msisdn|destination|contact|to|cell)([ _-]?(no|number|num))?$/i;

/**
 * Which CSV columns fill the number and each of the template's values (`slots`, in send order):
 * `columns` as given (header names or 1-based numbers), else the file's own order when it has no
 * more columns than needed, else a header that names them (a phone column, and "{{1}}", "1",
 * "var1" or the slot's own name for each value). A file with more columns than that can say is
 * refused once, with its columns and the `columns` to pass — not row by row.
 */
export function csvColumns(columns: readonly string[] | undefined, slots: readonly string[]): Columns {
  const needed = 1 + slots.length;
  const what = `the number's column, then one per value (${slots.length ? slots.join(", ") : "none"})`;
  return (header, width) => {
    if (columns) {
      if (columns.length !== needed) throw new ToolError(`columns names ${columns.length} column(s); the template needs ${needed}: ${what}.`);
      return columns.map((column) => columnIndex(column.trim(), header, width));
    }
    if (width <= needed) return undefined;
    const named = header && byName(header, slots);
    if (named) return named;
    const example = header ? suggestion(header, slots.length) : Array.from({ length: needed }, (_, i) => String(i + 1));
    throw new ToolError(
      `The CSV has ${width} columns${header ? ` (${header.join(", ")})` : ""}, more than the ${needed} the template takes (${what}), and ${header ? "its header does not say which" : "no header says which"}. ` +
        `Pass columns to pick them, e.g. columns: ${JSON.stringify(example)}; nothing was checked or kept.`,
    );
  };
}

/** Refuses, before any call, a `columns` entry the CSV does not have (the count is checked once the template is known). */
export function columnsExist(columns: readonly string[], header: string[] | null, width: number): void {
  for (const column of columns) columnIndex(column.trim(), header, width);
}

function columnIndex(column: string, header: string[] | null, width: number): number {
  if (/^\d+$/.test(column)) {
    const index = Number(column) - 1;
    if (index < 0 || index >= width) throw new ToolError(`columns: there is no column ${column}; the CSV has ${width} (1 is the first).`);
    return index;
  }
  if (!header) throw new ToolError(`columns: '${column}' is a name, but the CSV has no header row: name columns by number (1 is the first).`);
  const index = header.findIndex((h) => h.toLowerCase() === column.toLowerCase());
  if (index < 0) throw new ToolError(`columns: the CSV has no column '${column}'; its columns are ${header.join(", ")}.`);
  return index;
}

/** The phone column and each value's column by their header names, or undefined when the header does not name them all. */
function byName(header: string[], slots: readonly string[]): number[] | undefined {
  const phone = header.findIndex((h) => PHONE.test(h));
  const values = slots.map((slot, i) => {
    const n = i + 1;
    return header.findIndex((h) => [slot.toLowerCase(), `{{${n}}}`, String(n), `var${n}`, `var ${n}`, `param${n}`, `param ${n}`, `value${n}`].includes(h.toLowerCase()));
  });
  return phone >= 0 && values.every((v) => v >= 0) ? [phone, ...values] : undefined;
}

/** A `columns` to offer: the phone-looking column (else the first), then the next columns in order. */
function suggestion(header: string[], values: number): string[] {
  const phone = Math.max(
    0,
    header.findIndex((h) => PHONE.test(h)),
  );
  return [header[phone]!, ...header.filter((_, i) => i !== phone).slice(0, values)];
}
