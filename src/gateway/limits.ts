import { ENDPOINTS } from "../api/endpoints";

/** A call whose turn is further away than this is answered with a wait message instead. */
export const MAX_WAIT_MS = 20_000;
/** Longest we wait for one Gupshup answer (GUPSHUP_TIMEOUT_MS overrides). */
export const UPSTREAM_TIMEOUT_MS = 15_000;
/** Longest one gateway request may take in total, waits and retries included. */
export const REQUEST_BUDGET_MS = 30_000;
/** How long the delivery inbox keeps events unless INBOX_RETENTION_DAYS says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
/** How often the inbox is pruned of events past the retention (an alarm, while it holds any). */
export const PRUNE_EVERY_MS = 3_600_000;
/** Rows deleted per table and alarm; a full batch brings the next alarm forward to a second. */
export const PRUNE_BATCH = 1_000;
/** Gateway calls one tool makes at once when it fans out (per app, per template). */
export const FAN_OUT_CONCURRENCY = 6;
/** How long a template list is served from the cache, in seconds. */
export const TEMPLATE_CACHE_SECONDS = ENDPOINTS.listTemplates.cache.ttlMs / 1000;

/** The inbox retention in days, from INBOX_RETENTION_DAYS (a positive number) or the default. */
export function retentionDays(setting: string | undefined): number {
  const days = Number(setting);
  return Number.isFinite(days) && days > 0 ? days : DEFAULT_RETENTION_DAYS;
}
