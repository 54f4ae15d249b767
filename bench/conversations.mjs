// The conversation runs of `npm run bench`: 100,000 customer messages from 10,000 numbers, posted to
// the webhook configure_webhook registered (Meta's format, 400 messages a callback, as the stand-in
// would carry them), then list_conversations, a filtered listing and get_conversation, timed.
// `node bench/conversations.mjs` runs this part alone (a stand-in and wrangler dev of its own).

export const EVENTS = 100_000;
const NUMBERS = 10_000;
const PER_POST = 400;
const READS = 50;

const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

export async function conversationRuns({ client, standin, base, log }) {
  const appId = "bench-convo";
  standin.setLatency(0);
  const webhook = await client.callTool({ name: "configure_webhook", arguments: { appId, format: "meta" } });
  if (webhook.isError) throw new Error(`configure_webhook failed: ${webhook.content?.[0]?.text}`);
  const { url, headers } = standin.subscriptions(appId).at(-1);
  const target = `${base}${new URL(url).pathname}`;

  const start = Math.floor(Date.now() / 1000) - 20 * 3600; // the last 20 hours: every window still open
  const t0 = performance.now();
  for (let sent = 0; sent < EVENTS; sent += PER_POST) {
    const messages = Array.from({ length: PER_POST }, (_, k) => {
      const i = sent + k;
      return {
        from: `9196${String(i % NUMBERS).padStart(8, "0")}`,
        id: `wamid.bench${i}`,
        timestamp: String(start + Math.floor((i * 20 * 3600) / EVENTS)),
        type: "text",
        text: { body: `Question ${i} about order ORD-${i % 977}` },
      };
    });
    const body = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", messages } }] }] });
    const res = await fetch(target, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
    if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  log(`conversations: ${EVENTS} messages from ${NUMBERS} numbers stored in ${ingestSeconds.toFixed(1)} s`);

  const timed = async (name, args) => {
    const times = [];
    let result;
    for (let i = 0; i < READS; i++) {
      const s = performance.now();
      result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${result.content?.[0]?.text}`);
      times.push(performance.now() - s);
    }
    return { p50: pct(times, 50), p95: pct(times, 95), result };
  };
  const all = await timed("list_conversations", { appId });
  const awaiting = await timed("list_conversations", { appId, awaitingReply: true, windowOpen: true, state: "open", limit: 50 });
  const thread = await timed("get_conversation", { appId, number: "+919600000042" });
  const figures = {
    events: EVENTS,
    numbers: NUMBERS,
    ingestSeconds,
    total: all.result.structuredContent.total,
    list: { p50: all.p50, p95: all.p95 },
    filtered: { p50: awaiting.p50, p95: awaiting.p95 },
    thread: { p50: thread.p50, p95: thread.p95, messages: thread.result.structuredContent.messages.length },
  };
  log(
    `list_conversations over ${figures.total}: p50 ${all.p50.toFixed(1)} ms (p95 ${all.p95.toFixed(1)}); filtered p50 ${awaiting.p50.toFixed(1)} ms; get_conversation (${figures.thread.messages} messages) p50 ${thread.p50.toFixed(1)} ms`,
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { startWranglerDev } = await import("../scripts/lib/wrangler-dev.mjs");
  const { startStandin } = await import("./standin.mjs");
  const standin = startStandin(8793, { callbackOrigin: "http://127.0.0.1:8794", apps: ["bench-convo"] });
  const project = await startWranglerDev({
    port: 8794,
    persistTo: mkdtempSync(join(tmpdir(), "gupshup-bench-convo-")),
    vars: { GUPSHUP_BASE_URL: standin.url, GUPSHUP_PARTNER_TOKEN: "bench-partner-token", MCP_AUTH_TOKEN: "bench-mcp-auth-token-0123456789abcdef", PUBLIC_URL: "https://bench-mcp.example.com" },
  });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${project.base}/mcp`), { requestInit: { headers: { Authorization: "Bearer bench-mcp-auth-token-0123456789abcdef" } } }));
  try {
    console.log(JSON.stringify(await conversationRuns({ client, standin, base: project.base, log: console.log })));
  } finally {
    await client.close();
    await project.stop();
    await standin.close();
  }
}
