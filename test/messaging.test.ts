import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";
const WELCOME_OFFER_PENDING = "5f0c6a1e-3b7d-4c2a-9e1f-000000000004";

const send = {
  appId,
  source: "919000000001",
  destination: "+91 98865-12227",
  srcName: "DemoStore",
  template: { id: ORDER_UPDATE, params: ["Rahul", "ORD-12345"] },
  message: { type: "text", text: "Hi Rahul, your order ORD-12345 has shipped!" },
};

beforeEach(resetAll);

describe("send_template_message", () => {
  it("sends form fields with template and message as JSON strings and a normalised destination", async () => {
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
    expect(JSON.parse(form.get("message")!)).toEqual(send.message);
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
    expect(textOf(wrongCount)).toMatch(/has 2 variable\(s\) but 1 param/);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("translates Gupshup's 'Invalid App Details' into what to check", async () => {
    const client = await connect();
    const result = await callTool(client, "send_template_message", { ...send, source: "919999999999" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Run list_apps/);
  });
});
