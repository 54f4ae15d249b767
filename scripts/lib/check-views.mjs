// The MCP Apps views in a real browser. A stand-in host page does what a host does: it puts the
// view's HTML (from resources/read) in a sandboxed iframe under the spec's default CSP, answers
// ui/initialize with a host context (theme, width), sends the tool's input and its real result
// (from tools/call on the local sandbox), and sizes the frame from the view's size-changed
// messages. Each view is checked and photographed light and dark, at phone and desktop width.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { openChromium } from "./chromium-page.mjs";

const CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'none'; object-src 'none'";
const STORE = "5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e01";
const WIDTHS = { phone: 390, desktop: 800 };

/** JSON safe inside a <script> element (no "</script>" can end it early). */
const scriptJson = (value) => JSON.stringify(value).replace(/</g, "\\u003c");

/** The stand-in host: one iframe, the view's HTML, a tool input and result; `document.title` says when the view has sized itself. */
export function hostPage({ html, input, result, theme, width }) {
  const view = html.replace("<head>", `<head><meta http-equiv="Content-Security-Policy" content="${CSP}">`);
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><style>body{margin:0;background:${theme === "dark" ? "#010409" : "#f0f2f5"}}iframe{border:0;width:100%;display:block}</style></head><body>
<iframe id="view" sandbox="allow-scripts allow-same-origin"></iframe>
<script>
const frame = document.getElementById("view");
const toView = (m) => frame.contentWindow.postMessage(Object.assign({ jsonrpc: "2.0" }, m), "*");
window.calls = [];
addEventListener("message", (e) => {
  if (e.source !== frame.contentWindow) return;
  const m = e.data;
  if (m.method === "ui/initialize") toView({ id: m.id, result: { protocolVersion: "2026-01-26", hostInfo: { name: "stand-in host", version: "1" },
    hostCapabilities: { openLinks: {}, serverTools: {} }, hostContext: { theme: ${scriptJson(theme)}, displayMode: "inline", availableDisplayModes: ["inline"],
    containerDimensions: { width: ${width}, maxHeight: 4000 }, locale: "en-US", platform: "web" } } });
  else if (m.method === "ui/notifications/initialized") {
    toView({ method: "ui/notifications/tool-input", params: { arguments: ${scriptJson(input)} } });
    toView({ method: "ui/notifications/tool-result", params: ${scriptJson(result)} });
    setTimeout(() => { window.delivered = true; }, 300);
  } else if (m.method === "ui/notifications/size-changed") frame.style.height = m.params.height + "px";
  else if (m.id !== undefined) { window.calls.push(m.method + " " + JSON.stringify(m.params)); toView({ id: m.id, error: { code: -32601, message: "not in this check" } }); }
});
frame.srcdoc = ${scriptJson(view)};
</script></body></html>`;
}

export async function checkViews(base, check) {
  const client = new Client({ name: "views-check", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  const call = async (name, args) => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name}: ${result.content?.[0]?.text}`);
    return result;
  };
  const viewHtml = async (uri) => (await client.readResource({ uri })).contents[0].text;

  // Real results from the sandbox.
  const body = "Hi {{1}} <script>document.title='pwned'</script>, your order *{{2}}* ships _today_ ~late~ ```ORD```";
  const createArgs = {
    appId: STORE,
    elementName: `order_preview_${Date.now().toString(36)}`,
    languageCode: "en",
    category: "UTILITY",
    templateType: "TEXT",
    header: "Order {{1}}",
    exampleHeader: "Order ORD-1",
    content: body,
    example: body.replace("{{1}}", "Asha").replace("{{2}}", "ORD-1"),
    footer: "Reply STOP to opt out",
    buttons: [
      { type: "URL", text: "Track order", url: "https://shop.example.com/t/{{1}}", example: "https://shop.example.com/t/ORD-1" },
      { type: "QUICK_REPLY", text: "Talk to us" },
    ],
  };
  const created = await call("create_template", createArgs);
  const shoe = (n) => ({
    headerType: "IMAGE",
    mediaUrl: `https://cdn.example.com/shoe-${n}.jpg`,
    body: `Shoe ${n} for {{1}}, *new*`,
    example: `Shoe ${n} for Asha, *new*`,
    buttons: [
      { type: "URL", text: "Buy now", url: "https://shop.example.com/p/{{1}}", example: `https://shop.example.com/p/SHOE${n}` },
      { type: "QUICK_REPLY", text: "More like this" },
    ],
  });
  const carouselArgs = {
    appId: STORE,
    elementName: `shoes_preview_${Date.now().toString(36)}`,
    languageCode: "en",
    category: "MARKETING",
    templateType: "CAROUSEL",
    content: "Hi {{1}}, our new shoes are here.",
    example: "Hi Asha, our new shoes are here.",
    cards: [1, 2, 3].map(shoe),
  };
  const carousel = await call("create_template", carouselArgs);
  const recipients = Array.from({ length: 80 }, (_, i) => ({ destination: `+9198${String(20_000_001 + i)}`, params: [`Customer ${i}`, `ORD-${i}`] }));
  recipients.push({ destination: "12345", params: ["Bad", "ORD-X"] }, { destination: recipients[0].destination, params: ["Again", "ORD-Y"] });
  await call("configure_webhook", { appId: STORE }); // delivered and read in the progress view
  const previewArgs = { appId: STORE, templateId: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", recipients };
  const preview = await call("preview_campaign", previewArgs);
  await call("start_campaign", { campaignId: preview.structuredContent.campaignId, confirm: true });
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const progressArgs = { campaignId: preview.structuredContent.campaignId };
  const progress = await call("get_campaign", progressArgs);
  const devices = await call("list_devices_status", {});
  const conversationArgs = { appId: STORE, number: recipients[0].destination, suggestedReplies: ["Yes, it ships today.", "<b>Let me check</b> and get back to you."] };
  const conversation = await call("get_conversation", conversationArgs);
  // The one part the sandbox cannot produce over MCP: the customer writing back (here, hostile text).
  const thread = conversation.structuredContent;
  const customerAt = new Date().toISOString();
  thread.messages.push({
    from: "customer",
    messageId: "wamid.check",
    at: customerAt,
    type: "text",
    text: "Where is it? <img src=x onerror=\"document.title='pwned'\">",
    optionId: null,
    replyTo: null,
    status: null,
    campaign: null,
  });
  thread.conversation = { ...thread.conversation, lastFrom: "customer", window: { open: true, closesAt: new Date(Date.now() + 23.5 * 3_600_000).toISOString() } };

  const cases = [
    { name: "template-preview", uri: "ui://gupshup-mcp/template-preview.html", input: createArgs, result: created, themes: ["light", "dark"] },
    { name: "template-carousel", uri: "ui://gupshup-mcp/template-preview.html", input: carouselArgs, result: carousel, themes: ["light"] },
    { name: "campaign-preview", uri: "ui://gupshup-mcp/campaign.html", input: previewArgs, result: preview, themes: ["light"] },
    { name: "campaign-progress", uri: "ui://gupshup-mcp/campaign.html", input: progressArgs, result: progress, themes: ["light", "dark"] },
    { name: "health-cards", uri: "ui://gupshup-mcp/app-health.html", input: {}, result: devices, themes: ["light"] },
    { name: "conversation", uri: "ui://gupshup-mcp/conversation.html", input: conversationArgs, result: conversation, themes: ["light", "dark"] },
  ];
  const dir = mkdtempSync(join(tmpdir(), "views-"));
  const browser = await openChromium();
  try {
    for (const c of cases) {
      const html = await viewHtml(c.uri);
      for (const theme of c.themes) {
        for (const [label, width] of Object.entries(WIDTHS)) {
          const file = join(dir, `${c.name}-${theme}-${label}.html`);
          writeFileSync(file, hostPage({ html, input: c.input, result: { content: c.result.content, structuredContent: c.result.structuredContent }, theme, width }));
          const seen = await browser.show(`file://${file}`, {
            width,
            ready: "window.delivered === true && document.getElementById('view').contentDocument?.body?.dataset.ready === 'true'",
            read: `(() => { const d = document.getElementById('view').contentDocument; return { text: d.body.innerText, scripts: d.querySelectorAll('script').length,
              marks: d.querySelectorAll('mark').length, replies: d.querySelectorAll('.replies button').length, images: d.querySelectorAll('img').length, bold: d.querySelectorAll('.bubble b').length, theme: d.documentElement.dataset.theme, title: d.title,
              height: document.getElementById('view').getBoundingClientRect().height, cards: d.querySelectorAll('.cards > .chat').length,
              cardsSideBySide: (() => { const c = [...d.querySelectorAll('.cards > .chat')]; return c.length > 1 && c[0].getBoundingClientRect().top === c[1].getBoundingClientRect().top; })() }; })()`,
          });
          const shot = `docs/view-${c.name}${c.themes.length > 1 ? `-${theme}` : ""}${label === "phone" ? "-phone" : ""}.png`;
          await browser.screenshot(shot, width, "document.getElementById('view').getBoundingClientRect().height");
          check(seen.height > 60 && seen.theme === theme, `${c.name} (${theme}, ${label}) renders and sizes itself: ${Math.round(seen.height)} px → ${shot}`);
          if (c.name === "template-preview") {
            check(seen.text.includes("<script>document.title='pwned'</script>") && seen.scripts === 1 && seen.title !== "pwned", `a template body with <script> shows as text (${theme}, ${label})`);
            check(
              seen.text.includes("Order ORD-1") && seen.text.includes("Hi Asha") && seen.marks >= 4 && seen.bold >= 1,
              `variables are filled with the examples and marked, *bold* is bold (${theme}, ${label})`,
            );
          }
          if (c.name === "template-carousel") {
            check(
              seen.cards === 3 && seen.text.includes("Shoe 3 for Asha") && seen.text.includes("Buy now") && seen.cardsSideBySide,
              `a carousel shows its cards side by side, variables filled (${label}): ${seen.cards} cards`,
            );
          }
          if (c.name === "campaign-preview") check(seen.text.includes("to send") && seen.text.includes("duplicates removed"), `the campaign preview shows counts, estimate and samples (${label})`);
          if (c.name === "campaign-progress") check(/Sent/.test(seen.text) && /(Pause|Cancel)|completed/.test(seen.text), `campaign progress shows bars and its controls (${theme}, ${label})`);
          if (c.name === "conversation") {
            check(
              seen.text.includes("Template order_update") && seen.text.includes("✓✓") && /Window open · 23 h \d+ min left/.test(seen.text),
              `the conversation shows our campaign message with its ticks and the window's time left (${theme}, ${label})`,
            );
            check(
              seen.text.includes("<img src=x") && seen.images === 0 && seen.title !== "pwned" && seen.replies === 2 && seen.text.includes("<b>Let me check</b>"),
              `customer text and drafts show as text; the two drafts are one-tap buttons (${theme}, ${label})`,
            );
          }
          if (c.name === "health-cards") check(seen.text.includes("DemoStore") && /Connected/.test(seen.text), `the health cards show each number (${label})`);
        }
      }
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
    await client.close();
  }
}
