import { z } from "zod";
import { parseAnswer, sendTemplateResponse, templatesResponse } from "../api/responses";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError, unwrap } from "./errors";
import { appIdInput, idempotencyKeyInput, normalizePhone, phoneInput, receiptOf, sendReceiptOutput, templateIdInput } from "./schemas";
import { toTemplate } from "./template-shape";

const mediaRef = z
  .object({
    link: z.url({ protocol: /^https$/, error: "link must be an https URL" }).max(2000).optional().describe("Public https URL of the media."),
    id: z.string().min(1).max(200).optional().describe("Media id from Gupshup instead of a link."),
  })
  .refine((m) => (m.link === undefined) !== (m.id === undefined), "give exactly one of link or id");

const messageInput = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string().min(1).max(4096).describe("The message text as it will read with the params filled in.") }),
    z.object({ type: z.literal("image"), image: mediaRef }),
    z.object({ type: z.literal("video"), video: mediaRef }),
    z.object({ type: z.literal("document"), document: mediaRef.and(z.object({ filename: z.string().min(1).max(240).optional() })) }),
  ])
  .describe('For text templates { type: "text", text }. For a media header { type: "image", image: { link } } (or video/document).');

export const messagingTools: ToolDefinition[] = [
  defineTool(
    "send_template_message",
    {
      title: "Send template message",
      description:
        "Send an APPROVED template to a WhatsApp user (this spends wallet balance). template.params fill {{1}}, {{2}}, … in order. Returns Gupshup's messageId; delivery happens asynchronously.",
      input: z.object({
        appId: appIdInput,
        source: phoneInput.describe("Your registered WhatsApp business number, with country code (e.g. 919643874844)."),
        destination: phoneInput.describe("The recipient's WhatsApp number with country code; formats like +91 98865-12227 are accepted."),
        srcName: z.string().min(1).max(100).describe("The app name registered with Gupshup (list_apps shows it)."),
        template: z
          .object({
            id: templateIdInput.describe("Template id (UUID from list_templates); the template must be APPROVED."),
            params: z.array(z.string().min(1, "params must not be empty strings").max(1024)).max(100).describe("Values for {{1}}, {{2}}, … in order."),
          })
          .describe("Which template and its variable values."),
        message: messageInput,
        idempotencyKey: idempotencyKeyInput,
      }),
      output: z.object({ status: z.literal("submitted"), messageId: z.string(), appId: z.string(), destination: z.string(), ...sendReceiptOutput }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = ctx.appId(args.appId);
      const source = normalizePhone(args.source)!;
      const destination = normalizePhone(args.destination)!;
      await refuseUnsendable(ctx, appId, args.template.id, args.template.params.length);
      const form = {
        source,
        destination,
        "src.name": args.srcName,
        template: JSON.stringify({ id: args.template.id, params: args.template.params }),
        message: JSON.stringify(args.message),
      };
      const result = await ctx.callApp(appId, { endpoint: "sendTemplate", form, ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}) });
      const sent = parseAnswer(sendTemplateResponse, unwrap(result, { session: ctx.session, appId }), "send_template_message");
      const { note, ...receipt } = receiptOf(result.ok ? result.send : undefined);
      return {
        structured: { status: "submitted" as const, messageId: sent.messageId, appId, destination, ...receipt },
        summary: `Submitted to ${destination}: messageId ${sent.messageId}. Delivery is reported asynchronously by Gupshup (get_message_status).${note}`,
      };
    },
  ),
];

/**
 * When the app's template list is in the cache (no upstream call is made for this), refuse a
 * send that cannot work: a template that is not APPROVED, or the wrong number of params.
 */
async function refuseUnsendable(ctx: ToolContext, appId: string, templateId: string, paramCount: number): Promise<void> {
  const cached = await ctx.callApp(appId, { endpoint: "listTemplates", cacheOnly: true });
  if (!cached.ok || cached.data === null) return;
  const parsed = templatesResponse.safeParse(cached.data);
  const raw = parsed.success ? parsed.data.templates.find((t) => t.id === templateId) : undefined;
  if (!raw) return;
  const template = toTemplate(raw);
  if (template.status !== "APPROVED") {
    throw new ToolError(`Template ${template.elementName} (${templateId}) is ${template.status}; only APPROVED templates can be sent. Check list_templates.`);
  }
  if (template.variableCount !== paramCount) {
    throw new ToolError(`Template ${template.elementName} has ${template.variableCount} variable(s) but ${paramCount} param(s) were given; pass one value per {{n}}, in order.`);
  }
}
