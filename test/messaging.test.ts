import { beforeEach, describe, expect, it } from "vitest";
import { TEMPLATE_SEND_RULES } from "../src/sandbox/rules";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, operatorEnv, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";
const WELCOME_OFFER_PENDING = "5f0c6a1e-3b7d-4c2a-9e1f-000000000004";
const PICKUP_LOCATION = "5f0c6a1e-3b7d-4c2a-9e1f-000000000006";
const NEW_ARRIVALS_CATALOG = "5f0c6a1e-3b7d-4c2a-9e1f-000000000007";
const location = { type: "location", location: { latitude: 12.9716, longitude: 77.5946, name: "DemoStore Indiranagar", address: "100 Feet Road, Bengaluru" } };

const send = {
  appId,
  destination: "+91 98865-12227",
  template: { id: ORDER_UPDATE, params: ["Rahul", "ORD-12345"] },
};

beforeEach(resetAll);

describe("send_template_message", () => {
  it("sends from the app's own number and name (looked up once), the template as a JSON string, no message for a text template, and a normalised destination", async () => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", send);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "submitted", destination: "919886512227" });
    expect(result.structuredContent!.messageId).toMatch(/^[0-9a-f-]{36}$/);

    const [call] = await upstreamRequests(/\/template\/msg$/);
    expect(call!.method).toBe("POST");
    expect(call!.contentType).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(call!.body);
    expect(form.get("source")).toBe("919000000001");
    expect(form.get("destination")).toBe("919886512227");
    expect(form.get("src.name")).toBe("DemoStore");
    expect(JSON.parse(form.get("template")!)).toEqual({ id: ORDER_UPDATE, params: ["Rahul", "ORD-12345"] });
    expect(form.has("message")).toBe(false);
    expect(result.structuredContent!.warnings).toEqual([]);
    expect(textOf(result)).not.toMatch(/Warning/);

    const again = await callTool(client, "send_template_message", { ...send, template: { id: ORDER_UPDATE, params: ["Asha", "ORD-2"] }, source: "+91 90000 00001", srcName: "DemoStore" });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(2);
    expect(await upstreamRequests(/\/partnerApps$/)).toHaveLength(1);
  });

  it("takes the spec's own example call (message { type: \"text\" } for a TEXT template): the template's text is used, message is not sent, and the result says so", async () => {
    // The spec's app and template: DemoStore as "MyBrand" on 919643874844, order_update under the spec's id, the default app.
    const SPEC_TEMPLATE = "9ff51097-48c9-47c7-a4e4-a9bb5801d8ea";
    await sandbox().configureApp(appId, { name: "MyBrand", phone: "919643874844" });
    await sandbox().patchTemplate(appId, ORDER_UPDATE, { id: SPEC_TEMPLATE });
    const client = await connect({ env: { ...operatorEnv, GUPSHUP_DEFAULT_APP_ID: appId } });
    const specExample = {
      source: "919643874844",
      destination: "918886912227",
      srcName: "MyBrand",
      template: { id: "9ff51097-48c9-47c7-a4e4-a9bb5801d8ea", params: ["Rahul", "ORD-12345"] },
      message: { type: "text", text: "Hi Rahul, your order ORD-12345 has shipped!" },
    };
    const result = await callTool(client, "send_template_message", specExample);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "submitted", appId, destination: "918886912227", warnings: [] });
    expect(result.structuredContent!.notes).toEqual([
      `The template's own text was sent, filled with params ("Hi Rahul, your order ORD-12345 has shipped!"); message.text is not needed and was not sent.`,
    ]);
    expect(textOf(result)).toContain("The template's own text was sent");
    const [call] = await upstreamRequests(/\/template\/msg$/);
    const form = new URLSearchParams(call!.body);
    expect(call!.path).toBe(`/partner/app/${appId}/template/msg`);
    expect(Object.fromEntries(form)).toEqual({
      source: "919643874844",
      destination: "918886912227",
      "src.name": "MyBrand",
      template: JSON.stringify({ id: SPEC_TEMPLATE, params: ["Rahul", "ORD-12345"] }),
    });

    // Text that is not what the template says is not sent either, and the result warns with what WhatsApp shows.
    const other = await callTool(client, "send_template_message", { ...specExample, destination: "918886912228", message: { type: "text", text: "Your parcel is on its way" } });
    expect(other.isError, textOf(other)).toBeFalsy();
    expect(other.structuredContent!.warnings).toEqual([
      `message.text was not sent: WhatsApp shows the approved template's own text, filled with params: "Hi Rahul, your order ORD-12345 has shipped!". To change the words, edit the template (edit_template) or use another.`,
    ]);
    expect((await upstreamRequests(/\/template\/msg$/)).map((r) => new URLSearchParams(r.body).has("message"))).toEqual([false, false]);
  });

  it.each([
    ["5f0c6a1e-3b7d-4c2a-9e1f-000000000002", ["20%"], /spring_sale has an IMAGE header: pass message as \{ type: "image", image: \{ link: "https:\/\/…" \} \}/],
    [PICKUP_LOCATION, ["ORD-12345"], /pickup_location is a LOCATION template: pass message as \{ type: "location", location: \{ latitude, longitude, name, address \} \}/],
  ])("refuses a text message for template %s (media or LOCATION) with the shape it needs, before sending — even when its list was not cached", async (id, params, error) => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", { ...send, template: { id, params }, message: { type: "text", text: "Hello" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(error);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("sends media headers as the message object", async () => {
    const client = await connect();
    const message = { type: "image", image: { link: "https://cdn.example.com/sale.jpg" } };
    const result = await callTool(client, "send_template_message", { ...send, template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000002", params: ["20%"] }, message });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [call] = await upstreamRequests(/\/template\/msg$/);
    expect(JSON.parse(new URLSearchParams(call!.body).get("message")!)).toEqual(message);
  });

  it.each([
    [{ destination: "call me maybe" }, /phone number with country code/],
    [{ destination: "12345" }, /phone number with country code/],
    [{ template: { id: "../../etc/passwd", params: [] } }, /templateId must be/],
    [{ message: { type: "image", image: { link: "http://insecure.example.com/a.jpg" } } }, /https/],
    [{ message: { type: "image", image: {} } }, /exactly one of link or id/],
    [{ message: { type: "location", location: { latitude: 91, longitude: 77.5 } } }, /latitude must be between -90 and 90/],
    [{ message: { type: "location", location: { latitude: 12.9, longitude: -180.5 } } }, /longitude must be between -180 and 180/],
    [{ message: { type: "location", location: { latitude: "12.9", longitude: 77.5 } } }, /latitude/],
    [{ message: { type: "location", location: { longitude: 77.5 } } }, /latitude/],
  ])("rejects %j before any upstream call", async (override, message) => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", { ...send, ...override });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("refuses a template that is not APPROVED, or the wrong number of params, when the list is cached — without sending", async () => {
    const client = await connect();
    await callTool(client, "list_templates", { appId });
    const pending = await callTool(client, "send_template_message", { ...send, template: { id: WELCOME_OFFER_PENDING, params: ["Asha"] } });
    expect(pending.isError).toBe(true);
    expect(textOf(pending)).toMatch(/is PENDING; only APPROVED templates can be sent/);
    const wrongCount = await callTool(client, "send_template_message", { ...send, template: { id: ORDER_UPDATE, params: ["Rahul"] } });
    expect(wrongCount.isError).toBe(true);
    expect(textOf(wrongCount)).toBe("Template order_update takes 2 param(s), 1 given. Pass one value for each, in this order: body {{1}}, body {{2}}.");
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("sends a LOCATION template with the location as the message object", async () => {
    const client = await connect();
    await callTool(client, "list_templates", { appId });
    const result = await callTool(client, "send_template_message", { ...send, template: { id: PICKUP_LOCATION, params: ["ORD-12345"] }, message: location });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [call] = await upstreamRequests(/\/template\/msg$/);
    expect(JSON.parse(new URLSearchParams(call!.body).get("message")!)).toEqual(location);
  });

  it("refuses a LOCATION template without a location when the list is cached — saying what to pass, without sending", async () => {
    const client = await connect();
    await callTool(client, "list_templates", { appId });
    const result = await callTool(client, "send_template_message", { ...send, template: { id: PICKUP_LOCATION, params: ["ORD-12345"] } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/pickup_location is a LOCATION template: pass message as \{ type: "location", location: \{ latitude, longitude, name, address \} \}/);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("simulator: refuses a LOCATION template whose message has no location (the list was not cached, so the server could not check)", async () => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", { ...send, template: { id: PICKUP_LOCATION, params: ["ORD-12345"] } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Gupshup said: "${TEMPLATE_SEND_RULES.missingLocation}"`);
    const [call] = await upstreamRequests(/\/template\/msg$/);
    expect(call!.status).toBe(400);
  });

  it("takes the product id as the last param of a CATALOG template, and warns instead of refusing when it seems missing", async () => {
    const client = await connect();
    await callTool(client, "list_templates", { appId });
    const withProduct = await callTool(client, "send_template_message", { ...send, template: { id: NEW_ARRIVALS_CATALOG, params: ["Rahul", "SKU-123"] } });
    expect(withProduct.isError, textOf(withProduct)).toBeFalsy();
    expect(withProduct.structuredContent!.warnings).toEqual([]);
    const without = await callTool(client, "send_template_message", { ...send, destination: "919886512228", template: { id: NEW_ARRIVALS_CATALOG, params: ["Rahul"] } });
    expect(without.isError, textOf(without)).toBeFalsy();
    expect(without.structuredContent!.warnings).toEqual([
      "Template new_arrivals takes 2 param(s) in this order: body {{1}}, then the product id; 1 given: the product id is missing. Check the message as delivered before sending more.",
    ]);
    expect(textOf(without)).toMatch(/\nWarning: Template new_arrivals takes 2 param/);
    const sent = await upstreamRequests(/\/template\/msg$/);
    expect(sent.map((r) => JSON.parse(new URLSearchParams(r.body).get("template")!).params)).toEqual([["Rahul", "SKU-123"], ["Rahul"]]);
  });

  it("fills header, body and URL-button variables from params in message order; warns when some seem missing, refuses too many", async () => {
    const container = { data: "Hi {{1}}, order {{2}} shipped.", header: "Order {{1}}", buttons: [{ type: "URL", text: "Track", url: "https://shop.example.com/t/{{1}}" }] };
    const listed = { id: ORDER_UPDATE, elementName: "order_update", status: "APPROVED", templateType: "TEXT", category: "UTILITY", containerMeta: JSON.stringify(container) };
    await sandbox().failNext({ path: "/templates$", method: "GET", status: 200, body: JSON.stringify({ status: "success", templates: [listed] }), times: 1 });
    const client = await connect();
    await callTool(client, "list_templates", { appId });

    const listedText = textOf(await callTool(client, "list_templates", { appId }));
    expect(listedText).toContain('params: header {{1}}, body {{1}}, body {{2}}, button "Track" {{1}}');

    const outcomes = [];
    for (const [i, params] of [
      ["h", "a", "b", "u"],
      ["a", "b"],
      ["a", "b", "c"],
    ].entries()) {
      const result = await callTool(client, "send_template_message", { ...send, destination: `91988651222${i}`, template: { id: ORDER_UPDATE, params } });
      expect(result.isError, textOf(result)).toBeFalsy();
      outcomes.push(result.structuredContent!.warnings);
    }
    const order = 'in this order: header {{1}}, body {{1}}, body {{2}}, button "Track" {{1}}';
    expect(outcomes).toEqual([
      [],
      [expect.stringContaining(`takes 4 param(s) ${order}; 2 given: values fill them in order, so body {{2}} and button "Track" {{1}} would get none.`)],
      [expect.stringContaining('3 given: values fill them in order, so button "Track" {{1}} would get none.')],
    ]);
    const tooMany = await callTool(client, "send_template_message", { ...send, destination: "919886512229", template: { id: ORDER_UPDATE, params: ["h", "a", "b", "u", "x"] } });
    expect(textOf(tooMany)).toBe(`Template order_update takes 4 param(s), 5 given. Pass one value for each, ${order}.`);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(3);
  });

  it("refuses a source or srcName that is not the app's, naming the right one, without sending", async () => {
    const client = await connect();
    const wrongNumber = await callTool(client, "send_template_message", { ...send, source: "919999999999" });
    expect(wrongNumber.isError).toBe(true);
    expect(textOf(wrongNumber)).toBe(`919999999999 is not the number of app '${appId}' (DemoStore): it sends from 919000000001. Leave source out to use it.`);
    const wrongName = await callTool(client, "send_template_message", { ...send, srcName: "Demo Store" });
    expect(textOf(wrongName)).toBe(`'Demo Store' is not the name of app '${appId}': it is 'DemoStore'. Leave srcName out to use it.`);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("uses source and srcName as given when the app list cannot be read, and translates Gupshup's 'Invalid App Details' into what to check", async () => {
    const client = await connect();
    await sandbox().failNext({ path: "/partnerApps$", status: 500, times: 1 });
    const result = await callTool(client, "send_template_message", { ...send, source: "919999999999", srcName: "DemoStore" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Gupshup did not accept the sender .*source 919999999999 or srcName 'DemoStore'.*Leave source and srcName out/);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(1);
  });

  it("asks for the media of a template with a media header when the list is cached, without sending", async () => {
    const client = await connect();
    await callTool(client, "list_templates", { appId });
    const result = await callTool(client, "send_template_message", { ...send, template: { id: "5f0c6a1e-3b7d-4c2a-9e1f-000000000002", params: ["20%"] } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/has an IMAGE header: pass message as \{ type: "image", image: \{ link: "https:\/\/…" \} \}/);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("refuses a number without a country code, with an example, before any upstream call", async () => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", { ...send, destination: "98765 43210" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("98765 43210 has no country code: write it with + and the country code, e.g. +91 98765 43210 (India) or +1 415 555 0123 (US).");
    const national = await callTool(client, "send_text_message", { appId, destination: "09876543210", text: "Hi" });
    expect(textOf(national)).toMatch(/^09876543210 has no country code/);
    expect(await upstreamRequests(/\/(template\/msg|v3\/message)$/)).toHaveLength(0);
  });

  it("adds GUPSHUP_DEFAULT_COUNTRY_CODE to a number without one, and says so", async () => {
    const client = await connect({ env: { ...operatorEnv, GUPSHUP_DEFAULT_COUNTRY_CODE: "+91" } });
    const result = await callTool(client, "send_template_message", { ...send, destination: "098765 43210" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ destination: "919876543210" });
    expect(textOf(result)).toContain("098765 43210 had no country code: +91 (this server's default) was added.");
    const withCode = await callTool(client, "send_template_message", { ...send, destination: "+1 415 555 0123" });
    expect(withCode.structuredContent).toMatchObject({ destination: "14155550123" });
    expect(textOf(withCode)).not.toContain("country code");
    const [first, second] = await upstreamRequests(/\/template\/msg$/);
    expect(new URLSearchParams(first!.body).get("destination")).toBe("919876543210");
    expect(new URLSearchParams(second!.body).get("destination")).toBe("14155550123");
  });

  it("refuses a message of a type templates do not take, saying what message is for", async () => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", { ...send, message: { type: "audio", audio: { link: "https://cdn.example.com/a.mp3" } } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/message is for a media header .* a TEXT template needs none/);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });
});
