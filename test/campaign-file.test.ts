import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appObjectName } from "../src/gateway/names";
import { SANDBOX_DEMO_PARTNER_TOKEN, SANDBOX_OTHER_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, evictGateway, resetAll, type ToolResult, testEnv, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001"; // UTILITY: "Hi {{1}}, your order {{2}} has shipped!"
const LIST_URL = "https://files.example.com/festive/customers.csv";
const number = (i: number) => `9198${String(10_000_000 + i).slice(-8)}`;
const gateway = () => testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId)));
const count = (table: string) => runInDurableObject(gateway(), (_, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);
const stagedRows = () =>
  runInDurableObject(gateway(), (_, state) => (state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'campaign_stage'").toArray().length ? count("campaign_stage") : 0));

/** A CSV of `rows` recipients with a header: row i is a name and an order for number(i), some values quoted with commas. */
function customers(rows: number): string {
  const lines = ["phone,name,order"];
  for (let i = 0; i < rows; i++) lines.push(i % 7 === 0 ? `+${number(i)},"Rao, C${i}",ORD-${i}` : `+${number(i)},C${i},ORD-${i}`);
  return `${lines.join("\r\n")}\r\n`;
}

/** The file served in pieces of odd sizes (records, quotes and CRLFs split across them); `onPiece` runs before each piece is given. */
function served(text: string, pieceBytes = 7_777, onPiece?: (index: number) => Promise<void> | void): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      await onPiece?.(index++);
      controller.enqueue(bytes.slice(at, at + pieceBytes));
      at += pieceBytes;
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/csv", "Content-Length": String(bytes.byteLength) } });
}

beforeEach(resetAll);
afterEach(() => vi.restoreAllMocks());

describe("campaign recipients from a file (recipientsUrl)", () => {
  it("a file with more columns than values takes columns the same way; without them it is refused once and nothing is kept", async () => {
    const client = await connect();
    const file = customers(3_000)
      .replace(/^phone,name,order/, "phone,name,order,email")
      .replace(/(ORD-\d+)\r\n/g, "$1,x@example.com\r\n");
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => served(file));
    const refused = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: LIST_URL });
    expect(textOf(refused)).toMatch(
      /^The CSV has 4 columns \(phone, name, order, email\), more than the 3 the template takes .* e\.g\. columns: \["phone","name","order"\]; nothing was checked or kept\.$/,
    );
    expect(await stagedRows()).toBe(0);
    const picked = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: LIST_URL, columns: ["phone", "name", "order"] });
    expect(picked.isError, textOf(picked)).toBeFalsy();
    expect(picked.structuredContent).toMatchObject({ total: 3_000, queued: 3_000, invalid: { count: 0 } });
    expect(textOf(picked)).toContain("Hi C1, your order ORD-1 has shipped!");
  });

  it("reads a 12,000-row file in batches: counts, invalid rows with their lines, duplicates across batches, opt-outs, samples and progress; nothing is sent", async () => {
    const client = await connect();
    await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: [`+${number(4)}`] });
    const rows = customers(12_000)
      .replace(`+${number(9)},C9,ORD-9`, "12345,Bad,ORD-9")
      .replace(`+${number(11_000)},C11000,ORD-11000`, `+${number(10)},Again,ORD-again`);
    const download = vi.spyOn(globalThis, "fetch").mockImplementation(async () => served(rows));
    const progress: number[] = [];
    const result = (await client.callTool({ name: "preview_campaign", arguments: { appId, templateId: ORDER_UPDATE, name: "Festive", recipientsUrl: LIST_URL } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
      timeout: 60_000,
    })) as ToolResult;

    expect(download).toHaveBeenCalledTimes(1);
    expect(String(download.mock.calls[0]![0])).toBe(LIST_URL);
    expect(result.structuredContent).toMatchObject({
      total: 12_000,
      queued: 11_997,
      duplicates: 1,
      optedOut: 1,
      invalid: { count: 1, rows: [{ row: 11, reason: expect.stringContaining("12345") }] },
    });
    expect(textOf(result)).toContain(`12000 row(s) in https://files.example.com/festive/customers.csv: 11997 to send, 1 duplicate(s) removed, 1 invalid, 1 opted out`);
    expect(textOf(result)).toContain("Hi Rao, C0, your order ORD-0 has shipped!");
    // One notification per batch of 5,000 rows, the bytes read so far, rising.
    expect(progress).toHaveLength(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // In the app object: each number once, its first row; the staging rows gone.
    expect(await count("campaign_recipient")).toBe(11_997);
    const again = await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec<{ row: number }>("SELECT row FROM campaign_recipient WHERE destination = ?", number(10)).toArray());
    expect(again).toEqual([{ row: 12 }]);
    expect(await stagedRows()).toBe(0);
    expect(await upstreamRequests(/\/template\/msg$/)).toHaveLength(0);
  });

  it("refuses a URL that is not public https before any call, and downloads only once the caller has proven access to the app", async () => {
    const client = await connect();
    const download = vi.spyOn(globalThis, "fetch");
    for (const [url, error] of [
      ["http://files.example.com/list.csv", /recipientsUrl URL must use https/],
      ["https://127.0.0.1/list.csv", /private\/loopback/],
      ["https://localhost:8787/mcp", /this server/],
    ] as const) {
      const refused = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: url });
      expect(textOf(refused)).toMatch(error);
    }
    expect(await upstreamRequests()).toHaveLength(0);
    // Another partner, whose account does not hold the app.
    const stranger = await connect({ env: { GUPSHUP_PARTNER_TOKEN: "", MCP_AUTH_TOKEN: "" }, headers: { Authorization: `Bearer ${SANDBOX_OTHER_PARTNER_TOKEN}` } });
    expect((await callTool(stranger, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: LIST_URL })).isError).toBe(true);
    expect(download).not.toHaveBeenCalled();
  });

  it("a download that breaks off, a binary file, a file too large or over 500,000 rows: a clear error and nothing kept", async () => {
    const client = await connect();
    const preview = () => callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: LIST_URL });
    const text = customers(12_000);
    vi.spyOn(globalThis, "fetch").mockImplementationOnce(async () =>
      served(text, 7_777, (i) => {
        if (i === 30) throw new Error("connection reset");
      }),
    );
    expect(textOf(await preview())).toMatch(/^Reading recipientsUrl stopped after \d+ rows \(the download broke off\): try again\. Nothing was kept\.$/);
    expect(await stagedRows()).toBe(0);

    vi.spyOn(globalThis, "fetch").mockImplementationOnce(async () => new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])));
    expect(textOf(await preview())).toContain("recipientsUrl is not a CSV text file");

    vi.spyOn(globalThis, "fetch").mockImplementationOnce(async () => new Response("x", { headers: { "Content-Length": String(200 * 1024 * 1024) } }));
    expect(textOf(await preview())).toBe("recipientsUrl is larger than 100 MB: split the list into several campaigns.");

    vi.spyOn(globalThis, "fetch").mockImplementationOnce(async () => served("1\n".repeat(500_001), 64 * 1024));
    expect(textOf(await preview())).toBe("recipientsUrl has more than 500000 rows: split the list into several campaigns.");

    vi.spyOn(globalThis, "fetch").mockImplementationOnce(async () => served(`+${number(1)},"never closed,${"x".repeat(70_000)}`));
    expect(textOf(await preview())).toMatch(/^Line 1 of recipientsUrl is not a recipient row/);
    expect(await count("campaign")).toBe(0);
    expect(await stagedRows()).toBe(0);
  });

  it("the app object evicted while it reads the file: the preview completes with every recipient once", async () => {
    const client = await connect();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      served(customers(12_000), 7_777, async (i) => {
        if (i === 30) await evictGateway(appObjectName(appId));
      }),
    );
    const result = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipientsUrl: LIST_URL });
    expect(result.structuredContent).toMatchObject({ total: 12_000, queued: 12_000, duplicates: 0 });
    expect(await count("campaign_recipient")).toBe(12_000);
    const distinct = await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(DISTINCT destination) AS n FROM campaign_recipient").one().n);
    expect(distinct).toBe(12_000);
  });

  it("a list whose reading was cut off is never startable and is forgotten by the pruning alarm; two lists at a time per app", async () => {
    const caller = { upstream: "sandbox", partner: { kind: "token" as const, token: SANDBOX_DEMO_PARTNER_TOKEN } };
    const rows = [{ row: 2, destination: number(1), params: ["a", "b"] }];
    for (const loadId of ["load-1", "load-2"]) expect(await gateway().campaign(appId, caller, { kind: "stage", loadId, rows })).toMatchObject({ ok: true, reply: { added: 1 } });
    expect(await gateway().campaign(appId, caller, { kind: "stage", loadId: "load-3", rows })).toMatchObject({
      ok: false,
      refusal: "2 lists are being read into previews of this app right now: wait until they are done (a minute or two), then preview again.",
    });
    // A list given in the call is not one being read: it is previewed meanwhile.
    const client = await connect();
    const inline = await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients: [{ destination: `+${number(2)}`, params: ["a", "b"] }] });
    expect(inline.structuredContent).toMatchObject({ queued: 1 });
    await callTool(client, "cancel_campaign", { campaignId: inline.structuredContent?.campaignId });
    // The calls reading them were cut off: 16 minutes later the alarm forgets both.
    await runInDurableObject(gateway(), (_, state) => state.storage.sql.exec("UPDATE campaign_load SET started_at = started_at - 16 * 60000"));
    expect(await runDurableObjectAlarm(gateway())).toBe(true);
    expect(await stagedRows()).toBe(0);
    expect(await count("campaign_load")).toBe(0);
    const draft = { appId, name: "Late", templateId: ORDER_UPDATE, templateName: "order_update", category: "UTILITY", source: "919000000001", srcName: "DemoStore" };
    const plan = { ...draft, message: null, upstream: "sandbox", feePerMessage: null, currency: null, tier: null, dailyLimit: null, rows: [], loadId: "load-1" };
    expect(await gateway().campaign(appId, caller, { kind: "draft", draft: plan })).toMatchObject({ ok: false, refusal: expect.stringMatching(/^The list read for this preview is gone/) });
    expect(await count("campaign")).toBe(0);
  });
});
