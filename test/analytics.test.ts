import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `5f0c6a1e-3b7d-4c2a-9e1f-${String(i + 1).padStart(12, "0")}`);
const now = () => Math.floor(Date.now() / 1000);

beforeEach(resetAll);

describe("template analytics", () => {
  it("tells the user to enable analytics first", async () => {
    const client = await connect();
    const result = await callTool(client, "get_template_analytics", { appId, start: now() - 7 * 86400, end: now(), templateIds: ids(3) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Run enable_template_analytics first/);
    expect(await upstreamRequests(/template\/analytics$/)).toHaveLength(1);
  });

  it("enables with a form post, then fans out one template per call", async () => {
    const client = await connect();
    const enabled = await callTool(client, "enable_template_analytics", { appId, enable: true });
    expect(enabled.isError, textOf(enabled)).toBeFalsy();
    const [enable] = await upstreamRequests(/template\/analytics$/);
    expect(enable!.method).toBe("POST");
    expect(enable!.body).toBe("enable=true");

    const start = now() - 7 * 86400;
    const result = await callTool(client, "get_template_analytics", { appId, start, end: now(), templateIds: ids(3), metricTypes: ["SENT", "READ"] });
    expect(result.isError, textOf(result)).toBeFalsy();
    const data = result.structuredContent as { results: { templateId: string; sent: number }[]; pending: unknown[] };
    expect(data.results.map((r) => r.templateId)).toEqual(ids(3));
    expect(data.pending).toEqual([]);
    const gets = (await upstreamRequests(/template\/analytics$/)).filter((r) => r.method === "GET");
    expect(gets.map((g) => g.query.template_ids).sort()).toEqual(ids(3)); // one id per call, in whatever order they reached the gateway
    expect(gets[0]!.query).toMatchObject({ start: String(start), granularity: "AGGREGATED", metric_types: "SENT,READ" });
  });

  it("returns ids beyond the 10/min budget as pending with the wait, never hitting a 429", async () => {
    const client = await connect();
    await callTool(client, "enable_template_analytics", { appId, enable: true }); // 1 of 10 analytics calls
    const progress: number[] = [];
    const result = (await client.callTool(
      { name: "get_template_analytics", arguments: { appId, start: now() - 86400, end: now(), templateIds: ids(12) } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    )) as { structuredContent: unknown };
    // 1 enable + 9 fetches fill the window; which 3 ids wait depends on arrival order at the gateway.
    const { results, pending } = result.structuredContent as { results: { templateId: string }[]; pending: { templateId: string; retryAfterSeconds: number }[] };
    expect(pending).toHaveLength(3);
    const fetched = ids(12).filter((id) => !pending.some((p) => p.templateId === id));
    expect((await upstreamRequests(/template\/analytics$/)).filter((r) => r.method === "GET").map((r) => r.query.template_ids).sort()).toEqual(fetched.sort());
    expect(results.map((r) => r.templateId).sort()).toEqual(fetched.filter((id) => ids(5).includes(id)).sort());
    expect(pending.every((p) => p.retryAfterSeconds > 20 && p.retryAfterSeconds <= 62)).toBe(true);
    expect(progress.at(-1)).toBe(12);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it.each([
    ["start after end", { start: now(), end: now() - 10 }, /end must be after start/],
    ["start older than 90 days", { start: now() - 91 * 86400, end: now() }, /within the last 90 days/],
    ["milliseconds", { start: Date.now() - 1000, end: Date.now() }, /seconds, not milliseconds/],
    ["31 ids", { templateIds: ids(31) }, /at most 30/],
    ["duplicate ids", { templateIds: [ids(1)[0], ids(1)[0]] }, /duplicates/],
  ])("rejects %s before any upstream call", async (_label, override, message) => {
    const client = await connect();
    const result = await callTool(client, "get_template_analytics", { appId, start: now() - 86400, end: now(), templateIds: ids(2), ...override });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests()).toHaveLength(0);
  });
});

describe("compare_templates", () => {
  const [primary, other] = [ids(1)[0]!, "5f0c6a1e-3b7d-4c2a-9e1f-000000000002"];

  it("queries with templateList/start/end and returns the ranking", async () => {
    const client = await connect();
    const end = now();
    const result = await callTool(client, "compare_templates", { appId, templateId: primary, templateList: [other], start: end - 30 * 86400, end });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ windowDays: 30 });
    expect((result.structuredContent!.blockRateRanking as string[]).sort()).toEqual([primary, other].sort());
    const [call] = await upstreamRequests(/compare$/);
    expect(call!.path).toBe(`/partner/app/${appId}/template/analytics/${primary}/compare`);
    expect(call!.query).toEqual({ templateList: other, start: String(end - 30 * 86400), end: String(end) });
  });

  it("requires a window of exactly 7, 30, 60 or 90 days", async () => {
    const client = await connect();
    const result = await callTool(client, "compare_templates", { appId, templateId: primary, templateList: [other], start: now() - 8 * 86400, end: now() });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/exactly 7, 30, 60 or 90 days/);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("answers the 11th comparison in an hour with the wait instead of calling Gupshup", async () => {
    const client = await connect();
    const end = now();
    const args = { appId, templateId: primary, templateList: [other], start: end - 7 * 86400, end };
    for (let i = 0; i < 10; i++) expect((await callTool(client, "compare_templates", args)).isError).toBeFalsy();
    const eleventh = await callTool(client, "compare_templates", args);
    expect(eleventh.isError).toBe(true);
    expect(textOf(eleventh)).toMatch(/Rate limited on .*compare \(10 calls per 1 hour\).*Retry in (3[5-6]\d\d)s/);
    expect(await upstreamRequests(/compare$/)).toHaveLength(10);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });
});
