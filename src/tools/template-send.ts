import { cachedTemplates, templateById } from "./app-templates";
import { type CarouselMessage, carouselSend, carouselShapeHint } from "./carousel";
import type { ToolContext } from "./context";
import { ToolError } from "./errors";
import { normalizePhone } from "./schemas";
import { renderSample } from "./template-sample";
import type { TemplateShape } from "./template-shape";

// What every template send is checked against before it reaches Gupshup: the template, its params, the sender.

/** A send as it goes to Gupshup, and what the result should say: `warnings` may not arrive as intended, `notes` are for the record. */
interface SendCheck {
  /** Every value, in the order Gupshup fills them (a carousel's card params after the template's). */
  params: string[];
  /** The `message` form field (JSON), or none: a TEXT template's words are its own [§9]. */
  message: string | undefined;
  warnings: string[];
  notes: string[];
  /** The template's name, when it was looked up (what a conversation thread shows). */
  templateName?: string;
  templateCategory?: string;
}

type MessageInput = { type: string; text?: string } | CarouselMessage;

/**
 * Refuses a send that cannot work — a template that is not APPROVED, a LOCATION template without a
 * location, a media header without its media, a carousel without one media per card, the wrong
 * number of params — and returns warnings where the count cannot be sure. The template comes from
 * the cache (no upstream call) when there; a `{ type: "text" }` message (the spec's form) or a
 * carousel has it looked up, so a text message for a media or LOCATION template is refused with
 * the shape it needs rather than sent without its media, and a carousel's cards are counted.
 */
export async function checkAgainstTemplate(ctx: ToolContext, appId: string, templateId: string, params: readonly string[], message: MessageInput | undefined): Promise<SendCheck> {
  const lookUp = message?.type === "text" || message?.type === "carousel";
  const template = lookUp ? await templateById(ctx, appId, templateId) : await cachedTemplate(ctx, appId, templateId);
  // A media header or a place goes as given; a text message is not sent; a carousel's cards are rebuilt below.
  const check: SendCheck = { params: [...params], message: message && message.type !== "text" ? JSON.stringify(message) : undefined, warnings: [], notes: [] };
  if (!template) return check;
  check.templateName = template.elementName;
  check.templateCategory = template.category;
  checkSendable(template, message?.type);
  if (message?.type === "carousel") {
    const { warnings, ...send } = carouselSend(template, message as CarouselMessage, params);
    Object.assign(check, send);
    check.warnings.push(...warnings);
  }
  check.warnings.push(...checkParamCount(template, check.params.length));
  if (message?.type === "text") {
    const shown = renderSample(template, params).body ?? "";
    if (message.text === undefined || message.text.trim() === shown.trim())
      check.notes.push(`The template's own text was sent, filled with params ("${shown}"); message.text is not needed and was not sent.`);
    else
      check.warnings.push(
        `message.text was not sent: WhatsApp shows the approved template's own text, filled with params: "${shown}". To change the words, edit the template (edit_template) or use another.`,
      );
  }
  return check;
}

async function cachedTemplate(ctx: ToolContext, appId: string, templateId: string): Promise<TemplateShape | undefined> {
  return (await cachedTemplates(ctx, appId))?.find((t) => t.id === templateId);
}

/** Refuses a send of `template` that cannot work: not APPROVED, a LOCATION template without its place, a media header without its media. */
export function checkSendable(template: TemplateShape, messageType: string | undefined): void {
  const templateId = template.id;
  if (template.status !== "APPROVED") {
    throw new ToolError(`Template ${template.elementName} (${templateId}) is ${template.status}; only APPROVED templates can be sent. Check list_templates.`);
  }
  if (template.templateType === "CAROUSEL" && messageType !== "carousel") throw new ToolError(carouselShapeHint(template));
  if (messageType === "carousel" && template.templateType !== "CAROUSEL") {
    throw new ToolError(`Template ${template.elementName} is ${template.templateType}, not a CAROUSEL: message { type: "carousel" } is only for carousel templates.`);
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
}

const MEDIA_HEADERS: Record<string, string | undefined> = { IMAGE: "image", VIDEO: "video", DOCUMENT: "document" };

/** ignoreOptOut is for messages a user still needs after opting out: UTILITY and AUTHENTICATION templates only. */
export async function requireTransactional(ctx: ToolContext, appId: string, templateId: string): Promise<void> {
  const template = await templateById(ctx, appId, templateId);
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
export async function sender(ctx: ToolContext, appId: string, source: string | undefined, srcName: string | undefined): Promise<{ source: string; srcName: string }> {
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
  const productId = takesProductId(template) ? 1 : 0;
  const expected = params.length + productId;
  const order = `${params.join(", ") || "no variables"}${productId ? ", then the product id" : ""}`;
  if (given === expected) return [];
  // A carousel's slots are all known (the cards come with the template): a short list cannot be right.
  if (given >= body && given < expected && template.templateType !== "CAROUSEL") {
    const missing = productId && given === params.length ? "the product id is missing" : `values fill them in order, so ${params.slice(given).join(" and ")} would get none`;
    return [`Template ${name} takes ${expected} param(s) in this order: ${order}; ${given} given: ${missing}. Check the message as delivered before sending more.`];
  }
  throw new ToolError(`Template ${name} takes ${expected} param(s), ${given} given. Pass one value for each, in this order: ${order}.`);
}

/** Catalog and multi-product sends add the product id after the template's variables [§24]. */
const takesProductId = (t: TemplateShape) => t.templateType === "CATALOG" || t.templateType === "PRODUCT" || t.buttons.some((b) => b.type === "CATALOG" || b.type === "MPM");

/** What a send's params fill, in order: the template's variables, then the product id where one is needed. */
export function sendSlots(template: TemplateShape): string[] {
  return takesProductId(template) ? [...template.params, "the product id"] : template.params;
}
