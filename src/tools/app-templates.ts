import { parseAnswer, templatesResponse } from "../api/responses";
import type { ToolContext } from "./context";
import { ToolError, unwrap } from "./errors";
import { type TemplateShape, toTemplate } from "./template-shape";

/** The app's templates in our shape, from the 60 s cache unless `fresh` (then asked of Gupshup). */
export async function appTemplates(ctx: ToolContext, appId: string, fresh = false): Promise<TemplateShape[]> {
  const result = await ctx.callApp(appId, { endpoint: "listTemplates", ...(fresh ? { fresh: true } : {}) });
  return parseAnswer(templatesResponse, unwrap(result, { session: ctx.session, appId }), "list_templates").templates.map(toTemplate);
}

/** The app's templates as the cache holds them (no upstream call), or undefined when none are cached. */
export async function cachedTemplates(ctx: ToolContext, appId: string): Promise<TemplateShape[] | undefined> {
  const cached = await ctx.callApp(appId, { endpoint: "listTemplates", cacheOnly: true });
  if (!cached.ok || cached.data === null) return undefined;
  const parsed = templatesResponse.safeParse(cached.data);
  return parsed.success ? parsed.data.templates.map(toTemplate) : undefined;
}

/** One of the app's templates by id, or an error that says to check the id. */
export async function templateById(ctx: ToolContext, appId: string, templateId: string, fresh = false): Promise<TemplateShape> {
  const template = (await appTemplates(ctx, appId, fresh)).find((t) => t.id === templateId);
  if (!template) throw new ToolError(`Template ${templateId} is not one of app '${appId}'s templates: check the id with list_templates.`);
  return template;
}
