import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WEBHOOK_SECRET_HEADER } from "../src/constants";
import { appObjectName } from "../src/gateway/names";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, postWebhookFor, registeredSecret, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001"; // UTILITY: "Hi {{1}}, your order {{2}} has shipped!"
const SECOND = "5f0c6a1e-3b7d-4c2a-9e1f-000000000004"; // welcome_offer, made a UTILITY template with the same two values below
const SPRING_SALE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000002"; // MARKETING
const number = (i: number) => `9198${String(10_000_000 + i).slice(-8)}`;
const gateway = () => testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId)));
const recipients = (n: number) => Array.from({ length: n }, (_, i) => ({ destination: `+${number(i)}`, params: [`C${i}`, `ORD-${i}`] }));

/** The sends that reached Gupshup: to whom, with which template. */
async function sent(): Promise<{ destination: string; template: string }[]> {
  return (await upstreamRequests(/\/template\/msg$/)).map((r) => {
    const form = new URLSearchParams(r.body);
    return { destination: form.get("destination")!, template: (JSON.parse(form.get("template")!) as { id: string }).id };
  });
}

afterEach(() => vi.restoreAllMocks());
beforeEach(async () => {
  await resetAll();
  const data = "Hello {{1}}, order {{2}} is on its way.";
  await sandbox().patchTemplate(appId, SECOND, { status: "APPROVED", category: "UTILITY", data, containerMeta: JSON.stringify({ data, buttons: [], sampleText: data, enableSample: true }) });
});

describe("A/B test of two templates in a campaign", () => {
  it("sends a test share split between the two, waits, picks the one read more, and sends the rest with it; the report says which won and by how much", { timeout: 60_000 }, async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    // The sandbox would report every message read after 6 s; here the test says who read what.
    await sandbox().configureApp(appId, { subscriptions: [] });
    const preview = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients: recipients(60), abTest: { templateId: SECOND, share: 0.2, decideAfterMinutes: 30 } });
    expect(textOf(preview)).toContain(
      "A/B test: 12 people (20 %) first, half get order_update (A), half welcome_offer (B); 30 min after the last of them, the template more of them read goes to the other 48 (a tie: A).",
    );
    const campaignId = preview.structuredContent?.campaignId as string;
    await callTool(client, "start_campaign", { campaignId, confirm: true });

    // The test share goes out; the rest waits.
    let report = await callTool(client, "get_campaign", { campaignId });
    for (let i = 0; i < 200 && (report.structuredContent as { counts: { submitted: number; sending: number } }).counts.submitted < 12; i++) {
      await new Promise((r) => setTimeout(r, 50));
      report = await callTool(client, "get_campaign", { campaignId });
    }
    await new Promise((r) => setTimeout(r, 300));
    report = await callTool(client, "get_campaign", { campaignId });
    expect(report.structuredContent).toMatchObject({
      state: "running",
      counts: { submitted: 12, queued: 48, sending: 0 },
      abTest: { sent: { A: 6, B: 6 }, winner: null, decidesAt: expect.any(String) },
    });
    const test = await sent();
    expect(test).toHaveLength(12);
    expect(test.filter((s) => s.template === SECOND)).toHaveLength(6);
    // Spread over the list, not its first twelve rows.
    expect(test.map((s) => s.destination).filter((d) => Number(d.slice(-2)) >= 12).length).toBeGreaterThan(0);

    // 5 of B's six are read, 1 of A's.
    const page = (await callTool(client, "get_campaign", { campaignId, status: "submitted", limit: 50 })).structuredContent?.recipients as { destination: string; messageId: string }[];
    const templateOf = new Map(test.map((s) => [s.destination, s.template]));
    const byTemplate = (t: string) => page.filter((r) => templateOf.get(r.destination) === t);
    const secret = await registeredSecret();
    for (const r of [...byTemplate(SECOND).slice(0, 5), ...byTemplate(ORDER_UPDATE).slice(0, 1)]) {
      const event = { app: "DemoStore", timestamp: Date.now(), version: 2, type: "message-event", payload: { id: r.messageId, type: "read", destination: r.destination } };
      expect((await postWebhookFor(appId, JSON.stringify(event), { [WEBHOOK_SECRET_HEADER]: secret })).status).toBe(200);
    }
    expect(textOf(await callTool(client, "get_campaign", { campaignId }))).toContain(
      "A/B test so far: order_update (A) read by 16.7% of 6, welcome_offer (B) read by 83.3% of 6; the winner is chosen at",
    );
    expect(await sent()).toHaveLength(12);

    // Thirty minutes on, the alarm decides and sends the rest with the winner.
    await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec("UPDATE campaign SET ab_test_done_at = ab_test_done_at - 31 * 60000"));
    await runDurableObjectAlarm(gateway());
    for (let i = 0; i < 100 && (await callTool(client, "get_campaign", { campaignId })).structuredContent?.state !== "completed"; i++) await runDurableObjectAlarm(gateway());
    const done = await callTool(client, "get_campaign", { campaignId });
    expect(done.structuredContent).toMatchObject({ state: "completed", counts: { submitted: 60 }, abTest: { winner: "B", readRate: { A: 16.7, B: 83.3 } } });
    expect(textOf(done)).toContain(
      "A/B test: welcome_offer (B) won — welcome_offer (B) read by 83.3% of 6 against order_update (A) read by 16.7% of 6 when it was decided, 66.6 points ahead; the rest get welcome_offer.",
    );
    // A read arriving after the decision does not rewrite what it was decided on.
    const late = byTemplate(ORDER_UPDATE)[1]!;
    const event = { app: "DemoStore", timestamp: Date.now(), version: 2, type: "message-event", payload: { id: late.messageId, type: "read", destination: late.destination } };
    await postWebhookFor(appId, JSON.stringify(event), { [WEBHOOK_SECRET_HEADER]: secret });
    expect((await callTool(client, "get_campaign", { campaignId })).structuredContent).toMatchObject({ abTest: { winner: "B", readRate: { A: 16.7, B: 83.3 } } });
    const all = await sent();
    expect(all).toHaveLength(60);
    expect(new Set(all.map((s) => s.destination)).size).toBe(60);
    expect(all.filter((s) => s.template === ORDER_UPDATE)).toHaveLength(6);
  });

  it("refuses a test that cannot compare: another category, no delivery tracking, too small a share, the same template — before anything is kept", async () => {
    const client = await connect();
    const preview = (abTest: Record<string, unknown>, n = 60) => callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients: recipients(n), abTest });
    expect(textOf(await preview({ templateId: SPRING_SALE }))).toMatch(/^abTest\.templateId spring_sale cannot be tested against order_update: it is MARKETING and the campaign's is UTILITY/);
    expect(textOf(await preview({ templateId: ORDER_UPDATE }))).toMatch(/^abTest\.templateId is the campaign's own template/);
    expect(textOf(await preview({ templateId: SECOND }))).toMatch(/^An A\/B test picks the winner by how many read each template.*run configure_webhook first/);
    // From a file: said at its first batch, not after reading all of it.
    const lines = Array.from({ length: 20_000 }, (_, i) => `+${number(i)},C${i},ORD-${i}`).join("\n");
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = lines.slice(pulls * 8_000, ++pulls * 8_000);
        if (piece) controller.enqueue(new TextEncoder().encode(piece));
        else controller.close();
      },
    });
    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(new Response(body));
    const fromFile = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: "https://files.example.com/list.csv", abTest: { templateId: SECOND } });
    expect(textOf(fromFile)).toMatch(/^An A\/B test picks the winner/);
    expect(pulls).toBeLessThan(lines.length / 8_000 / 2);
    await callTool(client, "configure_webhook", { appId });
    expect(textOf(await preview({ templateId: SECOND, share: 0.1 }, 50))).toBe(
      "An A/B test of 10 % of 50 recipients is 5 people: at least 10 are needed to compare two templates. Raise the share, or leave abTest out.",
    );
    const kept = await runInDurableObject(gateway(), (_, state) => [
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign").one().n,
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign_stage").one().n,
    ]);
    expect(kept).toEqual([0, 0]);
    expect(await sent()).toHaveLength(0);
  });
});
