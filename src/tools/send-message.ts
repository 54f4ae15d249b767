import { z } from "zod";
import { INTERACTIVE_LIMITS as L } from "../api/interactive-limits";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError } from "./errors";
import { destinationInput, freeFormTools, replyToInput, sending, sendOutput } from "./free-form";
import { refusedInput } from "./input-errors";
import { buttonsInput, interactiveTools, listInput } from "./interactive";
import { shownAs } from "./listed-schema";
import { appIdInput, idempotencyKeyInput } from "./schemas";

/**
 * Every free-form (24-hour window) message in one tool: text, media, a location, buttons, a list,
 * a link button, a location request. Each type is sent by the tool that sent it before (still
 * callable by its name), so a message goes out exactly as it did; this one maps the fields.
 */

const MEDIA = ["image", "video", "audio", "document", "sticker"] as const;
const INTERACTIVE = { buttons: "buttons", list: "list", link: "url", location_request: "location_request" } as const;
const TYPES = ["text", ...MEDIA, "location", ...(Object.keys(INTERACTIVE) as (keyof typeof INTERACTIVE)[])] as const;
type MessageType = (typeof TYPES)[number];

const input = z.object({
  appId: appIdInput,
  destination: destinationInput,
  type: z.enum(TYPES).describe("What to send."),
  text: z.string().optional().describe("The message (media: its caption; interactive types: the body)."),
  url: z.string().optional().describe("Media: its https URL (or mediaId); link: the https link."),
  mediaId: z.string().optional().describe("Media uploaded to Gupshup."),
  filename: z.string().optional().describe("document: the name shown."),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional().describe("type location."),
  header: z.string().max(L.header).optional().describe("buttons, list, link: bold first line."),
  footer: z.string().max(L.footer).optional().describe("buttons, list, link: grey last line."),
  buttons: buttonsInput.describe("type buttons."),
  list: shownAs(listInput.describe("type list."), {
    type: "object",
    description: `type list: {button ≤${L.listButton} (opens it), sections: [{title (needed with several), rows: [{id (returned with the choice; default title), title ≤${L.rowTitle}, description ≤${L.rowDescription}}]}]}, ≤${L.rows} rows in all.`,
  }),
  buttonText: z.string().max(L.urlDisplayText).optional().describe("type link: the button's text."),
  previewUrl: z.boolean().optional().describe("text: preview its first link."),
  replyTo: replyToInput,
  idempotencyKey: idempotencyKeyInput,
});
type Args = z.output<typeof input>;

/** The fields each type uses (beyond appId, destination, type, replyTo, idempotencyKey). */
const USES: Record<MessageType, readonly (keyof Args)[]> = {
  text: ["text", "previewUrl"],
  ...(Object.fromEntries(MEDIA.map((m) => [m, ["text", "url", "mediaId", "filename"]])) as Record<(typeof MEDIA)[number], (keyof Args)[]>),
  location: ["location"],
  buttons: ["text", "header", "footer", "buttons"],
  list: ["text", "header", "footer", "list"],
  link: ["text", "header", "footer", "url", "buttonText"],
  location_request: ["text"],
};
const OPTIONAL: readonly (keyof Args)[] = ["appId", "destination", "type", "replyTo", "idempotencyKey"];

/** The call the type's own tool takes, and how its field names read in send_message's. */
function callFor(a: Args): { tool: string; args: Record<string, unknown>; fields: Record<string, string> } {
  const common = { appId: a.appId, destination: a.destination, replyTo: a.replyTo, idempotencyKey: a.idempotencyKey };
  if (a.type === "text") return { tool: "send_text_message", args: { ...common, text: a.text, previewUrl: a.previewUrl }, fields: {} };
  if (a.type === "location")
    return {
      tool: "send_location_message",
      args: { ...common, ...a.location },
      fields: { latitude: "location.latitude", longitude: "location.longitude", name: "location.name", address: "location.address" },
    };
  if ((MEDIA as readonly string[]).includes(a.type)) {
    return {
      tool: "send_media_message",
      args: { ...common, mediaType: a.type, url: a.url, mediaId: a.mediaId, caption: a.text, filename: a.filename },
      fields: { mediaType: "type", caption: "text" },
    };
  }
  const kind = INTERACTIVE[a.type as keyof typeof INTERACTIVE];
  const url = a.type === "link" && (a.url !== undefined || a.buttonText !== undefined) ? { displayText: a.buttonText, link: a.url } : undefined;
  return {
    tool: "send_interactive_message",
    args: { ...common, kind, body: a.text, header: a.header, footer: a.footer, buttons: a.buttons, list: a.list, url },
    fields: { kind: "type", body: "text", "url.displayText": "buttonText", "url.link": "url", url: "url and buttonText" },
  };
}

const byName = new Map([...freeFormTools, ...interactiveTools].map((tool) => [tool.name, tool]));

export const sendMessageTools: ToolDefinition[] = [
  defineTool(
    "send_message",
    {
      title: "Send message",
      description:
        "Send a free-form message: text, media, a location, reply buttons (≤3), a list (≤10 rows), a link button or a location request. Reaches only someone who wrote in the last 24 h; otherwise send_template_message.",
      input,
      output: sendOutput,
      scope: "send",
      annotations: sending,
    },
    (ctx) => async (args, extra) => {
      const used = Object.fromEntries(Object.entries(args).filter(([f]) => OPTIONAL.includes(f as keyof Args) || USES[args.type].includes(f as keyof Args))) as Args;
      const { tool: name, args: mapped, fields } = callFor(used);
      const tool = byName.get(name)!;
      const parsed = tool.spec.input.safeParse(Object.fromEntries(Object.entries(mapped).filter(([, v]) => v !== undefined)));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ ...issue, path: renamed(issue.path, fields) }));
        throw new ToolError(refusedInput("send_message", new z.ZodError(issues)));
      }
      const unused = (Object.keys(args) as (keyof Args)[]).filter((f) => args[f] !== undefined && !OPTIONAL.includes(f) && !USES[args.type].includes(f));
      const outcome = await tool.bind(ctx)(parsed.data, extra);
      const note = unused.length ? ` Not used by type ${args.type}, so not sent: ${unused.join(", ")}.` : "";
      return { structured: outcome.structured as z.output<typeof sendOutput>, summary: `${outcome.summary}${note}` };
    },
  ),
];

/** An issue's path in send_message's names ("caption" → "text", "url.link" → "url"). */
function renamed(path: PropertyKey[], fields: Record<string, string>): PropertyKey[] {
  const key = path.map(String).join(".");
  for (const [from, to] of Object.entries(fields)) {
    if (key === from || key.startsWith(`${from}.`)) return [to, ...path.slice(from.split(".").length)];
  }
  return path;
}
