import { z } from "zod";
import { parseAnswer, sendTemplateResponse } from "../api/responses";
import { carouselMessageInput } from "./carousel";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { shownAs } from "./listed-schema";
import { appIdInput, idempotencyKeyInput, phoneInput, receiptOf, sendReceiptOutput, templateIdInput } from "./schemas";
import { checkAgainstTemplate, requireTransactional, sender } from "./template-send";

const mediaRef = z
  .object({
    link: z
      .url({ protocol: /^https$/, error: "link must be an https URL" })
      .max(2000)
      .optional(),
    id: z.string().min(1).max(200).optional(),
  })
  .refine((m) => (m.link === undefined) !== (m.id === undefined), "give exactly one of link or id");

export const messageInput = z
  .discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("text"), text: z.string().max(4096).optional() }),
      z.object({ type: z.literal("image"), image: mediaRef }),
      z.object({ type: z.literal("video"), video: mediaRef }),
      z.object({ type: z.literal("document"), document: mediaRef.and(z.object({ filename: z.string().min(1).max(240).optional() })) }),
      carouselMessageInput,
      z.object({
        type: z.literal("location"),
        location: z.object({
          latitude: z.number().min(-90, "latitude must be between -90 and 90").max(90, "latitude must be between -90 and 90"),
          longitude: z.number().min(-180, "longitude must be between -180 and 180").max(180, "longitude must be between -180 and 180"),
          name: z.string().min(1).max(1000).optional(),
          address: z.string().min(1).max(1000).optional(),
        }),
      }),
    ],
    {
      error:
        'message is for a media header ({ type: "image", image: { link } }, or video/document), a LOCATION template\'s place ({ type: "location", location: { latitude, longitude } }) or a CAROUSEL\'s cards ({ type: "carousel", cards: [{ link }, …] }); a TEXT template needs none ({ type: "text", text } is accepted and not sent)',
    },
  )
  .describe("IMAGE, VIDEO or DOCUMENT header: the media (https link or uploaded media id); LOCATION: the place; CAROUSEL: cards, one media each in order, with its params. Not for TEXT.");

/** What tools/list shows of messageInput: its shapes in words. */
shownAs(messageInput, {
  type: "object",
  description:
    "Header media: {type: image|video|document, <type>: {link or id, filename}}; LOCATION: {type: location, location: {latitude, longitude, name, address}}; CAROUSEL: {type: carousel, cards: [{link or id, params}]}, one per card in order. Not for TEXT.",
  properties: { type: { type: "string", enum: ["image", "video", "document", "location", "carousel", "text"] } },
  required: ["type"],
});

/** What send_template_message returns. */
export const sendResultShape = z.object({
  status: z.literal("submitted"),
  messageId: z.string(),
  appId: z.string(),
  destination: z.string(),
  ...sendReceiptOutput,
  warnings: z.array(z.string()),
  notes: z.array(z.string()),
});

export const messagingTools: ToolDefinition[] = [
  defineTool(
    "send_template_message",
    {
      title: "Send template message",
      description:
        "Send an APPROVED template (spends wallet balance) from the app's own number. Returns the messageId for get_message_status; `warnings` name anything that may not arrive as intended.",
      input: z.object({
        appId: appIdInput,
        destination: phoneInput.describe("With country code, e.g. +91 98765 43210."),
        template: z
          .object({
            id: templateIdInput.describe("From list_templates."),
            params: z
              .array(z.string().min(1, "params must not be empty strings").max(1024))
              .max(100)
              .describe("One per variable in list_templates' params order (header, body, URL buttons); CATALOG/PRODUCT/MPM: product id last."),
          })
          .describe("The APPROVED template and its values."),
        message: messageInput.optional(),
        source: phoneInput.optional().describe("The app's own (default); another is refused."),
        srcName: z.string().min(1).max(100).optional().describe("The app's own (default); another is refused."),
        idempotencyKey: idempotencyKeyInput,
        ignoreOptOut: z.boolean().optional().describe("Send even if the number opted out: UTILITY/AUTHENTICATION only."),
      }),
      output: sendResultShape,
      scope: "send",
      // It cannot be taken back and spends wallet balance.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const { number: destination, note: countryNote } = ctx.recipient(args.destination);
      const [{ source, srcName }, { params, message, warnings, notes, templateName, templateCategory }] = await Promise.all([
        sender(ctx, appId, args.source, args.srcName),
        checkAgainstTemplate(ctx, appId, args.template.id, args.template.params, args.message),
        args.ignoreOptOut ? requireTransactional(ctx, appId, args.template.id) : undefined,
      ]);
      const form: Record<string, string> = {
        source,
        destination,
        "src.name": srcName,
        template: JSON.stringify({ id: args.template.id, params }),
      };
      if (message !== undefined) form.message = message;
      const result = await ctx.callApp(appId, {
        endpoint: "sendTemplate",
        form,
        ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
        ...(args.ignoreOptOut ? { ignoreOptOut: true } : {}),
        ...(templateName ? { shownAs: templateName } : {}),
      });
      const sent = parseAnswer(sendTemplateResponse, unwrap(result, { session: ctx.session, appId, sender: { source, srcName }, sent: { template: templateCategory } }), "send_template_message");
      const { note, ...receipt } = receiptOf(result.ok ? result.send : undefined);
      return {
        structured: { status: "submitted" as const, messageId: sent.messageId, appId, destination, ...receipt, warnings, notes },
        summary: `Submitted to ${destination}: messageId ${sent.messageId}. Delivery is reported asynchronously by Gupshup (get_message_status).${countryNote}${note}${notes.map((n) => `\n${n}`).join("")}${warnings.map((w) => `\nWarning: ${w}`).join("")}`,
      };
    },
  ),
];
