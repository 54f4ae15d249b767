import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const PNG = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 64 }, (_, i) => i)));

beforeEach(resetAll);

describe("upload_media", () => {
  it("uploads base64 data as multipart with file and file_type, and returns the handleId", async () => {
    const client = await connect();
    const result = await callTool(client, "upload_media", { appId, file: PNG, fileType: "image/png" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent!.handleId).toMatch(/^4::/);
    expect(result.structuredContent!.bytes).toBe(72);
    const [call] = await upstreamRequests(/\/upload\/media$/);
    expect(call!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(call!.body).toBe("file=<file upload.png image/png 72 bytes>&file_type=image/png");
  });

  it("accepts a data: URI", async () => {
    const client = await connect();
    const result = await callTool(client, "upload_media", { appId, file: `data:image/png;base64,${PNG}`, fileType: "image/png" });
    expect(result.isError, textOf(result)).toBeFalsy();
  });

  it.each([
    ["a local path", "/Users/me/photo.jpg", "image/jpeg", /cannot read your disk.*https URL.*base64/],
    ["a Windows path", "C:\\pics\\photo.jpg", "image/jpeg", /cannot read your disk/],
    ["plain http", "http://example.com/photo.jpg", "image/jpeg", /must use https/],
    ["loopback", "https://127.0.0.1/photo.jpg", "image/jpeg", /private\/loopback/],
    ["localhost", "https://localhost/photo.jpg", "image/jpeg", /private\/loopback/],
    ["a private address", "https://10.1.2.3/a.png", "image/png", /private\/loopback/],
    ["this server itself", "https://localhost:8787/mcp", "image/png", /this server/],
    ["a PNG declared as JPEG", PNG, "image/jpeg", /does not look like image\/jpeg/],
    ["text that is not base64", "not base64 at all!", "image/png", /neither an https URL nor valid base64/],
    ["inline data over 4 MB", "A".repeat(4_000_001), "image/png", /put the file at an https URL/],
  ])("refuses %s with a message that says what to pass instead", async (_label, file, fileType, message) => {
    const client = await connect();
    const result = await callTool(client, "upload_media", { appId, file, fileType });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests()).toHaveLength(0);
  });
});
