import { z } from "zod";
import type { InboxReply } from "../inbox/query";
import type { InboxReport } from "../inbox/store";
import { quoted } from "../utils/customer-text";
import { percent } from "../utils/percent";
import { appTemplates } from "./app-templates";
import { campaignIdOf } from "./campaign-report";
import type { ToolContext } from "./context";
import { type Coverage, coverageOutput, inboxCoverage } from "./coverage";
import { failureAdvice } from "./failure-advice";
import type { TemplateShape } from "./template-shape";
import { dateIn, toEpochMs } from "./time-input";

/**
 * get_usage_summary's report: a window's messages, spend, delivery, replies, opt-outs, templates
 * and campaigns in one answer ("give me this week's report"). Counts and fees are Gupshup's (its
 * usage report); delivery, replies and per-template figures are the inbox's (so they cover only
 * what was sent while tracking was on, and say so); campaigns are the app's own.
 */

export const PERIODS = ["today", "yesterday", "this_week", "last_week", "this_month", "last_month", "last_7_days", "last_30_days"] as const;
export type Period = (typeof PERIODS)[number];

/** "this week", "Last-Month" and "this_week" all name this_week: the words people use are taken. */
export const periodInput = z
  .preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .trim()
            .toLowerCase()
            .replace(/[\s-]+/g, "_")
        : v,
    z.enum(PERIODS),
  )
  .optional()
  .describe("Instead of from/to, in timeZone (weeks start Monday).");

const DAY = 86_400_000;
const day = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** The first and last day (YYYY-MM-DD, inclusive) of a period, as the calendar in `timeZone` has them now. */
export function periodDays(period: Period, timeZone: string | undefined, now = Date.now()): { from: string; to: string } {
  const today = dateIn(now, timeZone);
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const monthStart = `${today.slice(0, 8)}01`;
  switch (period) {
    case "today":
      return { from: today, to: today };
    case "yesterday":
      return { from: day(today, -1), to: day(today, -1) };
    case "this_week":
      return { from: day(today, -weekday), to: today };
    case "last_week":
      return { from: day(today, -weekday - 7), to: day(today, -weekday - 1) };
    case "this_month":
      return { from: monthStart, to: today };
    case "last_month": {
      const lastDay = day(monthStart, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
    case "last_7_days":
      return { from: day(today, -6), to: today };
    case "last_30_days":
      return { from: day(today, -29), to: today };
  }
}

const counts = z.object({ sent: z.number(), delivered: z.number(), read: z.number(), failed: z.number() });

export const reportOutput = z.object({
  delivery: counts.extend({
    tracked: z.boolean(),
    deliveredRate: z.number().nullable(),
    readRate: z.number().nullable(),
    topFailures: z.array(z.object({ code: z.string().nullable(), reason: z.string().nullable(), count: z.number(), whatToDo: z.string().nullable() })),
    covers: coverageOutput.nullable(),
  }),
  replies: z.object({ messages: z.number(), customers: z.number() }),
  optOuts: z.number(),
  templates: z.array(counts.extend({ template: z.string(), templateId: z.string().nullable(), category: z.string().nullable() })),
  campaigns: z.array(z.object({ campaignId: z.string(), name: z.string(), state: z.string(), sent: z.number().describe("In all, not only in the window.") })),
});
export type Report = z.infer<typeof reportOutput>;

/** The instants the days `from`–`to` in `timeZone` span, up to now. */
export function reportWindow(days: { from: string; to: string }, timeZone: string | undefined, now = Date.now()): { since: number; until: number } {
  return { since: toEpochMs(days.from, timeZone)!, until: Math.min(now, toEpochMs(day(days.to, 1), timeZone)! - 1) };
}

/** The report's parts drawn from the inbox and the app's campaigns (the app's object answered `reply` for `window`). */
export async function inboxReport(ctx: ToolContext, appId: string, reply: InboxReply<"report">, window: { since: number; until: number }, timeZone: string | undefined): Promise<Report> {
  const now = Date.now();
  const { since, until } = window;
  const { sent, failures, inbound, optOuts, campaigns } = reply.data;
  const templateRows = sent.filter((r) => r.type === "template");
  const templates = templateRows.length ? await appTemplates(ctx, appId).catch(() => []) : [];
  const byIdOrName = new Map(templates.flatMap((t) => [[t.id, t] as const, [t.elementName, t] as const]));
  const total = sent.reduce((sum, r) => ({ sent: sum.sent + r.sent, delivered: sum.delivered + r.delivered, read: sum.read + r.read, failed: sum.failed + r.failed }), {
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
  });
  const covers: Coverage | null =
    reply.webhookConfiguredAt === null ? null : inboxCoverage({ trackingSince: reply.webhookConfiguredAt, retention: ctx.env.INBOX_RETENTION_DAYS, since, until, timeZone, now });
  return {
    delivery: {
      tracked: reply.webhookConfiguredAt !== null,
      ...total,
      deliveredRate: percent(total.delivered, total.sent),
      readRate: percent(total.read, total.delivered),
      topFailures: failures.map((f) => ({ ...f, whatToDo: failureAdvice(f.code) ?? null })),
      covers,
    },
    replies: inbound,
    optOuts,
    templates: perTemplate(templateRows, (text) => (text === null ? undefined : byIdOrName.get(text))),
    campaigns: campaigns.map((c) => ({ campaignId: campaignIdOf(c.appId, c.id), name: c.name, state: c.state, sent: c.submitted })),
  };
}

/** Rows recorded under a template's id (campaigns) or its name (sends that looked it up) added up per template. */
function perTemplate(rows: InboxReport["sent"], find: (text: string | null) => TemplateShape | undefined): Report["templates"] {
  const byName = new Map<string, Report["templates"][number]>();
  for (const r of rows) {
    const template = find(r.text);
    const name = template?.elementName ?? r.text ?? "(unknown)";
    const row = byName.get(name) ?? { template: name, templateId: template?.id ?? null, category: template?.category ?? null, sent: 0, delivered: 0, read: 0, failed: 0 };
    byName.set(name, { ...row, sent: row.sent + r.sent, delivered: row.delivered + r.delivered, read: row.read + r.read, failed: row.failed + r.failed });
  }
  return [...byName.values()].sort((a, b) => b.sent - a.sent);
}

/** The report in words, after the usage line: delivery, replies, opt-outs, templates, campaigns. */
export function reportLines(r: Report): string[] {
  const d = r.delivery;
  const delivery = !d.tracked
    ? "Delivery: not tracked for this app, so delivered, read, failed and replies are not known here (configure_webhook starts it)."
    : `Delivery of the ${d.sent} message(s) sent through this server: ${d.delivered} delivered${d.deliveredRate === null ? "" : ` (${d.deliveredRate}%)`}, ${d.read} read${d.readRate === null ? "" : ` (${d.readRate}% of delivered)`}, ${d.failed} failed.${d.covers && !d.covers.complete ? ` ${d.covers.note}` : ""}`;
  return [
    delivery,
    ...d.topFailures.map((f) => `- failed ${f.code ?? "?"} ${f.reason ?? ""} (${f.count})${f.whatToDo ? `: ${f.whatToDo}` : ""}`),
    d.tracked ? `Customers wrote ${r.replies.messages} message(s), from ${r.replies.customers} number(s); ${r.optOuts} opted out.` : "",
    r.templates.length
      ? `Templates${d.tracked ? "" : " (sent through this server)"}: ${r.templates
          .map((t) => `${t.template}${t.category ? ` (${t.category})` : ""} ${t.sent} sent${d.tracked ? `, ${t.delivered} delivered, ${t.read} read, ${t.failed} failed` : ""}`)
          .join("; ")}.`
      : "",
    r.campaigns.length ? `Campaigns: ${r.campaigns.map((c) => `${quoted(c.name)} ${c.state}, ${c.sent} sent in all`).join("; ")}.` : "Campaigns: none ran.",
  ].filter(Boolean);
}
