import { describe, expect, it } from "vitest";
import { exchange } from "../src/api/exchange";

describe("the HTTP exchange with Gupshup", () => {
  it("aborts a call that does not answer in time, so it is really cancelled, and reports a timeout", async () => {
    let aborted = false;
    const hanging = {
      baseUrl: "https://partner.gupshup.invalid",
      fetch: (request: Request) =>
        new Promise<Response>((_, reject) => {
          request.signal.addEventListener("abort", () => {
            aborted = true;
            reject(request.signal.reason);
          });
        }),
    };
    const result = await exchange(hanging, { endpoint: "listApps" }, "partner-token", [], 50);
    expect(aborted).toBe(true);
    expect(result).toEqual({ ok: false, failure: { kind: "timeout", endpoint: "listApps", message: "Gupshup did not answer within 0.1 s" } });
  });

  it("reports the answer as begun when its headers arrive, before its body is read", async () => {
    let bodyDone = false;
    let answeredBeforeBody: boolean | undefined;
    const slowBody = {
      baseUrl: "https://partner.gupshup.invalid",
      fetch: async () =>
        new Response(
          new ReadableStream({
            async start(controller) {
              await new Promise((r) => setTimeout(r, 30));
              controller.enqueue(new TextEncoder().encode('{"status":"success","partnerAppsList":[]}'));
              bodyDone = true;
              controller.close();
            },
          }),
          { status: 200 },
        ),
    };
    const result = await exchange(slowBody, { endpoint: "listApps" }, "partner-token", [], 1000, () => {
      answeredBeforeBody = !bodyDone;
    });
    expect(result.ok).toBe(true);
    expect(answeredBeforeBody).toBe(true);
  });

  it("stops waiting for an answer whose body never ends", async () => {
    const endless = {
      baseUrl: "https://partner.gupshup.invalid",
      fetch: async () => new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"status":')) }), { status: 200 }),
    };
    const result = await exchange(endless, { endpoint: "listApps" }, "partner-token", [], 50);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failure.kind).toBe("timeout");
  });
});
