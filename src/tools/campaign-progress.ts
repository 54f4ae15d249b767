import { z } from "zod";
import type { CampaignReport } from "../campaigns/desk";
import { RECIPIENT_STATES } from "../campaigns/recipient-rows";
import { personApproves } from "./ask-person";
import { campaignIdInput, campaignReportShape, campaignStateShape, describeCampaign, splitCampaignId } from "./campaign-report";
import { defineTool, type ToolDefinition } from "./define";
import { appIdInput } from "./schemas";

const recipientShape = z.object({
  row: z.number(),
  destination: z.string(),
  state: z.enum(RECIPIENT_STATES),
  messageId: z.string().nullable(),
  delivery: z.string().nullable(),
  reason: z.string().nullable(),
});

/** pause, resume and cancel: the same call, one state change each. */
function control(kind: "pause" | "resume" | "cancel", title: string, description: string): ToolDefinition {
  return defineTool(
    `${kind}_campaign`,
    {
      title,
      description,
      input: z.object({ campaignId: campaignIdInput }),
      output: campaignStateShape,
      scope: "send",
      // Resuming starts billable sends to WhatsApp again; cancelling cannot be undone.
      annotations: { readOnlyHint: false, destructiveHint: kind !== "pause", idempotentHint: false, openWorldHint: kind === "resume" },
      mergedInto: "control_campaign",
    },
    (ctx) => async (args, extra) => {
      const { appId, id } = splitCampaignId(args.campaignId);
      if (kind === "resume") {
        const { campaign, counts } = await ctx.campaign<CampaignReport>(appId, { kind: "get", id });
        if (campaign.state === "paused") {
          personApproves(
            extra,
            `Resume campaign "${campaign.name}" on app ${appId}? It sends template ${campaign.templateName} to the ${counts.queued} people not reached yet${campaign.reason ? ` (it was paused: ${campaign.reason})` : ""}. Sent messages cannot be taken back.`,
            `Not resumed: the person did not approve campaign "${campaign.name}". It stays paused; nothing was sent.`,
          );
        }
      }
      const { structured, summary } = describeCampaign(await ctx.campaign<CampaignReport>(appId, { kind, id }));
      return { structured: campaignStateShape.parse(structured), summary };
    },
  );
}

export const campaignProgressTools: ToolDefinition[] = [
  defineTool(
    "get_campaign",
    {
      title: "Campaign progress",
      description: "A campaign's progress: counts, delivery and read rates, speed, time left, and a page of recipients.",
      input: z.object({
        campaignId: campaignIdInput,
        status: z.enum(RECIPIENT_STATES).optional().describe("Only recipients in this state."),
        cursor: z.number().int().min(0).optional().describe("The last page's nextCursor."),
        limit: z.number().int().min(1).max(200).optional().describe("Per page (default 20)."),
      }),
      output: campaignReportShape.extend({ recipients: z.array(recipientShape), nextCursor: z.number().nullable() }),
      view: "campaign",
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args) => {
      const { appId, id } = splitCampaignId(args.campaignId);
      const limit = args.limit ?? 20;
      const report = await ctx.campaign<CampaignReport>(appId, { kind: "get", id, page: { ...(args.status ? { state: args.status } : {}), after: args.cursor ?? 0, limit } });
      const { structured, summary } = describeCampaign(report);
      const recipients = (report.page ?? []).map((r) => ({ row: r.row, destination: r.destination, state: r.state, messageId: r.messageId, delivery: r.delivery, reason: r.reason }));
      const nextCursor = recipients.length === limit ? recipients[recipients.length - 1]!.row : null;
      const lines = recipients.map((r) => `- row ${r.row} ${r.destination}: ${r.state}${r.delivery ? `, ${r.delivery}` : ""}${r.reason ? ` (${r.reason})` : ""}`);
      const more = nextCursor === null ? "" : `\nMore: get_campaign with cursor ${nextCursor}.`;
      return { structured: { ...structured, recipients, nextCursor }, summary: `${summary}\nRecipients${args.status ? ` (${args.status})` : ""}:\n${lines.join("\n") || "none"}${more}` };
    },
  ),
  defineTool(
    "list_campaigns",
    {
      title: "Campaigns",
      description: "The app's campaigns of the last 30 days, newest first, with state and counts.",
      input: z.object({ appId: appIdInput }),
      output: z.object({ appId: z.string(), campaigns: z.array(campaignStateShape) }),
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const campaigns = (await ctx.campaign<CampaignReport[]>(appId, { kind: "list", limit: 50 })).map(describeCampaign);
      return {
        structured: { appId, campaigns: campaigns.map((c) => campaignStateShape.parse(c.structured)) },
        summary: campaigns.length
          ? campaigns.map((c) => `- ${c.structured.name} (${c.structured.campaignId}): ${c.structured.state}, ${c.structured.counts.submitted} sent of ${totalOf(c.structured.counts)}`).join("\n")
          : `No campaigns on app ${appId} in the last 30 days: preview_campaign drafts one.`,
      };
    },
  ),
];

const controls = {
  pause: control("pause", "Pause campaign", "Pauses a running campaign before its next send; resume_campaign continues."),
  resume: control("resume", "Resume campaign", "Continues a paused campaign (after a top-up, or one paused by hand)."),
  cancel: control("cancel", "Cancel campaign", "Stops a campaign for good before its next send; the rest are not sent."),
};

campaignProgressTools.push(
  defineTool(
    "control_campaign",
    {
      title: "Pause, resume or cancel a campaign",
      description: "pause: stops before the next send; resume: continues a paused one (after a top-up); cancel: ends it for good, the rest are not sent.",
      input: z.object({ campaignId: campaignIdInput, action: z.enum(["pause", "resume", "cancel"]).describe("What to do.") }),
      output: campaignStateShape,
      scope: "send",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => (args, extra) => controls[args.action].bind(ctx)({ campaignId: args.campaignId }, extra) as never,
  ),
  ...Object.values(controls),
);

const totalOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
