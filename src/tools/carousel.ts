import { z } from "zod";
import { ToolError } from "./errors";
import { shownAs } from "./listed-schema";
import { type ButtonInput, buttonInput, buttonToWire, variablesIn } from "./template-rules";
import type { TemplateShape } from "./template-shape";

/**
 * CAROUSEL templates: a message body above 2–10 cards that scroll sideways, each with an image or
 * video header, a body and up to 2 buttons. Gupshup's carousel create pages give the card shape
 * (`headerType`, `mediaUrl` | `exampleMedia`, `body`, `sampleText`, `buttons`) and Meta's
 * media-card carousel page the limits (2–10 cards, body ≤ 160, ≤ 2 buttons of quick reply, URL or
 * phone number, every card with the same parts) [§5, carousel pages].
 */

const MIN_CARDS = 2;
const MAX_CARDS = 10;
const MAX_CARD_BODY = 160;
const CARD_BUTTON_TYPES = new Set(["QUICK_REPLY", "URL", "PHONE_NUMBER"]);

/** A URL up to its variable: what Gupshup calls a card button's `buttonValue`. */
const urlBeforeVariable = (url: string) => url.replace(/\{\{\s*\d+\s*\}\}.*$/, "");

/**
 * A card's button, listed lean (the model reads create_template's buttons once) and checked as
 * those are; a type a card does not take still parses, so checkCards can name it.
 */
const cardButtonInput = z
  .looseObject({ type: z.string(), text: z.string().optional(), url: z.string().optional(), example: z.string().optional(), phoneNumber: z.string().optional() })
  .pipe(buttonInput);

const CARD_HEADER_TYPES = ["IMAGE", "VIDEO"] as const;

const cardInput = z.object({
  headerType: z.enum(CARD_HEADER_TYPES),
  exampleMedia: z.string().min(1).max(1000).optional().describe("From upload_media; or mediaUrl."),
  mediaUrl: z
    .url({ protocol: /^https$/, error: "mediaUrl must be an https URL" })
    .max(2000)
    .optional(),
  body: z.string().min(1, "a card body must not be empty").max(MAX_CARD_BODY, `a card body must be at most ${MAX_CARD_BODY} characters`),
  example: z.string().min(1).max(1024).optional().describe("The body filled in."),
  buttons: z.array(cardButtonInput).max(2, "at most 2 buttons on a card").optional().describe("QUICK_REPLY, URL or PHONE_NUMBER."),
});
export type CardInput = z.output<typeof cardInput>;

export const cardsInput = z
  .array(cardInput)
  .min(MIN_CARDS, `a carousel has ${MIN_CARDS} to ${MAX_CARDS} cards`)
  .max(MAX_CARDS, `a carousel has ${MIN_CARDS} to ${MAX_CARDS} cards`)
  .describe(`CAROUSEL only: ${MIN_CARDS}–${MAX_CARDS} cards alike (header type, button types in order), each ≤2 buttons as in buttons.`);

/** The cards as tools/list shows them: one line of shape instead of each field's schema. */
shownAs(cardsInput, {
  type: "array",
  minItems: MIN_CARDS,
  maxItems: MAX_CARDS,
  items: { type: "object", properties: { headerType: { enum: CARD_HEADER_TYPES } } },
  description: `CAROUSEL only: ${MIN_CARDS}–${MAX_CARDS} cards alike (header type, button types in order), each {headerType, exampleMedia (upload_media) or mediaUrl, body ≤${MAX_CARD_BODY}, example (body filled in), buttons: ≤2, QUICK_REPLY, URL or PHONE_NUMBER as in buttons}.`,
});

/** The rules across cards (one issue per problem, on the field to fix). */
export function checkCards(cards: CardInput[], issue: (path: string, message: string) => void): void {
  const first = cards[0];
  if (!first) return;
  const buttonTypes = (card: CardInput) => (card.buttons ?? []).map((b) => b.type).join(",");
  cards.forEach((card, i) => {
    const at = `cards.${i}`;
    if ((card.exampleMedia === undefined) === (card.mediaUrl === undefined))
      issue(at, `card ${i + 1} needs its sample media: exampleMedia (a handle from upload_media) or mediaUrl (https), one of them`);
    if (card.headerType !== first.headerType) issue(at, `every card has the same header type: card 1 is ${first.headerType}, card ${i + 1} is ${card.headerType}`);
    if (buttonTypes(card) !== buttonTypes(first))
      issue(at, `every card has the same buttons in the same order: card 1 has [${buttonTypes(first) || "none"}], card ${i + 1} has [${buttonTypes(card) || "none"}]`);
    for (const button of card.buttons ?? []) {
      if (!CARD_BUTTON_TYPES.has(button.type)) issue(at, `card buttons are QUICK_REPLY, URL or PHONE_NUMBER; card ${i + 1} has ${button.type}`);
      if (button.type === "URL" && variablesIn(button.url).length > 0) {
        const fixed = urlBeforeVariable(button.url);
        if (!button.example) issue(at, `card ${i + 1}'s URL button "${button.text}" has a variable, so it needs example (the full URL with {{1}} filled in)`);
        else if (!button.example.startsWith(fixed)) issue(at, `card ${i + 1}'s URL button "${button.text}": example must be the url with {{1}} filled in, starting ${fixed}`);
      }
    }
    const numbers = [...new Set(variablesIn(card.body))].sort((a, b) => a - b);
    if (numbers.some((n, k) => n !== k + 1)) issue(at, `card ${i + 1}'s variables must be numbered {{1}}, {{2}}, … without gaps`);
    if (numbers.length > 0 && !card.example) issue(at, `card ${i + 1}'s body has variables, so it needs example: the body with every {{n}} replaced by a sample value`);
    else if (card.example && variablesIn(card.example).length > 0) issue(at, `card ${i + 1}'s example must have every {{n}} replaced by a sample value`);
  });
}

/** Gupshup's `cards` form field (a JSON string) [carousel create pages]. */
export function cardsToWire(cards: CardInput[]): string {
  return JSON.stringify(
    cards.map((card) => ({
      headerType: card.headerType,
      ...(card.mediaUrl ? { mediaUrl: card.mediaUrl } : { exampleMedia: card.exampleMedia }),
      body: card.body,
      sampleText: card.example ?? card.body,
      buttons: (card.buttons ?? []).map(cardButtonToWire),
    })),
  );
}

/** A card's URL button with a variable also carries the URL before it (`buttonValue`) and the example's value (`suffix`). */
function cardButtonToWire(button: ButtonInput): Record<string, unknown> {
  const wire = buttonToWire(button);
  if (button.type !== "URL" || !button.example || variablesIn(button.url).length === 0) return wire;
  const buttonValue = urlBeforeVariable(button.url);
  return { ...wire, buttonValue, suffix: button.example.slice(buttonValue.length) };
}

/** A card as list_templates shows it. */
export const cardShape = z.object({ headerType: z.string(), body: z.string().nullable(), sampleText: z.string().nullable(), buttons: z.array(z.record(z.string(), z.unknown())) });
export type CardShape = z.infer<typeof cardShape>;

/** The cards in a template's containerMeta (empty for other templates). */
export function cardsOf(meta: Record<string, unknown>): CardShape[] {
  if (!Array.isArray(meta.cards)) return [];
  return meta.cards
    .filter((c): c is Record<string, unknown> => typeof c === "object" && c !== null)
    .map((c) => ({
      headerType: typeof c.headerType === "string" ? c.headerType : "IMAGE",
      body: typeof c.body === "string" ? c.body : null,
      sampleText: typeof c.sampleText === "string" ? c.sampleText : null,
      buttons: Array.isArray(c.buttons) ? c.buttons.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null) : [],
    }));
}

// ---- sending ----

/** One card's media on a send, and the values of that card's variables. */
const sendCardInput = z
  .object({
    link: z
      .url({ protocol: /^https$/, error: "a card's link must be an https URL" })
      .max(2000)
      .optional(),
    id: z.string().min(1).max(200).optional(),
    params: z.array(z.string().min(1, "params must not be empty strings").max(1024)).max(20).optional(),
  })
  .refine((c) => (c.link === undefined) !== (c.id === undefined), "give each card exactly one of link or id");

/** The carousel `message` of a send: each card's media in order (their params optional, after the template's own). */
export const carouselMessageInput = z.object({
  type: z.literal("carousel"),
  cardHeaderType: z.enum(["IMAGE", "VIDEO"]).optional(),
  cards: z.array(sendCardInput).min(1).max(MAX_CARDS),
});
export type CarouselMessage = z.output<typeof carouselMessageInput>;

/** How many of the template's `params` slots are the message body's, and how many each card's (list_templates names them "card N …"). */
function slotCounts(template: TemplateShape): { body: number; cards: number[] } {
  const cardOf = (slot: string) => Number(/^card (\d+) /.exec(slot)?.[1] ?? 0);
  return { body: template.params.filter((slot) => cardOf(slot) === 0).length, cards: template.cards.map((_, i) => template.params.filter((slot) => cardOf(slot) === i + 1).length) };
}

/**
 * Checks a carousel send against its template and gives what Gupshup takes [carousel send pages]:
 * `message` = `{ type: "carousel", cardHeaderType, cards: [{ link } | { id }] }` with the cards in
 * the template's order, and every value — the message body's, then each card's — in one `params`
 * list. Values given per card must then be per card for every card with variables, each exactly
 * its own, with `template.params` the body's alone: a value never lands in another card's slot.
 */
export function carouselSend(template: TemplateShape, message: CarouselMessage, params: readonly string[]): { message: string; params: string[]; warnings: string[] } {
  const cards = template.cards;
  const warnings: string[] = [];
  if (cards.length === 0) {
    // Gupshup's list did not show the cards: nothing to count against; Gupshup checks the send.
    warnings.push(`Gupshup's template list does not show ${template.elementName}'s cards, so their number and media type were not checked: give one media per approved card, in order.`);
  } else if (message.cards.length !== cards.length) {
    throw new ToolError(
      `Template ${template.elementName} was approved with ${cards.length} cards: give message.cards ${cards.length} entries, one media (link or id) per card in order, not ${message.cards.length}.`,
    );
  }
  const headerType = cards[0]?.headerType ?? message.cardHeaderType ?? "IMAGE";
  if (message.cardHeaderType !== undefined && message.cardHeaderType !== headerType) {
    throw new ToolError(`Template ${template.elementName}'s cards have ${headerType} headers, not ${message.cardHeaderType}: give ${headerType.toLowerCase()} media (or leave cardHeaderType out).`);
  }
  if (cards.length > 0 && message.cards.some((c) => c.params !== undefined)) {
    const slots = slotCounts(template);
    const wrong = message.cards.map((c, i) => ((c.params?.length ?? 0) === slots.cards[i] ? undefined : `card ${i + 1} takes ${slots.cards[i]}, ${c.params?.length ?? 0} given`)).filter(Boolean);
    if (wrong.length > 0 || params.length !== slots.body) {
      throw new ToolError(
        `With values given per card, template.params holds the message body's ${slots.body} and each card its own (${slots.cards.map((n, i) => `card ${i + 1}: ${n}`).join(", ")}); ${[...(params.length !== slots.body ? [`template.params has ${params.length}`] : []), ...wrong].join("; ")}. Or give every value, in order, in template.params.`,
      );
    }
  }
  return {
    message: JSON.stringify({ type: "carousel", cardHeaderType: headerType, cards: message.cards.map((c) => (c.link ? { link: c.link } : { id: c.id })) }),
    params: [...params, ...message.cards.flatMap((c) => c.params ?? [])],
    warnings,
  };
}

/** What the refusal of a carousel send without its cards says. */
export const carouselShapeHint = (template: TemplateShape) =>
  `Template ${template.elementName} is a CAROUSEL of ${template.cards.length} cards: pass message as { type: "carousel", cards: [{ link: "https://…" }, …] } with one ${(template.cards[0]?.headerType ?? "IMAGE").toLowerCase()} per card, in order (each card's params in it, or all values in template.params).`;
