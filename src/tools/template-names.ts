import { templatesResponse } from "../api/responses";
import type { ToolContext } from "./context";

/** Template names by id, from the app's (usually cached) template list; none when it cannot be had. */
export async function templateNames(ctx: ToolContext, appId: string): Promise<TemplateNames> {
  const result = await ctx.callApp(appId, { endpoint: "listTemplates" });
  const parsed = result.ok ? templatesResponse.safeParse(result.data) : undefined;
  const templates = parsed?.success ? parsed.data.templates : [];
  const byId = new Map(templates.map((t) => [t.id, t]));
  const languages = new Map<string, number>();
  for (const t of templates) languages.set(t.elementName, (languages.get(t.elementName) ?? 0) + 1);
  return {
    name: (id) => byId.get(id)?.elementName ?? null,
    category: (id) => byId.get(id)?.category ?? null,
    // A name is shown with its language where the app has it in several.
    label: (id) => {
      const template = byId.get(id);
      if (!template) return id;
      return languages.get(template.elementName)! > 1 ? `${template.elementName} (${template.languageCode})` : template.elementName;
    },
  };
}

export interface TemplateNames {
  name(id: string): string | null;
  category(id: string): string | null;
  /** How people know the template: its name (with the language when the name is ambiguous), or the id. */
  label(id: string): string;
}
