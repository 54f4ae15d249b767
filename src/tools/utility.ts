import { z } from "zod";
import { appTokenResponse, parseAnswer, usageResponse } from "../api/responses";
import { maskToken } from "../utils/secrets";
import { appSummary, listAccountApps } from "./apps";
import { personApproves } from "./ask-person";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { inboxReport, periodDays, periodInput, reportLines, reportOutput, reportWindow } from "./report";
import { appIdInput, appIdValue } from "./schemas";
import { dateIn, timeInput, timeRange, timeZoneInput } from "./time-input";

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

export const usageDay = z.object({
  date: z.string(),
  totalMessages: z.number(),
  incoming: z.number(),
  outgoing: z.number(),
  templateMessages: z.number(),
  marketing: z.number(),
  utility: z.number(),
  authentication: z.number(),
  service: z.number(),
  totalFees: z.number(),
  whatsappFees: z.number(),
  gupshupFees: z.number(),
});
type UsageDay = z.infer<typeof usageDay>;

export const utilityTools: ToolDefinition[] = [
  defineTool(
    "list_apps",
    {
      title: "List apps",
      description: "Each WhatsApp number's app id, name and phone, in one quick call. For health, quality and balance: list_devices_status.",
      input: z.object({}),
      output: z.object({ apps: z.array(appSummary), count: z.number() }),
      scope: "read",
      annotations: readOnly,
    },
    (ctx) => async () => {
      const apps = await listAccountApps(ctx);
      const lines = apps.map((a) => `- ${a.name ?? "(unnamed)"} — ${a.appId}${a.phone ? ` — ${a.phone}` : ""}${a.live ? " — live" : ""}${a.healthy === false ? " — UNHEALTHY" : ""}`);
      return { structured: { apps, count: apps.length }, summary: `${apps.length} app(s):\n${lines.join("\n")}` };
    },
  ),

  defineTool(
    "get_usage_summary",
    {
      title: "Usage summary",
      description:
        "The report for a period: Gupshup's messages and fees per day and by category, with delivery and read rates, top failures, replies, opt-outs, each template's figures and the campaigns run. Default the last 7 days.",
      input: z
        .object({
          appId: appIdInput,
          period: periodInput,
          from: timeInput.optional().describe("First day (default: 6 days before `to`)."),
          to: timeInput.optional().describe("Last day (default: today)."),
          timeZone: timeZoneInput,
        })
        .superRefine((a, rctx) => {
          const days = a.period ? undefined : usageDays(a);
          if (days && days.from > days.to) rctx.addIssue({ code: "custom", path: ["to"], message: `\`from\` (${days.from}) must not be after \`to\` (${days.to})` });
        }),
      output: z.object({
        appId: z.string(),
        from: z.string(),
        to: z.string(),
        currency: z.string().nullable(),
        days: z.array(usageDay),
        totals: usageDay.omit({ date: true }),
        report: reportOutput,
      }),
      scope: "read",
      annotations: readOnly,
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const { from, to } = args.period ? periodDays(args.period, args.timeZone) : usageDays(args)!;
      const ignored = args.period && (args.from !== undefined || args.to !== undefined) ? ` (${args.period} was used; from and to were ignored)` : "";
      // Gupshup's usage and this server's own records at once: the report costs no extra wait.
      const window = reportWindow({ from, to }, args.timeZone);
      const { answer, inbox } = await ctx.usageReport(appId, { endpoint: "usage", query: { from, to } }, window);
      const data = unwrap(answer, { session: ctx.session, appId });
      const report = await inboxReport(ctx, appId, inbox, window, args.timeZone);
      const rows = parseAnswer(usageResponse, data, "get_usage_summary").partnerAppUsageList;
      const days: UsageDay[] = rows.map((r) => ({
        date: r.date,
        totalMessages: r.totalMsg ?? 0,
        incoming: r.incomingMsg ?? 0,
        outgoing: r.outgoingMsg ?? 0,
        templateMessages: r.templateMsg ?? 0,
        marketing: r.marketing ?? 0,
        utility: r.utility ?? 0,
        authentication: r.authentication ?? 0,
        service: r.service ?? 0,
        totalFees: r.totalFees ?? 0,
        whatsappFees: r.waFees ?? 0,
        gupshupFees: r.gsFees ?? 0,
      }));
      const totals = days.reduce(
        (sum, d) => {
          for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] = round(sum[key] + d[key]);
          return sum;
        },
        { totalMessages: 0, incoming: 0, outgoing: 0, templateMessages: 0, marketing: 0, utility: 0, authentication: 0, service: 0, totalFees: 0, whatsappFees: 0, gupshupFees: 0 },
      );
      const currency = rows[0]?.currency ?? null;
      const money = (n: number) => `${n}${currency ? ` ${currency}` : ""}`;
      const usage =
        `${from} → ${to}${args.period ? ` (${args.period.replace(/_/g, " ")}${args.timeZone ? `, ${args.timeZone}` : ""})` : ""}${ignored}: ${totals.totalMessages} messages over ${days.length} day(s), fees ${money(totals.totalFees)}. ` +
        `Gupshup counted ${totals.outgoing} sent and ${totals.incoming} received; by category marketing ${totals.marketing}, utility ${totals.utility}, authentication ${totals.authentication}, service ${totals.service} (Gupshup does not split fees by category: WhatsApp ${money(totals.whatsappFees)}, Gupshup ${money(totals.gupshupFees)}).`;
      return { structured: { appId, from, to, currency, days, totals, report }, summary: [usage, ...reportLines(report)].join("\n") };
    },
  ),

  defineTool(
    "get_app_token",
    {
      title: "Get app token",
      description: "The app token (sk_…) the server uses, masked unless reveal — for debugging auth only.",
      input: z.object({
        appId: appIdValue.describe("The app (name, number or id)."),
        reveal: z.boolean().optional().describe("The full token, not masked (sk_ab…wxyz): only when really needed."),
      }),
      output: z.object({ appId: z.string(), token: z.string(), masked: z.boolean(), expiresOn: z.number().nullable(), active: z.boolean().nullable() }),
      scope: "manage",
      // Not read-only: Gupshup mints a token when the app has none, and each call spends the token budget.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = await ctx.appId(args.appId);
      if (args.reveal) {
        personApproves(
          extra,
          `Show app ${appId}'s access token in this conversation? It is a password for the app: whoever sees it can send messages and spend the app's balance.`,
          "Not shown: the person did not approve revealing the token. Call again without reveal for the masked token.",
        );
      }
      const data = unwrap(await ctx.callApp(appId, { endpoint: "appToken" }), { session: ctx.session, appId });
      const record = parseAnswer(appTokenResponse, data, "get_app_token");
      const token = args.reveal ? record.token : maskToken(record.token);
      const expires = record.expiresOn ? new Date(record.expiresOn).toISOString() : "never";
      return {
        structured: { appId, token, masked: !args.reveal, expiresOn: record.expiresOn ?? null, active: record.active ?? null },
        summary: `App token for ${appId}: ${token} (active: ${record.active ?? "unknown"}, expires: ${expires})`,
      };
    },
  ),
];

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** The report's first and last day (YYYY-MM-DD): the dates of `from` and `to` in the caller's time zone. */
function usageDays(a: { from?: number | string; to?: number | string; timeZone?: string }): { from: string; to: string } | undefined {
  const range = timeRange(a.from, a.to, a.timeZone, 0);
  if (!range) return undefined;
  const to = dateIn(range.to, a.timeZone);
  return { from: a.from === undefined ? new Date(Date.parse(to) - 6 * 86_400_000).toISOString().slice(0, 10) : dateIn(range.from, a.timeZone), to };
}
