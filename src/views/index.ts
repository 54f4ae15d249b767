import type { McpServer } from "@modelcontextprotocol/server";
import { APP_HEALTH_HTML } from "./app-health";
import { CAMPAIGN_HTML } from "./campaign";
import { CONVERSATION_HTML } from "./conversation";
import { TEMPLATE_PREVIEW_HTML } from "./template-preview";

/** MCP Apps (io.modelcontextprotocol/ui): a view is an HTML resource a host renders with a tool's result. */
const VIEW_MIME_TYPE = "text/html;profile=mcp-app";

const VIEWS = {
  templatePreview: {
    uri: "ui://gupshup-mcp/template-preview.html",
    title: "Template preview",
    description: "A template as a WhatsApp message, variables filled with the example values.",
    html: TEMPLATE_PREVIEW_HTML,
  },
  campaign: { uri: "ui://gupshup-mcp/campaign.html", title: "Campaign", description: "A campaign's preview before it starts, then its progress with pause, resume and cancel.", html: CAMPAIGN_HTML },
  appHealth: { uri: "ui://gupshup-mcp/app-health.html", title: "WhatsApp numbers", description: "A card per app: connected, quality rating, messaging tier, wallet balance.", html: APP_HEALTH_HTML },
  conversation: {
    uri: "ui://gupshup-mcp/conversation.html",
    title: "Conversation",
    description: "A customer's thread as WhatsApp shows it, the window's time left, and one-tap suggested replies.",
    html: CONVERSATION_HTML,
  },
} as const;
export type ViewName = keyof typeof VIEWS;

/** Self-contained views need nothing from outside, so the spec's default (no network) policy fits; a border suits cards. */
const RESOURCE_UI = { prefersBorder: true };

/** What a tool lists to say a view shows its result: the current key and the older flat one hosts still read. */
export function viewMeta(view: ViewName): Record<string, unknown> {
  const uri = VIEWS[view].uri;
  return { ui: { resourceUri: uri }, "ui/resourceUri": uri };
}

/** Registers every view as a `ui://` resource. */
export function registerViews(server: McpServer): void {
  for (const [name, view] of Object.entries(VIEWS)) {
    server.registerResource(name, view.uri, { title: view.title, description: view.description, mimeType: VIEW_MIME_TYPE, _meta: { ui: RESOURCE_UI } }, async (uri) => ({
      contents: [{ uri: uri.href, mimeType: VIEW_MIME_TYPE, text: view.html, _meta: { ui: RESOURCE_UI } }],
    }));
  }
}
