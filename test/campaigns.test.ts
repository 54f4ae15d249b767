import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { DRAFT_ROWS_PER_APP } from "../src/campaigns/desk";
import { WEBHOOK_SECRET_HEADER } from "../src/constants";
import { appObjectName } from "../src/gateway/names";
import { SANDBOX_DEMO_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, evictGateway, postWebhookFor, registeredSecret, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001"; // UTILITY: "Hi {{1}}, your order {{2}} has shipped!"
const number = (i: number) => `9198${String(10_000_000 + i).slice(-8)}`;
const sends = () => upstreamRequests(/\/template\/msg$/);
const destinationOf = (body: string) => new URLSearchParams(body).get("destination");

beforeEach(resetAll);

/** A previewed campaign of `count` numbers (order_update, a name and an order number each). */
async function previewed(client: Awaited<ReturnType<typeof connect>>, count: number): Promise<string> {
  const recipients = Array.from({ length: count }, (_, i) => ({ destination: `+${number(i)}`, params: [`C${i}`, `ORD-${i}`] }));
  return (await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients })).structuredContent?.campaignId as string;
}

/** Polls get_campaign until the campaign is in `state` (or the time is up). */
async function waitFor(client: Awaited<ReturnType<typeof connect>>, campaignId: string, state: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const report = await callTool(client, "get_campaign", { campaignId });
    if (report.structuredContent?.state === state || Date.now() > until) return report;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("campaigns", () => {
  it("previews a list: duplicates removed, invalid rows named, opted-out numbers skipped, samples and an estimate; nothing is sent", async () => {
    const client = await connect();
    await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: [`+${number(3)}`] });
    const preview = await callTool(client, "preview_campaign", {
      appId,
      templateId: ORDER_UPDATE,
      recipients: [
        { destination: `+${number(1)}`, params: ["Asha", "ORD-1"] },
        { destination: `+${number(2)}`, params: ["Ravi", "ORD-2"] },
        { destination: `+${number(1)}`, params: ["Asha again", "ORD-1b"] },
        { destination: "12345", params: ["Bad", "ORD-3"] },
        { destination: `+${number(3)}`, params: ["Opted", "ORD-4"] },
        { destination: `+${number(5)}`, params: ["Only one"] },
      ],
    });
    expect(preview.isError).toBeFalsy();
    expect(preview.structuredContent).toMatchObject({ total: 6, queued: 2, duplicates: 1, optedOut: 1, notOnWhatsApp: 0, invalid: { count: 2 } });
    const text = textOf(preview);
    expect(text).toContain("- row 4: 12345 is not a phone number");
    expect(text).toContain("- row 6: 1 value(s) for 2 variable(s): give body {{1}}, body {{2}}, in that order");
    expect(text).toContain(`Sample 1 (to ${number(1)}):\nHi Asha, your order ORD-1 has shipped!`);
    expect(text).toMatch(
      /Estimate: 2 sends, about 1 s \(Gupshup allows 10 sends a second per app, each counted until it answers: about 7\.7 a second\); cost about 0\.0048 USD \(the average UTILITY fee over \d+ such message\(s\) in the last 30 days/,
    );
    expect(text).toMatch(/Wallet balance: 42\.5 USD\./);
    expect(await sends()).toHaveLength(0);
  });

  it('takes the spec\'s message { type: "text" } for a TEXT template: said in the preview, and never sent', async () => {
    const client = await connect();
    const recipients = [{ destination: `+${number(1)}`, params: ["Asha", "ORD-1"] }];
    const message = { type: "text", text: "Hi Asha, your order ORD-1 has shipped!" };
    const preview = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients, message });
    expect(preview.isError, textOf(preview)).toBeFalsy();
    expect(textOf(preview)).toContain(`message { type: "text" } is not needed: each person gets the template's own text`);
    const started = await callTool(client, "start_campaign", { campaignId: preview.structuredContent?.campaignId, confirm: true });
    expect(started.isError, textOf(started)).toBeFalsy();
    await waitFor(client, preview.structuredContent?.campaignId as string, "completed");
    const [sent] = await sends();
    expect(new URLSearchParams(sent!.body).has("message")).toBe(false);
    // A text message for an IMAGE template is refused with the shape it needs.
    const image = await callTool(client, "preview_campaign", { appId, templateId: "5f0c6a1e-3b7d-4c2a-9e1f-000000000002", recipients: [{ destination: `+${number(2)}`, params: ["20%"] }], message });
    expect(textOf(image)).toMatch(/spring_sale has an IMAGE header: pass message as \{ type: "image"/);
  });

  it("sends a few hundred recipients exactly once each, with 0 upstream 429s, and reports completion", { timeout: 90_000 }, async () => {
    const client = await connect();
    const recipients = Array.from({ length: 200 }, (_, i) => ({ destination: `+${number(100 + i)}`, params: [`Customer ${i}`, `ORD-${i}`] }));
    const preview = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients });
    const campaignId = preview.structuredContent?.campaignId as string;
    const started = await callTool(client, "start_campaign", { campaignId, confirm: true });
    expect(started.isError, textOf(started)).toBeFalsy();
    const done = await waitFor(client, campaignId, "completed");
    expect(done.structuredContent).toMatchObject({ state: "completed", counts: { submitted: 200, queued: 0, sending: 0, failed: 0, unknown: 0 } });
    const sent = await sends();
    expect(sent).toHaveLength(200);
    expect(new Set(sent.map((r) => destinationOf(r.body))).size).toBe(200);
    expect(sent.filter((r) => r.status === 429)).toHaveLength(0);
  });
});

describe("campaigns: bounded previews", () => {
  const recipientRows = () =>
    runInDurableObject(
      testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId))),
      (_, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM campaign_recipient").one().n,
    );
  const preview = (client: Awaited<ReturnType<typeof connect>>, name: string, count: number) =>
    callTool(client, "preview_campaign", {
      appId,
      templateId: ORDER_UPDATE,
      name,
      recipients: Array.from({ length: count }, (_, i) => ({ destination: `+${number(i)}`, params: [`C${i}`, `ORD-${i}`] })),
    });

  /** A preview as preview_campaign hands it to the app's object. */
  const internalDraft = (name: string, count: number) => ({
    kind: "draft" as const,
    draft: {
      appId,
      name,
      templateId: ORDER_UPDATE,
      templateName: "order_update",
      category: "UTILITY",
      source: "919000000001",
      srcName: "DemoStore",
      message: null,
      upstream: "sandbox",
      feePerMessage: null,
      currency: null,
      tier: null,
      dailyLimit: null,
      rows: Array.from({ length: count }, (_, i) => ({ row: i + 1, destination: number(i), params: ["a", "b"] })),
    },
  });
  const draftIds = () =>
    runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId))), (_, state) =>
      state.storage.sql
        .exec<{ id: string }>("SELECT id FROM campaign ORDER BY created_at")
        .toArray()
        .map((r) => r.id),
    );
  /** A caller by OAuth connection: each its own scope. */
  const principal = (i: number) => ({ upstream: "sandbox", partner: { kind: "token" as const, token: SANDBOX_DEMO_PARTNER_TOKEN }, principal: `grant:caller-${i}` });

  it("a caller's new preview of the same name replaces the old one, and a caller keeps 3 previews: storage stays bounded however many they make", async () => {
    const client = await connect();
    const first = await preview(client, "Festive", 2_000);
    const again = await preview(client, "Festive", 2_000);
    expect(textOf(again)).toContain(`It replaces your earlier preview of "Festive" (${first.structuredContent?.campaignId})`);
    expect(textOf(await callTool(client, "start_campaign", { campaignId: first.structuredContent?.campaignId, confirm: true }))).toMatch(/^No campaign/);

    for (const name of ["A", "B", "C"]) await preview(client, name, 2_000);
    const listed = (await callTool(client, "list_campaigns", { appId })).structuredContent as { campaigns: { name: string }[] };
    expect(listed.campaigns.map((c) => c.name)).toEqual(["C", "B", "A"]);
    expect(await recipientRows()).toBe(6_000);
    expect(await sends()).toEqual([]);
  });

  it("all callers together keep at most 10 previews and 1,000,000 recipients in them: a caller only ever replaces their own, and is refused when the rest are others'", async () => {
    const gateway = testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId)));
    const names = async () => ((await gateway.campaign(appId, principal(0), { kind: "list", limit: 50 })) as unknown as { reply: { campaign: { name: string } }[] }).reply.map((r) => r.campaign.name);

    for (let i = 0; i < 10; i++) expect(await gateway.campaign(appId, principal(i), internalDraft(`P${i}`, 100))).toMatchObject({ ok: true });
    expect(await gateway.campaign(appId, principal(10), internalDraft("P10", 100))).toMatchObject({
      ok: false,
      refusal: expect.stringMatching(/^App previews are full: 10 campaign previews not started \(1000 recipients\)/),
    });
    // A caller with a preview of their own makes room with it.
    expect(await gateway.campaign(appId, principal(3), internalDraft("P3b", 100))).toMatchObject({ ok: true, reply: { replaced: [{ name: "P3", why: "too many previews" }] } });
    expect((await names()).sort()).toEqual(["P0", "P1", "P2", "P3b", "P4", "P5", "P6", "P7", "P8", "P9"]);
  });

  it("recipients count too: with 1,000,000 in two callers' previews, a third caller's one more does not fit", async () => {
    const gateway = testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId)));
    for (const [caller, name] of [
      [0, "A1"],
      [0, "A2"],
      [1, "B1"],
      [1, "B2"],
    ] as const)
      expect(await gateway.campaign(appId, principal(caller), internalDraft(name, 1_000))).toMatchObject({ ok: true });
    expect(await recipientRows()).toBe(4_000);
    expect(await gateway.campaign(appId, principal(2), internalDraft("C1", 1))).toMatchObject({ ok: true });
    await gateway.campaign(appId, principal(2), { kind: "cancel", id: (await draftIds()).at(-1)! });
    // The four previews as large as the app allows (their counts as the caps read them; a million real rows would only slow the test).
    await runInDurableObject(gateway, (_, state) => state.storage.sql.exec("UPDATE campaign_tally SET n = ? WHERE bucket = 'state:queued'", DRAFT_ROWS_PER_APP / 4));
    expect(await gateway.campaign(appId, principal(2), internalDraft("C1", 1))).toMatchObject({
      ok: false,
      refusal: expect.stringMatching(/^App previews are full: 4 campaign previews not started \(1000000 recipients\)/),
    });
    expect(await recipientRows()).toBe(4_000);
  });

  it("cancelling a preview forgets it and its recipients at once", async () => {
    const client = await connect();
    const campaignId = (await preview(client, "Festive", 500)).structuredContent?.campaignId as string;
    const cancelled = await callTool(client, "cancel_campaign", { campaignId });
    expect(cancelled.structuredContent).toMatchObject({ state: "cancelled", reason: "Cancelled before it started: the preview is forgotten." });
    expect(await recipientRows()).toBe(0);
    expect(textOf(await callTool(client, "get_campaign", { campaignId }))).toMatch(/^No campaign/);
  });
});

describe("campaigns: starting", () => {
  it("does not start without confirm: true, nor when the wallet cannot pay the estimate", async () => {
    const client = await connect();
    const campaignId = await previewed(client, 10);

    const unconfirmed = await callTool(client, "start_campaign", { campaignId });
    expect(unconfirmed.isError).toBe(true);
    expect(textOf(unconfirmed)).toContain("confirm must be true: show the person preview_campaign's counts, samples and cost");

    await sandbox().configureApp(appId, { wallet: { currency: "USD", currentBalance: 0.01, overDraftLimit: 0 } });
    const poor = await callTool(client, "start_campaign", { campaignId, confirm: true });
    expect(poor.isError).toBe(true);
    expect(textOf(poor)).toMatch(/^Not started: the campaign is estimated at 0\.0\d+ USD but the wallet has 0\.01 USD — 0\.0\d+ USD short\. Top up the Gupshup wallet, then start_campaign again\.$/);
    expect(await sends()).toHaveLength(0);
    expect((await callTool(client, "get_campaign", { campaignId })).structuredContent).toMatchObject({ state: "draft" });
  });

  it("refuses a template that is not APPROVED, a draft older than 24 hours, and another partner's campaign — before any send", async () => {
    const client = await connect();
    const pending = await callTool(client, "preview_campaign", { appId, templateId: "5f0c6a1e-3b7d-4c2a-9e1f-000000000004", recipients: [{ destination: `+${number(1)}`, params: ["Asha"] }] });
    expect(textOf(pending)).toMatch(/^Template welcome_offer .* is PENDING; only APPROVED templates can be sent/);
    const recipients = [{ destination: `+${number(1)}`, params: ["Asha", "ORD-1"] }];
    const otherNumber = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, source: "+91 99999 99999", recipients });
    expect(textOf(otherNumber)).toMatch(/^919999999999 is not the number of app .* \(DemoStore\): it sends from 919000000001\. Leave source out to use it\.$/);

    const campaignId = await previewed(client, 3);
    await runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId))), (_, state) => {
      state.storage.sql.exec("UPDATE campaign SET created_at = created_at - ?", 25 * 3_600_000);
    });
    const listedBefore = (await upstreamRequests()).length;
    const expired = await callTool(client, "start_campaign", { campaignId, confirm: true });
    expect(textOf(expired)).toBe("This campaign's preview is more than 24 hours old: run preview_campaign again, so the list, the opt-outs and the estimate are current.");
    expect((await upstreamRequests()).length).toBe(listedBefore);
    expect(textOf(await callTool(client, "get_campaign", { campaignId }))).toContain("This campaign's preview is more than 24 hours old");

    const foreign = await callTool(client, "get_campaign", { campaignId: `${SEED_APP_IDS.other}:${campaignId.split(":")[1]}` });
    expect(foreign.isError).toBe(true);
    expect(textOf(foreign)).not.toContain("C0");
    const malformed = await callTool(client, "pause_campaign", { campaignId: "not-a-campaign" });
    expect(textOf(malformed)).toMatch(/campaignId is the id preview_campaign returned \(list_campaigns shows them\)/);
    expect(await sends()).toHaveLength(0);
  });

  it("a CSV with more columns than values: columns picks them by header name or number, a header can name them, and otherwise one refusal says how", async () => {
    const client = await connect();
    const csv = `email,name,city,mobile,order\nasha@example.com,Asha,Pune,+${number(1)},ORD-1\nravi@example.com,Ravi,Goa,+${number(2)},ORD-2\nasha2@example.com,Asha again,Pune,+${number(1)},ORD-9\n`;
    const refused = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: csv });
    expect(textOf(refused)).toBe(
      'The CSV has 5 columns (email, name, city, mobile, order), more than the 3 the template takes (the number\'s column, then one per value (body {{1}}, body {{2}})), and its header does not say which. Pass columns to pick them, e.g. columns: ["mobile","email","name"]; nothing was checked or kept.',
    );
    const byName = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: csv, columns: ["Mobile", "name", "order"] });
    expect(byName.isError, textOf(byName)).toBeFalsy();
    expect(byName.structuredContent).toMatchObject({ total: 3, queued: 2, duplicates: 1, duplicateRows: [{ row: 4, sameAs: 2 }], invalid: { count: 0 } });
    expect(textOf(byName)).toContain("Hi Asha, your order ORD-1 has shipped!");
    expect(textOf(byName)).toContain("Duplicates (each number gets the message once): row 4 repeats row 2.");
    const byNumber = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: csv, columns: ["4", "2", "5"] });
    expect(byNumber.structuredContent).toMatchObject({ queued: 2 });
    const named = `phone,{{1}},notes,{{2}}\n+${number(3)},Meera,VIP,ORD-3\n`;
    expect(textOf(await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: named }))).toContain("Hi Meera, your order ORD-3 has shipped!");
    expect(textOf(await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: csv, columns: ["phone", "name", "order"] }))).toBe(
      "columns: the CSV has no column 'phone'; its columns are email, name, city, mobile, order.",
    );
    // Without a header, a first row that starts with a name is a recipient, not a header.
    const headerless = `Asha,+${number(4)},ORD-4\nRavi,+${number(5)},ORD-5\n`;
    const picked = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: headerless, columns: ["2", "1", "3"] });
    expect(picked.structuredContent).toMatchObject({ total: 2, queued: 2 });
    const listed = await callTool(client, "preview_campaign", {
      appId,
      templateId: ORDER_UPDATE,
      recipients: [{ destination: `+${number(6)}`, params: ["Meera", "ORD-6"] }],
      columns: ["1", "2", "3"],
    });
    expect(textOf(listed)).toContain("columns was not used: it picks CSV columns, and the recipients came as a list.");
    expect(await sends()).toHaveLength(0);
  });

  it("reads the list from CSV text: a header line, quoted values with commas, and row numbers as the file has them", async () => {
    const client = await connect();
    const csv = `phone,name,order\r\n+${number(1)},"Rao, Asha",ORD-1\r\n\r\n+${number(2)},"Ravi ""RK""",ORD-2\r\n98765,Bad,ORD-3\r\n`;
    const preview = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: csv });
    expect(preview.structuredContent).toMatchObject({ total: 3, queued: 2, invalid: { count: 1, rows: [{ row: 5, reason: expect.stringContaining("98765") }] } });
    expect(textOf(preview)).toContain("Hi Rao, Asha, your order ORD-1 has shipped!");
    expect(textOf(preview)).toContain('Hi Ravi "RK", your order ORD-2 has shipped!');
    const both = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsCsv: csv, recipients: [] });
    expect(textOf(both)).toContain("give recipients, recipientsCsv or recipientsUrl (one of them)");
  });

  it("skips a number that opted out between the preview and the send", { timeout: 30_000 }, async () => {
    const client = await connect();
    const campaignId = await previewed(client, 5);
    await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: [`+${number(2)}`] });
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    const done = await waitFor(client, campaignId, "completed");
    expect(done.structuredContent).toMatchObject({ counts: { submitted: 4, skipped: 1 } });
    const skipped = await callTool(client, "get_campaign", { campaignId, status: "skipped" });
    expect(skipped.structuredContent?.recipients).toEqual([expect.objectContaining({ row: 3, destination: number(2), state: "skipped", reason: expect.stringMatching(/^opted out since/) })]);
    expect((await sends()).map((r) => destinationOf(r.body))).not.toContain(number(2));
  });
});

describe("campaigns: stopping and going on", () => {
  it("pauses before the wallet runs dry (it reads the wallet as it sends), and resume_campaign finishes it after a top-up, nobody twice", { timeout: 60_000 }, async () => {
    const client = await connect();
    const campaignId = await previewed(client, 12);
    // The start checks the wallet against the estimate; the wallet runs low only afterwards.
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await callTool(client, "pause_campaign", { campaignId });
    await sandbox().configureApp(appId, { wallet: { currency: "USD", currentBalance: 0.0024 * 5, overDraftLimit: 0 } });
    const sentBefore = (await sends()).length;
    await callTool(client, "resume_campaign", { campaignId });
    const paused = await waitFor(client, campaignId, "paused");
    expect(paused.structuredContent).toMatchObject({
      state: "paused",
      reason: expect.stringMatching(/^Paused before the wallet runs dry: it has 0\.01 USD \(overdraft 0 USD\), and the next \d+ sends cost about 0\.0\d+ USD\./),
    });
    expect(textOf(paused)).toContain("Top up, then control_campaign with action resume.\n");
    expect(textOf(paused)).toContain("control_campaign with action resume continues with the");
    // Nothing went to Gupshup to be refused.
    expect((await sends()).slice(sentBefore).filter((r) => r.status !== 200)).toEqual([]);

    await sandbox().configureApp(appId, { wallet: { currency: "USD", currentBalance: 10, overDraftLimit: 0 } });
    expect((await callTool(client, "resume_campaign", { campaignId })).structuredContent).toMatchObject({ state: "running" });
    const done = await waitFor(client, campaignId, "completed");
    expect(done.structuredContent).toMatchObject({ counts: { submitted: 12, failed: 0, queued: 0 } });
    const accepted = (await sends()).filter((r) => r.status === 200).map((r) => destinationOf(r.body));
    expect(accepted).toHaveLength(12);
    expect(new Set(accepted).size).toBe(12);
  });

  it("when the wallet cannot be read, Gupshup's refusal (1003) pauses it", { timeout: 60_000 }, async () => {
    const client = await connect();
    const campaignId = await previewed(client, 12);
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await callTool(client, "pause_campaign", { campaignId });
    await sandbox().configureApp(appId, { wallet: { currency: "USD", currentBalance: 0.0024 * 5, overDraftLimit: 0 } });
    await sandbox().failNext({ path: "/wallet/balance$", status: 503, times: 20 });
    await callTool(client, "resume_campaign", { campaignId });
    const paused = await waitFor(client, campaignId, "paused");
    expect(paused.structuredContent).toMatchObject({ state: "paused", reason: expect.stringContaining("The wallet balance ran out (Gupshup 1003 Wallet Balance Low)") });
    // Sends already in flight when it paused settle before the test ends.
    for (let i = 0; i < 100 && ((await callTool(client, "get_campaign", { campaignId })).structuredContent as { counts: { sending: number } }).counts.sending > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
  });

  it("pauses when the inbox learns a campaign message failed with 1003 (wallet balance low)", { timeout: 60_000 }, async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const campaignId = await previewed(client, 80);
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await waitUntilSent(3);
    const first = (await callTool(client, "get_campaign", { campaignId, status: "submitted", limit: 1 })).structuredContent?.recipients as { messageId: string }[];
    const failed = {
      app: "DemoStore",
      timestamp: Date.now(),
      version: 2,
      type: "message-event",
      payload: { id: first[0]!.messageId, type: "failed", destination: number(0), payload: { code: 1003, reason: "Wallet Balance Low" } },
    };
    expect((await postWebhookFor(appId, JSON.stringify(failed), { [WEBHOOK_SECRET_HEADER]: await registeredSecret() })).status).toBe(200);
    const paused = await callTool(client, "get_campaign", { campaignId });
    expect(paused.structuredContent).toMatchObject({ state: "paused", reason: expect.stringContaining("Gupshup 1003 Wallet Balance Low") });
    expect(paused.structuredContent).toMatchObject({ counts: { queued: expect.any(Number) } });
    expect((paused.structuredContent as { counts: { queued: number } }).counts.queued).toBeGreaterThan(0);
    await callTool(client, "cancel_campaign", { campaignId });
    // Nothing left in flight when the next test resets the objects: the sends, then their callbacks.
    const sending = async () => ((await callTool(client, "get_campaign", { campaignId })).structuredContent as { counts: { sending: number } }).counts.sending;
    while ((await sending()) > 0) await new Promise((r) => setTimeout(r, 50));
    await sandbox().deliverCallbacks();
  });

  it("cancel stops it before the next send; pause and resume by hand", { timeout: 60_000 }, async () => {
    const client = await connect();
    const campaignId = await previewed(client, 80);
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await waitUntilSent(5);
    const paused = await callTool(client, "pause_campaign", { campaignId });
    expect(paused.structuredContent).toMatchObject({ state: "paused", reason: "Paused with control_campaign." });
    // A send already handed to Gupshup when the pause came still arrives; none starts after it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentWhenPaused = (await sends()).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await sends()).length).toBe(sentWhenPaused);
    await callTool(client, "resume_campaign", { campaignId });
    await waitUntilSent(sentWhenPaused + 5);

    const cancelled = await callTool(client, "cancel_campaign", { campaignId });
    expect(cancelled.structuredContent).toMatchObject({ state: "cancelled" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentWhenCancelled = (await sends()).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sent = await sends();
    expect(sent.length).toBe(sentWhenCancelled);
    const report = await callTool(client, "get_campaign", { campaignId });
    expect(report.structuredContent).toMatchObject({ state: "cancelled", counts: { submitted: sent.length, queued: 80 - sent.length } });
    expect(textOf(report)).toContain(`${80 - sent.length} recipient(s) were not sent the message.`);
    expect(textOf(await callTool(client, "resume_campaign", { campaignId }))).toMatch(/is cancelled; only a paused campaign can be resumed/);
  });
});

describe("campaigns: surviving the real world", () => {
  it("an eviction mid-campaign: it carries on where it stopped, nobody twice, nobody lost", { timeout: 60_000 }, async () => {
    const client = await connect();
    const campaignId = await previewed(client, 60);
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await waitUntilSent(15);
    await evictGateway(appObjectName(appId));
    const done = await waitFor(client, campaignId, "completed");
    const counts = done.structuredContent?.counts as { submitted: number; unknown: number };
    // A send in flight at the eviction has no answer on record: it is "unknown", never sent again.
    expect(counts.submitted + counts.unknown).toBe(60);
    expect(counts.unknown).toBeLessThanOrEqual(10); // at most the sends in flight: one waiting for its turn was not sent, and is sent now
    expect(counts).toMatchObject({ queued: 0, sending: 0, failed: 0 });
    const sent = (await sends()).map((r) => destinationOf(r.body));
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.length).toBeGreaterThanOrEqual(counts.submitted);
    expect(sent.length).toBeLessThanOrEqual(60);
  });

  it("delivery counts of a campaign started before tracking say they cover only the sends after it", { timeout: 60_000 }, async () => {
    const client = await connect();
    const campaignId = await previewed(client, 3);
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await waitFor(client, campaignId, "completed");
    const untracked = await callTool(client, "get_campaign", { campaignId });
    expect(untracked.structuredContent).toMatchObject({ delivery: { tracked: false, trackedSince: null } });
    expect(textOf(untracked)).toContain("Delivery is not tracked for this app: run configure_webhook");
    await callTool(client, "configure_webhook", { appId });
    const report = await callTool(client, "get_campaign", { campaignId });
    const since = (report.structuredContent!.delivery as { trackedSince: string }).trackedSince;
    expect(report.structuredContent).toMatchObject({ delivery: { tracked: true, delivered: 0, deliveredRate: 0 } });
    expect(textOf(report)).toContain(`These count only messages sent after delivery tracking started (${since}); Gupshup reported on those sent before to no one, so the rates read low.`);
  });

  it("counts delivery from the inbox, and the next preview skips a number that is not on WhatsApp", { timeout: 60_000 }, async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    // Sandbox numbers ending in 0000 are not on WhatsApp (1002).
    const recipients = [...Array.from({ length: 4 }, (_, i) => `+${number(i + 1)}`), "+919800000000"].map((destination, i) => ({ destination, params: [`C${i}`, `ORD-${i}`] }));
    const campaignId = (await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients })).structuredContent?.campaignId as string;
    await callTool(client, "start_campaign", { campaignId, confirm: true });
    await waitFor(client, campaignId, "completed");
    await sandbox().deliverCallbacks();
    const report = await callTool(client, "get_campaign", { campaignId });
    expect(report.structuredContent).toMatchObject({ counts: { submitted: 5 }, delivery: { tracked: true, delivered: 4, read: 4, failed: 1, deliveredRate: 80, readRate: 100 } });
    expect(textOf(report)).toMatch(/Delivery: 4 delivered \(80% of sent\), 4 read \(100% of delivered\), 1 failed\.\n- failed 1002 .* \(1\): /);
    const failed = await callTool(client, "get_campaign", { campaignId, status: "submitted", limit: 2 });
    expect(failed.structuredContent).toMatchObject({
      recipients: [
        { row: 1, delivery: "read" },
        { row: 2, delivery: "read" },
      ],
      nextCursor: 2,
    });

    // Each campaign message keeps its latest stage only in the inbox: one row per message, not one per event.
    const gateway = testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId)));
    const sql = <T>(query: string) => runInDurableObject(gateway, (_, state) => state.storage.sql.exec(query).toArray() as T);
    expect(await sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM inbox_status s JOIN campaign_recipient r ON r.message_id = s.message_id")).toEqual([{ n: 5 }]);
    // A campaign stored before reports kept tallies is counted from its rows when its object starts, to the same report.
    await sql("DELETE FROM campaign_tally");
    await sql("UPDATE campaign_recipient SET delivery = NULL, delivery_code = NULL");
    await evictGateway(appObjectName(appId));
    expect((await callTool(client, "get_campaign", { campaignId })).structuredContent).toEqual(report.structuredContent);

    const again = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients });
    expect(again.structuredContent).toMatchObject({ queued: 4, notOnWhatsApp: 1 });
  });
});

/** Waits until the sandbox has received at least `count` template sends. */
async function waitUntilSent(count: number) {
  const until = Date.now() + 30_000;
  while ((await sends()).length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}
