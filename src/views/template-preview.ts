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
.reason { margin: 6px 0 0; }
.cards { display: flex; gap: 8px; overflow-x: auto; padding-bottom: 4px; }
.cards .chat { flex: 0 0 210px; margin: 0; }`,
  `
let lastInput = null;
const STATUS = { APPROVED: "ok", PENDING: "warn", REJECTED: "bad", PAUSED: "bad", DISABLED: "bad" };
/** The values an example gives each {{n}}: the text between the literal parts around the variables, found left to right (linear time; variables side by side cannot be told apart and stay unfilled). */
function valuesFrom(text, example) {
  const values = {};
  if (!text || !example) return values;
  const parts = String(text).split(/\\{\\{\\s*(\\d+)\\s*\\}\\}/);
  const filled = String(example);
  if (!filled.startsWith(parts[0])) return values;
  let at = parts[0].length;
  for (let i = 1; i < parts.length; i += 2) {
    const next = parts[i + 1];
    const last = i + 2 >= parts.length;
    const end = last ? (filled.endsWith(next) ? filled.length - next.length : -1) : next === "" ? -1 : filled.indexOf(next, at + 1);
    if (end <= at) return values;
    if (values[parts[i]] === undefined) values[parts[i]] = filled.slice(at, end);
    at = end + next.length;
  }
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
  const givenCards = given.cards || [];
  if (t.cards && t.cards.length) {
    const row = el("div", "cards");
    t.cards.forEach((card, i) => {
      const sample = givenCards[i] || {};
      row.appendChild(bubble({ headerType: card.headerType, body: card.body, buttons: card.buttons }, { body: valuesFrom(card.body, card.sampleText || sample.example), button: buttonValues(card.buttons.some((b) => b.example) ? card.buttons : sample.buttons) }));
    });
    box.appendChild(row);
  }
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
  } else if (s.templateId) {
    document.getElementById("view").replaceChildren(el("p", "", "Template " + s.templateId + " was changed and sent back to Meta for review (" + (s.status || "PENDING") + "); list_templates shows it when it is approved."));
  }
});
bridge.start("gupshup-template-preview");
`,
  { bubble: true },
);
