import { z } from "zod";
import { RATE_LIMITS } from "../api/endpoints";
import { appWallet, numberRating, usageResponse } from "../api/responses";
import { testSize } from "../campaigns/ab-test";
import { feeFromUsage } from "../campaigns/cost";
import { type CampaignReport, DRAFT_TTL_MS, DRAFTS_PER_APP, DRAFTS_PER_CALLER, type DraftReply, draftExpired, MAX_LIST_ROWS, type StageReply } from "../campaigns/desk";
import { type Columns, checkRecipients, type GivenRecipient, recipientsFromCsv } from "../campaigns/recipients";
import { formatMinutes, parseSendingHours, type SendingWindow } from "../campaigns/schedule";
import type { CheckedRow } from "../campaigns/staging";
import { type DailyPlan, tierLimit } from "../campaigns/tier";
import type { Rating } from "../campaigns/tier-watch";
import { readSettings } from "../config";
import { templateById } from "./app-templates";
import { personApproves } from "./ask-person";
import { campaignIdInput, campaignIdOf, campaignReportShape, describeCampaign, formatDuration, localTime, splitCampaignId } from "./campaign-report";
import { carouselSend } from "./carousel";
import { progressReporter, type ToolContext } from "./context";
import { columnsExist, csvColumns } from "./csv-columns";
import { defineTool, type ToolDefinition } from "./define";
import { publicUrl } from "./download";
import { ToolError } from "./errors";
import { messageInput } from "./messaging";
import { type ListReading, type ReadList, readRecipientsFile, SHOWN_INVALID } from "./recipients-file";
import { appIdInput, phoneInput, recipientNumber, templateIdInput } from "./schemas";
import { renderSample } from "./template-sample";
import { checkSendable, sender, sendSlots } from "./template-send";
import type { TemplateShape } from "./template-shape";
import { timeInput, timeZoneInput, toEpochMs } from "./time-input";

const MAX_RECIPIENTS = 10_000;
/** Sends a second a campaign can expect: Gupshup's 10 per second, each counted until its answer (about 0.3 s). */
const EXPECTED_PER_SECOND = RATE_LIMITS.default.limit / 1.3;
const USAGE_DAYS = 30;

/** An amount as a person reads it: cents, or four decimals for less than one unit (a single message costs fractions of a cent). */
const money = (n: number, currency: string | null) => `${Math.abs(n) < 1 ? Math.round(n * 10_000) / 10_000 : Math.round(n * 100) / 100} ${currency ?? ""}`.trim();

export const campaignTools: ToolDefinition[] = [
  defineTool(
    "preview_campaign",
    {
      title: "Preview campaign",
      description: "Step 1 of sending an APPROVED template to many: checks each row, skips opted-out numbers, gives samples, time and cost. Sends nothing.",
      input: z
        .object({
          appId: appIdInput,
          name: z.string().min(1).max(100).optional().describe("Default: the template's name."),
          templateId: templateIdInput.describe("From list_templates."),
          source: phoneInput.optional().describe("The app's own number (the default)."),
          srcName: z.string().min(1).max(100).optional().describe("The app's name (the default)."),
          recipients: z
            .array(z.object({ destination: z.string().max(64), params: z.array(z.string().max(2000)).max(100).default([]) }))
            .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`)
            .optional()
            .describe("Number with country code, and params as for send_template_message."),
          recipientsCsv: z.string().max(3_000_000).optional().describe("Or CSV: number, then one column per param."),
          recipientsUrl: z.string().max(2000).optional().describe(`Or an https URL of such a CSV, up to ${MAX_LIST_ROWS} rows.`),
          columns: z.array(z.string().min(1).max(100)).max(101).optional().describe("CSV columns by header name or number (1 = first): the number's, then one per param."),
          message: z
            .looseObject({ type: z.enum(["text", "image", "video", "document", "location", "carousel"]) })
            .optional()
            .describe("As in send_template_message; for all."),
          abTest: z
            .object({
              templateId: templateIdInput,
              share: z.number().min(0.02).max(0.5).default(0.1),
              decideAfterMinutes: z.number().int().min(10).max(2880).default(120),
            })
            .optional()
            .describe("Test a 2nd template (same params) on a share; the more read wins the rest."),
        })
        .refine((a) => [a.recipients, a.recipientsCsv, a.recipientsUrl].filter((r) => r !== undefined).length === 1, {
          message: "give recipients, recipientsCsv or recipientsUrl (one of them)",
          path: ["recipients"],
        }),
      output: z.object({
        campaignId: z.string(),
        expiresAt: z.string(),
        total: z.number(),
        queued: z.number(),
        duplicates: z.number(),
        duplicateRows: z.array(z.object({ row: z.number(), sameAs: z.number() })).describe("Rows left out because an earlier row has the same number."),
        invalid: z.object({ count: z.number(), rows: z.array(z.object({ row: z.number(), reason: z.string() })) }),
        optedOut: z.number(),
        notOnWhatsApp: z.number(),
        samples: z.array(
          z.object({
            destination: z.string(),
            text: z.string(),
            header: z.string().nullable(),
            body: z.string().nullable(),
            footer: z.string().nullable(),
            buttons: z.array(z.object({ type: z.string(), text: z.string(), url: z.string().nullable() })),
          }),
        ),
        estimate: z.object({
          minutes: z.number(),
          feePerMessage: z.number().nullable(),
          cost: z.number().nullable(),
          currency: z.string().nullable(),
          basis: z.string(),
          balance: z.number().nullable(),
        }),
      }),
      view: "campaign",
      scope: "send",
      // It reads the template, wallet and usage from Gupshup; it sends nothing.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = await ctx.appId(args.appId);
      const message = args.message === undefined ? undefined : messageInput.safeParse(args.message);
      if (message && !message.success) throw new ToolError(`message: ${message.error.issues[0]?.message}`);
      const file = args.recipientsUrl === undefined ? undefined : publicUrl(args.recipientsUrl.trim(), ctx.ownHosts(), "recipientsUrl", upstreamOrigin(ctx));
      // The CSV is counted now, before any call; which columns to use is decided once the template says how many values it takes.
      const csv = args.recipientsCsv === undefined ? undefined : recipientsFromCsv(args.recipientsCsv);
      const given = file ? undefined : (csv?.rows ?? args.recipients!.map((r, i) => ({ row: i + 1, ...r })));
      if (csv && args.columns) columnsExist(args.columns, csv.header, csv.header?.length ?? 1 + (csv.rows[0]?.params.length ?? 0));
      if (given?.length === 0) throw new ToolError("The list has no recipients: give one number per row (with country code), then the template's values.");
      if (given && given.length > MAX_RECIPIENTS)
        throw new ToolError(`${given.length} recipients: at most ${MAX_RECIPIENTS} in the call. Put the list in a CSV file and pass its https URL as recipientsUrl (up to ${MAX_LIST_ROWS} rows).`);
      // Read first: they prove the caller may use the app before anything is downloaded.
      if (args.abTest?.templateId === args.templateId)
        throw new ToolError("abTest.templateId is the campaign's own template: give a second APPROVED template to test against it, or leave abTest out.");
      const [template, from, wallet, usage, rating, second] = await Promise.all([
        sendableTemplate(ctx, appId, args.templateId, message?.data.type, false),
        sender(ctx, appId, args.source, args.srcName),
        walletOf(ctx, appId),
        usageOf(ctx, appId),
        ratingOf(ctx, appId),
        args.abTest ? templateById(ctx, appId, args.abTest.templateId, false) : undefined,
      ]);
      if (second) {
        comparable(template, second);
        checkSendable(second, message?.data.type);
      }
      if (rating?.quality === "RED") {
        throw new ToolError(
          "Not planned: the number's quality is RED (many people blocked or reported its messages lately). A campaign now can get its messaging tier lowered or the number restricted. Wait until get_app_health shows YELLOW or GREEN, and send to people who expect the message.",
        );
      }
      const dailyLimit = tierLimit(rating?.tier);
      const wireMessage = message === undefined || message.data.type === "text" ? null : campaignMessage(template, message.data);
      // Each row must fit both templates of an A/B test: checked against the longer header.
      const checkedAs = second && (second.header?.length ?? 0) > (template.header?.length ?? 0) ? { ...template, header: second.header } : template;
      const columns = csvColumns(args.columns, sendSlots(template));
      const rows = args.recipientsCsv === undefined ? given : recipientsFromCsv(args.recipientsCsv, columns).rows;
      const list = rows ? listGiven(ctx, rows, checkedAs) : await listFromFile(ctx, appId, file!, checkedAs, progressReporter(extra), second !== undefined, columns);
      if (list.total === list.invalid.count) {
        if (list.loadId) await ctx.campaign(appId, { kind: "unstage", loadId: list.loadId });
        throw new ToolError(
          list.total === 0
            ? "recipientsUrl holds no recipients: give one number per row (with country code), then the template's values."
            : `None of the ${list.total} rows can be sent:\n${list.invalid.rows
                .slice(0, 10)
                .map((r) => `- row ${r.row}: ${r.reason}`)
                .join("\n")}\nFix them and preview again.`,
        );
      }
      const fee = usage.ok ? feeFromUsage(usage.rows, template.category, USAGE_DAYS) : { feePerMessage: null, currency: null, basis: `unknown: the usage report could not be read (${usage.error})` };
      const draft = await ctx.campaign<DraftReply>(appId, {
        kind: "draft",
        draft: {
          appId,
          name: args.name ?? template.elementName,
          templateId: template.id,
          templateName: template.elementName,
          category: template.category,
          source: from.source,
          srcName: from.srcName,
          // A text message is the template's own words: not stored, never sent [§9].
          message: wireMessage,
          upstream: ctx.session.caller.upstream,
          feePerMessage: fee.feePerMessage,
          currency: fee.currency ?? wallet?.currency ?? null,
          tier: rating?.tier ?? null,
          dailyLimit: dailyLimit !== undefined && Number.isFinite(dailyLimit) ? dailyLimit : null,
          rows: list.rows,
          ...(list.loadId ? { loadId: list.loadId } : {}),
          abTest: second && args.abTest ? { templateId: second.id, templateName: second.elementName, share: args.abTest.share, decideAfterMs: args.abTest.decideAfterMinutes * 60_000 } : null,
        },
      });
      const counted = {
        duplicates: list.stage.duplicates + draft.duplicates,
        optedOut: list.stage.optedOut + draft.optedOut,
        notOnWhatsApp: list.stage.notOnWhatsApp + draft.notOnWhatsApp,
      };
      const campaignId = campaignIdOf(appId, draft.campaign.id);
      const currency = fee.currency ?? wallet?.currency ?? null;
      const cost = fee.feePerMessage === null ? null : Math.round(fee.feePerMessage * draft.queued * 10_000) / 10_000;
      const minutes = Math.round((draft.queued / EXPECTED_PER_SECOND / 60) * 10) / 10;
      const samples = [...list.stage.samples, ...draft.samples].slice(0, 3).map((r) => ({ destination: r.destination, ...renderSample(template, r.params) }));
      const expiresAt = new Date(draft.campaign.createdAt + DRAFT_TTL_MS).toISOString();
      const short = cost !== null && wallet !== undefined && wallet.available < cost ? cost - wallet.available : 0;
      const summary = [
        `Preview of "${draft.campaign.name}" (${campaignId}) with template ${template.elementName} (${template.category}). Nothing has been sent.`,
        `${list.total} row(s)${file ? ` in ${file.origin}${file.pathname}` : ""}: ${draft.queued} to send, ${counted.duplicates} duplicate(s) removed, ${list.invalid.count} invalid, ${counted.optedOut} opted out, ${counted.notOnWhatsApp} not on WhatsApp (failed 1002 before).`,
        list.duplicateRows.length
          ? `Duplicates (each number gets the message once): ${list.duplicateRows.map((d) => `row ${d.row} repeats row ${d.sameAs}`).join(", ")}${counted.duplicates > list.duplicateRows.length ? `, and ${counted.duplicates - list.duplicateRows.length} more` : ""}.`
          : "",
        ...list.invalid.rows.map((r) => `- row ${r.row}: ${r.reason}`),
        list.invalid.count > list.invalid.rows.length ? `… and ${list.invalid.count - list.invalid.rows.length} more invalid rows` : "",
        args.columns && args.recipients ? "columns was not used: it picks CSV columns, and the recipients came as a list." : "",
        message?.data.type === "text" ? 'message { type: "text" } is not needed: each person gets the template\'s own text, filled with their params (the samples below).' : "",
        ...samples.map((s, i) => `Sample ${i + 1} (to ${s.destination}):\n${s.text}`),
        `Estimate: ${draft.queued} sends, about ${formatDuration(minutes * 60)} (Gupshup allows 10 sends a second per app, each counted until it answers: about ${EXPECTED_PER_SECOND.toFixed(1)} a second); cost ${cost === null ? "unknown" : `about ${money(cost, currency)}`} (${fee.basis}).`,
        tierWords(rating, draft.plan),
        abWords(draft),
        wallet ? `Wallet balance: ${money(wallet.balance, wallet.currency)}${short > 0 ? ` — short by ${money(short, currency)}: top up before starting` : ""}.` : "Wallet balance: could not be read.",
        `The preview is valid until ${expiresAt}. Show this to the person; when they agree, start_campaign with campaignId ${campaignId} and confirm: true.`,
        ...draft.replaced.map((r) =>
          r.why === "same name"
            ? `It replaces your earlier preview of "${r.name}" (${campaignIdOf(appId, r.id)}), which can no longer be started.`
            : `To make room, your oldest preview not started, "${r.name}" (${campaignIdOf(appId, r.id)}), was forgotten (an app keeps ${DRAFTS_PER_APP} previews, ${DRAFTS_PER_CALLER} per caller).`,
        ),
      ];
      return {
        structured: {
          campaignId,
          expiresAt,
          total: list.total,
          queued: draft.queued,
          duplicates: counted.duplicates,
          duplicateRows: list.duplicateRows,
          invalid: list.invalid,
          optedOut: counted.optedOut,
          notOnWhatsApp: counted.notOnWhatsApp,
          samples,
          estimate: { minutes, feePerMessage: fee.feePerMessage, cost, currency, basis: fee.basis, balance: wallet?.balance ?? null },
        },
        summary: summary.filter(Boolean).join("\n"),
      };
    },
  ),
  defineTool(
    "start_campaign",
    {
      title: "Start campaign",
      description: "Step 2, once the person agreed to the preview: sends it in the background. get_campaign shows progress.",
      input: z.object({
        campaignId: campaignIdInput,
        confirm: z
          .literal(true, { error: "confirm must be true: show the person preview_campaign's counts, samples and cost, and start only after they agree" })
          .describe("true: the person agreed to the preview."),
        startAt: timeInput.optional().describe("Start later (in timeZone); default now."),
        timeZone: timeZoneInput,
        sendingHours: z.string().max(20).optional().describe('e.g. "09:00-20:00": send only then (timeZone).'),
      }),
      output: campaignReportShape,
      view: "campaign",
      scope: "send",
      // Starts billable sends to everyone in the preview.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const { appId, id } = splitCampaignId(args.campaignId);
      const schedule = scheduleOf(args);
      const before = await ctx.campaign<CampaignReport>(appId, { kind: "get", id });
      const { campaign } = before;
      let unchecked = "";
      if (campaign.state === "draft") {
        const expired = draftExpired(campaign, Date.now());
        if (expired) throw new ToolError(expired);
        const message = campaign.message ? (JSON.parse(campaign.message) as { type?: string }).type : undefined;
        const [, wallet] = await Promise.all([
          sendableTemplate(ctx, appId, campaign.templateId, message, true),
          walletOf(ctx, appId),
          campaign.abTest ? sendableTemplate(ctx, appId, campaign.abTest.templateId, message, true) : undefined,
        ]);
        const cost = campaign.feePerMessage === null ? null : campaign.feePerMessage * before.counts.queued;
        if (cost === null || !wallet) {
          unchecked = ` The wallet was not checked against the cost (${cost === null ? "the cost is unknown: no usage history" : "the balance could not be read"}); the campaign pauses by itself if the wallet runs out.`;
        } else if (wallet.available < cost) {
          throw new ToolError(
            `Not started: the campaign is estimated at ${money(cost, campaign.currency)} but the wallet has ${money(wallet.balance, wallet.currency)} — ${money(cost - wallet.available, campaign.currency)} short. Top up the Gupshup wallet, then start_campaign again.`,
          );
        }
      }
      if (campaign.state === "draft") {
        const cost = campaign.feePerMessage === null ? "an unknown cost" : `about ${money(campaign.feePerMessage * before.counts.queued, campaign.currency)}`;
        personApproves(
          extra,
          `Start campaign "${campaign.name}" on app ${appId}${schedule.words}? It sends template ${campaign.templateName} to ${before.counts.queued} people on WhatsApp, for ${cost}. Sent messages cannot be taken back.`,
          `Not started: the person did not approve campaign "${campaign.name}". Nothing was sent; start_campaign asks again when they want it.`,
        );
      }
      const report = await ctx.campaign<CampaignReport>(appId, { kind: "start", id, ...schedule.command });
      const { structured, summary } = describeCampaign(report);
      const started =
        report.campaign.state === "scheduled"
          ? "Scheduled: the server starts it on its own at the time given (it keeps the schedule if restarted)."
          : "Started: the server sends on its own (it carries on if restarted).";
      return { structured, summary: `${started}${unchecked}\n${summary}` };
    },
  ),
];

/** The furthest ahead a campaign may be scheduled. */
const MAX_SCHEDULE_MS = 30 * 86_400_000;

/** start_campaign's schedule, checked: the desk's command fields, and the words the person is asked with. */
function scheduleOf(args: { startAt?: number | string; timeZone?: string; sendingHours?: string }): { command: { startAt?: number; timeZone?: string; window?: SendingWindow }; words: string } {
  const timeZone = args.timeZone ?? "UTC";
  const hours = args.sendingHours === undefined ? undefined : parseSendingHours(args.sendingHours);
  if (args.sendingHours !== undefined && !hours) throw new ToolError(`sendingHours "${args.sendingHours}" is not two times of day: give them as "09:00-20:00" (24-hour clock, read in timeZone).`);
  const startAt = args.startAt === undefined ? undefined : toEpochMs(args.startAt, timeZone);
  if (startAt !== undefined && startAt > Date.now() + MAX_SCHEDULE_MS)
    throw new ToolError("startAt is more than 30 days ahead: schedule it within 30 days (run preview_campaign again nearer the time for a current list).");
  if (startAt !== undefined && startAt < Date.now() - 60_000) throw new ToolError(`startAt ${localTime(startAt, timeZone)} has passed: leave it out to start now, or give a time ahead.`);
  const window = hours && { timeZone, ...hours };
  const words = [
    startAt !== undefined && startAt > Date.now() ? ` at ${localTime(startAt, timeZone)}` : "",
    window ? `, sending only ${formatMinutes(window.from)}-${formatMinutes(window.to)} ${timeZone}` : "",
  ].join("");
  return { command: { ...(startAt !== undefined ? { startAt } : {}), ...(args.timeZone ? { timeZone } : {}), ...(window ? { window } : {}) }, words };
}

/** The template, which must be sendable now: APPROVED, with its media or place (`fresh`: asked of Gupshup, not the 60 s cache). */
async function sendableTemplate(ctx: ToolContext, appId: string, templateId: string, messageType: string | undefined, fresh: boolean): Promise<TemplateShape> {
  const template = await templateById(ctx, appId, templateId, fresh);
  checkSendable(template, messageType);
  return template;
}

/** Two templates an A/B test can compare: the same category (price), values and header media. */
function comparable(a: TemplateShape, b: TemplateShape): void {
  const problem =
    a.category !== b.category
      ? `it is ${b.category} and the campaign's is ${a.category} (the price differs)`
      : sendSlots(a).join() !== sendSlots(b).join()
        ? `it takes ${sendSlots(b).join(", ") || "no values"} and the campaign's takes ${sendSlots(a).join(", ") || "none"} (each row's values must fit both)`
        : a.templateType !== b.templateType
          ? `it is a ${b.templateType} template and the campaign's a ${a.templateType} (the message must fit both)`
          : undefined;
  if (problem) throw new ToolError(`abTest.templateId ${b.elementName} cannot be tested against ${a.elementName}: ${problem}. Pick a template like it, or leave abTest out.`);
}

/** What the preview says of an A/B test. */
function abWords(draft: DraftReply): string {
  const ab = draft.campaign.abTest;
  if (!ab) return "";
  const size = testSize(draft.queued, ab.share);
  return `A/B test: ${size} people (${Math.round(ab.share * 100)} %) first, half get ${draft.campaign.templateName} (A), half ${ab.templateName} (B); ${formatDuration(ab.decideAfterMs / 1000)} after the last of them, the template more of them read goes to the other ${draft.queued - size} (a tie: A).`;
}

/** The `message` every recipient gets: a carousel's cards as Gupshup takes them (each row's params fill the cards' variables too). */
function campaignMessage(template: TemplateShape, message: z.output<typeof messageInput>): string {
  if (message.type !== "carousel") return JSON.stringify(message);
  if (message.cards.some((c) => c.params !== undefined)) {
    throw new ToolError("In a campaign each row's params fill the cards' variables too (list_templates shows the order): leave params out of message.cards.");
  }
  return carouselSend(template, message, []).message;
}

/** The number's messaging tier and quality from Gupshup's ratings (kept a day; undefined when there is no rating event). */
async function ratingOf(ctx: ToolContext, appId: string): Promise<Rating | undefined> {
  const result = await ctx.callApp(appId, { endpoint: "ratings" });
  return result.ok ? numberRating(result.data) : undefined;
}

/** What the preview says of the tier: the days the sends go over, or why they are not planned. */
function tierWords(rating: Rating | undefined, plan: DailyPlan | null): string {
  if (!rating) return "Messaging tier: not known (Gupshup has no rating event for this number), so the sends are not spread over days; Meta refuses sends past the number's daily limit.";
  const head = `Messaging tier ${rating.tier}${rating.quality ? ` (quality ${rating.quality})` : ""}`;
  if (!plan) return `${head}: no daily limit to plan for.`;
  if (plan.days.length <= 1) return `${head}: ${plan.limit} new people a day; all of them fit today.`;
  return `${head}: ${plan.limit} new people a day, so it goes over ${plan.days.length} days — ${plan.days.map((n, i) => `${i === 0 ? "today" : `day ${i + 1}`} ${n}`).join(", ")}. It waits between parts by itself.`;
}

/** The wallet's balance, and what may be spent (the balance plus Gupshup's overdraft); undefined when it cannot be read. */
async function walletOf(ctx: ToolContext, appId: string): Promise<{ balance: number; available: number; currency: string } | undefined> {
  const result = await ctx.callApp(appId, { endpoint: "wallet" });
  const w = result.ok ? appWallet(result.data) : undefined;
  return w && { balance: w.currentBalance, available: w.currentBalance + w.overDraftLimit, currency: w.currency };
}

async function usageOf(ctx: ToolContext, appId: string) {
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  const result = await ctx.callApp(appId, { endpoint: "usage", query: { from: day(USAGE_DAYS), to: day(1) } });
  const parsed = result.ok ? usageResponse.safeParse(result.data) : undefined;
  return parsed?.success ? { ok: true as const, rows: parsed.data.partnerAppUsageList } : { ok: false as const, error: result.ok ? "an answer of an unexpected shape" : result.failure.message };
}

function check(ctx: ToolContext, given: GivenRecipient[], template: TemplateShape) {
  const countryCode = readSettings(ctx.env).defaultCountryCode;
  return checkRecipients(given, sendSlots(template), (value) => recipientNumber(value, countryCode), template.header);
}

/** The Gupshup API's origin when it is not the built-in sandbox. */
const upstreamOrigin = (ctx: ToolContext) => (ctx.session.caller.upstream === "sandbox" ? undefined : new URL(ctx.session.caller.upstream).origin);

/** The recipients, checked: given in the call (handed over with the draft), or read from a file into a load first. */
type CheckedList = { total: number; invalid: ReadList["invalid"]; rows: CheckedRow[]; loadId?: string; stage: StageReply; duplicateRows: ReadList["duplicateRows"] };

function listGiven(ctx: ToolContext, given: GivenRecipient[], template: TemplateShape): CheckedList {
  const checked = check(ctx, given, template);
  return {
    total: given.length,
    invalid: { count: checked.invalid.length, rows: checked.invalid.slice(0, SHOWN_INVALID) },
    rows: checked.valid,
    stage: { added: 0, duplicates: checked.duplicates, optedOut: 0, notOnWhatsApp: 0, samples: [] },
    duplicateRows: checked.duplicateRows.slice(0, SHOWN_INVALID),
  };
}

/** `abTest`: the list is for an A/B test, which the object refuses at the first batch when delivery is not tracked (not after the whole file). */
async function listFromFile(ctx: ToolContext, appId: string, url: URL, template: TemplateShape, progress: ListReading["progress"], abTest: boolean, columns: Columns): Promise<CheckedList> {
  const read = await readRecipientsFile(url, ctx.ownHosts(), upstreamOrigin(ctx), {
    columns,
    check: (rows) => check(ctx, rows, template),
    stage: (loadId, rows) => ctx.campaign<StageReply>(appId, { kind: "stage", loadId, rows, ...(abTest ? { abTest } : {}) }),
    unstage: async (loadId) => {
      await ctx.campaign(appId, { kind: "unstage", loadId });
    },
    progress,
  });
  return { ...read, rows: [] };
}
