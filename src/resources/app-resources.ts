import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import { appTemplates } from "../tools/app-templates";
import { listAccountApps } from "../tools/apps";
import type { ToolContext } from "../tools/context";
import { ToolError } from "../tools/errors";
import { normalizePhone } from "../tools/schemas";
import type { TemplateShape } from "../tools/template-shape";

/**
 * Resources a client can attach as context: an app's templates (all, or one name), and its recent
 * conversation with one number from the delivery inbox. The same access rules as the tools: the
 * connection's apps and the `read` scope, and the app's gateway proves the caller's access before
 * anything is read.
 */
const TEMPLATES = "gupshup://apps/{appId}/templates";
const TEMPLATE = "gupshup://apps/{appId}/templates/{name}";
const CONVERSATION = "gupshup://apps/{appId}/conversations/{phone}";
/** Messages a conversation resource holds (the newest). */
const CONVERSATION_LENGTH = 50;
const JSON_TYPE = "application/json";

export function registerAppResources(server: McpServer, ctx: ToolContext): void {
  // Lists and completions answer what they can: a part that fails (no read scope, an app whose
  // access cannot be proven) is left out, so it cannot take the views and the rest down with it.
  let known: Promise<{ appId: string; name: string | null }[]> | undefined;
  const apps = () => {
    known ??= mayRead(ctx) ? knownApps(ctx).catch(() => []) : Promise.resolve([]);
    return known;
  };
  const appOf = (context?: { arguments?: Record<string, string> }) => context?.arguments?.appId || ctx.session.defaultAppId;
  const completeApp = async (value: string) => (await apps()).map((a) => a.appId).filter((id) => id.startsWith(value));
  const completeName = async (value: string, context?: { arguments?: Record<string, string> }) => {
    const appId = appOf(context);
    if (!appId || !mayRead(ctx)) return [];
    const templates = await templatesOf(ctx, appId).catch(() => []);
    return [...new Set(templates.map((t) => t.elementName))].filter((name) => name.startsWith(value)).slice(0, 100);
  };

  server.registerResource(
    "app-templates",
    new ResourceTemplate(TEMPLATES, {
      list: async () => ({ resources: (await apps()).map((a) => ({ uri: fill(TEMPLATES, { appId: a.appId }), name: `${a.name ?? a.appId}: templates`, mimeType: JSON_TYPE })) }),
      complete: { appId: completeApp },
    }),
    { title: "An app's templates", description: "Every template of the app with status, category, parts and params (as list_templates).", mimeType: JSON_TYPE },
    async (uri, variables) => json(uri.href, await templatesOf(ctx, one(variables.appId))),
  );

  server.registerResource(
    "app-template",
    new ResourceTemplate(TEMPLATE, { list: undefined, complete: { appId: completeApp, name: completeName } }),
    { title: "One template", description: "A template by name (each language it has).", mimeType: JSON_TYPE },
    async (uri, variables) => {
      const name = one(variables.name);
      const found = (await templatesOf(ctx, one(variables.appId))).filter((t) => t.elementName === name);
      if (found.length === 0) throw new ToolError(`App ${one(variables.appId)} has no template named ${name}: list_templates shows its templates.`);
      return json(uri.href, found);
    },
  );

  server.registerResource(
    "app-conversation",
    new ResourceTemplate(CONVERSATION, {
      list: async () => {
        const listed = await Promise.all((await apps()).slice(0, 5).map(async (a) => ({ a, numbers: await recentNumbers(ctx, a.appId).catch(() => []) })));
        return {
          resources: listed.flatMap(({ a, numbers }) => numbers.map((phone) => ({ uri: fill(CONVERSATION, { appId: a.appId, phone }), name: `${a.name ?? a.appId}: +${phone}`, mimeType: JSON_TYPE }))),
        };
      },
      complete: {
        appId: completeApp,
        phone: async (value, context) => (await recentNumbers(ctx, context?.arguments?.appId ?? ctx.session.defaultAppId)).filter((n) => n.startsWith(value.replace(/\D/g, ""))),
      },
    }),
    { title: "A conversation", description: `The newest ${CONVERSATION_LENGTH} messages between the app and one number, from the delivery inbox.`, mimeType: JSON_TYPE },
    async (uri, variables) => {
      requireRead(ctx);
      const appId = await ctx.appId(one(variables.appId));
      const phone = normalizePhone(decoded(one(variables.phone)));
      if (!phone) throw new ToolError(`${one(variables.phone)} is not a phone number: use the number with its country code, digits only (e.g. 919876543210).`);
      const reply = await ctx.readInbox(appId, { kind: "conversation", number: phone, limit: CONVERSATION_LENGTH });
      const messages = reply.data.messages.map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
      return json(uri.href, { appId, phone, tracked: reply.webhookConfiguredAt !== null, messages });
    },
  );
}

/** The apps a connection works with: the ones its grant allows, the default app, or the partner's list. */
async function knownApps(ctx: ToolContext): Promise<{ appId: string; name: string | null }[]> {
  requireRead(ctx);
  if (ctx.session.apps) return ctx.session.apps.map((a) => ({ appId: a.id, name: a.name ?? null }));
  if (ctx.session.defaultAppId) return [{ appId: ctx.session.defaultAppId, name: null }];
  return (await listAccountApps(ctx)).map((a) => ({ appId: a.appId, name: a.name }));
}

async function templatesOf(ctx: ToolContext, appIdArg: string): Promise<TemplateShape[]> {
  requireRead(ctx);
  return appTemplates(ctx, await ctx.appId(appIdArg));
}

async function recentNumbers(ctx: ToolContext, appId: string | undefined): Promise<string[]> {
  if (!appId || !mayRead(ctx)) return [];
  return (await ctx.readInbox(await ctx.appId(appId), { kind: "recentNumbers", limit: 20 })).data;
}

/** Resources (and their completions) are read access: a connection approved without `read` gets none. */
export const mayRead = (ctx: ToolContext) => !ctx.session.scopes || ctx.session.scopes.includes("read");

function requireRead(ctx: ToolContext): void {
  if (!mayRead(ctx)) throw new ToolError("This connection was approved without the read scope: reconnect and allow it to read apps, templates and conversations.");
}

/** A URI part decoded, or as it is when it is not valid percent-encoding. */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? (value[0] ?? "") : (value ?? ""));
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
const json = (uri: string, data: unknown) => ({ contents: [{ uri, mimeType: JSON_TYPE, text: JSON.stringify(data, null, 2) }] });
