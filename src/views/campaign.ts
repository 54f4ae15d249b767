import { viewPage } from "./kit";

/**
 * A campaign: before it starts, the preview's counts, estimate, skipped rows and sample messages;
 * once started, its progress (sent, delivered, read, failed), refreshed through the host with
 * get_campaign while it runs, and pause / resume / cancel buttons that call those tools.
 */
export const CAMPAIGN_HTML = viewPage(
  "Campaign",
  `.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 8px; margin: 8px 0; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.tile b { display: block; font-size: 20px; }
.tile span { color: var(--muted); font-size: 12px; }
.bar { margin: 6px 0; }
.bar .track { height: 10px; background: var(--card); border: 1px solid var(--line); border-radius: 999px; overflow: hidden; }
.bar .fill { height: 100%; background: var(--accent); }
.bar.failed .fill { background: var(--bad); }
.bar label { display: flex; justify-content: space-between; font-size: 12px; }
ul { margin: 4px 0; padding-left: 18px; }
.actions { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
h2 { font-size: 14px; margin: 14px 0 4px; }`,
  `
let current = null;
let timer = null;
const view = () => document.getElementById("view");
function tile(parent, value, label) { const t = el("div", "tile"); t.append(el("b", "", value), el("span", "", label)); parent.appendChild(t); }
function list(parent, title, items) {
  if (!items.length) return;
  parent.appendChild(el("h2", "", title));
  const ul = el("ul");
  for (const item of items) ul.appendChild(el("li", "", item));
  parent.appendChild(ul);
}
function bar(parent, label, part, whole, kind) {
  const pct = whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
  const row = el("div", "bar " + (kind || ""));
  const caption = el("label");
  caption.append(el("span", "", label), el("span", "", part + " (" + pct + " %)"));
  const track = el("div", "track");
  const fill = el("div", "fill");
  fill.style.width = Math.min(100, pct) + "%";
  track.appendChild(fill);
  row.append(caption, track);
  parent.appendChild(row);
}
function duration(seconds) {
  if (seconds < 60) return Math.max(1, Math.round(seconds)) + " s";
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
}
function preview(s) {
  const root = view();
  root.replaceChildren(el("h1", "", "Campaign preview — nothing sent yet"));
  const grid = el("div", "grid");
  tile(grid, s.queued, "to send");
  tile(grid, s.total, "rows");
  tile(grid, s.duplicates, "duplicates removed");
  tile(grid, s.invalid.count, "invalid");
  tile(grid, s.optedOut, "opted out");
  tile(grid, s.notOnWhatsApp, "not on WhatsApp");
  root.appendChild(grid);
  const e = s.estimate;
  const money = (n) => (n === null || n === undefined ? "unknown" : n + " " + (e.currency || ""));
  list(root, "Estimate", ["About " + duration(e.minutes * 60) + " to send", "Cost: " + money(e.cost) + " (" + e.basis + ")", "Wallet balance: " + money(e.balance)]);
  list(root, "Invalid rows", s.invalid.rows.slice(0, 10).map((r) => "Row " + r.row + ": " + r.reason));
  if (s.samples.length) root.appendChild(el("h2", "", "Samples"));
  for (const sample of s.samples) {
    root.appendChild(el("p", "muted", "To " + sample.destination));
    root.appendChild(bubble({ header: sample.header, body: sample.body, footer: sample.footer, buttons: sample.buttons }, {}));
  }
  root.appendChild(el("p", "muted", "Valid until " + s.expiresAt + ". The assistant starts it with start_campaign once you agree."));
}
function progress(s) {
  current = s;
  const root = view();
  const state = el("span", "badge " + ({ running: "ok", completed: "ok", paused: "warn", cancelled: "bad", draft: "warn" }[s.state] || ""), s.state);
  const title = el("h1");
  title.append(el("span", "", s.name + " "), state);
  root.replaceChildren(title);
  if (s.reason) root.appendChild(el("p", s.state === "paused" ? "warn" : "muted", s.reason));
  const c = s.counts;
  const total = c.queued + c.sending + c.submitted + c.failed + c.unknown + c.skipped;
  bar(root, "Sent", c.submitted, total);
  if (s.delivery && s.delivery.tracked) {
    bar(root, "Delivered", s.delivery.delivered, c.submitted);
    bar(root, "Read", s.delivery.read, c.submitted);
    bar(root, "Failed", s.delivery.failed + c.failed, total, "failed");
  } else root.appendChild(el("p", "muted", "Delivery is not tracked for this app (configure_webhook)."));
  const facts = [c.queued + c.sending + " still to send", c.unknown + " with unknown outcome", c.skipped + " skipped (opted out)"];
  if (s.perSecond) facts.push(s.perSecond + " sends/s" + (s.etaSeconds ? ", about " + duration(s.etaSeconds) + " left" : ""));
  list(root, "Status", facts);
  list(root, "Failures", (s.failedByReason || []).concat((s.delivery && s.delivery.failedByReason) || []).map((f) => f.reason + ": " + f.count));
  const actions = el("div", "actions");
  const act = (label, action, show, confirmFirst) => {
    if (!show) return;
    const b = el("button", "", label);
    b.onclick = () => {
      // Cancelling cannot be undone: the first click asks, the second does it.
      if (confirmFirst && b.dataset.armed !== "true") { b.dataset.armed = "true"; b.textContent = "Click again to cancel the rest"; return; }
      b.disabled = true;
      bridge.callTool("control_campaign", { campaignId: s.campaignId, action }).then((r) => (r && r.isError ? failed(r) : refresh()), (e) => root.appendChild(el("p", "bad", String(e.message || e))));
    };
    actions.appendChild(b);
  };
  // Buttons and live updates only where the host lets a view call tools.
  if (bridge.host.canCallTools) {
    act("Pause", "pause", s.state === "running");
    act("Resume", "resume", s.state === "paused");
    act("Cancel", "cancel", s.state === "running" || s.state === "paused", true);
  }
  if (actions.childElementCount) root.appendChild(actions);
  clearTimeout(timer);
  if (s.state === "running" && bridge.host.canCallTools) timer = setTimeout(refresh, 5000);
}
let failures = 0;
function refresh() {
  if (!current) return;
  bridge.callTool("get_campaign", { campaignId: current.campaignId, limit: 1 }).then(
    (r) => { failures = 0; show(r); },
    () => { if (++failures < 3) timer = setTimeout(refresh, 15000); },
  );
}
function failed(result) { view().appendChild(el("p", "bad", ((result.content || [])[0] || {}).text || "The call failed.")); }
function show(result) {
  const s = (result && result.structuredContent) || {};
  if (result && result.isError) { view().replaceChildren(); failed(result); }
  else if (s.estimate) preview(s);
  else if (s.counts) progress(s);
}
bridge.on("result", show);
bridge.on("teardown", () => clearTimeout(timer));
bridge.start("gupshup-campaign");
`,
  { bubble: true },
);
