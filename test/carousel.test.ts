import { beforeEach, describe, expect, it } from "vitest";
import { CAROUSEL_RULES } from "../src/sandbox/rules";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;

const card = (n: number) => ({
  headerType: "IMAGE",
  mediaUrl: `https://cdn.example.com/shoe-${n}.jpg`,
  body: `Shoe ${n} for {{1}}`,
  example: `Shoe ${n} for Rahul`,
  buttons: [
    { type: "URL", text: "Buy now", url: "https://shop.example.com/p?promo={{1}}", example: "https://shop.example.com/p?promo=SPRING" },
    { type: "QUICK_REPLY", text: "More like this" },
  ],
});

const carousel = {
  appId,
  elementName: "new_shoes",
  languageCode: "en",
  category: "MARKETING",
  templateType: "CAROUSEL",
  content: "Hi {{1}}, our new shoes are here.",
  example: "Hi Rahul, our new shoes are here.",
  cards: [card(1), card(2)],
};

beforeEach(resetAll);

/** The carousel above, created and then approved by "Meta". */
async function approvedCarousel(client: Awaited<ReturnType<typeof connect>>): Promise<string> {
  const created = await callTool(client, "create_template", carousel);
  expect(created.isError, textOf(created)).toBeFalsy();
  const id = (created.structuredContent!.template as { id: string }).id;
  await sandbox().patchTemplate(appId, id, { status: "APPROVED" });
  return id;
}

describe("CAROUSEL templates", () => {
  it("creates a carousel: cards go to Gupshup as its carousel pages show them, and the template lists its cards and every value a send fills", async () => {
    const client = await connect();
    const created = await callTool(client, "create_template", carousel);
    expect(created.isError, textOf(created)).toBeFalsy();
    const [call] = await upstreamRequests(/\/templates$/);
    const form = new URLSearchParams(call!.body);
    expect(form.get("templateType")).toBe("CAROUSEL");
    expect(form.get("content")).toBe(carousel.content);
    expect(form.get("example")).toBe(carousel.example);
    expect(form.has("header") || form.has("buttons") || form.has("exampleMedia")).toBe(false);
    expect(JSON.parse(form.get("cards")!)).toEqual(
      [1, 2].map((n) => ({
        headerType: "IMAGE",
        mediaUrl: `https://cdn.example.com/shoe-${n}.jpg`,
        body: `Shoe ${n} for {{1}}`,
        sampleText: `Shoe ${n} for Rahul`,
        buttons: [
          {
            type: "URL",
            text: "Buy now",
            url: "https://shop.example.com/p?promo={{1}}",
            example: ["https://shop.example.com/p?promo=SPRING"],
            buttonValue: "https://shop.example.com/p?promo=",
            suffix: "SPRING",
          },
          { type: "QUICK_REPLY", text: "More like this" },
        ],
      })),
    );
    const template = created.structuredContent!.template as { templateType: string; cards: unknown[]; params: string[] };
    expect(template.templateType).toBe("CAROUSEL");
    expect(template.cards).toHaveLength(2);
    expect(template.params).toEqual(["body {{1}}", "card 1 body {{1}}", 'card 1 button "Buy now" {{1}}', "card 2 body {{1}}", 'card 2 button "Buy now" {{1}}']);
  });

  it.each([
    [{ cards: [card(1)] }, /a carousel has 2 to 10 cards/],
    [{ cards: Array.from({ length: 11 }, (_, i) => card(i)) }, /a carousel has 2 to 10 cards/],
    [{ cards: [card(1), { ...card(2), headerType: "VIDEO" }] }, /every card has the same header type: card 1 is IMAGE, card 2 is VIDEO/],
    [{ cards: [card(1), { ...card(2), buttons: [{ type: "QUICK_REPLY", text: "More" }] }] }, /every card has the same buttons in the same order/],
    [{ cards: [card(1), { ...card(2), mediaUrl: undefined }] }, /card 2 needs its sample media: exampleMedia .* or mediaUrl/],
    [{ cards: [card(1), { ...card(2), body: "x".repeat(161) }] }, /a card body must be at most 160 characters/],
    [{ cards: [card(1), { ...card(2), example: undefined }] }, /card 2's body has variables, so it needs example/],
    [{ cards: [card(1), card(2)].map((c) => ({ ...c, buttons: [{ type: "COPY_CODE", example: "SAVE10" }] })) }, /card buttons are QUICK_REPLY, URL or PHONE_NUMBER; card 1 has COPY_CODE/],
    [{ cards: undefined }, /CAROUSEL templates need cards/],
    [{ header: "New shoes" }, /a CAROUSEL template has no header of its own/],
    [{ category: "AUTHENTICATION" }, /CAROUSEL templates are only available for MARKETING and UTILITY/],
    [{ templateType: "TEXT" }, /cards are only for templateType CAROUSEL/],
  ])("refuses a carousel that breaks a rule (%#) before any upstream call", async (override, message) => {
    const client = await connect();
    const result = await callTool(client, "create_template", { ...carousel, ...override });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests(/\/templates$/)).toHaveLength(0);
  });

  it("refuses to edit a template into a carousel, which Gupshup does not allow, before any upstream call", async () => {
    const client = await connect();
    const result = await callTool(client, "edit_template", { appId, templateId: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", templateType: "CAROUSEL", content: "Hi" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/a template cannot be edited into a CAROUSEL, and Gupshup does not allow editing carousels/);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("sends a carousel: one media per card in the template's order, the cards' params after the body's, as Gupshup's carousel send takes them", async () => {
    const client = await connect();
    const id = await approvedCarousel(client);
    const result = await callTool(client, "send_template_message", {
      appId,
      destination: "+91 98865 12227",
      template: { id, params: ["Asha"] },
      message: {
        type: "carousel",
        cards: [
          { link: "https://cdn.example.com/a.jpg", params: ["Asha", "SPRING1"] },
          { id: "998877", params: ["Asha", "SPRING2"] },
        ],
      },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent!.warnings).toEqual([]);
    const [call] = await upstreamRequests(/\/template\/msg$/);
    expect(call!.status).toBe(200);
    const form = new URLSearchParams(call!.body);
    expect(JSON.parse(form.get("template")!)).toEqual({ id, params: ["Asha", "Asha", "SPRING1", "Asha", "SPRING2"] });
    expect(JSON.parse(form.get("message")!)).toEqual({ type: "carousel", cardHeaderType: "IMAGE", cards: [{ link: "https://cdn.example.com/a.jpg" }, { id: "998877" }] });
  });

  it("leaves a carousel whose cards Gupshup's list does not show to Gupshup's own check, instead of refusing every send", async () => {
    const client = await connect();
    const id = await approvedCarousel(client);
    await sandbox().patchTemplate(appId, id, { containerMeta: JSON.stringify({ data: carousel.content }) });
    const result = await callTool(client, "send_template_message", {
      appId,
      destination: "+91 98865 12227",
      template: { id, params: ["Asha"] },
      message: { type: "carousel", cardHeaderType: "VIDEO", cards: [{ id: "1" }, { id: "2" }] },
    });
    // The simulator keeps its cards where the list shows them, so here it has none to match: its refusal is Gupshup's.
    expect(textOf(result)).toContain(`Gupshup said: "${CAROUSEL_RULES.sendProblem([], { type: "carousel", cardHeaderType: "VIDEO", cards: [{ id: "1" }, { id: "2" }] })}"`);
    const [call] = await upstreamRequests(/\/template\/msg$/);
    expect(JSON.parse(new URLSearchParams(call!.body).get("message")!)).toEqual({ type: "carousel", cardHeaderType: "VIDEO", cards: [{ id: "1" }, { id: "2" }] });
  });

  it("refuses a carousel send that cannot work — no cards, the wrong number of cards, the wrong header type, a carousel for another template — before sending", async () => {
    const client = await connect();
    const id = await approvedCarousel(client);
    const send = { appId, destination: "+91 98865 12227", template: { id, params: ["Asha", "A", "S1", "A", "S2"] } };
    // Not in the cache yet: Gupshup (the simulator) refuses a carousel without its cards.
    const uncached = await callTool(client, "send_template_message", send);
    expect(textOf(uncached)).toContain(`Gupshup said: "${CAROUSEL_RULES.sendProblem([{}, {}], undefined)}"`);
    await sandbox().clearRequests();
    await callTool(client, "list_templates", { appId });
    const links = [{ link: "https://cdn.example.com/a.jpg" }, { link: "https://cdn.example.com/b.jpg" }];
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /new_shoes is a CAROUSEL of 2 cards: pass message as \{ type: "carousel", cards: \[\{ link: "https:\/\/…" \}, …\] \} with one image per card/],
      [{ message: { type: "carousel", cards: links.slice(0, 1) } }, /was approved with 2 cards: give message.cards 2 entries/],
      [{ message: { type: "carousel", cardHeaderType: "VIDEO", cards: links } }, /cards have IMAGE headers, not VIDEO/],
      // The right total, but values that would land in another card's slots.
      [
        {
          template: { id, params: ["Asha"] },
          message: {
            type: "carousel",
            cards: [
              { ...links[0], params: ["A"] },
              { ...links[1], params: ["A", "S2", "X"] },
            ],
          },
        },
        /template.params holds the message body's 1 and each card its own \(card 1: 2, card 2: 2\); card 1 takes 2, 1 given; card 2 takes 2, 3 given/,
      ],
      // A carousel's slots are all known: too few is refused, not sent with a warning.
      [{ template: { id, params: ["Asha", "A", "S1"] }, message: { type: "carousel", cards: links } }, /new_shoes takes 5 param\(s\), 3 given/],
      [{ message: { type: "carousel", cards: [{ link: "http://cdn.example.com/a.jpg" }, links[1]] } }, /a card's link must be an https URL/],
      [{ template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000001", params: ["Rahul", "ORD-1"] }, message: { type: "carousel", cards: links } }, /order_update is TEXT, not a CAROUSEL/],
    ];
    for (const [override, error] of cases) {
      const result = await callTool(client, "send_template_message", { ...send, ...override });
      expect(result.isError, JSON.stringify(override)).toBe(true);
      expect(textOf(result)).toMatch(error);
    }
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("previews and runs a campaign of a carousel: every row fills the body's and the cards' values, and each send carries the cards", async () => {
    const client = await connect();
    const id = await approvedCarousel(client);
    const recipients = [1, 2].map((n) => ({ destination: `+91987650000${n}`, params: [`C${n}`, `C${n}`, `P${n}`, `C${n}`, `Q${n}`] }));
    const message = { type: "carousel", cards: [{ link: "https://cdn.example.com/a.jpg" }, { link: "https://cdn.example.com/b.jpg" }] };
    const preview = await callTool(client, "preview_campaign", { appId, templateId: id, recipients, message });
    expect(preview.isError, textOf(preview)).toBeFalsy();
    expect(textOf(preview)).toContain("Hi C1, our new shoes are here.");
    expect(textOf(preview)).toContain("Card 2 (image): Shoe 2 for C1");
    const started = await callTool(client, "start_campaign", { campaignId: preview.structuredContent!.campaignId, confirm: true });
    expect(started.isError, textOf(started)).toBeFalsy();
    for (let i = 0; i < 100 && (await upstreamRequests(/\/template\/msg$/)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const sent = await upstreamRequests(/\/template\/msg$/);
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    expect(JSON.parse(new URLSearchParams(sent[0]!.body).get("message")!)).toEqual({ type: "carousel", cardHeaderType: "IMAGE", cards: message.cards });
  });

  it("simulator: refuses a carousel whose cards break Meta's rules, and a send with fewer cards than approved", () => {
    expect(CAROUSEL_RULES.cardsProblem([{ headerType: "IMAGE", mediaUrl: "https://a", body: "x" }])).toBe("cards must be a list of 2 to 10 cards");
    expect(CAROUSEL_RULES.sendProblem([{ headerType: "IMAGE" }, { headerType: "IMAGE" }], { type: "carousel", cardHeaderType: "IMAGE", cards: [{ link: "https://a" }] })).toBe(
      "the number of cards (1) does not match the template's (2)",
    );
  });
});
