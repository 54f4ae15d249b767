// The campaign run of `npm run bench`: a campaign of RECIPIENTS sends on one app against the
// stand-in answering in LATENCY ms, each send followed by its four delivery callbacks to the
// webhook (configure_webhook first), while a person keeps using the same app: an interactive
// `send_text_message` at random moments (0.3–1.1 s apart, so they do not fall into step with the
// campaign's sends). Measures the campaign's sends per second against
// the safe ceiling, 429s, duplicates, and how long the interactive sends took, compared with the
// same sends on the idle app (the difference is the wait for a slot).

const RECIPIENTS = Number(process.env.BENCH_CAMPAIGN ?? 10_000);
const LATENCY = 300;
const INTERACTIVE_GAP_MS = [300, 1100];
const IDLE_SENDS = 15;

export async function campaignRun({ client, standin, safeCeiling, log }) {
  const appId = "bench-campaign";
  standin.setLatency(LATENCY);
  const text = (i, tag) => ({ appId, destination: `+9197${tag}${String(i).padStart(6, "0")}`, text: `Interactive ${tag} ${i}` });
  const timedSend = async (args) => {
    const t0 = performance.now();
    const result = await client.callTool({ name: "send_text_message", arguments: args });
    if (result.isError) throw new Error(`send_text_message failed: ${result.content?.[0]?.text}`);
    return performance.now() - t0;
  };

  // The same interactive send on the idle app, one at a time, well apart (the window stays empty).
  await timedSend(text(0, "00")); // token and app profile
  const idle = [];
  for (let i = 1; i <= IDLE_SENDS; i++) {
    idle.push(await timedSend(text(i, "00")));
    await new Promise((r) => setTimeout(r, 150));
  }

  const webhook = await client.callTool({ name: "configure_webhook", arguments: { appId } });
  if (webhook.isError) throw new Error(`configure_webhook failed: ${webhook.content?.[0]?.text}`);
  const callbacksBefore = standin.callbacks();
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => ({ destination: `+9196${String(i).padStart(8, "0")}`, params: [`N${i}`] }));
  const preview = await client.callTool({ name: "preview_campaign", arguments: { appId, templateId: `${appId}-t1`, recipients } });
  if (preview.isError) throw new Error(`preview_campaign failed: ${preview.content?.[0]?.text}`);
  const { campaignId } = preview.structuredContent;
  await new Promise((r) => setTimeout(r, 1000 + LATENCY)); // the preview's calls leave the window
  const from = standin.requests().length;
  const tooManyBefore = standin.tooManyRequests();
  const started = await client.callTool({ name: "start_campaign", arguments: { campaignId, confirm: true } });
  if (started.isError) throw new Error(`start_campaign failed: ${started.content?.[0]?.text}`);
  const t0 = Date.now();

  const busy = [];
  let done = false;
  const interactive = (async () => {
    for (let i = 0; !done; i++) {
      busy.push(await timedSend(text(i, "11")));
      const [low, high] = INTERACTIVE_GAP_MS;
      await new Promise((r) => setTimeout(r, low + Math.random() * (high - low)));
    }
  })();
  let report;
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    report = (await client.callTool({ name: "get_campaign", arguments: { campaignId } })).structuredContent;
    if (report.state !== "running") break;
    log(`campaign: ${report.counts.submitted}/${RECIPIENTS} sent, ${report.perSecond}/s`);
  }
  done = true;
  await interactive;
  await new Promise((r) => setTimeout(r, 2000)); // the last sends' callbacks
  const callbacksAfter = standin.callbacks();
  const seconds = (Date.now() - t0) / 1000;

  const sends = standin
    .requests()
    .slice(from)
    .filter((r) => r.path.endsWith("/template/msg") || r.path.endsWith("/v3/message"));
  const campaignSends = sends.filter((r) => r.path.endsWith("/template/msg") && r.status === 200);
  const arrivals = sends
    .filter((r) => r.status === 200)
    .map((r) => r.at)
    .sort((a, b) => a - b);
  // Steady rate of everything the app sent (campaign + interactive), as for the send runs: after the first window's 10.
  const rate = arrivals.length > 10 ? (arrivals.length - 10) / ((arrivals.at(-1) - arrivals[9]) / 1000) : Number.NaN;
  const bodies = campaignSends.map((r) => r.body);
  const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
  const idleP50 = pct(idle, 50);
  return {
    recipients: RECIPIENTS,
    latency: LATENCY,
    state: report.state,
    submitted: report.counts.submitted,
    received: campaignSends.length,
    duplicates: bodies.length - new Set(bodies).size,
    tooMany: standin.tooManyRequests() - tooManyBefore,
    callbacks: { posted: callbacksAfter.posted - callbacksBefore.posted, failed: callbacksAfter.failed - callbacksBefore.failed },
    seconds,
    rate,
    ceiling: safeCeiling(LATENCY),
    interactive: { count: busy.length, idle: { p50: idleP50, p95: pct(idle, 95) }, busy: { p50: pct(busy, 50), p95: pct(busy, 95), max: Math.max(...busy) }, waitP95: pct(busy, 95) - idleP50 },
  };
}
