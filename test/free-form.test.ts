import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;

beforeEach(resetAll);

describe("free-form messages (POST /v3/message, Meta format)", () => {
  it("send_text_message posts JSON with a normalised number and preview_url", async () => {
    const client = await connect();
    const result = await callTool(client, "send_text_message", { appId, destination: "+91 98765-43210", text: "Your parcel is at the door", previewUrl: true });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "submitted", destination: "919876543210", windowState: "unknown" });
    const [call] = await upstreamRequests(/v3\/message$/);
    expect(call!.contentType).toBe("application/json");
    expect(call!.headers.authorization).toMatch(/^sk_sandbox/);
    expect(JSON.parse(call!.body)).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "919876543210",
      type: "text",
      text: { body: "Your parcel is at the door", preview_url: true },
    });
  });

  it("send_media_message sends a document by link with caption and filename", async () => {
    const client = await connect();
    const result = await callTool(client, "send_media_message", {
      appId,
      destination: "919876543210",
      mediaType: "document",
      url: "https://cdn.example.com/invoice.pdf",
      caption: "Invoice",
      filename: "invoice-42.pdf",
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [call] = await upstreamRequests(/v3\/message$/);
    expect(JSON.parse(call!.body)).toMatchObject({ type: "document", document: { link: "https://cdn.example.com/invoice.pdf", caption: "Invoice", filename: "invoice-42.pdf" } });
  });

  it("send_media_message sends a sticker by media id", async () => {
    const client = await connect();
    await callTool(client, "send_media_message", { appId, destination: "919876543210", mediaType: "sticker", mediaId: "1234567890" });
    const [call] = await upstreamRequests(/v3\/message$/);
    expect(JSON.parse(call!.body)).toMatchObject({ type: "sticker", sticker: { id: "1234567890" } });
  });

  it("send_location_message sends coordinates, name and address", async () => {
    const client = await connect();
    const result = await callTool(client, "send_location_message", { appId, destination: "919876543210", latitude: 12.9716, longitude: 77.5946, name: "Store", address: "MG Road, Bengaluru" });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [call] = await upstreamRequests(/v3\/message$/);
    expect(JSON.parse(call!.body)).toMatchObject({ type: "location", location: { latitude: 12.9716, longitude: 77.5946, name: "Store", address: "MG Road, Bengaluru" } });
  });

  it.each([
    ["send_text_message", { destination: "not a number", text: "x" }, /phone number with country code/],
    ["send_text_message", { destination: "919876543210", text: "" }, /must not be empty/],
    ["send_media_message", { destination: "919876543210", mediaType: "image", url: "https://a.example.com/x.jpg", mediaId: "1" }, /exactly one of url or mediaId/],
    ["send_media_message", { destination: "919876543210", mediaType: "image" }, /exactly one of url or mediaId/],
    ["send_media_message", { destination: "919876543210", mediaType: "audio", url: "https://a.example.com/x.mp3", caption: "hi" }, /does not allow a caption on audio/],
    ["send_media_message", { destination: "919876543210", mediaType: "image", url: "https://a.example.com/x.jpg", filename: "x.jpg" }, /filename is only for documents/],
    ["send_media_message", { destination: "919876543210", mediaType: "video", url: "http://a.example.com/x.mp4" }, /https/],
    ["send_location_message", { destination: "919876543210", latitude: 91, longitude: 0 }, /latitude must be between -90 and 90/],
    ["send_location_message", { destination: "919876543210", latitude: 0, longitude: -181 }, /longitude must be between -180 and 180/],
  ])("%s rejects %j before any upstream call", async (tool, args, message) => {
    const client = await connect();
    const result = await callTool(client, tool, { appId, ...args });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests(/v3\/message$/)).toHaveLength(0);
  });
});

describe("apps that cannot use /v3/message", () => {
  it.each([
    [{ cloud: false }, /not a WhatsApp Cloud API app.*Migrate the app to Cloud API.*send_template_message/],
    [{ callbackBilling: false }, /does not have Callback Billing enabled.*enable Callback Billing.*send_template_message/],
  ])("a refusal (%o) says what the partner must do in Gupshup", async (patch, advice) => {
    await sandbox().configureApp(appId, patch);
    const client = await connect();
    const result = await callTool(client, "send_text_message", { appId, destination: "919876543210", text: "Hello" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(advice);
    const calls = await upstreamRequests(/v3\/message$/);
    expect(calls.map((c) => c.status)).toEqual([400]);
  });
});

describe("send_message: every free-form type in one tool, sent as the type's own tool sends it", () => {
  const sent = async (args: Record<string, unknown>) => {
    const client = await connect();
    await sandbox().clearRequests();
    const result = await callTool(client, "send_message", { appId, destination: "+91 98765 43210", ...args });
    const calls = await upstreamRequests(/v3\/message$/);
    return { result, body: calls.length === 1 ? JSON.parse(calls[0]!.body) : undefined, calls: calls.length };
  };

  it.each([
    [
      { type: "text", text: "Hi", previewUrl: true },
      { type: "text", text: { body: "Hi", preview_url: true } },
    ],
    [
      { type: "document", url: "https://cdn.example.com/i.pdf", text: "Invoice", filename: "i.pdf" },
      { type: "document", document: { link: "https://cdn.example.com/i.pdf", caption: "Invoice", filename: "i.pdf" } },
    ],
    [
      { type: "sticker", mediaId: "1234567890" },
      { type: "sticker", sticker: { id: "1234567890" } },
    ],
    [
      { type: "location", location: { latitude: 12.97, longitude: 77.59, name: "Store" } },
      { type: "location", location: { latitude: 12.97, longitude: 77.59, name: "Store" } },
    ],
    [
      { type: "buttons", text: "Still need help?", buttons: [{ title: "Yes" }, { id: "no", title: "No" }] },
      {
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: "Still need help?" },
          action: {
            buttons: [
              { type: "reply", reply: { id: "Yes", title: "Yes" } },
              { type: "reply", reply: { id: "no", title: "No" } },
            ],
          },
        },
      },
    ],
    [
      { type: "link", text: "Track it here", url: "https://shop.example.com/t/1", buttonText: "Track" },
      {
        type: "interactive",
        interactive: { type: "cta_url", body: { text: "Track it here" }, action: { name: "cta_url", parameters: { display_text: "Track", url: "https://shop.example.com/t/1" } } },
      },
    ],
    [
      { type: "location_request", text: "Where should we deliver?" },
      { type: "interactive", interactive: { type: "location_request_message", body: { text: "Where should we deliver?" }, action: { name: "send_location" } } },
    ],
  ])("%o goes out as %o", async (args, wire) => {
    const { result, body } = await sent(args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "submitted", destination: "919876543210" });
    expect(body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "919876543210", ...wire });
  });

  it.each([
    [{ type: "image" }, "send_message was not run: url: give exactly one of url or mediaId. Correct it and call again."],
    [{ type: "sticker", mediaId: "1", text: "hi" }, "send_message was not run: text: WhatsApp does not allow a caption on sticker. Correct it and call again."],
    [{ type: "buttons", text: "Pick" }, "send_message was not run: buttons: kind buttons needs buttons. Correct it and call again."],
    [{ type: "link", text: "Go", url: "http://x.example.com" }, /^send_message was not run: buttonText: .*; url: url\.link must be an https URL\. Correct them and call again\.$/],
    [{ type: "location" }, "send_message was not run: location.latitude: is required; location.longitude: is required. Correct them and call again."],
    [{ type: "fax", text: "x" }, /^send_message was not run: type: must be one of text, image, video, audio, document, sticker, location, buttons, list, link, location_request\./],
  ])("refuses %o before any call, in send_message's own field names", async (args, message) => {
    const { result, calls } = await sent(args);
    expect(result.isError).toBe(true);
    if (typeof message === "string") expect(textOf(result)).toBe(message);
    else expect(textOf(result)).toMatch(message);
    expect(calls).toBe(0);
  });

  it("a field the type does not use is left out, and the result says so", async () => {
    const { result, body } = await sent({ type: "text", text: "Hi", header: "Order", buttons: [{ title: "Yes" }] });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "919876543210", type: "text", text: { body: "Hi" } });
    expect(textOf(result)).toMatch(/ Not used by type text, so not sent: header, buttons\.$/);
  });
});
