import { z } from "zod";
import { INTERACTIVE_LIMITS as L } from "../api/interactive-limits";
import { defineTool, type ToolDefinition } from "./define";
import { destinationInput, replyToInput, sendFreeForm, sending, sendOutput } from "./free-form";
import { appIdInput, idempotencyKeyInput } from "./schemas";

/** Interactive session messages (Meta's format on /v3/message): reply buttons, a list, a link button, a location request. */

const text = (max: number, what: string) => z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters (WhatsApp's limit)`);
const optionId = (max: number) => z.string().trim().min(1).max(max, `an option id must be at most ${max} characters`);

/** Reply buttons and a list, as send_message takes them too. */
export const buttonsInput = z
  .array(z.object({ id: optionId(L.buttonId).optional().describe("Returned with the choice (default: title)."), title: text(L.buttonTitle, "a button title") }))
  .min(1)
  .max(L.buttons, `at most ${L.buttons} reply buttons (WhatsApp's limit); use kind list for more options`)
  .optional();

export const listInput = z
  .object({
    button: text(L.listButton, "list.button").describe("Opens the list, e.g. 'Choose'."),
    sections: z
      .array(
        z.object({
          title: text(L.sectionTitle, "a section title").optional().describe("Needed with several sections."),
          rows: z
            .array(
              z.object({
                id: optionId(L.rowId).optional().describe("Returned with the choice (default: title)."),
                title: text(L.rowTitle, "a row title"),
                description: text(L.rowDescription, "a row description").optional(),
              }),
            )
            .min(1),
        }),
      )
      .min(1)
      .max(L.sections, `at most ${L.sections} sections`),
  })
  .optional();

const input = z
  .object({
    appId: appIdInput,
    destination: destinationInput,
    kind: z.enum(["buttons", "list", "url", "location_request"]).describe("buttons (≤3 replies), list (a menu of rows), url (one link button), location_request (asks for their location)."),
    body: text(L.body, "body").describe("The message text."),
    header: text(L.header, "header").optional().describe("Bold first line."),
    footer: text(L.footer, "footer").optional().describe("Small grey last line."),
    buttons: buttonsInput.describe("kind buttons."),
    list: listInput.describe(`kind list: ≤${L.rows} rows in all.`),
    url: z
      .object({ displayText: text(L.urlDisplayText, "url.displayText"), link: z.url({ protocol: /^https$/, error: "url.link must be an https URL" }).max(2000) })
      .optional()
      .describe("kind url: button text and https link."),
    replyTo: replyToInput,
    idempotencyKey: idempotencyKeyInput,
  })
  .superRefine((a, rctx) => {
    const need = { buttons: "buttons", list: "list", url: "url" } as const;
    const field = need[a.kind as keyof typeof need];
    if (field && a[field] === undefined) rctx.addIssue({ code: "custom", path: [field], message: `kind ${a.kind} needs ${field}` });
    // Only the part this kind sends is checked: the others are left out, and the result says so.
    if (a.kind === "buttons" && a.buttons)
      unique(
        a.buttons.map((b) => b.id ?? b.title),
        "buttons",
        "button ids (or titles)",
        rctx,
      );
    if (a.kind === "buttons" && a.buttons)
      unique(
        a.buttons.map((b) => b.title),
        "buttons",
        "button titles",
        rctx,
      );
    if (a.kind === "list" && a.list) {
      const rows = a.list.sections.flatMap((s) => s.rows);
      if (rows.length > L.rows) rctx.addIssue({ code: "custom", path: ["list", "sections"], message: `a list has at most ${L.rows} rows in all (WhatsApp's limit); it has ${rows.length}` });
      if (a.list.sections.length > 1 && a.list.sections.some((s) => !s.title)) rctx.addIssue({ code: "custom", path: ["list", "sections"], message: "with several sections, each needs a title" });
      unique(
        rows.map((r) => r.id ?? r.title),
        ["list", "sections"],
        "row ids (or titles)",
        rctx,
      );
    }
  });

function unique(values: string[], path: string | string[], what: string, rctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  const twice = values.find((v) => seen.size === seen.add(v).size);
  if (twice !== undefined) rctx.addIssue({ code: "custom", path: Array.isArray(path) ? path : [path], message: `${what} must differ: "${twice}" is used twice` });
}

type Args = z.output<typeof input>;

/** The interactive object WhatsApp takes, what the thread shows of it, and the fields given that this kind does not use. */
function interactiveOf(a: Args): { interactive: Record<string, unknown>; shownAs: string; ignored: string[] } {
  const frame = a.kind === "location_request" ? {} : { ...(a.header ? { header: { type: "text", text: a.header } } : {}), ...(a.footer ? { footer: { text: a.footer } } : {}) };
  const body = { text: a.body };
  const given = (["header", "footer", "buttons", "list", "url"] as const).filter((f) => a[f] !== undefined);
  const uses: Record<Args["kind"], readonly string[]> = { buttons: ["header", "footer", "buttons"], list: ["header", "footer", "list"], url: ["header", "footer", "url"], location_request: [] };
  const ignored = given.filter((f) => !uses[a.kind].includes(f));
  switch (a.kind) {
    case "buttons": {
      const buttons = a.buttons!.map((b) => ({ type: "reply", reply: { id: b.id ?? b.title, title: b.title } }));
      return { interactive: { type: "button", ...frame, body, action: { buttons } }, shownAs: `${a.body} [buttons: ${a.buttons!.map((b) => b.title).join(" | ")}]`, ignored };
    }
    case "list": {
      const sections = a.list!.sections.map((s) => ({
        ...(s.title ? { title: s.title } : {}),
        rows: s.rows.map((r) => ({ id: r.id ?? r.title, title: r.title, ...(r.description ? { description: r.description } : {}) })),
      }));
      const rows = a.list!.sections.flatMap((s) => s.rows.map((r) => r.title));
      return { interactive: { type: "list", ...frame, body, action: { button: a.list!.button, sections } }, shownAs: `${a.body} [list ${a.list!.button}: ${rows.join(" | ")}]`, ignored };
    }
    case "url":
      return {
        interactive: { type: "cta_url", ...frame, body, action: { name: "cta_url", parameters: { display_text: a.url!.displayText, url: a.url!.link } } },
        shownAs: `${a.body} [link: ${a.url!.displayText} ${a.url!.link}]`,
        ignored,
      };
    case "location_request":
      return { interactive: { type: "location_request_message", body, action: { name: "send_location" } }, shownAs: `${a.body} [asks for their location]`, ignored };
  }
}

export const interactiveTools: ToolDefinition[] = [
  defineTool(
    "send_interactive_message",
    {
      title: "Send interactive message",
      description: "Send reply buttons (≤3), a list (≤10 rows), a link button or a location request, inside the 24-hour window; the choice shows in get_conversation.",
      input,
      output: sendOutput,
      scope: "send",
      annotations: sending,
      mergedInto: "send_message",
    },
    (ctx) => (args) => {
      const { interactive, shownAs, ignored } = interactiveOf(args);
      const note = ignored.length ? ` Not used by kind ${args.kind}, so not sent: ${ignored.join(", ")}.` : "";
      return sendFreeForm(ctx, args, { type: "interactive", interactive }, `interactive ${args.kind} message`, shownAs, note);
    },
  ),
];
