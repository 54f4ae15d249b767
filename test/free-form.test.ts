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
