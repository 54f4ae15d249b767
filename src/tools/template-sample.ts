import type { TemplateShape } from "./template-shape";

/** A message as its recipient gets it: parts with the values in their slots, and the same as text. */
export interface Sample {
  header: string | null;
  body: string | null;
  footer: string | null;
  buttons: { type: string; text: string; url: string | null }[];
  text: string;
}

/**
 * The message a recipient gets: the template's header, body and URL buttons with `params` in
 * their slots (the order list_templates shows as `params`), the footer, and button labels.
 */
export function renderSample(template: TemplateShape, params: readonly string[]): Sample {
  const values = new Map(template.params.map((slot, i) => [slot, params[i] ?? slot]));
  const fill = (text: string, where: string) => text.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values.get(`${where} {{${Number(n)}}}`) ?? whole);
  const buttons = template.buttons.map((b) => {
    const text = typeof b.text === "string" ? b.text : String(b.type ?? "button");
    return { type: String(b.type ?? ""), text, url: b.type === "URL" && typeof b.url === "string" ? fill(b.url, `button "${text}"`) : null };
  });
  const header = template.header && fill(template.header, "header");
  const body = template.body && fill(template.body, "body");
  const cards = template.cards.map((card, i) => `Card ${i + 1} (${card.headerType.toLowerCase()}): ${card.body ? fill(card.body, `card ${i + 1} body`) : ""}`);
  const lines = [header && `*${header}*`, body, template.footer && `_${template.footer}_`, buttons.map((b) => `[${b.text}${b.url ? ` → ${b.url}` : ""}]`).join(" "), ...cards];
  return { header, body, footer: template.footer, buttons, text: lines.filter((line) => line).join("\n") };
}
