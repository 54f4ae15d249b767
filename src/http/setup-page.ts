import { html, raw } from "hono/html";
import { toolCatalog } from "../catalog";
import type { Settings } from "../config";
import { SERVER_NAME, SERVER_VERSION } from "../server";
import { SCOPE_DESCRIPTIONS, SCOPES } from "../tools/scopes";
import { offersOAuth } from "./oauth";

/** How bearer clients (Claude Code, Cursor, scripts) of this deployment authenticate, in words and as the header to send. */
export function authAdvice(settings: Settings): { mode: string; header: string | null; note: string } {
  if (settings.operatorCredential) {
    return { mode: "operator", header: "Authorization: Bearer <MCP_AUTH_TOKEN>", note: "This server holds the Gupshup credentials; clients send the server's MCP_AUTH_TOKEN." };
  }
  if (settings.upstream === "sandbox" && !settings.mcpAuthToken) {
    return { mode: "sandbox", header: null, note: "Built-in Gupshup sandbox: simulated apps, no real messages. No token is needed on this machine (127.0.0.1 only)." };
  }
  if (settings.upstream === "sandbox") {
    return { mode: "sandbox", header: "Authorization: Bearer <MCP_AUTH_TOKEN>", note: "Built-in Gupshup sandbox: simulated apps, no real messages. Clients send this server's MCP_AUTH_TOKEN." };
  }
  if (settings.mcpAuthToken) {
    return {
      mode: "pass-through",
      header: "Authorization: Bearer <MCP_AUTH_TOKEN>",
      note: "Command-line clients send this server's MCP_AUTH_TOKEN, and their own Gupshup partner token in X-Gupshup-Partner-Token.",
    };
  }
  return {
    mode: "pass-through",
    header: "Authorization: Bearer <your Gupshup partner token>",
    note: "Command-line clients send their own Gupshup partner token; add X-Gupshup-App-Id: <appId> to pick a default app.",
  };
}

/** What the OAuth sign-in page (/authorize) of this deployment asks for. */
export function signInAdvice(settings: Settings): { mode: "operator" | "partner" | "sandbox"; asks: string } {
  const secretFirst = settings.mcpAuthToken ? "this server's access secret (MCP_AUTH_TOKEN, from whoever deployed it), then " : "";
  if (settings.operatorCredential) {
    return { mode: "operator", asks: "This server's access secret (MCP_AUTH_TOKEN), from whoever deployed it. The server uses its own Gupshup credentials." };
  }
  if (settings.upstream === "sandbox") {
    return { mode: "sandbox", asks: `${capitalise(secretFirst)}one click on "Simulator demo partner": the built-in Gupshup simulator, with sample apps and no real WhatsApp messages.` };
  }
  return {
    mode: "partner",
    asks: `${capitalise(secretFirst)}your Gupshup partner email and client secret (checked with Gupshup's login), or a partner token you paste. The server keeps that credential encrypted inside the connection; the assistant's OAuth token never goes to Gupshup.`,
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

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

/** The setup page's own additions (the sign-in pages share STYLE, not these). */
const SETUP_STYLE = `
.steps{margin:6px 0 0;padding-left:1.4em}.steps li{margin:3px 0}.path{font-weight:600}
.scopes{margin:8px 0 0;padding:0;list-style:none}.scopes li{margin:6px 0;display:grid;grid-template-columns:4.8em 1fr;gap:8px;align-items:baseline}.scope{display:inline-block;min-width:4.6em;border-radius:6px;padding:0 6px;margin-right:6px;font:600 .8rem ui-monospace,monospace;background:#eaeef2;color:#1f2328;text-align:center}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 12px}
.tools td{overflow-wrap:anywhere}.tools td .scope{margin:0 0 0 4px}
@media (max-width:600px){.grid{grid-template-columns:1fr}.tools thead{display:none}.tools tr{display:block;border-top:1px solid #d0d7de;padding:8px 0}
.tools tbody tr:first-child{border-top:0}.tools td{display:block;border:0;padding:2px 0}.tools td:first-child{word-break:normal;font-weight:600}}`;

/** GET / — setup page for people: this deployment's MCP URL, how to connect (OAuth connectors, bearer clients; placeholders only), tools. */
export function renderSetupPage(requestOrigin: string, settings: Settings) {
  const origin = settings.publicOrigin ?? requestOrigin;
  const mcpUrl = `${origin}/mcp`;
  const auth = authAdvice(settings);
  const signIn = signInAdvice(settings);
  const oauth = offersOAuth(origin);
  const headerValue = auth.header?.replace(/^Authorization: /, "") ?? null;
  const claudeCode = `claude mcp add --transport http gupshup ${mcpUrl}${auth.header ? ` \\\n  --header "${auth.header}"` : ""}`;
  const cursor = JSON.stringify({ mcpServers: { gupshup: { url: mcpUrl, ...(headerValue ? { headers: { Authorization: headerValue } } : {}) } } }, null, 2);
  const desktop = JSON.stringify(
    {
      mcpServers: {
        gupshup: {
          command: "npx",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote expands ${AUTH_HEADER} from env itself.
          args: ["-y", "mcp-remote", mcpUrl, ...(headerValue ? ["--header", "Authorization: ${AUTH_HEADER}"] : [])],
          ...(headerValue ? { env: { AUTH_HEADER: headerValue } } : {}),
        },
      },
    },
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
<style>${raw(STYLE)}${raw(SETUP_STYLE)}</style>
</head>
<body>
<main>
<h1>${SERVER_NAME} <span class="badge" id="deployment-mode">${signIn.mode === "partner" ? "hosted" : signIn.mode}</span></h1>
<p class="lead">An MCP server for Gupshup WhatsApp Business: templates from draft to Meta approval, template and free-form sending, delivery status and failures, app health and balance — for Claude, ChatGPT, Cursor and any MCP client. Version ${SERVER_VERSION}.</p>
${settings.problem ? html`<div class="card warn" role="alert" id="server-problem"><strong>This server is not set up correctly.</strong> ${settings.problem}</div>` : ""}

<h2>Your MCP URL</h2>
<div class="url" id="mcp-url">${mcpUrl}</div>

<h2 id="connectors">Connect claude.ai or ChatGPT</h2>
${
  oauth
    ? html`<div class="grid">
<div class="card"><strong>claude.ai</strong><ol class="steps">
<li><span class="path">Settings → Connectors → Add custom connector</span></li>
<li>Paste the MCP URL <code>${mcpUrl}</code> and add it</li>
<li>Press <span class="path">Connect</span>, then sign in on this server's page</li>
</ol></div>
<div class="card"><strong>ChatGPT</strong><ol class="steps">
<li><span class="path">Settings → Apps &amp; Connectors → Advanced</span>: turn <span class="path">Developer mode</span> on</li>
<li><span class="path">Create</span> a custom connector: paste the MCP URL <code>${mcpUrl}</code>, authentication <span class="path">OAuth</span></li>
<li>Sign in on this server's page when ChatGPT opens it</li>
</ol></div>
</div>
<div class="card" id="sign-in-advice"><strong>On the sign-in page you will be asked for:</strong> ${signIn.asks}
<p>You choose what the assistant may do — untick any of these — and may limit it to some apps (names or ids):</p>
<ul class="scopes">
${SCOPES.map((scope) => html`<li><span class="scope">${scope}</span>${SCOPE_DESCRIPTIONS[scope]}</li>`)}
</ul>
<p>Tools outside the permissions you gave are not shown to the assistant. See and end your connections at <a href="/connections">/connections</a>.</p></div>`
    : html`<div class="card warn" id="no-oauth">Sign-in for connectors needs https: open this server on its https address (or set <code>PUBLIC_URL</code>). Over plain http only the bearer clients below work.</div>`
}

<h2>Claude Code, Cursor, scripts (bearer token)</h2>
<p>${auth.note}${auth.header ? html` Header: <code>${auth.header}</code>` : ""}</p>
<div class="card warn"><strong>Keep tokens private.</strong> The examples below use placeholders only. Replace them locally in your MCP client. Never paste real tokens into public docs, screenshots, support tickets or shared messages.</div>
<div class="card"><strong>Claude Code</strong><pre>${claudeCode}</pre></div>
<div class="card"><strong>Cursor</strong> — <code>~/.cursor/mcp.json</code><pre>${cursor}</pre></div>
<div class="card"><strong>Claude Desktop</strong> — <code>claude_desktop_config.json</code> (through <code>mcp-remote</code>)<pre>${desktop}</pre></div>
<div class="card"><strong>MCP Inspector</strong><pre>npx @modelcontextprotocol/inspector</pre>Transport <em>Streamable HTTP</em>, URL <code>${mcpUrl}</code>${auth.header ? html`, header <code>${auth.header}</code>` : ""}.${
    oauth
      ? html` To try the sign-in flow${auth.header ? " instead, leave the header out and" : ", choose"} <span class="path">Open Auth Settings → Quick OAuth Flow</span> (or the Guided one, step by step).`
      : ""
  }</div>
<p id="pass-through">Pass-through (a Gupshup partner token as the bearer) is for command-line clients only: the MCP authorization spec forbids passing a client's token through to an upstream API, so assistants in the browser sign in with OAuth instead.</p>

<h2>Delivery tracking</h2>
<p>Ask your assistant to run <code>configure_webhook</code> once per app. Gupshup then posts delivery events and inbound messages to <code>${origin}/webhooks/gupshup/&lt;appId&gt;</code> with a per-app secret, and <code>get_message_status</code>, <code>get_failed_numbers</code> and <code>list_inbound_messages</code> answer from that inbox.</p>

<h2>Tools (${tools.length})</h2>
<div class="card"><table class="tools"><thead><tr><th>Tool</th><th>What it does</th></tr></thead><tbody>
${tools.map((t) => html`<tr><td>${t.name}</td><td>${t.description} <span class="scope" title="permission">${t.scope}</span></td></tr>`)}
</tbody></table></div>

<p>Machine-readable metadata for AI clients: <a href="/docs/mcp">/docs/mcp</a> (public, read-only JSON).</p>
</main>
</body>
</html>`;
}
