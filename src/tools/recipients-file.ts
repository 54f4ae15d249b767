import { MAX_LIST_ROWS, type StageReply } from "../campaigns/desk";
import { type CheckedRecipients, type Columns, CsvRecipients, type GivenRecipient } from "../campaigns/recipients";
import type { CheckedRow } from "../campaigns/staging";
import { openDownload } from "./download";
import { ToolError } from "./errors";

/** preview_campaign's recipientsUrl: a CSV file streamed in, checked and handed to the app's object in batches, never held whole. */

const MAX_FILE_BYTES = 100 * 1024 * 1024;
const DOWNLOAD_MS = 5 * 60_000;
/** Rows per batch handed to the app's object: large enough to be few calls, small enough to stay a small message. */
const BATCH_ROWS = 5_000;
/** A record growing past these is not a recipient row (an unclosed quote, or not CSV at all). */
const MAX_RECORD_CHARS = 64 * 1024;
const MAX_COLUMNS = 101;
export const SHOWN_INVALID = 50;

/** The list as read: rows in the file, what became of them, the first invalid rows and the first rows to send. */
export interface ReadList {
  loadId: string;
  total: number;
  invalid: { count: number; rows: { row: number; reason: string }[] };
  stage: StageReply;
  /** Duplicates found within a batch (the first SHOWN_INVALID); those across batches are only counted. */
  duplicateRows: { row: number; sameAs: number }[];
}

export interface ListReading {
  check: (rows: GivenRecipient[]) => CheckedRecipients;
  stage: (loadId: string, rows: CheckedRow[]) => Promise<StageReply>;
  unstage: (loadId: string) => Promise<void>;
  progress: (bytes: number, totalBytes: number | undefined, message: string) => Promise<void>;
  /** Which columns are the number and the values (see csvColumns). */
  columns?: Columns;
}

/** Reads the file at `url` into a new load of the app's object; on any failure the batches already handed over are forgotten. */
export async function readRecipientsFile(url: URL, ownHosts: readonly string[], upstreamOrigin: string | undefined, reading: ListReading): Promise<ReadList> {
  const signal = AbortSignal.timeout(DOWNLOAD_MS);
  const response = await openDownload(url, ownHosts, "recipientsUrl", signal, `within ${DOWNLOAD_MS / 60_000} minutes. Check the URL is public, or pass the rows in recipients.`, upstreamOrigin);
  const declared = Number(response.headers.get("Content-Length") ?? "") || undefined;
  if (declared !== undefined && declared > MAX_FILE_BYTES) {
    await response.body.cancel();
    throw new ToolError(tooLarge());
  }
  const list: ReadList = {
    loadId: crypto.randomUUID(),
    total: 0,
    invalid: { count: 0, rows: [] },
    stage: { added: 0, duplicates: 0, optedOut: 0, notOnWhatsApp: 0, samples: [] },
    duplicateRows: [],
  };
  const reader = response.body.getReader();
  let staged = false;
  try {
    await readInto(reader, list, declared, reading, () => {
      staged = true;
    });
    return list;
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (staged) await reading.unstage(list.loadId).catch(() => undefined);
    if (error instanceof ToolError) throw error;
    throw new ToolError(
      signal.aborted
        ? `Reading recipientsUrl took longer than ${DOWNLOAD_MS / 60_000} minutes (${list.total} rows read): serve the file from somewhere faster, or split it. Nothing was kept.`
        : `Reading recipientsUrl stopped after ${list.total} rows (the download broke off): try again. Nothing was kept.`,
    );
  }
}

async function readInto(reader: ReadableStreamDefaultReader<Uint8Array>, list: ReadList, declared: number | undefined, reading: ListReading, staging: () => void): Promise<void> {
  const decoder = new TextDecoder();
  const csv = new CsvRecipients(reading.columns);
  let bytes = 0;
  let pending: GivenRecipient[] = [];
  const flush = async (rows: GivenRecipient[]) => {
    const checked = reading.check(rows);
    list.invalid.count += checked.invalid.length;
    list.invalid.rows.push(...checked.invalid.slice(0, SHOWN_INVALID - list.invalid.rows.length));
    list.stage.duplicates += checked.duplicates;
    list.duplicateRows.push(...checked.duplicateRows.slice(0, SHOWN_INVALID - list.duplicateRows.length));
    if (checked.valid.length === 0) return;
    staging();
    const reply = await reading.stage(list.loadId, checked.valid);
    list.stage.added += reply.added;
    list.stage.duplicates += reply.duplicates;
    list.stage.optedOut += reply.optedOut;
    list.stage.notOnWhatsApp += reply.notOnWhatsApp;
    list.stage.samples.push(...reply.samples.slice(0, 3 - list.stage.samples.length));
    await reading.progress(bytes, declared, `${list.total} rows read`);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (value) {
      bytes += value.byteLength;
      if (bytes > MAX_FILE_BYTES) throw new ToolError(tooLarge());
      if (bytes === value.byteLength && value.subarray(0, 4096).includes(0))
        throw new ToolError("recipientsUrl is not a CSV text file (it holds binary data): export the list as CSV, one number per row.");
    }
    const rows = done ? [...csv.push(decoder.decode()), ...csv.end()] : csv.push(decoder.decode(value, { stream: true }));
    for (const r of rows) pending.push(r);
    list.total += rows.length;
    if (list.total > MAX_LIST_ROWS) throw new ToolError(`recipientsUrl has more than ${MAX_LIST_ROWS} rows: split the list into several campaigns.`);
    const open = csv.pending;
    if (open.chars > MAX_RECORD_CHARS || open.cells > MAX_COLUMNS)
      throw new ToolError(`Line ${open.line} of recipientsUrl is not a recipient row (over ${MAX_COLUMNS} columns or 64 KB, perhaps a quote never closed): fix the file and preview again.`);
    while (pending.length >= BATCH_ROWS || (done && pending.length > 0)) {
      const batch = pending.slice(0, BATCH_ROWS);
      pending = pending.slice(BATCH_ROWS);
      await flush(batch);
    }
    if (done) return;
  }
}

const tooLarge = () => `recipientsUrl is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: split the list into several campaigns.`;
