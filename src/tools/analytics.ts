import { z } from "zod";
import { limitInWords } from "../api/endpoints";
import { analyticsResponse, parseAnswer } from "../api/responses";
import { percent } from "../utils/percent";
import { progressReporter, type ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { fanOut } from "./fan-out";
import { appIdInput, templateIdInput } from "./schemas";
import { type TemplateNames, templateNames } from "./template-names";
import { DAY_SECONDS as DAY, describeTime, type TimeWindowArgs, timeInput, timeRange, timeZoneInput } from "./time-input";

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

export const analyticsTools: ToolDefinition[] = [
  defineTool(
    "enable_template_analytics",
    {
      title: "Enable template analytics",
      description: "Turn Meta template analytics on (or off). Needed once before get_template_analytics and compare_templates return data.",
      input: z.object({ appId: appIdInput, enable: z.boolean().describe("true to enable, false to disable.") }),
      output: z.object({ appId: z.string(), enabled: z.boolean() }),
      scope: "manage",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      unwrap(await ctx.callApp(appId, { endpoint: "enableAnalytics", form: { enable: String(args.enable) } }), { session: ctx.session, appId });
      return { structured: { appId, enabled: args.enable }, summary: `Template analytics ${args.enable ? "enabled" : "disabled"} for ${appId}.` };
    },
  ),

  defineTool(
    "get_template_analytics",
    {
      title: "Template analytics",
      description: `Sent, delivered, read (with rates) and button clicks per template (default 30 days, ≤ 90 days back). ${limitInWords("analytics")} templates: more come back under \`pending\`.`,
      input: z
        .object({
          appId: appIdInput,
          start: timeInput.optional().describe("Default: 30 days before end; at most 90 days ago."),
          end: timeInput.optional().describe("Until when (default: now)."),
          timeZone: timeZoneInput,
          templateIds: z.array(templateIdInput).min(1, "give at least one template id").max(30, "at most 30 templateIds").describe("Template ids."),
          granularity: z.enum(["DAILY", "AGGREGATE"]).default("AGGREGATE").describe("DAILY rows or one AGGREGATE row (default)."),
          metricTypes: z.array(z.enum(METRICS)).min(1).max(4).optional().describe("Default all."),
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
      const appId = await ctx.appId(args.appId);
      const { start, end } = analyticsWindow(args)!;
      const named = templateNames(ctx, appId);
      const outcome = await templateAnalytics(ctx, appId, args.templateIds, { start, end, granularity: args.granularity, metrics: args.metricTypes ?? METRICS }, named, progressReporter(extra));
      const names = await named;
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
];

type AnalyticsRow = z.infer<typeof analyticsRow>;

/**
 * Meta's analytics for each template (one Gupshup call each, within the analytics rate limit: the
 * ones it does not reach now come back under `pending`), named from the app's template list.
 */
export async function templateAnalytics(
  ctx: ToolContext,
  appId: string,
  templateIds: readonly string[],
  window: { start: number; end: number; granularity: "DAILY" | "AGGREGATE"; metrics: readonly string[] },
  /** The app's template names, asked once by the caller (which names its own lines with them too). */
  named: Promise<TemplateNames>,
  report: ReturnType<typeof progressReporter>,
): Promise<{ results: AnalyticsRow[]; pending: { templateId: string; retryAfterSeconds: number }[]; failed: { templateId: string; error: string }[] }> {
  const query = (id: string): Record<string, string> => ({
    template_ids: id,
    start: String(window.start),
    end: String(window.end),
    granularity: window.granularity === "AGGREGATE" ? "AGGREGATED" : "DAILY",
    metric_types: window.metrics.join(","),
    limit: "30",
  });
  const fetchOne = (id: string) => ctx.callApp(appId, { endpoint: "getAnalytics", query: query(id) });
  const [{ answered, pending, failed }, names] = await Promise.all([
    fanOut([...templateIds], fetchOne, { failsTool: (f) => f.kind !== "rate_limited", context: { session: ctx.session, appId }, report }),
    named,
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
  return { results, pending, failed };
}

/** The earliest start Gupshup accepts (90 days back), with a minute's margin for the call to get there. */
export const earliestAnalytics = () => Math.floor(Date.now() / 1000) - 90 * DAY + 60;

/** Analytics' range in Unix seconds: by default the last 30 days, never reaching back past 90. */
export function analyticsWindow(a: TimeWindowArgs): { start: number; end: number } | undefined {
  const range = timeRange(a.start, a.end, a.timeZone, 30 * DAY * 1000);
  if (!range) return undefined;
  const end = Math.floor(range.to / 1000);
  return { start: a.start === undefined ? Math.max(end - 30 * DAY, earliestAnalytics()) : Math.floor(range.from / 1000), end };
}

const rate = (value: number | null, of: string) => (value === null ? "" : ` (${value}% ${of})`);
