import { z } from "zod";
import { parseAnswer } from "../api/responses";
import { WEBHOOK_SECRET_HEADER } from "../http/webhook";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError, unwrap } from "./errors";
import { appIdInput } from "./schemas";

/** The subscription this server owns on each app (Gupshup tags are unique per app). */
export const SUBSCRIPTION_TAG = "gupshup-mcp-inbox";
const MODES = {
  gupshup: "ENQUEUED,FAILED,SENT,DELIVERED,READ,MESSAGE,TEMPLATE",
  meta: "ENQUEUED,FAILED,SENT,DELIVERED,READ,MESSAGE",
} as const;

const subscriptionList = z.looseObject({ subscriptions: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), tag: z.string().nullish() })).optional() });
const subscriptionAnswer = z.object({ subscription: z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) }) });

export const webhookTools: ToolDefinition[] = [
  defineTool(
    "configure_webhook",
    {
      title: "Configure webhook",
      description:
        "Point the app's Gupshup callback subscription at this server's delivery inbox (with a per-app shared secret), so get_message_status, get_failed_numbers and list_inbound_messages have data. Safe to run again: it updates the same subscription.",
      input: z.object({
        appId: appIdInput,
        format: z.enum(["gupshup", "meta"]).optional().describe("Callback format: gupshup (version 2, includes template status events; default) or meta (version 3)."),
        webhookBaseUrl: z
          .url({ protocol: /^https?$/, error: "webhookBaseUrl must be an http(s) URL" })
          .max(500)
          .optional()
          .describe("Public base URL of this server as Gupshup should call it (default: the URL this MCP request came in on)."),
        rotateSecret: z.boolean().optional().describe("Issue a new shared secret (the old one stops working at once)."),
      }),
      output: z.object({
        appId: z.string(),
        url: z.string(),
        format: z.enum(["gupshup", "meta"]),
        subscriptionId: z.string(),
        action: z.enum(["created", "updated"]),
        modes: z.array(z.string()),
        secretHeader: z.string().describe("Header Gupshup sends with the shared secret (the secret itself is never shown)."),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = ctx.appId(args.appId);
      const format = args.format ?? "gupshup";
      const base = new URL(args.webhookBaseUrl ?? ctx.requestUrl);
      if (base.protocol !== "https:" && ctx.session.caller.upstream !== "sandbox") {
        throw new ToolError(`Gupshup can only call an https webhook, and this server was reached at ${base.origin}. Pass webhookBaseUrl with the public https URL of this server (your workers.dev URL, or a tunnel to it).`);
      }
      const url = `${base.origin}/webhooks/gupshup/${encodeURIComponent(appId)}`;
      const secret = await ctx.webhookSecret(appId, args.rotateSecret === true);
      const form = {
        modes: MODES[format],
        tag: SUBSCRIPTION_TAG,
        url,
        version: format === "meta" ? "3" : "2",
        showOnUI: "false",
        meta: JSON.stringify({ headers: { [WEBHOOK_SECRET_HEADER]: secret } }),
      };
      const existing = parseAnswer(subscriptionList, unwrap(await ctx.callApp(appId, { endpoint: "listSubscriptions" }), { session: ctx.session, appId }), "configure_webhook")
        .subscriptions?.find((s) => s.tag === SUBSCRIPTION_TAG);
      const result = existing
        ? await ctx.callApp(appId, { endpoint: "updateSubscription", params: { subscriptionId: existing.id }, form })
        : await ctx.callApp(appId, { endpoint: "createSubscription", form });
      const subscriptionId = parseAnswer(subscriptionAnswer, unwrap(result, { session: ctx.session, appId }), "configure_webhook").subscription.id;
      const action = existing ? ("updated" as const) : ("created" as const);
      return {
        structured: { appId, url, format, subscriptionId, action, modes: form.modes.split(","), secretHeader: WEBHOOK_SECRET_HEADER },
        summary: `Webhook ${action}: Gupshup now posts ${format === "meta" ? "Meta-format (v3)" : "Gupshup-format (v2)"} events for ${appId} to ${url}, authenticated with a per-app secret in ${WEBHOOK_SECRET_HEADER}.`,
      };
    },
  ),
];
