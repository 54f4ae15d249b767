import { z } from "zod";
import { parseAnswer, sendTemplateResponse, templatesResponse } from "../api/responses";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError, unwrap } from "./errors";
import { appIdInput, idempotencyKeyInput, normalizePhone, phoneInput, receiptOf, sendReceiptOutput, templateIdInput } from "./schemas";
import { variablesIn } from "./template-rules";
import { type TemplateShape, toTemplate } from "./template-shape";

const mediaRef = z
  .object({
    link: z
      .url({ protocol: /^https$/, error: "link must be an https URL" })
      .max(2000)
      .optional()
      .describe("Public https URL of the media."),
    id: z.string().min(1).max(200).optional().describe("Media id from Gupshup instead of a link."),
  })
  .refine((m) => (m.link === undefined) !== (m.id === undefined), "give exactly one of link or id");

const messageInput = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string().min(1).max(4096).describe("The message text as it will read with the params filled in.") }),
    z.object({ type: z.literal("image"), image: mediaRef }),
    z.object({ type: z.literal("video"), video: mediaRef }),
    z.object({ type: z.literal("document"), document: mediaRef.and(z.object({ filename: z.string().min(1).max(240).optional() })) }),
    z.object({
      type: z.literal("location"),
      location: z
        .object({
          latitude: z.number().min(-90, "latitude must be between -90 and 90").max(90, "latitude must be between -90 and 90").describe("Latitude in degrees, -90 to 90."),
          longitude: z.number().min(-180, "longitude must be between -180 and 180").max(180, "longitude must be between -180 and 180").describe("Longitude in degrees, -180 to 180."),
          name: z.string().min(1).max(1000).optional().describe("Name of the place, shown with the map."),
          address: z.string().min(1).max(1000).optional().describe("Address of the place, shown with the map."),
        })
        .describe("The place shown in a LOCATION template's map header."),
    }),
  ])
  .describe(
    'For text templates { type: "text", text }. For a media header { type: "image", image: { link } } (or video/document). For LOCATION templates (required) { type: "location", location: { latitude, longitude, name?, address? } }.',
  );

/** What send_template_message returns. */
export const sendResultShape = z.object({
  status: z.literal("submitted"),
  messageId: z.string(),
  appId: z.string(),
  destination: z.string(),
  ...sendReceiptOutput,
  warnings: z.array(z.string()).describe("Doubts found before sending that did not stop the send (e.g. a params count Gupshup documents loosely); empty when none."),
});

export const messagingTools: ToolDefinition[] = [
  defineTool(
    "send_template_message",
    {
      title: "Send template message",
      description:
        "Send an APPROVED template to a WhatsApp user (this spends wallet balance). template.params fill {{1}}, {{2}}, … in order; CATALOG/PRODUCT/MPM templates take the product id as the last param. Returns Gupshup's messageId (delivery happens asynchronously) and `warnings` about anything that may not arrive as intended.",
      input: z.object({
        appId: appIdInput,
        source: phoneInput.describe("Your registered WhatsApp business number, with country code (e.g. 919643874844)."),
        destination: phoneInput.describe("The recipient's WhatsApp number with country code; formats like +91 98865-12227 are accepted."),
        srcName: z.string().min(1).max(100).describe("The app name registered with Gupshup (list_apps shows it)."),
        template: z
          .object({
            id: templateIdInput.describe("Template id (UUID from list_templates); the template must be APPROVED."),
            params: z
              .array(z.string().min(1, "params must not be empty strings").max(1024))
              .max(100)
              .describe("Values for {{1}}, {{2}}, … in order; for CATALOG/PRODUCT/MPM templates the product id comes last."),
          })
          .describe("Which template and its variable values."),
        message: messageInput,
        idempotencyKey: idempotencyKeyInput,
      }),
      output: sendResultShape,
      scope: "send",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = ctx.appId(args.appId);
      const source = normalizePhone(args.source)!;
      const destination = normalizePhone(args.destination)!;
      const warnings = await checkAgainstCachedTemplate(ctx, appId, args.template.id, args.template.params.length, args.message.type);
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
        structured: { status: "submitted" as const, messageId: sent.messageId, appId, destination, ...receipt, warnings },
        summary: `Submitted to ${destination}: messageId ${sent.messageId}. Delivery is reported asynchronously by Gupshup (get_message_status).${note}${warnings.map((w) => `\nWarning: ${w}`).join("")}`,
      };
    },
  ),
];

/**
 * When the app's template list is in the cache (no upstream call is made for this), refuse a
 * send that cannot work — a template that is not APPROVED, a LOCATION template without a
 * location, the wrong number of params — and return warnings where the count cannot be sure.
 */
async function checkAgainstCachedTemplate(ctx: ToolContext, appId: string, templateId: string, paramCount: number, messageType: string): Promise<string[]> {
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
  return checkParamCount(template, paramCount);
}

/**
 * Params fill the template's {{n}} in order [§9]. The docs leave open whether header and
 * URL-button variables are among them (both readings are accepted, anything else is a warning);
 * catalog and multi-product sends add the product id as the last param [§24]. Only a count that
 * is surely wrong — a plain template, params ≠ its variables — is refused.
 */
function checkParamCount(template: TemplateShape, given: number): string[] {
  const { elementName: name, variableCount: body } = template;
  const urlVariables = template.buttons.reduce((n, b) => n + (b.type === "URL" && typeof b.url === "string" ? variablesIn(b.url).length : 0), 0);
  const extras = (template.header ? variablesIn(template.header).length : 0) + urlVariables;
  const productId = template.templateType === "CATALOG" || template.templateType === "PRODUCT" || template.buttons.some((b) => b.type === "CATALOG" || b.type === "MPM") ? 1 : 0;
  if (given === body + productId || given === body + extras + productId) return [];
  if (productId) {
    return [
      `Template ${name} takes its product id as the last param: expected ${body + productId} param(s) (${body} variable(s) + the product id), ${given} given. Check params before relying on this send.`,
    ];
  }
  if (extras) {
    return [
      `Template ${name} has ${body} body variable(s) and ${extras} in its header or URL button; ${given} param(s) were given. ` +
        `Gupshup does not document whether header/button values go in params, so ${body} or ${body + extras} is expected — check the message as delivered.`,
    ];
  }
  throw new ToolError(`Template ${name} has ${body} variable(s) but ${given} param(s) were given; pass one value per {{n}}, in order.`);
}
