import { z } from "zod";
import { limitInWords } from "../api/endpoints";
import { analyticsResponse, compareResponse, parseAnswer } from "../api/responses";
import type { UpstreamFailure } from "../api/types";
import { progressReporter } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { fanOut } from "./fan-out";
import { appIdInput, templateIdInput, unixSecondsInput } from "./schemas";

const DAY = 86_400;
const COMPARE_WINDOWS_DAYS = [7, 30, 60, 90];
const METRICS = ["SENT", "DELIVERED", "READ", "CLICKED"] as const;

export const analyticsRow = z.object({
  templateId: z.string(),
  start: z.number().nullable(),
  end: z.number().nullable(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  clicked: z.array(z.object({ type: z.string().nullable(), buttonContent: z.string().nullable(), count: z.number() })),
});

export const comparisonShape = z.object({
  templateId: z.string().describe("The template compared with the primary."),
  blockRateRanking: z.array(z.string()).describe("The two template ids ordered by block rate, as Gupshup ranks them."),
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
      description: `Sent, delivered, read and button clicks per template over a time range (at most 90 days back). Gupshup answers one template per call, ${limitInWords("analytics")}: ids beyond that come back under \`pending\` with the wait.`,
      input: z
        .object({
          appId: appIdInput,
          start: unixSecondsInput.describe("Start, Unix seconds; not older than 90 days."),
          end: unixSecondsInput.describe("End, Unix seconds; after start."),
          templateIds: z.array(templateIdInput).min(1, "give at least one template id").max(30, "at most 30 templateIds").describe("Template ids (max 30)."),
          granularity: z.enum(["DAILY", "AGGREGATE"]).default("AGGREGATE").describe("DAILY rows or one AGGREGATE row per template (default)."),
          metricTypes: z.array(z.enum(METRICS)).min(1).max(4).optional().describe("Subset of SENT, DELIVERED, READ, CLICKED (default all)."),
        })
        .superRefine((a, rctx) => {
          if (a.start >= a.end) rctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
          const earliest = Math.floor(Date.now() / 1000) - 90 * DAY;
          if (a.start < earliest) rctx.addIssue({ code: "custom", path: ["start"], message: `start must be within the last 90 days (not before ${earliest})` });
          if (new Set(a.templateIds).size !== a.templateIds.length) rctx.addIssue({ code: "custom", path: ["templateIds"], message: "templateIds contains duplicates" });
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
      const query = (id: string): Record<string, string> => ({
        template_ids: id,
        start: String(args.start),
        end: String(args.end),
        granularity: args.granularity === "AGGREGATE" ? "AGGREGATED" : "DAILY",
        metric_types: (args.metricTypes ?? METRICS).join(","),
        limit: "30",
      });
      const fetchOne = (id: string) => ctx.callApp(appId, { endpoint: "getAnalytics", query: query(id) });

      const context = { session: ctx.session, appId };
      const { answered, pending, failed } = await fanOut(args.templateIds, fetchOne, { failsTool: (f) => f.kind !== "rate_limited", context, report });
      const results = answered.flatMap(({ data }) =>
        parseAnswer(analyticsResponse, data, "get_template_analytics").template_analytics.map((row) => ({
          templateId: row.template_id,
          start: row.start ?? null,
          end: row.end ?? null,
          sent: row.sent ?? 0,
          delivered: row.delivered ?? 0,
          read: row.read ?? 0,
          clicked: (row.clicked ?? []).map((c) => ({ type: c.type ?? null, buttonContent: c.button_content ?? null, count: c.count ?? 0 })),
        })),
      );
      const outcome = { results, pending, failed };
      const lines = outcome.results.map((r) => `- ${r.templateId}: sent ${r.sent}, delivered ${r.delivered}, read ${r.read}`);
      if (outcome.pending.length > 0) {
        const wait = Math.max(...outcome.pending.map((p) => p.retryAfterSeconds));
        lines.push(`${outcome.pending.length} template(s) pending (rate limit ${limitInWords("analytics")}): ask again in ${wait}s for ${outcome.pending.map((p) => p.templateId).join(", ")}.`);
      }
      for (const f of outcome.failed) lines.push(`- ${f.templateId}: ${f.error}`);
      return {
        structured: { appId, start: args.start, end: args.end, granularity: args.granularity, ...outcome },
        summary: `Analytics for ${outcome.results.length} row(s):\n${lines.join("\n")}`,
      };
    },
  ),

  defineTool(
    "compare_templates",
    {
      title: "Compare templates",
      description:
        "Compare a template with others over exactly 7, 30, 60 or 90 days: which is blocked more, sends, top block reason. Templates must be APPROVED with ≥1,000 sends in the range. " +
        `One pair per Gupshup call, ${limitInWords("compare")}: pairs beyond that come back under \`pending\` with the wait, pairs Gupshup refuses under \`failed\`.`,
      input: z
        .object({
          appId: appIdInput,
          templateId: templateIdInput.describe("Primary template id."),
          templateList: z
            .array(templateIdInput)
            .min(1, "give at least one template id to compare with")
            .max(10, "at most 10 templates (Gupshup allows 10 comparisons per hour)")
            .describe("Template ids to compare with the primary, one comparison (one Gupshup call) each; at most 10."),
          start: unixSecondsInput.describe("Start, Unix seconds."),
          end: unixSecondsInput.describe("End, Unix seconds: start + exactly 7, 30, 60 or 90 days."),
        })
        .superRefine((a, rctx) => {
          if (a.start >= a.end) rctx.addIssue({ code: "custom", path: ["end"], message: "start must be before end" });
          else if (!COMPARE_WINDOWS_DAYS.some((d) => a.end - a.start === d * DAY)) {
            rctx.addIssue({ code: "custom", path: ["end"], message: `end - start must be exactly 7, 30, 60 or 90 days (604800, 2592000, 5184000 or 7776000 s); it is ${a.end - a.start} s` });
          }
          if (a.templateList.includes(a.templateId)) rctx.addIssue({ code: "custom", path: ["templateList"], message: "templateList must not contain the primary templateId" });
          if (new Set(a.templateList).size !== a.templateList.length) rctx.addIssue({ code: "custom", path: ["templateList"], message: "templateList contains duplicates" });
        }),
      output: z.object({
        appId: z.string(),
        templateId: z.string().describe("The primary template."),
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
      const compareWith = (other: string) =>
        ctx.callApp(appId, { endpoint: "compareTemplates", params: { templateId: args.templateId }, query: { templateList: other, start: String(args.start), end: String(args.end) } });

      const { answered, pending, failed } = await fanOut(args.templateList, compareWith, { failsTool: appWide, context: { session: ctx.session, appId }, report });
      const outcome = { comparisons: [] as z.infer<typeof comparisonShape>[], pending, failed };
      for (const { templateId, data } of answered) {
        const parsed = compareResponse.safeParse(data);
        if (parsed.success) outcome.comparisons.push(comparisonOf(templateId, parsed.data.data));
        else outcome.failed.push({ templateId, error: "Gupshup's answer did not have the expected shape, so it was not used. Try again later; if it persists, Gupshup may have changed this API." });
      }

      const windowDays = (args.end - args.start) / DAY;
      const lines = outcome.comparisons.map(
        (c) => `- vs ${c.templateId}: block rate ${c.blockRateRanking.join(" > ") || "(no ranking)"}; sends ${c.sends.map((s) => `${s.templateId}=${s.sends}`).join(", ") || "(none)"}`,
      );
      if (outcome.pending.length > 0) {
        const wait = Math.max(...outcome.pending.map((p) => p.retryAfterSeconds));
        lines.push(`${outcome.pending.length} pending (Gupshup allows 10 comparisons per hour): ask again in ${wait}s for ${outcome.pending.map((p) => p.templateId).join(", ")}.`);
      }
      for (const f of outcome.failed) lines.push(`- ${f.templateId} not compared: ${f.error}`);
      return {
        structured: { appId, templateId: args.templateId, windowDays, ...outcome },
        summary: `Compared ${args.templateId} with ${outcome.comparisons.length} of ${args.templateList.length} template(s) over ${windowDays} days:\n${lines.join("\n")}`,
      };
    },
  ),
];

/**
 * A failure every pair would meet: auth, analytics not enabled, Gupshup down. Gupshup refuses a
 * pair it cannot compare with 400 [§11], and a rate limit only delays the pairs.
 */
const appWide = (failure: UpstreamFailure) => failure.kind !== "rate_limited" && !(failure.kind === "rejected" && failure.status === 400);

/** One pair's answer: Gupshup's three metrics, each keyed by template id. */
function comparisonOf(templateId: string, metrics: z.infer<typeof compareResponse>["data"]): z.infer<typeof comparisonShape> {
  const metric = (name: string) => metrics.find((m) => m.metric === name);
  return {
    templateId,
    blockRateRanking: metric("BLOCK_RATE")?.order_by_relative_metric ?? [],
    sends: (metric("MESSAGE_SENDS")?.number_values ?? []).map((v) => ({ templateId: v.key, sends: v.value })),
    topBlockReasons: (metric("TOP_BLOCK_REASON")?.string_values ?? []).map((v) => ({ templateId: v.key, reason: v.value })),
  };
}
