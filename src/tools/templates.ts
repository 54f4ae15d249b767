import { z } from "zod";
import { limitInWords } from "../api/endpoints";
import { createdTemplateResponse, parseAnswer, templatesResponse } from "../api/responses";
import { TEMPLATE_CACHE_SECONDS } from "../gateway/limits";
import { personApproves } from "./ask-person";
import { type CardInput, cardsInput, cardsToWire, checkCards } from "./carousel";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { unwrap } from "./errors";
import { rejectionAdvice } from "./failure-advice";
import { shownAs } from "./listed-schema";
import { appIdInput, elementNameInput, templateIdInput } from "./schemas";
import { BUTTON_TYPES, buttonsInput, buttonToWire, CATEGORIES, checkTemplate, OTP_TYPES, TEMPLATE_TYPES, type TemplateFields, variablesIn, verticalFrom } from "./template-rules";
import { type TemplateShape, templateShape, toTemplate } from "./template-shape";

const contentInput = z.string().min(1, "content must not be empty").max(1024, "content (the body) must be at most 1024 characters");
const headerInput = z.string().min(1).max(60, "header must be at most 60 characters");
const footerInput = z.string().min(1).max(60, "footer must be at most 60 characters");
const exampleInput = z.string().min(1).max(1024);
const exampleHeaderInput = z.string().min(1, "exampleHeader must not be empty").max(1024);
const mediaHandleInput = z.string().min(1).max(1000);

/** Adds template-rule violations to a zod refinement, one issue per problem. */
const refineTemplate = (t: TemplateFields & { cards?: CardInput[] }, ctx: z.RefinementCtx, mode: "create" | "edit" = "create") => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: path.split("."), message });
  checkTemplate(t, issue, mode);
  if (t.cards) checkCards(t.cards, issue);
};

/**
 * The form fields Gupshup wants, with objects as JSON strings (stringified only here, at the HTTP
 * boundary). The type pages require `example` [§24]: content without variables is its own example.
 */
function templateForm(t: TemplateFields & { enableSample?: boolean; cards?: CardInput[] }): Record<string, string> {
  const form: Record<string, string> = {};
  const put = (key: string, value: string | boolean | undefined) => {
    if (value !== undefined) form[key] = String(value);
  };
  put("category", t.category);
  put("templateType", t.templateType === "LTO" ? "TEXT" : t.templateType);
  if (t.templateType === "LTO") {
    put("isLTO", true);
    put("limitedOfferText", t.limitedOfferText);
  }
  put("content", t.content);
  put("header", t.header);
  put("footer", t.footer);
  put("example", t.example ?? (t.content !== undefined && variablesIn(t.content).length === 0 ? t.content : undefined));
  put("exampleHeader", t.exampleHeader);
  put("exampleMedia", t.exampleMedia);
  if (t.buttons) form.buttons = JSON.stringify(t.buttons.map(buttonToWire));
  if (t.cards) form.cards = cardsToWire(t.cards);
  put("enableSample", t.enableSample ?? true);
  return form;
}

const mutating = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;

export const templateTools: ToolDefinition[] = [
  defineTool(
    "create_template",
    {
      title: "Create template",
      description: "Create a template and submit it to Meta for approval (PENDING until list_templates shows it APPROVED).",
      input: z
        .object({
          appId: appIdInput,
          elementName: elementNameInput.describe("Lowercase letters, digits and _ (e.g. order_update)."),
          languageCode: z
            .string()
            .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "languageCode must look like en, hi or en_US")
            .describe("e.g. en, en_US, hi."),
          category: z.enum(CATEGORIES).describe("Meta's category; it decides the price."),
          templateType: z.enum(TEMPLATE_TYPES).describe("PRODUCT, CATALOG, LTO and CAROUSEL: MARKETING or UTILITY only."),
          content: contentInput.describe("Body, ≤1024 characters, with variables {{1}}, {{2}}, …; AUTHENTICATION bodies start '{{1}} is your verification code'."),
          header: headerInput.optional().describe("At most one variable {{1}}. Not for AUTHENTICATION."),
          footer: footerInput.optional().describe("No variables."),
          buttons: buttonsInput.optional(),
          example: exampleInput.optional().describe("Required when content has variables: the body filled in, e.g. 'Hi Rahul, order ORD-1 shipped'."),
          exampleHeader: exampleHeaderInput.optional().describe("The header with {{1}} filled in; required when it has one."),
          exampleMedia: mediaHandleInput.optional().describe("A media handle from upload_media; required for IMAGE, VIDEO and DOCUMENT."),
          vertical: z.string().min(1, "vertical must not be empty").max(180, "vertical must be at most 180 characters").optional().describe("Use-case label (default: from the name)."),
          allowTemplateCategoryChange: z.boolean().optional().describe("Let Meta re-categorise it instead of rejecting."),
          limitedOfferText: z.string().min(1).max(16).optional().describe("LTO only: the offer headline."),
          cards: cardsInput.optional(),
        })
        .superRefine((args, rctx) => refineTemplate(args, rctx)),
      output: z.object({ appId: z.string(), template: templateShape }),
      view: "templatePreview",
      scope: "manage",
      annotations: mutating,
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const form: Record<string, string> = { elementName: args.elementName, languageCode: args.languageCode, vertical: args.vertical ?? verticalFrom(args.elementName), ...templateForm(args) };
      if (args.allowTemplateCategoryChange !== undefined) form.allowTemplateCategoryChange = String(args.allowTemplateCategoryChange);
      const data = unwrap(await ctx.callApp(appId, { endpoint: "createTemplate", form }), { session: ctx.session, appId, templateName: args.elementName });
      const created = parseAnswer(createdTemplateResponse, data, "create_template").template;
      const template = toTemplate({ ...created, containerMeta: typeof created.containerMeta === "string" ? created.containerMeta : undefined });
      return {
        structured: { appId, template },
        summary: `Created template ${template.elementName} (${template.id}), status ${template.status}. Meta reviews it; check with list_templates before sending.`,
      };
    },
  ),

  defineTool(
    "edit_template",
    {
      title: "Edit template",
      description: "Edit a template; Gupshup resubmits it to Meta (back to PENDING). Pass only what changes.",
      input: z
        .object({
          appId: appIdInput,
          templateId: templateIdInput.describe("From list_templates."),
          content: contentInput.optional().describe("New body, ≤1024 characters."),
          header: headerInput.optional().describe("New header, at most one variable {{1}}."),
          footer: footerInput.optional().describe("New footer."),
          // Listed with the values each button takes (as create_template lists them), its other fields in words.
          buttons: shownAs(buttonsInput.optional(), {
            type: "array",
            items: { type: "object", properties: { type: { enum: BUTTON_TYPES }, otpType: { enum: OTP_TYPES } } },
            description: "New buttons, each as in create_template.",
          }),
          category: z.enum(CATEGORIES).optional().describe("New category."),
          templateType: z.enum(TEMPLATE_TYPES).optional().describe("New template type."),
          example: exampleInput.optional().describe("The new body filled in; needed with variables."),
          exampleHeader: exampleHeaderInput.optional().describe("The new header with {{1}} filled in."),
          exampleMedia: mediaHandleInput.optional().describe("A new media handle from upload_media."),
          enableSample: z.boolean().optional().describe("Gupshup requires true (the default)."),
        })
        .superRefine((args, rctx) => {
          const changes = ["content", "header", "footer", "buttons", "category", "templateType", "example", "exampleHeader", "exampleMedia"] as const;
          if (!changes.some((key) => args[key] !== undefined)) {
            rctx.addIssue({ code: "custom", path: [], message: `nothing to change: pass at least one of ${changes.join(", ")}` });
          }
          refineTemplate(args, rctx, "edit");
        }),
      output: z.object({ appId: z.string(), templateId: z.string(), status: z.literal("PENDING") }),
      view: "templatePreview",
      scope: "manage",
      // Overwrites the approved content and sends the template back to Meta's review.
      annotations: { ...mutating, destructiveHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      unwrap(await ctx.callApp(appId, { endpoint: "editTemplate", params: { templateId: args.templateId }, form: templateForm(args) }), { session: ctx.session, appId });
      return {
        structured: { appId, templateId: args.templateId, status: "PENDING" as const },
        summary: `Template ${args.templateId} updated and resubmitted for approval (PENDING).`,
      };
    },
  ),

  defineTool(
    "list_templates",
    {
      title: "List templates",
      description: "An app's templates with status, category, body and the params a send needs (or why Meta rejected one). Filter to keep it short.",
      input: z.object({
        appId: appIdInput,
        status: z.enum(["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "DELETED"]).optional().describe("Only this status."),
        category: z.enum(CATEGORIES).optional().describe("Only this category."),
        templateType: z.enum(TEMPLATE_TYPES).optional().describe("Only this type."),
        search: z.string().min(1).max(180).optional().describe("Name contains this (spaces match _)."),
        limit: z.number().int().min(1).max(500).optional().describe("At most this many (default 100)."),
        sortBy: z.enum(["sends"]).optional().describe("sends: most sent in the last 30 days first (sends through this server)."),
        refresh: z
          .boolean()
          .optional()
          .describe(`Skip the ${TEMPLATE_CACHE_SECONDS} s cache (uses the ${limitInWords("templates")} templates limit).`),
      }),
      output: z.object({
        appId: z.string(),
        templates: z.array(templateShape),
        total: z.number().describe("Templates matching the filters (before limit)."),
        cached: z.boolean(),
        cacheAgeSeconds: z.number().nullable(),
        sends: z.record(z.string(), z.number()).optional().describe("sortBy sends: messages sent per template name (all languages) in the last 30 days."),
      }),
      view: "templatePreview",
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const result = await ctx.callApp(appId, { endpoint: "listTemplates", fresh: args.refresh === true });
      const all = parseAnswer(templatesResponse, unwrap(result, { session: ctx.session, appId }), "list_templates").templates.map(toTemplate);
      const search = args.search
        ?.trim()
        .toLowerCase()
        .replace(/[\s-]+/g, "_");
      const matching = all.filter(
        (t) =>
          (!args.status || t.status === args.status) &&
          (!args.category || t.category === args.category) &&
          (!args.templateType || t.templateType === args.templateType) &&
          (!search || t.elementName.toLowerCase().includes(search)),
      );
      const sends = args.sortBy === "sends" ? await sendsByTemplate(ctx, appId, all) : undefined;
      if (sends) matching.sort((a, b) => (sends[b.elementName] ?? 0) - (sends[a.elementName] ?? 0));
      const templates = matching.slice(0, args.limit ?? 100);
      const cachedAt = result.ok ? result.cachedAt : undefined;
      const lines = templates.map(
        (t) =>
          `- ${t.elementName} [${t.status}] ${t.category}/${t.templateType} ${t.languageCode} — id ${t.id}${sends ? ` — ${sends[t.elementName] ?? 0} sent in 30 days` : ""} — params: ${t.params.length ? t.params.join(", ") : "none"}` +
          `${t.body ? ` — "${clip(t.body, 160)}"` : ""}${t.reason ? ` — rejected: ${t.reason}. ${rejectionAdvice(t.reason)}` : ""}`,
      );
      const shown = templates.length < matching.length ? ` (showing ${templates.length})` : "";
      const filtered = Boolean(args.status || args.category || args.templateType);
      const none =
        all.length === 0
          ? "This app has no templates yet: create_template makes one."
          : `No template matches. The app has ${all.length} template(s)` +
            `${search ? "; names are lowercase with underscores (e.g. order_update), so try one word of the name" : ""}` +
            `${filtered ? (search ? ", or drop a filter" : "; drop a filter to see them") : ""}.`;
      return {
        structured: {
          appId,
          templates,
          total: matching.length,
          cached: cachedAt !== undefined,
          cacheAgeSeconds: cachedAt === undefined ? null : Math.round((Date.now() - cachedAt) / 1000),
          ...(sends ? { sends } : {}),
        },
        summary:
          matching.length === 0
            ? none
            : `${matching.length} template(s)${shown}${sends ? ", most sent first (sends through this server in the last 30 days; get_template_analytics has Meta's counts)" : ""}:\n${lines.join("\n")}`,
      };
    },
  ),

  defineTool(
    "delete_template",
    {
      title: "Delete template",
      description: "Permanently delete a template (every language, or one templateId). Irreversible: confirm with the user first.",
      input: z.object({
        appId: appIdInput,
        elementName: elementNameInput.describe("Name of the template to delete."),
        templateId: templateIdInput.optional().describe("Only this id (one language), not every language."),
        confirm: z.literal(true).optional().describe("true: the person agreed."),
      }),
      output: z.object({ appId: z.string(), elementName: z.string(), templateId: z.string().nullable(), deleted: z.literal(true) }),
      scope: "manage",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = await ctx.appId(args.appId);
      const which = `template ${args.elementName}${args.templateId ? ` (${args.templateId})` : " in every language"}`;
      personApproves(extra, `Delete ${which} from app ${appId}? This cannot be undone.`, `Not deleted: the person did not approve deleting ${which}.`);
      const params: Record<string, string> = { elementName: args.elementName };
      if (args.templateId) params.templateId = args.templateId;
      const endpoint = args.templateId ? "deleteTemplateById" : "deleteTemplate";
      unwrap(await ctx.callApp(appId, { endpoint, params }), { session: ctx.session, appId, templateName: args.elementName });
      return {
        structured: { appId, elementName: args.elementName, templateId: args.templateId ?? null, deleted: true as const },
        // The spec's call has no confirm, so one without it still deletes; the result says what confirm is for.
        summary: `Deleted template ${args.elementName}${args.templateId ? ` (${args.templateId})` : " (all languages)"}.${args.confirm ? "" : " (No confirm: true was given: pass it once the person has agreed, as for start_campaign.)"}`,
      };
    },
  ),
];

/**
 * Messages sent per template name (all its languages) in the last 30 days, from the inbox: a send
 * records its template's name, or its id when the name was not looked up.
 */
async function sendsByTemplate(ctx: ToolContext, appId: string, templates: readonly TemplateShape[]): Promise<Record<string, number>> {
  const until = Date.now();
  const counted = (await ctx.readInbox(appId, { kind: "templateSends", since: until - 30 * 86_400_000, until })).data;
  const nameOf = new Map(templates.flatMap((t) => [[t.id, t.elementName] as const, [t.elementName, t.elementName] as const]));
  const sends: Record<string, number> = {};
  for (const { text, sent } of counted) {
    const name = nameOf.get(text);
    if (name) sends[name] = (sends[name] ?? 0) + sent;
  }
  return sends;
}

/** `text` cut to `max` characters, marked when cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
