import { z } from "zod";
import { limitInWords } from "../api/endpoints";
import { analyticsResponse, compareResponse, parseAnswer, templatesResponse } from "../api/responses";
import type { UpstreamFailure } from "../api/types";
import { progressReporter, type ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { fanOut } from "./fan-out";
import { appIdInput, templateIdInput } from "./schemas";
import { describeTime, timeInput, timeRange, timeZoneInput } from "./time-input";

const DAY = 86_400;
const COMPARE_WINDOWS_DAYS = [7, 30, 60, 90];
const METRICS = ["SENT", "DELIVERED", "READ", "CLICKED"] as const;

export const analyticsRow = z.object({
  templateId: z.string(),
  name: z.string().nullable(),
  start: z.number().nullable(),
  end: z.number().nullable(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  deliveredPercent: z.number().nullable(),
  readPercent: z.number().nullable().describe("Of delivered."),
  clicked: z.array(z.object({ type: z.string().nullable(), buttonContent: z.string().nullable(), count: z.number() })),
});

export const comparisonShape = z.object({
  templateId: z.string().describe("The template compared with the primary."),
  name: z.string().nullable(),
  blockRateRanking: z.array(z.string()).describe("The two template ids, lower block rate (better) first; Gupshup gives the order, not the rates."),
  sends: z.array(z.object({ templateId: z.string(), sends: z.number() })).describe("Messages sent per template in the window."),
  topBlockReasons: z.array(z.object({ templateId: z.string(), reason: z.string() })).describe("The most common reason users blocked each template."),
});

export const analyticsTools: ToolDefinition[] = [
  defineTool(
    "enable_template_analytics",
    {
      title: "Enable template analytics",
      description: "Turn Meta template analytics on (or off) for an app. Required once before get_template_analytics and compare_templates return data.",
      input: z.object({ appId: appIdInput, enable: z.boolean().describe("true to enable, false to disable.") }),
      output: z.object({ appId: z.string(), enabled: z.boolean() }),
      scope: "manage",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = ctx.appId(args.appId);
      unwrap(await ctx.callApp(appId, { endpoint: "enableAnalytics", form: { enable: String(args.enable) } }), { session: ctx.session, appId });
      return { structured: { appId, enabled: args.enable }, summary: `Template analytics ${args.enable ? "enabled" : "disabled"} for ${appId}.` };
    },
  ),

  defineTool(
    "get_template_analytics",
    {
      title: "Template analytics",
      description: `Sent, delivered, read (with rates) and button clicks per template (default the last 30 days, ≤ 90 days back). ${limitInWords("analytics")} templates: more come back under \`pending\`.`,
      input: z
        .object({
          appId: appIdInput,
          start: timeInput.optional().describe("Default: 30 days before end; at most 90 days ago."),
          end: timeInput.optional().describe("Until when (default: now)."),
          timeZone: timeZoneInput,
          templateIds: z.array(templateIdInput).min(1, "give at least one template id").max(30, "at most 30 templateIds").describe("Template ids (max 30)."),
          granularity: z.enum(["DAILY", "AGGREGATE"]).default("AGGREGATE").describe("DAILY rows or one AGGREGATE row per template (default)."),
          metricTypes: z.array(z.enum(METRICS)).min(1).max(4).optional().describe("Subset of SENT, DELIVERED, READ, CLICKED (default all)."),
        })
        .superRefine((a, rctx) => {
          if (new Set(a.templateIds).size !== a.templateIds.length) rctx.addIssue({ code: "custom", path: ["templateIds"], message: "templateIds contains duplicates" });
          const window = analyticsWindow(a);
          if (!window) return;
          if (window.start >= window.end) rctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
          if (window.start < earliestAnalytics()) {
            rctx.addIssue({ code: "custom", path: ["start"], message: `start must be within the last 90 days (not before ${describeTime(earliestAnalytics() * 1000, a.timeZone)})` });
          }
        }),
      output: z.object({
        appId: z.string(),
        start: z.number(),
        end: z.number(),
        granularity: z.enum(["DAILY", "AGGREGATE"]),
        results: z.array(analyticsRow),
        pending: z.array(z.object({ templateId: z.string(), retryAfterSeconds: z.number() })).describe("Ids not fetched because of the rate limit: ask again after the wait."),
        failed: z.array(z.object({ templateId: z.string(), error: z.string() })),
      }),
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = ctx.appId(args.appId);
      const report = progressReporter(extra);
      const { start, end } = analyticsWindow(args)!;
      const query = (id: string): Record<string, string> => ({
        template_ids: id,
        start: String(start),
        end: String(end),
        granularity: args.granularity === "AGGREGATE" ? "AGGREGATED" : "DAILY",
        metric_types: (args.metricTypes ?? METRICS).join(","),
        limit: "30",
      });
      const fetchOne = (id: string) => ctx.callApp(appId, { endpoint: "getAnalytics", query: query(id) });

      const context = { session: ctx.session, appId };
      const [{ answered, pending, failed }, names] = await Promise.all([
        fanOut(args.templateIds, fetchOne, { failsTool: (f) => f.kind !== "rate_limited", context, report }),
        templateNames(ctx, appId),
      ]);
      const results = answered.flatMap(({ data }) =>
        parseAnswer(analyticsResponse, data, "get_template_analytics").template_analytics.map((row) => {
          const sent = row.sent ?? 0;
          const delivered = row.delivered ?? 0;
          const read = row.read ?? 0;
          return {
            templateId: row.template_id,
            name: names.name(row.template_id),
            start: row.start ?? null,
            end: row.end ?? null,
            sent,
            delivered,
            read,
            deliveredPercent: percent(delivered, sent),
            readPercent: percent(read, delivered),
            clicked: (row.clicked ?? []).map((c) => ({ type: c.type ?? null, buttonContent: c.button_content ?? null, count: c.count ?? 0 })),
          };
        }),
      );
      const outcome = { results, pending, failed };
      const label = (id: string) => (names.name(id) ? `${names.label(id)} (${id})` : id);
      const lines = outcome.results.map(
        (r) =>
          `- ${label(r.templateId)}${args.granularity === "DAILY" && r.start !== null ? ` from ${describeTime(r.start * 1000, args.timeZone)}` : ""}: ` +
          `sent ${r.sent}, delivered ${r.delivered}${rate(r.deliveredPercent, "of sent")}, read ${r.read}${rate(r.readPercent, "of delivered")}` +
          `${r.clicked.map((c) => `, ${c.count} click(s) on "${c.buttonContent ?? c.type}"`).join("")}`,
      );
      if (outcome.pending.length > 0) {
        const wait = Math.max(...outcome.pending.map((p) => p.retryAfterSeconds));
        lines.push(`${outcome.pending.length} template(s) pending (rate limit ${limitInWords("analytics")}): ask again in ${wait}s for ${outcome.pending.map((p) => label(p.templateId)).join(", ")}.`);
      }
      for (const f of outcome.failed) lines.push(`- ${label(f.templateId)}: ${f.error}`);
      const range = `${describeTime(start * 1000, args.timeZone)} → ${describeTime(end * 1000, args.timeZone)}`;
      return {
        structured: { appId, start, end, granularity: args.granularity, ...outcome },
        summary: `Template analytics ${range} (${outcome.results.length} row(s)):\n${lines.join("\n")}`,
      };
    },
  ),

  defineTool(
    "compare_templates",
    {
      title: "Compare templates",
      description:
        "Which template is blocked less, sends and top block reasons, over exactly 7, 30, 60 or 90 days (default the last 30); both APPROVED with ≥1,000 sends. " +
        `${limitInWords("compare")} pairs: more come back under \`pending\`, refusals under \`failed\`.`,
      input: z
        .object({
          appId: appIdInput,
          templateId: templateIdInput.describe("Primary template id."),
          templateList: z
            .array(templateIdInput)
            .min(1, "give at least one template id to compare with")
            .max(10, "at most 10 templates (Gupshup allows 10 comparisons per hour)")
            .describe("Template ids to compare with the primary, one comparison (one Gupshup call) each; at most 10."),
          start: timeInput.optional().describe("Default: 30 days before end."),
          end: timeInput.optional().describe("Until when: 7, 30, 60 or 90 days after start (default: now, or start + 30 days)."),
          timeZone: timeZoneInput,
        })
        .superRefine((a, rctx) => {
          if (a.templateList.includes(a.templateId)) rctx.addIssue({ code: "custom", path: ["templateList"], message: "templateList must not contain the primary templateId" });
          if (new Set(a.templateList).size !== a.templateList.length) rctx.addIssue({ code: "custom", path: ["templateList"], message: "templateList contains duplicates" });
          const window = compareWindow(a);
          if (!window) return;
          const length = window.end - window.start;
          if (length <= 0) rctx.addIssue({ code: "custom", path: ["end"], message: "start must be before end" });
          else if (!COMPARE_WINDOWS_DAYS.some((d) => length === d * DAY)) {
            rctx.addIssue({
              code: "custom",
              path: ["end"],
              message: `the range must be exactly 7, 30, 60 or 90 days; it is ${+(length / DAY).toFixed(2)} days. Give start and end as dates (e.g. 2026-10-01 and 2026-10-31), or leave start out`,
            });
          }
        }),
      output: z.object({
        appId: z.string(),
        templateId: z.string().describe("The primary template."),
        name: z.string().nullable(),
        start: z.number(),
        end: z.number(),
        windowDays: z.number().describe("Length of the compared window, in days."),
        comparisons: z.array(comparisonShape).describe("One entry per template compared with the primary."),
        pending: z
          .array(z.object({ templateId: z.string(), retryAfterSeconds: z.number() }))
          .describe(`Templates not compared because of the ${limitInWords("compare")} limit: ask again for them after the wait.`),
        failed: z.array(z.object({ templateId: z.string(), error: z.string() })).describe("Templates Gupshup would not compare with the primary, and why (e.g. under 1,000 sends, not APPROVED)."),
      }),
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = ctx.appId(args.appId);
      const report = progressReporter(extra);
      const { start, end } = compareWindow(args)!;
      const compareWith = (other: string) =>
        ctx.callApp(appId, { endpoint: "compareTemplates", params: { templateId: args.templateId }, query: { templateList: other, start: String(start), end: String(end) } });

      const [{ answered, pending, failed }, names] = await Promise.all([
        fanOut(args.templateList, compareWith, { failsTool: appWide, context: { session: ctx.session, appId }, report }),
        templateNames(ctx, appId),
      ]);
      const outcome = { comparisons: [] as z.infer<typeof comparisonShape>[], pending, failed };
      for (const { templateId, data } of answered) {
        const parsed = compareResponse.safeParse(data);
        if (parsed.success) outcome.comparisons.push({ ...comparisonOf(templateId, parsed.data.data), name: names.name(templateId) });
        else outcome.failed.push({ templateId, error: "Gupshup's answer did not have the expected shape, so it was not used. Try again later; if it persists, Gupshup may have changed this API." });
      }

      const label = names.label;
      const windowDays = (end - start) / DAY;
      const lines = outcome.comparisons.map((c) => {
        const [lower, higher] = c.blockRateRanking;
        const ranking = lower && higher ? `${label(lower)} is blocked less than ${label(higher)}` : "no block-rate ranking";
        const sends = c.sends.map((s) => `${label(s.templateId)} ${s.sends}`).join(", ") || "none";
        const reasons = c.topBlockReasons.map((r) => `${label(r.templateId)} ${r.reason}`).join(", ");
        return `- vs ${label(c.templateId)} (${c.templateId}): ${ranking}; sends: ${sends}${reasons ? `; top block reason: ${reasons}` : ""}`;
      });
      if (outcome.pending.length > 0) {
        const wait = Math.max(...outcome.pending.map((p) => p.retryAfterSeconds));
        lines.push(`${outcome.pending.length} pending (Gupshup allows 10 comparisons per hour): ask again in ${wait}s for ${outcome.pending.map((p) => label(p.templateId)).join(", ")}.`);
      }
      for (const f of outcome.failed) lines.push(`- ${label(f.templateId)} not compared: ${f.error}`);
      const range = `${describeTime(start * 1000, args.timeZone)} → ${describeTime(end * 1000, args.timeZone)}`;
      return {
        structured: { appId, templateId: args.templateId, name: names.name(args.templateId), start, end, windowDays, ...outcome },
        summary:
          `Compared ${label(args.templateId)} (${args.templateId}) with ${outcome.comparisons.length} of ${args.templateList.length} template(s) over ${windowDays} days (${range}). ` +
          `Gupshup ranks block rates without giving them:\n${lines.join("\n")}`,
      };
    },
  ),
];

/**
 * A failure every pair would meet: auth, analytics not enabled, Gupshup down. Gupshup refuses a
 * pair it cannot compare with 400 [§11], and a rate limit only delays the pairs.
 */
const appWide = (failure: UpstreamFailure) => failure.kind !== "rate_limited" && !(failure.kind === "rejected" && failure.status === 400);

/**
 * One pair's answer: Gupshup's three metrics, each keyed by template id. BLOCK_RATE lists the ids
 * lower block rate first (Meta's template-comparison order; no rates are given).
 */
function comparisonOf(templateId: string, metrics: z.infer<typeof compareResponse>["data"]): Omit<z.infer<typeof comparisonShape>, "name"> {
  const metric = (name: string) => metrics.find((m) => m.metric === name);
  return {
    templateId,
    blockRateRanking: metric("BLOCK_RATE")?.order_by_relative_metric ?? [],
    sends: (metric("MESSAGE_SENDS")?.number_values ?? []).map((v) => ({ templateId: v.key, sends: v.value })),
    topBlockReasons: (metric("TOP_BLOCK_REASON")?.string_values ?? []).map((v) => ({ templateId: v.key, reason: v.value })),
  };
}

type Window = { start?: number | string; end?: number | string; timeZone?: string };

/** The earliest start Gupshup accepts (90 days back), with a minute's margin for the call to get there. */
const earliestAnalytics = () => Math.floor(Date.now() / 1000) - 90 * DAY + 60;

/** Analytics' range in Unix seconds: by default the last 30 days, never reaching back past 90. */
function analyticsWindow(a: Window): { start: number; end: number } | undefined {
  const range = timeRange(a.start, a.end, a.timeZone, 30 * DAY * 1000);
  if (!range) return undefined;
  const end = Math.floor(range.to / 1000);
  return { start: a.start === undefined ? Math.max(end - 30 * DAY, earliestAnalytics()) : Math.floor(range.from / 1000), end };
}

/**
 * A comparison's range in Unix seconds: by default the 30 days up to now, or from `start`. Meta
 * wants exactly 7, 30, 60 or 90 days; dates across a daylight-saving change are an hour off that,
 * so within an hour the end is moved to fit.
 */
function compareWindow(a: Window): { start: number; end: number } | undefined {
  const range = a.end === undefined && a.start !== undefined ? timeRange(a.start, a.start, a.timeZone, 0) : timeRange(a.start, a.end, a.timeZone, 30 * DAY * 1000);
  if (!range) return undefined;
  const start = Math.floor(range.from / 1000);
  if (a.end === undefined && a.start !== undefined) return { start, end: start + 30 * DAY };
  const end = Math.floor(range.to / 1000);
  const days = COMPARE_WINDOWS_DAYS.find((d) => Math.abs(end - start - d * DAY) <= 3600);
  return { start, end: days === undefined ? end : start + days * DAY };
}

/** Template names by id, from the app's (usually cached) template list; none when it cannot be had. */
async function templateNames(ctx: ToolContext, appId: string): Promise<TemplateNames> {
  const result = await ctx.callApp(appId, { endpoint: "listTemplates" });
  const parsed = result.ok ? templatesResponse.safeParse(result.data) : undefined;
  const templates = parsed?.success ? parsed.data.templates : [];
  const names = new Map(templates.map((t) => [t.id, t.elementName]));
  const languages = (name: string) => templates.filter((t) => t.elementName === name).length;
  return {
    name: (id) => names.get(id) ?? null,
    // A name is shown with its language where the app has it in several.
    label: (id) => {
      const template = templates.find((t) => t.id === id);
      if (!template) return id;
      return languages(template.elementName) > 1 ? `${template.elementName} (${template.languageCode})` : template.elementName;
    },
  };
}

interface TemplateNames {
  name(id: string): string | null;
  /** How people know the template: its name (with the language when the name is ambiguous), or the id. */
  label(id: string): string;
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
const rate = (value: number | null, of: string) => (value === null ? "" : ` (${value}% ${of})`);
