import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, operatorEnv, resetAll, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const PNG = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 64 }, (_, i) => i)));

beforeEach(resetAll);
afterEach(() => vi.restoreAllMocks());

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
    ["localhost with a trailing dot", "https://localhost./a.png", "image/png", /private\/loopback/],
    ["loopback written as one number", "https://2130706433/a.png", "image/png", /private\/loopback/],
    ["an IPv4-compatible IPv6 loopback", "https://[::7f00:1]/a.png", "image/png", /private\/loopback/],
    ["an IPv4-mapped IPv6 private address", "https://[::ffff:10.0.0.1]/a.png", "image/png", /private\/loopback/],
    ["NAT64", "https://[64:ff9b::a00:1]/a.png", "image/png", /private\/loopback/],
    ["IPv6 site-local", "https://[fec0::1]/a.png", "image/png", /private\/loopback/],
    ["the benchmark range", "https://198.18.0.1/a.png", "image/png", /private\/loopback/],
    ["multicast", "https://224.0.0.1/a.png", "image/png", /private\/loopback/],
    ["the reserved range", "https://240.0.0.1/a.png", "image/png", /private\/loopback/],
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

  it("downloads nothing for a caller who may not use the app", async () => {
    const download = vi.spyOn(globalThis, "fetch");
    const stranger = await connect({ env: { MCP_AUTH_TOKEN: "", GUPSHUP_PARTNER_TOKEN: "" }, headers: { Authorization: "Bearer made-up-token" } });
    const result = await callTool(stranger, "upload_media", { appId, file: "https://cdn.example.com/photo.png", fileType: "image/png" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/partner token/);
    expect(download).not.toHaveBeenCalled();
    expect(await upstreamRequests(/\/upload\/media$/)).toHaveLength(0);
  });

  it("names the upload after the URL's file, even one with a malformed %-escape", async () => {
    const png = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
    const download = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(png, { headers: { "Content-Length": String(png.byteLength) } }));
    const client = await connect({ env: operatorEnv });
    const result = await callTool(client, "upload_media", { appId, file: "https://cdn.example.com/spring%ZZsale.png", fileType: "image/png" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(String(download.mock.calls[0]![0])).toBe("https://cdn.example.com/spring%ZZsale.png");
    const [call] = await upstreamRequests(/\/upload\/media$/);
    expect(call!.body).toBe("file=<file spring_ZZsale.png image/png 72 bytes>&file_type=image/png");
  });
});
