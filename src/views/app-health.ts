import { viewPage } from "./kit";

/**
 * A card per app (WhatsApp number): connected or not, quality rating, messaging tier, wallet
 * balance. Reads list_devices_status (and the unlisted get_device_status) and get_app_health results.
 */
export const APP_HEALTH_HTML = viewPage(
  "WhatsApp numbers",
  `.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
.card h1 { font-size: 15px; margin: 0; }
.card .phone { font-size: 12px; margin-bottom: 8px; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 10px; margin: 8px 0 0; font-size: 13px; }
.card dt { color: var(--muted); }
.card dd { margin: 0; font-weight: 600; }
.problems { font-size: 12px; margin: 8px 0 0; }`,
  `
const STATE = { connected: ["Connected", "ok"], unhealthy: ["Unhealthy", "bad"], not_live: ["Not live", "warn"], stopped: ["Stopped", "bad"], unknown: ["Unknown", "warn"] };
const QUALITY = { GREEN: "ok", HIGH: "ok", YELLOW: "warn", MEDIUM: "warn", RED: "bad", LOW: "bad" };
function card(d) {
  const box = el("div", "card");
  box.appendChild(el("h1", "", d.name || d.appId));
  box.appendChild(el("div", "phone muted", d.phone ? "+" + d.phone : d.appId));
  const [label, kind] = STATE[d.state] || STATE.unknown;
  box.appendChild(el("span", "badge " + kind, label));
  const dl = el("dl");
  const row = (name, value, kind) => { dl.appendChild(el("dt", "", name)); dl.appendChild(el("dd", kind || "", value === null || value === undefined ? "—" : value)); };
  row("Quality", d.quality, QUALITY[d.quality]);
  row("Messaging tier", d.messagingTier && String(d.messagingTier).replace("TIER_", "").replace("UNLIMITED", "unlimited") + (/^TIER_/.test(d.messagingTier) ? " a day" : ""));
  row("Balance", d.balance === null || d.balance === undefined ? null : d.balance + " " + (d.currency || ""), d.balance !== null && d.balance < 5 ? "warn" : "");
  box.appendChild(dl);
  if (d.problems && d.problems.length) box.appendChild(el("p", "problems warn", d.problems.join("; ")));
  return box;
}
/** get_app_health's shape as a card's. */
function fromHealth(h) {
  const healthy = h.health ? h.health.healthy : null;
  return { appId: h.appId, name: null, phone: null, state: healthy === null ? "unknown" : healthy ? "connected" : "unhealthy", quality: h.ratings && h.ratings.qualityRating,
    messagingTier: h.ratings && h.ratings.messagingLimit, balance: h.wallet && h.wallet.balance, currency: h.wallet && h.wallet.currency,
    problems: Object.entries(h.errors || {}).map(([part, error]) => part + ": " + error).concat(h.health && h.health.reason ? [h.health.reason] : []) };
}
bridge.on("result", (result) => {
  const s = result.structuredContent || {};
  const root = document.getElementById("view");
  if (result.isError) return root.replaceChildren(el("p", "bad", ((result.content || [])[0] || {}).text || "The call failed."));
  const devices = Array.isArray(s.devices) ? s.devices : s.state ? [s] : s.appId ? [fromHealth(s)] : [];
  const cards = el("div", "cards");
  for (const d of devices) cards.appendChild(card(d));
  root.replaceChildren(devices.length ? cards : el("p", "empty", "No apps on this account."));
});
bridge.start("gupshup-app-health");
`,
);
