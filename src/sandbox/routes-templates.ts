import type { Hono } from "hono";
import { appOf, fail, type SandboxContext, type SandboxEnv } from "./route-helpers";
import { CAROUSEL_RULES, TEMPLATE_RULES } from "./rules";
import type { SandboxTemplate } from "./state";

const CATEGORIES = ["AUTHENTICATION", "MARKETING", "UTILITY"];
const TYPES = ["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "PRODUCT", "CATALOG", "CAROUSEL"];

/** Template list, create, edit and delete, with Gupshup's messages for what it refuses. */
export function templateRoutes(app: Hono<SandboxEnv>): void {
  app.get("/partner/app/:appId/templates", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const status = c.req.query("status");
    const templates = target.templates.filter((t) => !status || t.status === status.toUpperCase());
    return c.json({ status: "success", templates: templates.map(publicTemplate) });
  });

  app.post("/partner/app/:appId/templates", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : undefined);
    const elementName = field("elementName") ?? "";
    const languageCode = field("languageCode") ?? "en_US";
    const category = field("category") ?? "";
    const templateType = field("templateType") ?? "TEXT";
    const content = field("content") ?? "";
    if (!/^[a-z0-9_]{1,180}$/.test(elementName)) return fail(c, 400, "Invalid elementName provided");
    if (!CATEGORIES.includes(category)) {
      return fail(c, 400, "Invalid category provided, kindly use category from these option AUTHENTICATION, MARKETING, UTILITY");
    }
    if (!TYPES.includes(templateType)) return fail(c, 400, "Invalid templateType provided");
    if (content === "" || content.length > 1024) return fail(c, 400, "Invalid content provided");
    if (!field("example")) return fail(c, 400, TEMPLATE_RULES.missingExample);
    const vertical = field("vertical");
    if (!vertical) return fail(c, 400, TEMPLATE_RULES.missingVertical);
    if (vertical.length > TEMPLATE_RULES.maxVerticalLength) return fail(c, 400, TEMPLATE_RULES.verticalTooLong);
    if (TEMPLATE_RULES.lacksExampleHeader(field("header"), field("exampleHeader"))) return fail(c, 400, TEMPLATE_RULES.missingExampleHeader);
    if (target.templates.some((t) => t.elementName === elementName && t.languageCode === languageCode)) {
      return fail(c, 400, "Template Already exists with same elementName and languageCode");
    }
    const buttons = parseJson(field("buttons")) ?? [];
    const cards = templateType === "CAROUSEL" ? parseJson(field("cards")) : undefined;
    if (templateType === "CAROUSEL") {
      const problem = CAROUSEL_RULES.cardsProblem(cards);
      if (problem) return fail(c, 400, problem);
    }
    const now = Date.now();
    const template: SandboxTemplate = {
      id: crypto.randomUUID(),
      appId: target.id,
      elementName,
      languageCode,
      category,
      templateType: form.isLTO === "true" ? "LTO" : templateType,
      status: "PENDING",
      quality: "UNKNOWN",
      reason: null,
      createdOn: now,
      modifiedOn: now,
      namespace: "sandbox_namespace",
      wabaId: "100000000000001",
      vertical,
      data: content,
      containerMeta: JSON.stringify({
        appId: target.id,
        data: content,
        header: field("header"),
        footer: field("footer"),
        buttons,
        ...(cards ? { cards } : {}),
        sampleText: field("example"),
        sampleMedia: field("exampleMedia"),
        enableSample: field("enableSample") === "true",
        editTemplate: false,
        allowTemplateCategoryChange: field("allowTemplateCategoryChange") === "true",
      }),
    };
    target.templates.push(template);
    c.var.sandbox.save();
    return c.json({ status: "success", template: { ...publicTemplate(template), languagePolicy: "deterministic", state: "PENDING", stage: "NONE" } });
  });

  app.put("/partner/app/:appId/templates/:templateId", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const template = target.templates.find((t) => t.id === c.req.param("templateId"));
    if (!template) return fail(c, 400, "No Template found for given id");
    const form = await c.req.parseBody();
    if (TEMPLATE_RULES.lacksExampleHeader(form.header, form.exampleHeader)) return fail(c, 400, TEMPLATE_RULES.missingExampleHeader);
    const meta = JSON.parse(template.containerMeta) as Record<string, unknown>;
    for (const [field, key] of [
      ["content", "data"],
      ["header", "header"],
      ["footer", "footer"],
      ["example", "sampleText"],
      ["exampleMedia", "sampleMedia"],
    ] as const) {
      if (typeof form[field] === "string") meta[key] = form[field];
    }
    if (typeof form.buttons === "string") meta.buttons = parseJson(form.buttons) ?? [];
    if (typeof form.content === "string") template.data = form.content;
    if (typeof form.category === "string") template.category = form.category;
    if (typeof form.templateType === "string") template.templateType = form.templateType;
    meta.editTemplate = true;
    template.containerMeta = JSON.stringify(meta);
    template.status = "PENDING";
    template.modifiedOn = Date.now();
    c.var.sandbox.save();
    return c.json({ status: "success" });
  });

  const remove = (c: SandboxContext) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const name = c.req.param("elementName");
    const id = c.req.param("templateId");
    const named = target.templates.filter((t) => t.elementName === name);
    if (named.length === 0) return fail(c, 400, "Template Does not exists.");
    if (id && !named.some((t) => t.id === id)) return fail(c, 403, "Template ID and template name does not match");
    target.templates = target.templates.filter((t) => !(t.elementName === name && (!id || t.id === id)));
    c.var.sandbox.save();
    return c.json({ status: "success" });
  };
  app.delete("/partner/app/:appId/template/:elementName", remove);
  app.delete("/partner/app/:appId/template/:elementName/:templateId", remove);
}

function publicTemplate(t: SandboxTemplate) {
  return {
    appId: t.appId,
    category: t.category,
    containerMeta: t.containerMeta,
    createdOn: t.createdOn,
    data: t.data,
    elementName: t.elementName,
    externalId: `ext_${t.id.slice(-8)}`,
    id: t.id,
    languageCode: t.languageCode,
    languagePolicy: "deterministic",
    meta: JSON.stringify({ example: t.sampleText ?? t.data }),
    modifiedOn: t.modifiedOn,
    namespace: t.namespace,
    priority: 1,
    quality: t.quality,
    reason: t.reason,
    retry: 0,
    stage: "NONE",
    status: t.status,
    templateType: t.templateType,
    vertical: t.vertical,
    wabaId: t.wabaId,
  };
}

function parseJson(text: string | undefined): unknown[] | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
