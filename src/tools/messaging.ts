import { z } from "zod";
import { parseAnswer, sendTemplateResponse, templatesResponse } from "../api/responses";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError, unwrap } from "./errors";
import { appIdInput, idempotencyKeyInput, normalizePhone, phoneInput, receiptOf, sendReceiptOutput, templateIdInput } from "./schemas";
import { type TemplateShape, toTemplate } from "./template-shape";

const mediaRef = z
  .object({
    link: z
      .url({ protocol: /^https$/, error: "link must be an https URL" })
      .max(2000)
      .optional()
      .describe("Public https URL."),
    id: z.string().min(1).max(200).optional().describe("Or a Gupshup media id."),
  })
  .refine((m) => (m.link === undefined) !== (m.id === undefined), "give exactly one of link or id");

const messageInput = z
  .discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("image"), image: mediaRef }),
      z.object({ type: z.literal("video"), video: mediaRef }),
      z.object({ type: z.literal("document"), document: mediaRef.and(z.object({ filename: z.string().min(1).max(240).optional() })) }),
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
        'message is only for a media header ({ type: "image", image: { link } }, or video/document) or a LOCATION template\'s place ({ type: "location", location: { latitude, longitude } }); leave it out otherwise',
    },
  )
  .describe("Only for an IMAGE, VIDEO or DOCUMENT header (the media) or a LOCATION template (the place).");

/** What send_template_message returns. */
export const sendResultShape = z.object({
  status: z.literal("submitted"),
  messageId: z.string(),
  appId: z.string(),
  destination: z.string(),
  ...sendReceiptOutput,
  warnings: z.array(z.string()),
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
        destination: phoneInput.describe("The recipient's number with country code, e.g. +91 98765 43210."),
        template: z
          .object({
            id: templateIdInput.describe("From list_templates."),
            params: z
              .array(z.string().min(1, "params must not be empty strings").max(1024))
              .max(100)
              .describe(
                "One value per variable in message order: header {{1}}, body {{1}}, {{2}}, …, then each URL button's {{1}} (list_templates shows them as `params`); CATALOG/PRODUCT/MPM: the product id last.",
              ),
          })
          .describe("The APPROVED template and its values."),
        message: messageInput.optional(),
        source: phoneInput.optional().describe("The app's own number (the default); another number is refused."),
        srcName: z.string().min(1).max(100).optional().describe("The app's name (the default); another name is refused."),
        idempotencyKey: idempotencyKeyInput,
        ignoreOptOut: z.boolean().optional().describe("Send even if the number opted out: UTILITY/AUTHENTICATION only."),
      }),
      output: sendResultShape,
      scope: "send",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = ctx.appId(args.appId);
      const { number: destination, note: countryNote } = ctx.recipient(args.destination);
      const [{ source, srcName }, warnings] = await Promise.all([
        sender(ctx, appId, args.source, args.srcName),
        checkAgainstCachedTemplate(ctx, appId, args.template.id, args.template.params.length, args.message?.type),
        args.ignoreOptOut ? requireTransactional(ctx, appId, args.template.id) : undefined,
      ]);
      const form: Record<string, string> = {
        source,
        destination,
        "src.name": srcName,
        template: JSON.stringify({ id: args.template.id, params: args.template.params }),
      };
      if (args.message) form.message = JSON.stringify(args.message);
      const result = await ctx.callApp(appId, {
        endpoint: "sendTemplate",
        form,
        ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
        ...(args.ignoreOptOut ? { ignoreOptOut: true } : {}),
      });
      const sent = parseAnswer(sendTemplateResponse, unwrap(result, { session: ctx.session, appId, sender: { source, srcName } }), "send_template_message");
      const { note, ...receipt } = receiptOf(result.ok ? result.send : undefined);
      return {
        structured: { status: "submitted" as const, messageId: sent.messageId, appId, destination, ...receipt, warnings },
        summary: `Submitted to ${destination}: messageId ${sent.messageId}. Delivery is reported asynchronously by Gupshup (get_message_status).${countryNote}${note}${warnings.map((w) => `\nWarning: ${w}`).join("")}`,
      };
    },
  ),
];

/**
 * When the app's template list is in the cache (no upstream call is made for this), refuse a
 * send that cannot work — a template that is not APPROVED, a LOCATION template without a
 * location, a media header without its media, the wrong number of params — and return warnings
 * where the count cannot be sure.
 */
async function checkAgainstCachedTemplate(ctx: ToolContext, appId: string, templateId: string, paramCount: number, messageType: string | undefined): Promise<string[]> {
  const cached = await ctx.callApp(appId, { endpoint: "listTemplates", cacheOnly: true });
  if (!cached.ok || cached.data === null) return [];
  const parsed = templatesResponse.safeParse(cached.data);
  const raw = parsed.success ? parsed.data.templates.find((t) => t.id === templateId) : undefined;
  if (!raw) return [];
  const template = toTemplate(raw);
  if (template.status !== "APPROVED") {
    throw new ToolError(`Template ${template.elementName} (${templateId}) is ${template.status}; only APPROVED templates can be sent. Check list_templates.`);
  }
  if (template.templateType === "LOCATION" && messageType !== "location") {
    throw new ToolError(
      `Template ${template.elementName} is a LOCATION template: pass message as { type: "location", location: { latitude, longitude, name, address } } with the place its map header shows (latitude -90..90, longitude -180..180; name and address optional).`,
    );
  }
  const mediaType = MEDIA_HEADERS[template.templateType];
  if (mediaType && messageType !== mediaType) {
    throw new ToolError(
      `Template ${template.elementName} has a${mediaType === "image" ? "n" : ""} ${template.templateType} header: pass message as { type: "${mediaType}", ${mediaType}: { link: "https://…" } } (or { id } of uploaded media).`,
    );
  }
  return checkParamCount(template, paramCount);
}

const MEDIA_HEADERS: Record<string, string | undefined> = { IMAGE: "image", VIDEO: "video", DOCUMENT: "document" };

/** ignoreOptOut is for messages a user still needs after opting out: UTILITY and AUTHENTICATION templates only. */
async function requireTransactional(ctx: ToolContext, appId: string, templateId: string): Promise<void> {
  const listed = parseAnswer(templatesResponse, unwrap(await ctx.callApp(appId, { endpoint: "listTemplates" }), { session: ctx.session, appId }), "send_template_message");
  const template = listed.templates.find((t) => t.id === templateId);
  if (!template) throw new ToolError(`Template ${templateId} is not one of app '${appId}'s templates: check the id with list_templates.`);
  if (template.category !== "UTILITY" && template.category !== "AUTHENTICATION") {
    throw new ToolError(
      `ignoreOptOut is only for UTILITY and AUTHENTICATION templates (an order update, a code); ${template.elementName} is ${template.category}. Someone who opted out must not get it: leave ignoreOptOut out.`,
    );
  }
}

/**
 * The number and name a send goes out from: the app's own, as Gupshup lists it. A number or name
 * given that is not the app's is refused with the right one (Gupshup would answer "Invalid App
 * Details"). When the app list cannot say, the values given are used as they are.
 */
async function sender(ctx: ToolContext, appId: string, source: string | undefined, srcName: string | undefined): Promise<{ source: string; srcName: string }> {
  const given = source === undefined ? undefined : normalizePhone(source)!;
  // With both given, a failed lookup does not stop the send: Gupshup checks them too.
  const profile = await ctx.appProfile(appId).catch((error: unknown) => {
    if (source !== undefined && srcName !== undefined) return null;
    throw error;
  });
  const phone = profile?.phone ? normalizePhone(profile.phone) : undefined;
  const name = profile?.name ?? undefined;
  if (given !== undefined && phone !== undefined && given !== phone) {
    throw new ToolError(`${given} is not the number of app '${appId}'${name ? ` (${name})` : ""}: it sends from ${phone}. Leave source out to use it.`);
  }
  if (srcName !== undefined && name !== undefined && srcName !== name) {
    throw new ToolError(`'${srcName}' is not the name of app '${appId}': it is '${name}'. Leave srcName out to use it.`);
  }
  const from = given ?? phone;
  const as = srcName ?? name;
  if (from === undefined || as === undefined) {
    throw new ToolError(
      `Gupshup's app list does not show ${from === undefined ? "the number" : "the name"} of app '${appId}'. Pass source (its WhatsApp number) and srcName (its name) as list_apps shows them.`,
    );
  }
  return { source: from, srcName: as };
}

/**
 * Params fill the template's variables in message order — header, body, URL buttons
 * (`template.params`); catalog and multi-product sends add the product id last [§24]. Gupshup's
 * pages say so only in passing, so a count between the body's variables and the full list is sent
 * with a warning; fewer than the body needs, or more than the template has, is refused.
 */
function checkParamCount(template: TemplateShape, given: number): string[] {
  const { elementName: name, variableCount: body, params } = template;
  const productId = template.templateType === "CATALOG" || template.templateType === "PRODUCT" || template.buttons.some((b) => b.type === "CATALOG" || b.type === "MPM") ? 1 : 0;
  const expected = params.length + productId;
  const order = `${params.join(", ") || "no variables"}${productId ? ", then the product id" : ""}`;
  if (given === expected) return [];
  if (given >= body && given < expected) {
    const missing = productId && given === params.length ? "the product id is missing" : `values fill them in order, so ${params.slice(given).join(" and ")} would get none`;
    return [`Template ${name} takes ${expected} param(s) in this order: ${order}; ${given} given: ${missing}. Check the message as delivered before sending more.`];
  }
  throw new ToolError(`Template ${name} takes ${expected} param(s), ${given} given. Pass one value for each, in this order: ${order}.`);
}
