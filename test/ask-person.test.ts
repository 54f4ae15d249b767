import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, callWorker, connect, deliberatelyRevealing, MCP_AUTH_TOKEN, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";
type Answer = { action: "accept"; content: { confirm: boolean } } | { action: "decline" };

/** A 2026-07-28 client whose user is asked through MCP elicitation: it records each question and answers with `answer`. */
async function personAsked(answer: Answer) {
  const asked: string[] = [];
  const client = new Client({ name: "host-with-a-person", version: "1" }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: "2026-07-28" } } });
  client.setRequestHandler("elicitation/create", async (request) => {
    asked.push(request.params.message);
    return answer;
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), {
      fetch: (url, init) => callWorker(new Request(url, init)),
      requestInit: { headers: { Authorization: `Bearer ${MCP_AUTH_TOKEN}` } },
    }),
  );
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };
  return { asked, call };
}

const preview = async () => {
  const client = await connect();
  const recipients = [1, 2, 3].map((i) => ({ destination: `+91980000000${i}`, params: [`C${i}`, `ORD-${i}`] }));
  return (await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients, name: "Diwali" })).structuredContent?.campaignId as string;
};
const text = (result: { content: { text: string }[] }) => result.content.map((c) => c.text).join("\n");

beforeEach(resetAll);

describe("the person, not the model, approves what cannot be taken back (MCP elicitation)", () => {
  it("start_campaign asks the person with the count and cost; their no sends nothing, their yes starts it", async () => {
    const campaignId = await preview();
    const no = await personAsked({ action: "decline" });
    const refused = await no.call("start_campaign", { campaignId, confirm: true });
    expect(no.asked).toEqual([
      expect.stringMatching(/^Start campaign "Diwali" on app .*\? It sends template order_update to 3 people on WhatsApp, for (about|an unknown cost).*cannot be taken back\.$/),
    ]);
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^Not started: the person did not approve campaign "Diwali"/);

    const yes = await personAsked({ action: "accept", content: { confirm: true } });
    const started = await yes.call("start_campaign", { campaignId, confirm: true });
    expect(started.isError, text(started)).toBeFalsy();
    expect(yes.asked).toHaveLength(1);
    expect(started.structuredContent).toMatchObject({ state: expect.stringMatching(/running|completed/) });
    for (let i = 0; i < 100 && (await yes.call("get_campaign", { campaignId })).structuredContent?.state !== "completed"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(3);
  });

  it("delete_template asks the person which template goes; their no deletes nothing", async () => {
    const no = await personAsked({ action: "decline" });
    const refused = await no.call("delete_template", { appId, elementName: "promo_blast", confirm: true });
    expect(no.asked).toEqual([`Delete template promo_blast in every language from app ${appId}? This cannot be undone.`]);
    expect(text(refused)).toBe("Not deleted: the person did not approve deleting template promo_blast in every language.");
    const yes = await personAsked({ action: "accept", content: { confirm: true } });
    expect((await yes.call("delete_template", { appId, elementName: "promo_blast", confirm: true })).isError).toBeFalsy();
    expect((await upstreamRequests()).filter((r) => r.method === "DELETE").map((r) => r.path)).toEqual([`/partner/app/${appId}/template/promo_blast`]);
  });

  it("resume_campaign asks too: a campaign paused (here by hand) resumes only on the person's yes", async () => {
    const campaignId = await preview();
    await sandbox().failNext({ path: "/template/msg$", times: 3, delayMs: 500 }); // still sending when the pause comes
    const yes = await personAsked({ action: "accept", content: { confirm: true } });
    await yes.call("start_campaign", { campaignId, confirm: true });
    expect((await yes.call("pause_campaign", { campaignId })).structuredContent?.state).toBe("paused");
    const no = await personAsked({ action: "decline" });
    const refused = await no.call("resume_campaign", { campaignId });
    expect(no.asked).toEqual([
      expect.stringMatching(/^Resume campaign "Diwali" on app .*\? It sends template order_update to the \d+ people not reached yet \(it was paused: Paused with control_campaign\.\)/),
    ]);
    expect(text(refused)).toMatch(/^Not resumed: the person did not approve/);
    await new Promise((r) => setTimeout(r, 600)); // the sends in flight finish
    expect((await no.call("get_campaign", { campaignId })).structuredContent?.state).toBe("paused");
  });

  it("an accepted form that says no is a no", async () => {
    const campaignId = await preview();
    const unticked = await personAsked({ action: "accept", content: { confirm: false } });
    expect(text(await unticked.call("start_campaign", { campaignId, confirm: true }))).toMatch(/^Not started/);
  });

  it("get_app_token reveal, manage_opt_outs remove and configure_webhook ask first; refused, none reaches Gupshup or changes anything", async () => {
    const no = await personAsked({ action: "decline" });
    const owner = await connect();
    await callTool(owner, "manage_opt_outs", { appId, action: "add", destinations: ["+919800000009"] });
    const before = (await upstreamRequests()).length;

    const token = await no.call("get_app_token", { appId, reveal: true });
    expect(text(token)).toMatch(/^Not shown: the person did not approve revealing the token/);
    const removed = await no.call("manage_opt_outs", { appId, action: "remove", destinations: ["+919800000009"] });
    expect(text(removed)).toMatch(/^Not changed/);
    const webhook = await no.call("configure_webhook", { appId });
    expect(text(webhook)).toMatch(/^Not changed: the person did not approve where the app's callbacks go/);
    expect(no.asked).toEqual([
      expect.stringMatching(/^Show app .*'s access token in this conversation\?/),
      expect.stringMatching(/^Take 1 number\(s\) off app .*'s opt-out list \(919800000009\)\?/),
      expect.stringMatching(/^Send app .*'s WhatsApp callbacks — customers' numbers and messages, delivery reports — to http:\/\/localhost\/webhooks\/gupshup\/.*\? This replaces/),
    ]);
    expect((await upstreamRequests()).length).toBe(before);
    expect(textOf(await callTool(owner, "manage_opt_outs", { appId, action: "list" }))).toContain("919800000009");

    // The masked token needs no one's approval.
    const masked = await no.call("get_app_token", { appId });
    expect(masked.isError, text(masked)).toBeFalsy();
    expect(no.asked).toHaveLength(3);
  });

  it("a yes reveals the token; a client that cannot ask its user keeps reveal as the only gate", async () => {
    const yes = await personAsked({ action: "accept", content: { confirm: true } });
    const revealed = await deliberatelyRevealing(() => yes.call("get_app_token", { appId, reveal: true }));
    expect(revealed.structuredContent).toMatchObject({ masked: false });
    const legacy = await connect();
    const alsoRevealed = await deliberatelyRevealing(() => callTool(legacy, "get_app_token", { appId, reveal: true }));
    expect(alsoRevealed.structuredContent).toMatchObject({ masked: false });
  });
});
