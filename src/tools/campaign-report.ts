import { z } from "zod";
import { decisionAt } from "../campaigns/ab-test";
import { type CampaignReport, draftExpired } from "../campaigns/desk";
import { RECIPIENT_STATES } from "../campaigns/recipient-rows";
import { WALLET_EMPTY } from "../campaigns/runner";
import { formatMinutes } from "../campaigns/schedule";
import { CAMPAIGN_STATES } from "../campaigns/store";
import { APP_ID_PATTERN } from "../constants";
import { percent } from "../utils/percent";
import { failureAdvice } from "./failure-advice";

/** A campaign's public id names its app, so every campaign tool finds the app's object from it alone. */
export const campaignIdOf = (appId: string, id: string) => `${appId}:${id}`;

export const campaignIdInput = z
  .string()
  .regex(new RegExp(`${APP_ID_PATTERN.source.slice(0, -1)}:[0-9a-f]{12}$`), "campaignId is the id preview_campaign returned (list_campaigns shows them)")
  .describe("From preview_campaign or list_campaigns.");

/** The app and the object's own id in a campaignId (checked by campaignIdInput). */
export function splitCampaignId(campaignId: string): { appId: string; id: string } {
  const at = campaignId.lastIndexOf(":");
  return { appId: campaignId.slice(0, at), id: campaignId.slice(at + 1) };
}

const counted = z.object({ reason: z.string(), count: z.number() });

export const campaignReportShape = z.object({
  campaignId: z.string(),
  appId: z.string(),
  name: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  reason: z.string().nullable(),
  template: z.object({ id: z.string(), name: z.string(), category: z.string() }),
  counts: z.object(Object.fromEntries(RECIPIENT_STATES.map((s) => [s, z.number()])) as Record<(typeof RECIPIENT_STATES)[number], z.ZodNumber>),
  failedByReason: z.array(counted),
  delivery: z.object({
    tracked: z.boolean(),
    trackedSince: z.string().nullable(),
    delivered: z.number(),
    read: z.number(),
    failed: z.number(),
    deliveredRate: z.number().nullable(),
    readRate: z.number().nullable(),
    failedByReason: z.array(counted),
  }),
  perSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  startAt: z.string().nullable(),
  sendingHours: z.string().nullable(),
  abTest: z
    .object({
      templates: z.object({ A: z.string(), B: z.string() }),
      sent: z.object({ A: z.number(), B: z.number() }),
      readRate: z.object({ A: z.number().nullable(), B: z.number().nullable() }),
      winner: z.enum(["A", "B"]).nullable(),
      decidesAt: z.string().nullable(),
    })
    .nullable(),
});
type CampaignReportOutput = z.infer<typeof campaignReportShape>;

/** What pause, resume, cancel and list_campaigns return of a campaign (get_campaign has the rest). */
export const campaignStateShape = campaignReportShape.pick({ campaignId: true, name: true, state: true, reason: true, counts: true, createdAt: true });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A report as campaign tools return it: structured, and in words with what to do next. */
export function describeCampaign(report: CampaignReport): { structured: CampaignReportOutput; summary: string } {
  const { campaign: c, counts, delivery } = report;
  const failedDelivery = delivery.failed.reduce((sum, f) => sum + f.count, 0);
  const etaSeconds = c.state === "running" && report.perSecond ? Math.ceil((counts.queued + counts.sending) / report.perSecond) : null;
  const structured: CampaignReportOutput = {
    campaignId: campaignIdOf(c.appId, c.id),
    appId: c.appId,
    name: c.name,
    state: c.state,
    reason: c.reason,
    template: { id: c.templateId, name: c.templateName, category: c.category },
    counts,
    failedByReason: report.failures,
    delivery: {
      tracked: report.trackedSince !== null,
      trackedSince: iso(report.trackedSince),
      delivered: delivery.delivered,
      read: delivery.read,
      failed: failedDelivery,
      deliveredRate: percent(delivery.delivered, counts.submitted),
      readRate: percent(delivery.read, delivery.delivered),
      failedByReason: delivery.failed.map((f) => ({ reason: `${f.code ?? "?"} ${f.reason ?? ""}`.trim(), count: f.count })),
    },
    perSecond: report.perSecond,
    etaSeconds,
    createdAt: iso(c.createdAt)!,
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    startAt: iso(c.startAt),
    sendingHours: c.window ? `${formatMinutes(c.window.from)}-${formatMinutes(c.window.to)} ${c.window.timeZone}` : null,
    abTest: abReport(report),
  };
  const lines = [
    `Campaign "${c.name}" (${structured.campaignId}), template ${c.templateName}: ${c.state.toUpperCase()}${c.reason ? ` — ${c.reason.replace(/\.$/, "")}` : ""}.`,
    `${counts.submitted} sent, ${counts.queued + counts.sending} ${c.state === "cancelled" ? "not sent (cancelled)" : "still to send"}, ${counts.failed} refused by Gupshup, ${counts.unknown} with unknown outcome (not sent again), ${counts.skipped} skipped (opted out since the preview).`,
    ...report.failures.map((f) => `- refused: ${f.reason} (${f.count})`),
    report.trackedSince !== null
      ? `Delivery: ${delivery.delivered} delivered${structured.delivery.deliveredRate === null ? "" : ` (${structured.delivery.deliveredRate}% of sent)`}, ${delivery.read} read${structured.delivery.readRate === null ? "" : ` (${structured.delivery.readRate}% of delivered)`}, ${failedDelivery} failed.${
          c.startedAt !== null && c.startedAt < report.trackedSince
            ? ` These count only messages sent after delivery tracking started (${structured.delivery.trackedSince}); Gupshup reported on those sent before to no one, so the rates read low.`
            : ""
        }`
      : "Delivery is not tracked for this app: run configure_webhook to see delivered, read and failed counts (it also lets a 1003 wallet-balance-low failure reported after a send pause the campaign).",
    ...delivery.failed.map((f) => `- failed ${f.code ?? "?"} ${f.reason ?? ""} (${f.count})${failureAdvice(f.code) ? `: ${failureAdvice(f.code)}` : ""}`),
    abSentence(structured.abTest),
    c.state === "running" && report.perSecond ? `Sending ${report.perSecond}/s; about ${formatDuration(etaSeconds ?? 0)} to go.` : "",
    nextStep(report),
  ];
  return { structured, summary: lines.filter(Boolean).join("\n") };
}

function abReport({ campaign: c, test: live }: CampaignReport): CampaignReportOutput["abTest"] {
  // Once chosen, the figures the winner was chosen on (later reads do not change the decision).
  const test = c.abTest?.decidedOn ?? live;
  if (!c.abTest || !test) return null;
  const at = decisionAt(c);
  return {
    templates: { A: c.templateName, B: c.abTest.templateName },
    sent: { A: test.A.sent, B: test.B.sent },
    readRate: { A: percent(test.A.read, test.A.sent), B: percent(test.B.read, test.B.sent) },
    winner: c.abTest.winner,
    decidesAt: at === undefined ? null : iso(at),
  };
}

/** The A/B test in words: which template won and by how much, or when it is decided. */
function abSentence(ab: CampaignReportOutput["abTest"]): string {
  if (!ab) return "";
  const rate = (v: "A" | "B") => `${ab.templates[v]} (${v}) read by ${ab.readRate[v] ?? 0}% of ${ab.sent[v]}`;
  if (ab.winner) {
    const other = ab.winner === "A" ? "B" : "A";
    const by = Math.round(((ab.readRate[ab.winner] ?? 0) - (ab.readRate[other] ?? 0)) * 10) / 10;
    return `A/B test: ${ab.templates[ab.winner]} (${ab.winner}) won — ${rate(ab.winner)} against ${rate(other)} when it was decided${by > 0 ? `, ${by} points ahead` : ", a tie (A wins ties)"}; the rest get ${ab.templates[ab.winner]}.`;
  }
  return `A/B test so far: ${rate("A")}, ${rate("B")}; ${ab.decidesAt ? `the winner is chosen at ${ab.decidesAt} and the rest wait until then.` : "the winner is chosen a set time after the test share is sent."}`;
}

function nextStep({ campaign: c, counts }: CampaignReport): string {
  switch (c.state) {
    case "draft":
      return draftExpired(c, Date.now()) ?? "Nothing sent yet. After the person agrees, start_campaign with confirm: true.";
    case "scheduled":
      return `Starts by itself at ${c.startAt === null ? "its start time" : localTime(c.startAt, c.timeZone ?? "UTC")}; control_campaign (pause or cancel) stops it before then.`;
    case "running":
      return `${c.window ? `Sends only ${formatMinutes(c.window.from)}-${formatMinutes(c.window.to)} (${c.window.timeZone}) and waits outside those hours. ` : ""}get_campaign shows progress; control_campaign (pause or cancel) stops it before the next send.`;
    case "paused":
      return `control_campaign with action resume continues with the ${counts.queued} not yet sent${c.reason === WALLET_EMPTY ? " (after a top-up; messages Gupshup accepted and then failed with 1003 are not sent again)" : ""}; action cancel ends it.`;
    case "completed":
      return counts.unknown > 0 ? "Check the unknown ones with get_campaign status: unknown before sending them again." : "";
    case "cancelled":
      return counts.queued > 0 ? `${counts.queued} recipient(s) were not sent the message.` : "";
  }
}

/** A moment as the people in `timeZone` read it: "2026-12-10 09:00 Asia/Kolkata". */
export function localTime(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}

/** "45 s", "3 min", "1 h 20 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}
