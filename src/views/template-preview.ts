import { viewPage } from "./kit";

/**
 * A template as the recipient's phone would show it, with its variables filled by the example
 * values and marked. Reads create_template's and list_templates' results; for edit_template (whose
 * result carries no content) the content the call sent.
 */
export const TEMPLATE_PREVIEW_HTML = viewPage(
  "Template preview",
  `.meta { margin: 0 0 4px; font-size: 12px; }
section + section { margin-top: 16px; padding-top: 12px; border-top: 1px solid var(--line); }
.reason { margin: 6px 0 0; }`,
  `
let lastInput = null;
const STATUS = { APPROVED: "ok", PENDING: "warn", REJECTED: "bad", PAUSED: "bad", DISABLED: "bad" };
/** The values an example gives each {{n}}: the example read against the text around the variables. */
function valuesFrom(text, example) {
  const values = {};
  if (!text || !example) return values;
  const order = [];
  const pattern = String(text).split(/\\{\\{\\s*(\\d+)\\s*\\}\\}/).map((part, i) => {
    if (i % 2) { order.push(part); return "([\\\\s\\\\S]+?)"; }
    return part.replace(/[.*+?^$\\{\\}()|[\\]\\\\]/g, "\\\\$&");
  }).join("");
  const match = new RegExp("^" + pattern + "$").exec(String(example));
  if (match) order.forEach((n, i) => { if (values[n] === undefined) values[n] = match[i + 1]; });
  return values;
}
/** A URL button's variable, from its example (the template's, or what create_template was given). */
function buttonValues(buttons) {
  for (const b of buttons || []) {
    const example = Array.isArray(b.example) ? b.example[0] : b.example;
    if (b.url && example) return valuesFrom(b.url, example);
  }
  return {};
}
function section(t) {
  const box = el("section");
  const title = el("h1");
  title.append(el("span", "", t.elementName || "Template"), " ", el("span", "badge " + (STATUS[t.status] || "warn"), t.status || "DRAFT"));
  box.appendChild(title);
  box.appendChild(el("p", "meta muted", [t.category, t.languageCode, t.templateType].filter(Boolean).join(" · ")));
  const message = { header: t.header, headerType: t.templateType, body: t.body, footer: t.footer, buttons: t.buttons };
  const given = lastInput || {};
  const values = { header: valuesFrom(t.header, t.exampleHeader || given.exampleHeader), body: valuesFrom(t.body, t.sampleText || given.example), button: buttonValues(t.buttons && t.buttons.some((b) => b.example) ? t.buttons : given.buttons) };
  box.appendChild(bubble(message, values));
  if (t.reason) box.appendChild(el("p", "reason bad", "Rejected: " + t.reason));
  return box;
}
function render(templates, total) {
  const view = document.getElementById("view");
  view.replaceChildren();
  if (!templates.length) return view.appendChild(el("p", "empty", "No template to show."));
  for (const t of templates.slice(0, 5)) view.appendChild(section(t));
  if ((total || templates.length) > 5) view.appendChild(el("p", "muted", "Showing 5 of " + (total || templates.length) + " templates."));
}
bridge.on("input", (args) => { lastInput = args; });
bridge.on("result", (result) => {
  const s = result.structuredContent || {};
  if (result.isError) {
    const view = document.getElementById("view");
    view.replaceChildren(el("p", "bad", ((result.content || [])[0] || {}).text || "The call failed."));
  } else if (s.template) render([s.template]);
  else if (Array.isArray(s.templates)) render(s.templates, s.total);
  else if (lastInput && lastInput.content) {
    const a = lastInput;
    render([{ elementName: "Edited template", status: s.status, category: a.category, templateType: a.templateType, header: a.header, body: a.content, footer: a.footer, buttons: a.buttons, sampleText: a.example, exampleHeader: a.exampleHeader }]);
  }
});
bridge.start("gupshup-template-preview");
`,
  { bubble: true },
);
