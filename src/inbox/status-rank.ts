import type { DeliveryStatus } from "./parse";

/** How far a message got: later stages win, a failure outranks everything (ours: "submitted", before Gupshup reports). */
export const STATUS_RANK: Record<DeliveryStatus | "submitted", number> = { submitted: 0, enqueued: 1, sent: 2, delivered: 3, read: 4, deleted: 5, failed: 6 };

/** STATUS_RANK as an SQL expression over a status column. */
export const RANK_SQL = (column: string) =>
  `CASE ${column} ${Object.entries(STATUS_RANK)
    .map(([status, rank]) => `WHEN '${status}' THEN ${rank}`)
    .join(" ")} ELSE 0 END`;
