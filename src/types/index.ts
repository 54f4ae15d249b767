/**
 * Types for code that uses gupshup-mcp's results: `import type { Template } from "gupshup-mcp"`.
 * They are inferred from the same schemas the tools validate their output with, so they cannot drift.
 */
import type { z } from "zod";
import type { analyticsRow } from "../tools/analytics";
import type { appSummary } from "../tools/apps";
import type { comparisonShape } from "../tools/compare";
import type { appHealthShape } from "../tools/health";
import type { sendResultShape } from "../tools/messaging";
import type { CATEGORIES } from "../tools/template-rules";
import type { TEMPLATE_STATUSES, templateShape } from "../tools/template-shape";
import type { usageDay } from "../tools/utility";

/** A template as list_templates / create_template return it (containerMeta parsed). */
export type Template = z.infer<typeof templateShape>;
/** One row of get_template_analytics: a template's counts over [start, end]. */
export type AnalyticsResult = z.infer<typeof analyticsRow>;
/** One pair of compare_templates: the primary against one other template. */
export type TemplateComparison = z.infer<typeof comparisonShape>;
/** One app as list_apps returns it. */
export type App = z.infer<typeof appSummary>;
/** One day of get_usage_summary. */
export type UsageDay = z.infer<typeof usageDay>;
/** get_app_health's combined answer. */
export type AppHealth = z.infer<typeof appHealthShape>;
/** What send_template_message returns (with its idempotency receipt). */
export type SendResult = z.infer<typeof sendResultShape>;

export type TemplateCategory = (typeof CATEGORIES)[number];
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** The worker's settings (wrangler vars and secrets). */
export interface GupshupMcpSettings {
  GUPSHUP_PARTNER_TOKEN?: string;
  GUPSHUP_PARTNER_EMAIL?: string;
  GUPSHUP_PARTNER_SECRET?: string;
  GUPSHUP_DEFAULT_APP_ID?: string;
  GUPSHUP_BASE_URL?: string;
  MCP_AUTH_TOKEN?: string;
  /** This server's public origin (e.g. https://gupshup-mcp.you.workers.dev), for OAuth metadata; default: the request's origin. */
  PUBLIC_URL?: string;
  /** Country calling code (e.g. 91) added to recipient numbers written without one; unset: such numbers are refused. */
  GUPSHUP_DEFAULT_COUNTRY_CODE?: string;
  /** How long the delivery inbox keeps events, in days (default 30). */
  INBOX_RETENTION_DAYS?: string;
  /** Words besides STOP, UNSUBSCRIBE, STOP ALL, OPT OUT and CANCEL that opt a user out, comma-separated (e.g. for other languages). */
  OPT_OUT_KEYWORDS?: string;
  /** Other https origins of this server that Gupshup may call back (a custom domain, a tunnel), comma-separated; this server's own (PUBLIC_URL, the request's) always may. */
  WEBHOOK_ALLOWED_ORIGINS?: string;
  /** Longest wait for one Gupshup answer, in ms (default 15000). */
  GUPSHUP_TIMEOUT_MS?: string;
}

export type { FailureKind, UpstreamFailure } from "../api/types";
