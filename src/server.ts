import { McpServer } from "@modelcontextprotocol/server";
import { registerAnalyticsTools } from "./tools/analytics";
import type { ToolContext } from "./tools/context";
import type { ToolRegistrar } from "./tools/define";
import { registerDeviceTools } from "./tools/devices";
import { registerFreeFormTools } from "./tools/free-form";
import { registerHealthTools } from "./tools/health";
import { registerInboxTools } from "./tools/inbox";
import { registerMediaTools } from "./tools/media";
import { registerMessagingTools } from "./tools/messaging";
import { registerTemplateTools } from "./tools/templates";
import { registerUtilityTools } from "./tools/utility";
import { registerWebhookTools } from "./tools/webhook";

export const SERVER_NAME = "gupshup-mcp";
export const SERVER_VERSION = "0.2.0";

const INSTRUCTIONS = `Gupshup WhatsApp Business tools.
Workflow: run list_apps to find the appId (optional when a default app is set). Templates go create_template → PENDING → APPROVED by Meta; check with list_templates. Only an APPROVED template can be sent with send_template_message (use its id and one param per {{n}} variable).
Free-form messages (send_text_message, send_media_message, send_location_message) only reach users who wrote in the last 24 hours; otherwise send a template.
Delivery tracking: run configure_webhook once per app; then get_message_status, get_failed_numbers and list_inbound_messages answer from the inbox.
Analytics: run enable_template_analytics once per app before get_template_analytics or compare_templates return data.
Gupshup rate-limits each endpoint per app (e.g. templates 10/min, analytics 10/min, compare 10/hour). The server queues calls for up to ~20 s; a result saying "Rate limited … Retry in Ns" means wait that long before calling again — do not retry in a loop.
Errors say what to do next: follow them (e.g. "Run list_apps").`;

/** Every tool group, registered on `target` with handlers bound to `ctx`. */
export function registerAllTools(target: ToolRegistrar, ctx: ToolContext): void {
  registerTemplateTools(target, ctx);
  registerMediaTools(target, ctx);
  registerMessagingTools(target, ctx);
  registerFreeFormTools(target, ctx);
  registerInboxTools(target, ctx);
  registerWebhookTools(target, ctx);
  registerAnalyticsTools(target, ctx);
  registerHealthTools(target, ctx);
  registerDeviceTools(target, ctx);
  registerUtilityTools(target, ctx);
}

/** A fresh MCP server for one request, with every tool bound to that request's context. */
export function buildServer(ctx: ToolContext): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: SERVER_VERSION }, { instructions: INSTRUCTIONS });
  registerAllTools(server, ctx);
  return server;
}
