/**
 * Icons for the server and its tool groups: small SVGs in the bundle, served at /icons/<name>.svg
 * and named in serverInfo and tools/list by URL (an inline data URL per tool would make every
 * conversation's tool list much longer).
 */
const stroke = (paths: string, color = "#1a7f37") =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="${color}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

const ICONS = {
  server: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48"><rect width="48" height="48" rx="10" fill="#1a7f37"/><path d="M12 14h24a3 3 0 0 1 3 3v12a3 3 0 0 1-3 3H22l-7 6v-6h-3a3 3 0 0 1-3-3V17a3 3 0 0 1 3-3z" fill="#fff"/><path d="M17 22h14M17 27h9" stroke="#1a7f37" stroke-width="2.5" stroke-linecap="round"/></svg>`,
  templates: stroke('<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z"/><path d="M14 3v6h6M8 13h8M8 17h5"/>'),
  messages: stroke('<path d="M22 2 11 13"/><path d="M22 2 15 22l-4-9-9-4z"/>'),
  campaigns: stroke('<path d="M3 11v2a1 1 0 0 0 1 1h3l5 4V6L7 10H4a1 1 0 0 0-1 1z"/><path d="M16 8a5 5 0 0 1 0 8M19 5a9 9 0 0 1 0 14"/>'),
  inbox: stroke('<path d="M22 12h-6l-2 3h-4l-2-3H2"/><path d="M5.5 5h13L22 12v6a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2v-6z"/>'),
  analytics: stroke('<path d="M3 3v18h18"/><path d="M8 17v-5M13 17V8M18 17v-8"/>'),
  numbers: stroke('<rect x="6" y="2" width="12" height="20" rx="2"/><path d="M11 18h2"/>'),
} as const;
type IconName = keyof typeof ICONS;

/** The group a tool's icon shows, by its name. */
export function toolGroup(tool: string): IconName {
  if (tool.includes("campaign")) return "campaigns";
  if (tool.startsWith("send_")) return "messages";
  if (tool.includes("analytics") || tool === "compare_templates" || tool === "get_usage_summary") return "analytics";
  if (tool.includes("template") || tool === "upload_media") return "templates";
  if (["get_failed_numbers", "get_message_status", "list_inbound_messages", "manage_opt_outs", "configure_webhook", "mark_read"].includes(tool) || tool.includes("conversation")) return "inbox";
  return "numbers";
}

/** An icon as MCP lists it (server info, tools), served from `origin` (an SVG: any size). */
export const iconAt = (origin: string, name: IconName) => [{ src: `${origin}/icons/${name}.svg`, mimeType: "image/svg+xml" }];

/** The SVG for a request to /icons/<name>.svg, or undefined. */
export function iconResponse(file: string): Response | undefined {
  const name = file.replace(/\.svg$/, "");
  if (!Object.hasOwn(ICONS, name) || !file.endsWith(".svg")) return undefined;
  return new Response(ICONS[name as IconName], { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" } });
}
