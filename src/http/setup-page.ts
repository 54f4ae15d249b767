import { html, raw } from "hono/html";
import { toolCatalog } from "../catalog";
import type { Settings } from "../config";
import { SERVER_NAME, SERVER_VERSION } from "../server";

/** How clients of this deployment authenticate, in words and as the header to send. */
export function authAdvice(settings: Settings): { mode: string; header: string | null; note: string } {
  if (settings.operatorCredential) {
    return { mode: "operator", header: "Authorization: Bearer <MCP_AUTH_TOKEN>", note: "This server holds the Gupshup credentials; clients send the server's MCP_AUTH_TOKEN." };
  }
  if (settings.upstream === "sandbox" && !settings.mcpAuthToken) {
    return { mode: "sandbox", header: null, note: "Built-in Gupshup sandbox: simulated apps, no real messages. No token is needed on this machine (127.0.0.1 only)." };
  }
  if (settings.mcpAuthToken) {
    return { mode: "pass-through", header: "Authorization: Bearer <MCP_AUTH_TOKEN>", note: "Send this server's MCP_AUTH_TOKEN, and your own Gupshup partner token in X-Gupshup-Partner-Token." };
  }
  return { mode: "pass-through", header: "Authorization: Bearer <your Gupshup partner token>", note: "Each client sends its own Gupshup partner token; add X-Gupshup-App-Id: <appId> to pick a default app." };
}

export const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.55 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:860px;margin:0 auto;padding:24px 16px 48px}h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.2rem;margin:32px 0 8px}
.lead{color:#57606a;margin:0 0 20px}.card{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:16px;margin:12px 0}
.url{font:600 1rem ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all;background:#eef6ee;border:1px solid #b7dfb9;border-radius:8px;padding:10px 12px}
pre{background:#161b22;color:#e6edf3;border-radius:8px;padding:12px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;margin:8px 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em;overflow-wrap:anywhere}.badge{display:inline-block;border-radius:99px;padding:2px 10px;font-size:.8rem;font-weight:600;background:#ddf4ff;color:#0969da}
.warn{background:#fff8c5;border-color:#d4a72c}table{width:100%;border-collapse:collapse;font-size:.93rem}td,th{text-align:left;vertical-align:top;padding:8px 6px;border-top:1px solid #d0d7de}
th{font-size:.8rem;text-transform:uppercase;color:#57606a;border-top:0}td:first-child{white-space:nowrap;font-family:ui-monospace,monospace;font-size:.88rem}
@media (max-width:600px){td:first-child{white-space:normal;word-break:break-all}main{padding:16px 12px}}a{color:#0969da}`;

/** GET / — setup page for people: this deployment's MCP URL, client configs (placeholders only), tools. */
export function renderSetupPage(origin: string, settings: Settings) {
  const mcpUrl = `${origin}/mcp`;
  const auth = authAdvice(settings);
  const headerValue = auth.header?.replace(/^Authorization: /, "") ?? null;
  const claudeCode = `claude mcp add --transport http gupshup ${mcpUrl}${auth.header ? ` \\\n  --header "${auth.header}"` : ""}`;
  const cursor = JSON.stringify({ mcpServers: { gupshup: { url: mcpUrl, ...(headerValue ? { headers: { Authorization: headerValue } } : {}) } } }, null, 2);
  const desktop = JSON.stringify(
    { mcpServers: { gupshup: { command: "npx", args: ["-y", "mcp-remote", mcpUrl, ...(headerValue ? ["--header", "Authorization: ${AUTH_HEADER}"] : [])], ...(headerValue ? { env: { AUTH_HEADER: headerValue } } : {}) } } },
    null,
    2,
  );
  const tools = toolCatalog();
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${SERVER_NAME} — MCP setup</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<h1>${SERVER_NAME} <span class="badge">${auth.mode}</span></h1>
<p class="lead">An MCP server for Gupshup WhatsApp Business: templates from draft to Meta approval, template and free-form sending, delivery status and failures, app health and balance — for Claude, Cursor and any MCP client. Version ${SERVER_VERSION}.</p>

<h2>Your MCP URL</h2>
<div class="url" id="mcp-url">${mcpUrl}</div>
<p>${auth.note}${auth.header ? html` Header: <code>${auth.header}</code>` : ""}</p>

<div class="card warn"><strong>Keep tokens private.</strong> The examples below use placeholders only. Replace them locally in your MCP client. Never paste real tokens into public docs, screenshots, support tickets or shared messages.</div>

<h2>Connect a client</h2>
<div class="card"><strong>Claude Code</strong><pre>${claudeCode}</pre></div>
<div class="card"><strong>Cursor</strong> — <code>~/.cursor/mcp.json</code><pre>${cursor}</pre></div>
<div class="card"><strong>Claude Desktop</strong> — <code>claude_desktop_config.json</code> (through <code>mcp-remote</code>)<pre>${desktop}</pre></div>
<div class="card"><strong>MCP Inspector</strong><pre>npx @modelcontextprotocol/inspector</pre>Transport <em>Streamable HTTP</em>, URL <code>${mcpUrl}</code>${auth.header ? html`, header <code>${auth.header}</code>` : ""}.</div>

<h2>Delivery tracking</h2>
<p>Ask your assistant to run <code>configure_webhook</code> once per app. Gupshup then posts delivery events and inbound messages to <code>${origin}/webhooks/gupshup/&lt;appId&gt;</code> with a per-app secret, and <code>get_message_status</code>, <code>get_failed_numbers</code> and <code>list_inbound_messages</code> answer from that inbox.</p>

<h2>Tools (${tools.length})</h2>
<div class="card"><table><thead><tr><th>Tool</th><th>What it does</th></tr></thead><tbody>
${tools.map((t) => html`<tr><td>${t.name}</td><td>${t.description}</td></tr>`)}
</tbody></table></div>

<p>Machine-readable metadata for AI clients: <a href="/docs/mcp">/docs/mcp</a> (public, read-only JSON).</p>
</main>
</body>
</html>`;
}
