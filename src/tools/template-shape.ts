import { z } from "zod";
import { type CardShape, cardShape, cardsOf } from "./carousel";
import { variablesIn } from "./template-rules";

/** The statuses Gupshup documents for a template (it may send others; they are passed through). */
export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "DELETED"] as const;

/** A template as our tools return it: Gupshup's fields plus containerMeta parsed into its parts. */
export const templateShape = z.object({
  id: z.string(),
  elementName: z.string(),
  category: z.string(),
  status: z.string(),
  templateType: z.string(),
  languageCode: z.string(),
  quality: z.string().nullable(),
  reason: z.string().nullable().describe("Rejection reason, when REJECTED."),
  createdOn: z.number().nullable(),
  modifiedOn: z.number().nullable(),
  namespace: z.string().nullable(),
  wabaId: z.string().nullable(),
  body: z.string().nullable(),
  header: z.string().nullable(),
  footer: z.string().nullable(),
  buttons: z.array(z.record(z.string(), z.unknown())),
  sampleText: z.string().nullable(),
  cards: z.array(cardShape).describe("CAROUSEL: the cards, in order."),
  variableCount: z.number().describe("Distinct {{n}} variables in the body."),
  params: z.array(z.string()).describe("What send_template_message's params fill, in order: header variable, body variables, then URL-button variables."),
});
export type TemplateShape = z.infer<typeof templateShape>;

interface RawTemplate {
  id: string;
  elementName: string;
  category?: string | null;
  status?: string | null;
  templateType?: string | null;
  languageCode?: string | null;
  quality?: string | null;
  reason?: string | null;
  createdOn?: number | null;
  modifiedOn?: number | null;
  namespace?: string | null;
  wabaId?: string | null;
  containerMeta?: string | null;
  data?: string | null;
}

/** Gupshup template → our shape. containerMeta is a JSON string; an unreadable one yields nulls. */
export function toTemplate(raw: RawTemplate): TemplateShape {
  const meta = parseMeta(raw.containerMeta);
  const body = asString(meta.data) ?? raw.data ?? null;
  const buttons = Array.isArray(meta.buttons) ? meta.buttons.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null) : [];
  const cards = cardsOf(meta);
  return {
    id: raw.id,
    elementName: raw.elementName,
    category: raw.category ?? "UNKNOWN",
    status: raw.status ?? "UNKNOWN",
    templateType: raw.templateType ?? "UNKNOWN",
    languageCode: raw.languageCode ?? "",
    quality: raw.quality ?? null,
    reason: raw.reason || null,
    createdOn: raw.createdOn ?? null,
    modifiedOn: raw.modifiedOn ?? null,
    namespace: raw.namespace ?? null,
    wabaId: raw.wabaId ?? null,
    body,
    header: asString(meta.header),
    footer: asString(meta.footer),
    buttons,
    sampleText: asString(meta.sampleText),
    cards,
    variableCount: body ? new Set(variablesIn(body)).size : 0,
    params: paramSlots(asString(meta.header), body, buttons, cards),
  };
}

/**
 * The values a send passes, in message order: Gupshup wants "all parameters in the main message
 * bubble and cards must be in the params array in order" [§9, postback-text page], and numbers a
 * URL button's variable after the body's; a carousel's cards follow, each its body then its URL
 * buttons. Each variable is named by where it lands.
 */
function paramSlots(header: string | null, body: string | null, buttons: Record<string, unknown>[], cards: CardShape[]): string[] {
  const distinct = (text: string | null) => (text ? [...new Set(variablesIn(text))].sort((a, b) => a - b) : []);
  const urlSlots = (list: Record<string, unknown>[], where: string) =>
    list.filter((b) => b.type === "URL" && typeof b.url === "string").flatMap((b) => distinct(b.url as string).map((v) => `${where}button "${typeof b.text === "string" ? b.text : "URL"}" {{${v}}}`));
  return [
    ...distinct(header).map((v) => `header {{${v}}}`),
    ...distinct(body).map((v) => `body {{${v}}}`),
    ...urlSlots(buttons, ""),
    ...cards.flatMap((card, i) => [...distinct(card.body).map((v) => `card ${i + 1} body {{${v}}}`), ...urlSlots(card.buttons, `card ${i + 1} `)]),
  ];
}

function parseMeta(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const asString = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
