import { z } from "zod";
import { limitInWords } from "../api/endpoints";
import { compareResponse } from "../api/responses";
import type { UpstreamFailure } from "../api/types";
import { percent } from "../utils/percent";
import { earliestAnalytics, templateAnalytics } from "./analytics";
import { progressReporter } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError } from "./errors";
import { fanOut } from "./fan-out";
import { appIdInput, templateIdInput } from "./schemas";
import { templateNames } from "./template-names";
import { DAY_SECONDS as DAY, describeTime, type TimeWindowArgs, timeInput, timeRange, timeZoneInput } from "./time-input";

const COMPARE_WINDOWS_DAYS = [7, 30, 60, 90];

export const comparisonShape = z.object({
  templateId: z.string().describe("The template compared with the primary."),
  name: z.string().nullable(),
  blockRateRanking: z.array(z.string()).describe("The two template ids, lower block rate (better) first; Gupshup gives the order, not the rates."),
  sends: z.array(z.object({ templateId: z.string(), sends: z.number() })).describe("Messages sent per template in the window."),
  topBlockReasons: z.array(z.object({ templateId: z.string(), reason: z.string() })).describe("The most common reason users blocked each template."),
});

export const compareTools: ToolDefinition[] = [
  defineTool(
    "compare_templates",
    {
      title: "Compare templates",
      description:
        "Which template works better: delivered %, read %, clicks and Gupshup's block ranking side by side over 7, 30, 60 or 90 days (default 30), with a verdict; both APPROVED with ≥1,000 sends. " +
        `${limitInWords("compare")} pairs: more come back under \`pending\`.`,
      input: z
        .object({
          appId: appIdInput,
          templateId: templateIdInput.describe("Primary template id."),
          templateList: z
            .array(templateIdInput)
            .min(1, "give at least one template id to compare with")
            .max(10, "at most 10 templates (Gupshup allows 10 comparisons per hour)")
            .describe("Ids to compare with the primary (≤10, one Gupshup call each)."),
          start: timeInput.optional().describe("Default: 30 days before end."),
          end: timeInput.optional().describe("7, 30, 60 or 90 days after start (default: now)."),
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
        sideBySide: z
          .array(
            z.object({
              templateId: z.string(),
              name: z.string().nullable(),
              category: z.string().nullable(),
              sent: z.number(),
              deliveredPercent: z.number().nullable(),
              readPercent: z.number().nullable(),
              clicks: z.number(),
              clickPercent: z.number().nullable().describe("Clicks per 100 delivered."),
            }),
          )
          .describe("Each template's analytics over the window (get_template_analytics' figures)."),
        verdict: z.string().describe("Which is better, and on what."),
        pending: z
          .array(z.object({ templateId: z.string(), retryAfterSeconds: z.number() }))
          .describe(`Templates not compared because of the ${limitInWords("compare")} limit: ask again for them after the wait.`),
        failed: z.array(z.object({ templateId: z.string(), error: z.string() })).describe("Templates Gupshup would not compare with the primary, and why (e.g. under 1,000 sends, not APPROVED)."),
      }),
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = await ctx.appId(args.appId);
      const report = progressReporter(extra);
      const { start, end } = compareWindow(args)!;
      const compareWith = (other: string) =>
        ctx.callApp(appId, { endpoint: "compareTemplates", params: { templateId: args.templateId }, query: { templateList: other, start: String(start), end: String(end) } });

      const ids = [args.templateId, ...args.templateList];
      const named = templateNames(ctx, appId);
      const [{ answered, pending, failed }, names, analytics] = await Promise.all([
        fanOut(args.templateList, compareWith, { failsTool: appWide, context: { session: ctx.session, appId }, report }),
        named,
        templateAnalytics(ctx, appId, ids, { start: Math.max(start, earliestAnalytics()), end, granularity: "AGGREGATE", metrics: ["SENT", "DELIVERED", "READ", "CLICKED"] }, named, report).catch(
          (error: unknown) => (error instanceof ToolError ? { results: [], pending: [], failed: ids.map((templateId) => ({ templateId, error: error.message })) } : Promise.reject(error)),
        ),
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
      const sideBySide = ids.flatMap((id) => {
        const row = analytics.results.find((r) => r.templateId === id);
        if (!row) return [];
        const clicks = row.clicked.reduce((sum, c) => sum + c.count, 0);
        const { sent, deliveredPercent, readPercent } = row;
        return [{ templateId: id, name: names.name(id), category: names.category(id), sent, deliveredPercent, readPercent, clicks, clickPercent: percent(clicks, row.delivered) }];
      });
      const missing = ids.filter((id) => !sideBySide.some((r) => r.templateId === id));
      const verdict = verdictOf(sideBySide, outcome.comparisons, label, missing, analytics.failed[0]?.error);
      const table = sideBySide.map(
        (r) =>
          `- ${label(r.templateId)}${r.category ? ` (${r.category})` : ""}: sent ${r.sent}, delivered ${r.deliveredPercent ?? "?"}%, read ${r.readPercent ?? "?"}% of delivered, ${r.clicks} click(s)${r.clickPercent === null ? "" : ` (${r.clickPercent}% of delivered)`}`,
      );
      return {
        structured: { appId, templateId: args.templateId, name: names.name(args.templateId), start, end, windowDays, ...outcome, sideBySide, verdict },
        summary:
          `Compared ${label(args.templateId)} (${args.templateId}) with ${args.templateList.length} template(s) over ${windowDays} days (${range}).\n${verdict}\n` +
          `${table.length ? `Side by side (Meta's analytics):\n${table.join("\n")}\n` : ""}Block rates (Gupshup ranks them without giving them):\n${lines.join("\n")}`,
      };
    },
  ),
];

type Side = { templateId: string; category: string | null; sent: number; deliveredPercent: number | null; readPercent: number | null; clicks: number; clickPercent: number | null };

/**
 * Which template is better and on what: read rate (of delivered), delivered rate, clicks, and the
 * block ranking; with a warning when the templates are of different categories (people expect
 * utility messages, so their read rates are not a fair match for marketing ones).
 */
function verdictOf(rows: Side[], comparisons: z.infer<typeof comparisonShape>[], label: (id: string) => string, missing: string[], why: string | undefined): string {
  const best = (key: "readPercent" | "deliveredPercent" | "clickPercent", what: string, unit: string) => {
    const ranked = rows.filter((r) => r[key] !== null && r.sent > 0).sort((a, b) => (b[key] as number) - (a[key] as number));
    if (ranked.length < 2) return "";
    const [top, next] = ranked;
    if (top![key] === next![key]) return `${what}: a tie (${top![key]}${unit}).`;
    return `${what}: ${label(top!.templateId)} (${top![key]}${unit}, against ${label(next!.templateId)}'s ${next![key]}${unit}).`;
  };
  const blockedLess = comparisons.flatMap((c) => (c.blockRateRanking.length === 2 ? [`${label(c.blockRateRanking[0]!)} is blocked less than ${label(c.blockRateRanking[1]!)}`] : []));
  const categories = [...new Set(rows.map((r) => r.category).filter((c): c is string => c !== null))];
  const parts = [
    best("readPercent", "Read more", "% of delivered"),
    best("deliveredPercent", "Delivered more", "%"),
    best("clickPercent", "Clicked more", "% of delivered"),
    blockedLess.length ? `Blocks: ${blockedLess.join("; ")}.` : "",
    categories.length > 1
      ? `Warning: these are different categories (${rows.map((r) => `${label(r.templateId)} ${r.category ?? "?"}`).join(", ")}): people expect utility and authentication messages, so their read rates are not a fair match for marketing ones. Compare templates of one category.`
      : "",
    missing.length ? `No analytics for ${missing.map(label).join(", ")} in this window: ${why ?? "the analytics rate limit was reached; ask again in a minute"}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "Not enough figures to say which is better: no analytics came back for the window.";
}

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

/**
 * A comparison's range in Unix seconds: by default the 30 days up to now, or from `start`. Meta
 * wants exactly 7, 30, 60 or 90 days; dates across a daylight-saving change are an hour off that,
 * so within an hour the end is moved to fit.
 */
function compareWindow(a: TimeWindowArgs): { start: number; end: number } | undefined {
  const range = a.end === undefined && a.start !== undefined ? timeRange(a.start, a.start, a.timeZone, 0) : timeRange(a.start, a.end, a.timeZone, 30 * DAY * 1000);
  if (!range) return undefined;
  const start = Math.floor(range.from / 1000);
  if (a.end === undefined && a.start !== undefined) return { start, end: start + 30 * DAY };
  const end = Math.floor(range.to / 1000);
  const days = COMPARE_WINDOWS_DAYS.find((d) => Math.abs(end - start - d * DAY) <= 3600);
  return { start, end: days === undefined ? end : start + days * DAY };
}
