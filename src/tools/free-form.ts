import { z } from "zod";
import { parseAnswer } from "../api/responses";
import { quoted } from "../utils/customer-text";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError, unwrap } from "./errors";
import { appIdInput, idempotencyKeyInput, phoneInput, receiptOf, sendReceiptOutput } from "./schemas";

/** Free-form messages (Meta format on /v3/message), only deliverable inside the 24-hour window. */

const sendAnswer = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });
export const sendOutput = z.object({
  status: z.literal("submitted"),
  messageId: z.string().describe("Gupshup's message id: pass it to get_message_status."),
  appId: z.string(),
  destination: z.string(),
  windowState: z.enum(["open", "unknown"]).describe("The 24-hour window as the inbox knew it when sending (unknown: no inbound data yet)."),
  ...sendReceiptOutput,
});
// A message cannot be taken back and costs money once it leaves: destructive.
export const sending = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;
export const destinationInput = phoneInput.describe("With country code, e.g. +91 98765 43210.");

const httpsUrl = z.url({ protocol: /^https$/, error: "url must be an https URL" }).max(2000);

/** The message a session send quotes: the id of one of the customer's messages (get_conversation, list_inbound_messages). */
export const replyToInput = z
  .string()
  .regex(/^[A-Za-z0-9_.:=+/-]{1,200}$/, "replyTo must be a messageId from get_conversation or list_inbound_messages")
  .optional()
  .describe("A customer's messageId to quote.");

export interface FreeFormArgs {
  appId?: string;
  destination: string;
  idempotencyKey?: string;
  replyTo?: string;
}

/**
 * A session message: refused before any call when the window is known closed or replyTo is
 * another customer's message; `shownAs` is what the conversation thread shows of it.
 */
export async function sendFreeForm(ctx: ToolContext, args: FreeFormArgs, message: Record<string, unknown>, what: string, shownAs?: string, extraNote = "") {
  const { appId: appIdArg, destination: destinationArg } = args;
  const appId = await ctx.appId(appIdArg);
  const { number: destination, note: countryNote } = ctx.recipient(destinationArg);
  const before = (await ctx.readInbox(appId, { kind: "beforeReply", recipient: destination, ...(args.replyTo ? { replyTo: args.replyTo } : {}) })).data;
  const window = before.window;
  if (window === "closed") {
    throw new ToolError(
      `Not sent: the 24-hour customer-service window with ${destination} is closed (they have not written to this app in the last 24 hours), so WhatsApp would reject a free-form ${what}. ` +
        "Use send_template_message with an APPROVED template instead; once they reply, free-form messages work again for 24 hours.",
    );
  }
  if (before.quoted === "ours") {
    throw new ToolError(`Not sent: ${args.replyTo} is one of this app's own messages; replyTo quotes a message the customer wrote (get_conversation lists them with their ids), or leave it out.`);
  }
  if (before.quoted === "other") {
    throw new ToolError(
      `Not sent: message ${args.replyTo} was written by another number, not ${destination}. Quote one of their own messages (get_conversation lists them with their ids), or leave replyTo out.`,
    );
  }
  const json = { messaging_product: "whatsapp", recipient_type: "individual", to: destination, ...(args.replyTo ? { context: { message_id: args.replyTo } } : {}), ...message };
  const result = await ctx.callApp(appId, { endpoint: "sendMessage", json, ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}), ...(shownAs ? { shownAs } : {}) });
  const messageId = parseAnswer(sendAnswer, unwrap(result, { session: ctx.session, appId, sent: "session" }), `send ${what}`).messages[0]!.id;
  const { note, ...receipt } = receiptOf(result.ok ? result.send : undefined);
  const quoteNote =
    before.quoted === "theirs"
      ? ` It quotes their message ${args.replyTo}.`
      : before.quoted === "unknown"
        ? ` replyTo ${args.replyTo} is not in this app's inbox: WhatsApp shows the quote only if it is a message in this chat, else the message arrives without it.`
        : "";
  const handOff = before.handOff;
  const handOffNote =
    handOff && handOff.state !== "open"
      ? ` This conversation is marked ${handOff.state}${handOff.handledBy ? ` (handled by ${quoted(handOff.handledBy)})` : ""}${handOff.note ? `, note ${quoted(handOff.note)}` : ""}: set_conversation_state changes that.`
      : "";
  return {
    structured: { status: "submitted" as const, messageId, appId, destination, windowState: window as "open" | "unknown", ...receipt },
    summary: `Submitted ${what} to ${destination}: messageId ${messageId}.${quoteNote}${extraNote}${countryNote}${window === "unknown" ? ` It was sent, but this server cannot tell whether ${destination} wrote in the last 24 hours (no message from them in its inbox), so it may not arrive: WhatsApp delivers free-form messages only inside that window and otherwise fails them with code 1008 a few seconds later. get_message_status shows which; if it failed, send an APPROVED template with send_template_message.` : ""}${handOffNote}${note}`,
  };
}

export const freeFormTools: ToolDefinition[] = [
  defineTool(
    "send_text_message",
    {
      title: "Send text message",
      description: "Send a free-form text. Delivered only if the user wrote in the last 24 h; otherwise use send_template_message.",
      input: z.object({
        appId: appIdInput,
        destination: destinationInput,
        text: z.string().min(1, "text must not be empty").max(4096, "text must be at most 4096 characters").describe("Message text, up to 4096 characters."),
        previewUrl: z.boolean().optional().describe("Show a preview of the first URL in the text."),
        replyTo: replyToInput,
        idempotencyKey: idempotencyKeyInput,
      }),
      output: sendOutput,
      scope: "send",
      annotations: sending,
      mergedInto: "send_message",
    },
    (ctx) => (args) => sendFreeForm(ctx, args, { type: "text", text: { body: args.text, ...(args.previewUrl !== undefined ? { preview_url: args.previewUrl } : {}) } }, "text"),
  ),

  defineTool(
    "send_media_message",
    {
      title: "Send media message",
      description: "Send an image, video, audio, document or sticker, inside the 24-hour window.",
      input: z
        .object({
          appId: appIdInput,
          destination: destinationInput,
          mediaType: z.enum(["image", "video", "audio", "document", "sticker"]).describe("image, video, audio, document or sticker."),
          url: httpsUrl.optional().describe("Public https URL of the media (give url or mediaId)."),
          mediaId: z
            .string()
            .regex(/^[A-Za-z0-9_.:-]{1,200}$/, "mediaId must be a Gupshup/Meta media id")
            .optional()
            .describe("Id of media uploaded to Gupshup (give url or mediaId)."),
          caption: z.string().min(1).max(1024).optional().describe("Caption, up to 1024 characters (image, video, document)."),
          filename: z.string().min(1).max(240).optional().describe("File name shown to the user (document only)."),
          replyTo: replyToInput,
          idempotencyKey: idempotencyKeyInput,
        })
        .superRefine((a, rctx) => {
          if ((a.url === undefined) === (a.mediaId === undefined)) rctx.addIssue({ code: "custom", path: ["url"], message: "give exactly one of url or mediaId" });
          if (a.caption && (a.mediaType === "audio" || a.mediaType === "sticker")) rctx.addIssue({ code: "custom", path: ["caption"], message: `WhatsApp does not allow a caption on ${a.mediaType}` });
          if (a.filename && a.mediaType !== "document") rctx.addIssue({ code: "custom", path: ["filename"], message: "filename is only for documents" });
        }),
      output: sendOutput,
      scope: "send",
      annotations: sending,
      mergedInto: "send_message",
    },
    (ctx) => (args) => {
      const media: Record<string, string> = args.url ? { link: args.url } : { id: args.mediaId! };
      if (args.caption) media.caption = args.caption;
      if (args.filename) media.filename = args.filename;
      return sendFreeForm(ctx, args, { type: args.mediaType, [args.mediaType]: media }, args.mediaType);
    },
  ),

  defineTool(
    "send_location_message",
    {
      title: "Send location message",
      description: "Send a map location, inside the 24-hour window.",
      input: z.object({
        appId: appIdInput,
        destination: destinationInput,
        latitude: z.number().min(-90, "latitude must be between -90 and 90").max(90, "latitude must be between -90 and 90").describe("Degrees."),
        longitude: z.number().min(-180, "longitude must be between -180 and 180").max(180, "longitude must be between -180 and 180").describe("Degrees."),
        name: z.string().min(1).max(1000).optional().describe("Place name."),
        address: z.string().min(1).max(1000).optional().describe("Street address."),
        replyTo: replyToInput,
        idempotencyKey: idempotencyKeyInput,
      }),
      output: sendOutput,
      scope: "send",
      annotations: sending,
      mergedInto: "send_message",
    },
    (ctx) => (args) =>
      sendFreeForm(
        ctx,
        args,
        {
          type: "location",
          location: { latitude: args.latitude, longitude: args.longitude, ...(args.name ? { name: args.name } : {}), ...(args.address ? { address: args.address } : {}) },
        },
        "location",
      ),
  ),
];
