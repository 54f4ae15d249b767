/**
 * What every view shares: the page shell, light and dark colours, the MCP Apps bridge to the
 * host (JSON-RPC over postMessage: ui/initialize, tool results, tools/call, size changes), and a
 * WhatsApp-style message bubble. Views are self-contained HTML: no external loads, and data only
 * from tool results, always written with textContent — never into the HTML source.
 */

/** Colours as CSS variables: light by default, dark from the host's theme or the system's. */
const BASE_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa;
  --chat: #efeae2; --bubble: #ffffff; --accent: #1a7f37; --warn: #9a6700; --bad: #cf222e; --mark: #fff3b0; --link: #0969da;
  font-family: var(--font-sans, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif); }
:root[data-theme="dark"] { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --card: #151b23;
  --chat: #0b141a; --bubble: #202c33; --accent: #3fb950; --warn: #d29922; --bad: #f85149; --mark: #5c4a00; --link: #4493f8; }
@media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d;
  --card: #151b23; --chat: #0b141a; --bubble: #202c33; --accent: #3fb950; --warn: #d29922; --bad: #f85149; --mark: #5c4a00; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 12px; background: var(--bg); color: var(--fg); font-size: 14px; line-height: 1.4; }
h1 { font-size: 16px; margin: 0 0 8px; }
.muted { color: var(--muted); }
.empty { color: var(--muted); padding: 8px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.ok { color: var(--accent); } .warn { color: var(--warn); } .bad { color: var(--bad); }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
button:disabled { opacity: 0.5; cursor: default; }
`;

/** The message bubble: WhatsApp's formatting, variables marked with what fills them. */
const BUBBLE_CSS = `
.chat { background: var(--chat); border-radius: 10px; padding: 10px; margin: 8px 0; }
.bubble { background: var(--bubble); border-radius: 8px; max-width: 360px; padding: 6px 8px 4px; box-shadow: 0 1px 1px rgba(0,0,0,.15);
  white-space: pre-wrap; overflow-wrap: anywhere; }
.bubble .media { display: flex; align-items: center; justify-content: center; height: 120px; border-radius: 6px; margin-bottom: 6px;
  background: var(--card); color: var(--muted); font-size: 13px; }
.bubble .head { font-weight: 700; margin-bottom: 4px; }
.bubble .foot { color: var(--muted); font-size: 12px; margin-top: 4px; }
.bubble code { font-family: ui-monospace, Menlo, monospace; }
.chat mark { background: var(--mark); color: inherit; border-radius: 3px; padding: 0 2px; }
.buttons { max-width: 360px; }
.buttons div { background: var(--bubble); color: var(--link); text-align: center; padding: 8px; margin-top: 2px; border-radius: 8px; font-weight: 500; }
.buttons small { display: block; color: var(--muted); font-weight: 400; overflow-wrap: anywhere; }
`;

const BRIDGE_JS = `
const bridge = (() => {
  let nextId = 1;
  const pending = new Map();
  const handlers = {};
  const send = (m) => window.parent.postMessage(Object.assign({ jsonrpc: "2.0" }, m), "*");
  const request = (method, params) => new Promise((resolve, reject) => { const id = nextId++; pending.set(id, { resolve, reject }); send({ id, method, params }); });
  function applyContext(ctx) {
    const root = document.documentElement;
    if (ctx.theme === "light" || ctx.theme === "dark") { root.dataset.theme = ctx.theme; root.style.colorScheme = ctx.theme; }
    const vars = ctx.styles && ctx.styles.variables;
    if (vars) for (const name of Object.keys(vars)) if (/^--[a-z0-9-]+$/.test(name) && typeof vars[name] === "string") root.style.setProperty(name, vars[name]);
  }
  window.addEventListener("message", (e) => {
    if (e.source !== window.parent) return;
    const m = e.data;
    if (!m || m.jsonrpc !== "2.0") return;
    if (m.id !== undefined && m.method === undefined) {
      const p = pending.get(m.id);
      if (p) { pending.delete(m.id); if (m.error) p.reject(new Error(m.error.message || "error")); else p.resolve(m.result); }
      return;
    }
    const params = m.params || {};
    if (m.method === "ui/notifications/tool-input") { if (handlers.input) handlers.input(params.arguments || {}); }
    else if (m.method === "ui/notifications/tool-result") { if (handlers.result) handlers.result(params); }
    else if (m.method === "ui/notifications/tool-cancelled") { document.getElementById("view").replaceChildren(el("p", "muted", "The call was cancelled" + (params.reason ? ": " + params.reason : "."))); }
    else if (m.method === "ui/notifications/host-context-changed") applyContext(params);
    else if (m.method === "ui/resource-teardown") { if (handlers.teardown) handlers.teardown(); send({ id: m.id, result: {} }); }
    else if (m.method === "ping") send({ id: m.id, result: {} });
    else if (m.id !== undefined) send({ id: m.id, error: { code: -32601, message: "Method not found" } });
  });
  let lastSize = "";
  function reportSize() {
    const root = document.documentElement;
    const before = root.style.height;
    root.style.height = "max-content";
    const height = Math.ceil(root.getBoundingClientRect().height);
    root.style.height = before;
    const width = Math.ceil(window.innerWidth);
    if (width + "x" + height === lastSize) return;
    lastSize = width + "x" + height;
    send({ method: "ui/notifications/size-changed", params: { width, height } });
  }
  const host = { canCallTools: false };
  function start(name) {
    return request("ui/initialize", { appInfo: { name, version: "1" }, appCapabilities: { availableDisplayModes: ["inline"] }, protocolVersion: "2026-01-26" }).then((r) => {
      host.canCallTools = Boolean(r && r.hostCapabilities && r.hostCapabilities.serverTools);
      applyContext((r && r.hostContext) || {});
      send({ method: "ui/notifications/initialized", params: {} });
      new ResizeObserver(() => requestAnimationFrame(reportSize)).observe(document.body);
      reportSize();
      document.body.dataset.ready = "true";
    });
  }
  return { on: (name, fn) => { handlers[name] = fn; }, start, host, callTool: (name, args) => request("tools/call", { name, arguments: args }), reportSize };
})();
/** An element with a class and text (text is always set as text, never as HTML). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
`;

const BUBBLE_JS = `
/** Fills {{n}} with values (marked, titled with the variable) and applies WhatsApp's *bold*, _italic_, ~strike~ and \`\`\`mono\`\`\` (unless styled is false). */
function formatted(parent, text, values, styled) {
  const marks = [];
  const source = String(text).replace(/\\{\\{\\s*(\\d+)\\s*\\}\\}/g, (whole, n) => {
    marks.push({ label: "{{" + n + "}}", value: values && values[n] !== undefined ? values[n] : "{{" + n + "}}" });
    return String.fromCharCode(0xe000 + marks.length - 1);
  });
  if (styled === false) plain(parent, source, marks); else emit(parent, source, marks);
}
/** A style marker as WhatsApp reads one: at a word's edge, around text that does not start or end with a space. */
const around = (m) => { const e = m === "*" ? "\\\\*" : m; return new RegExp("(?<![\\\\p{L}\\\\p{N}])" + e + "(?=\\\\S)([^" + m + "\\\\n]*?\\\\S)" + e + "(?![\\\\p{L}\\\\p{N}])", "u"); };
function emit(parent, text, marks) {
  const styles = [[/\`\`\`([\\s\\S]+?)\`\`\`/, "code"], [around("*"), "b"], [around("_"), "i"], [around("~"), "s"]];
  let best = null;
  for (const [re, tag] of styles) { const m = re.exec(text); if (m && (!best || m.index < best.m.index)) best = { m, tag }; }
  if (!best) return plain(parent, text, marks);
  plain(parent, text.slice(0, best.m.index), marks);
  const node = el(best.tag);
  parent.appendChild(node);
  if (best.tag === "code") plain(node, best.m[1], marks); else emit(node, best.m[1], marks);
  emit(parent, text.slice(best.m.index + best.m[0].length), marks);
}
function plain(parent, text, marks) {
  for (const part of text.split(/([\\ue000-\\uf8ff])/)) {
    if (!part) continue;
    const code = part.charCodeAt(0) - 0xe000;
    if (part.length === 1 && marks[code]) { const mark = el("mark", "", marks[code].value); mark.title = marks[code].label; parent.appendChild(mark); }
    else parent.appendChild(document.createTextNode(part));
  }
}
/** A message as a phone shows it: { header, headerType, body, footer, buttons: [{ type, text, url, phone }] }, variables from values.header / values.body. */
function bubble(message, values) {
  const chat = el("div", "chat");
  const box = el("div", "bubble");
  const media = { IMAGE: "🖼 Image", VIDEO: "▶ Video", DOCUMENT: "📄 Document", LOCATION: "📍 Location" }[message.headerType];
  if (media) box.appendChild(el("div", "media", media));
  if (message.header) { const head = el("div", "head"); formatted(head, message.header, values && values.header); box.appendChild(head); }
  if (message.body) { const body = el("div", "text"); formatted(body, message.body, values && values.body); box.appendChild(body); }
  if (message.footer) box.appendChild(el("div", "foot", message.footer));
  chat.appendChild(box);
  const buttons = (message.buttons || []).filter((b) => b && (b.text || b.type));
  if (buttons.length) {
    const list = el("div", "buttons");
    for (const b of buttons) {
      const row = el("div", "", (b.type === "URL" ? "↗ " : b.type === "PHONE_NUMBER" ? "📞 " : b.type === "COPY_CODE" || b.type === "OTP" ? "⧉ " : "") + (b.text || b.type));
      const detail = b.url || b.phone_number || b.phoneNumber || b.phone;
      if (detail) { const small = el("small"); formatted(small, detail, values && values.button, false); row.appendChild(small); }
      list.appendChild(row);
    }
    chat.appendChild(list);
  }
  return chat;
}
`;

/** A complete view document: shared shell, the view's own CSS, body and script (which calls bridge.start). */
export function viewPage(title: string, css: string, script: string, options: { bubble?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${BASE_CSS}${options.bubble ? BUBBLE_CSS : ""}${css}</style></head>
<body><main id="view"><p class="empty">Waiting for the result…</p></main>
<script>${BRIDGE_JS}${options.bubble ? BUBBLE_JS : ""}${script}</script></body></html>`;
}
