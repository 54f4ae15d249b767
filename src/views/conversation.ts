import { viewPage } from "./kit";

/**
 * A conversation as WhatsApp shows it: the customer's messages on the left, ours on the right
 * with their ticks, the 24-hour window's time left and the hand-off state. In hosts that allow
 * tool calls, the drafts passed as suggestedReplies become buttons: a tap (the person's own
 * decision) sends that text, quoting the customer's last message. Reads get_conversation.
 */
export const CONVERSATION_HTML = viewPage(
  "Conversation",
  `.top { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: baseline; margin-bottom: 6px; }
.top h1 { margin: 0; }
.thread { display: flex; flex-direction: column; gap: 6px; }
.thread .bubble { max-width: 80%; }
.in { align-self: flex-start; }
.out { align-self: flex-end; background: #d9fdd3; }
:root[data-theme="dark"] .out { background: #005c4b; }
@media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) .out { background: #005c4b; } }
.meta { font-size: 11px; color: var(--muted); text-align: right; margin-top: 2px; }
.read .tick { color: #53bdeb; }
.failed .tick { color: var(--bad); }
.choice { font-weight: 600; }
.quote { border-left: 3px solid var(--accent); padding: 2px 6px; margin-bottom: 4px; font-size: 12px; color: var(--muted); background: var(--card); border-radius: 4px; }
.replies { display: flex; flex-direction: column; gap: 6px; margin-top: 10px; }
.replies button { text-align: left; white-space: pre-wrap; }`,
  `
const TICKS = { submitted: "🕓", enqueued: "✓", sent: "✓", delivered: "✓✓", read: "✓✓", failed: "✗ failed", deleted: "deleted" };
let input = {};
bridge.on("input", (args) => { input = args || {}; });
function left(closesAt) {
  const ms = Date.parse(closesAt) - Date.now();
  if (!(ms > 0)) return "closed";
  const h = Math.floor(ms / 3600000), m = Math.floor((ms % 3600000) / 60000);
  return (h ? h + " h " : "") + m + " min left";
}
function line(m, byId) {
  const box = el("div", "bubble " + (m.from === "customer" ? "in" : "out " + (m.status || "")));
  const quoted = m.replyTo && byId.get(m.replyTo);
  if (quoted) box.appendChild(el("div", "quote", (quoted.from === "customer" ? "Customer: " : "You: ") + (quoted.text || quoted.type || "")));
  if (m.optionId !== null && m.optionId !== undefined) box.appendChild(el("div", "choice", "↩ " + (m.text || m.optionId)));
  else if (m.type === "template") box.appendChild(el("div", "", "Template " + (m.text || "") + (m.campaign ? " · campaign " + m.campaign : "")));
  else if (m.text === null || m.text === undefined) box.appendChild(el("div", "muted", m.type ? "[" + m.type + "]" : "A message sent before this server kept what it said"));
  else box.appendChild(el("div", "", m.text));
  const meta = el("div", "meta", new Date(m.at).toLocaleString([], { dateStyle: "short", timeStyle: "short" }) + " ");
  if (m.from === "business") meta.appendChild(el("span", "tick", TICKS[m.status] || m.status || ""));
  box.appendChild(meta);
  return box;
}
function render(s) {
  const root = document.getElementById("view");
  const c = s.conversation;
  const top = el("div", "top");
  top.appendChild(el("h1", "", (c && c.name ? c.name + " · " : "") + "+" + s.number));
  if (c) {
    top.appendChild(el("span", "badge " + (c.window.open ? "ok" : "warn"), c.window.open ? "Window open · " + left(c.window.closesAt) : "Window closed: template only"));
    top.appendChild(el("span", "badge " + (c.handOff.state === "done" ? "ok" : c.handOff.state === "waiting" ? "warn" : ""), c.handOff.state + (c.handOff.handledBy ? " · " + c.handOff.handledBy : "")));
  }
  const parts = [top];
  if (c && c.handOff.note) parts.push(el("p", "muted", "Note: " + c.handOff.note));
  const messages = s.messages || [];
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  const chat = el("div", "chat thread");
  for (const m of messages) chat.appendChild(line(m, byId));
  parts.push(messages.length ? chat : el("p", "empty", "No messages with this number yet."));
  const drafts = Array.isArray(input.suggestedReplies) ? input.suggestedReplies.filter((t) => typeof t === "string" && t) : [];
  const lastCustomer = [...messages].reverse().find((m) => m.from === "customer");
  if (drafts.length && bridge.host.canCallTools && c && c.window.open) {
    const replies = el("div", "replies");
    replies.appendChild(el("div", "muted", "Suggested replies — tap one to send it:"));
    for (const text of drafts) {
      const button = el("button", "", text);
      button.addEventListener("click", () => {
        for (const b of replies.querySelectorAll("button")) b.disabled = true;
        const args = { destination: s.number, type: "text", text };
        if (s.appId) args.appId = s.appId;
        if (lastCustomer) args.replyTo = lastCustomer.messageId;
        bridge.callTool("send_message", args).then(
          (r) => replies.replaceChildren(el("p", r && r.isError ? "bad" : "ok", r && r.isError ? ((r.content || [])[0] || {}).text || "Not sent." : "Sent: " + text)),
          (e) => replies.replaceChildren(el("p", "bad", String(e.message || e))),
        );
      });
      replies.appendChild(button);
    }
    parts.push(replies);
  }
  root.replaceChildren(...parts);
}
bridge.on("result", (result) => {
  const root = document.getElementById("view");
  if (result.isError) return root.replaceChildren(el("p", "bad", ((result.content || [])[0] || {}).text || "The call failed."));
  render(result.structuredContent || {});
});
bridge.start("gupshup-conversation");
`,
  { bubble: true },
);
