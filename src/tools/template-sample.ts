import type { TemplateShape } from "./template-shape";

/**
 * The message a recipient gets: the template's header, body and URL buttons with `params` in
 * their slots (the order list_templates shows as `params`), the footer, and button labels.
 */
export function renderSample(template: TemplateShape, params: readonly string[]): string {
  const values = new Map(template.params.map((slot, i) => [slot, params[i] ?? slot]));
  const fill = (text: string, where: string) => text.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values.get(`${where} {{${Number(n)}}}`) ?? whole);
  const buttons = template.buttons.map((b) => {
    const label = typeof b.text === "string" ? b.text : String(b.type ?? "button");
    const url = b.type === "URL" && typeof b.url === "string" ? ` → ${fill(b.url, `button "${label}"`)}` : "";
    return `[${label}${url}]`;
  });
  return [template.header && `*${fill(template.header, "header")}*`, template.body && fill(template.body, "body"), template.footer && `_${template.footer}_`, buttons.join(" ")]
    .filter((part) => part)
    .join("\n");
}
