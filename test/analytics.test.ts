import { beforeEach, describe, expect, it } from "vitest";
import { COMPARE_RULES } from "../src/sandbox/rules";
import { SEED_APP_IDS, seedState } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, type ToolResult, textOf, upstreamRequests } from "./helpers";

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
    const result = (await client.callTool({ name: "get_template_analytics", arguments: { appId, start: now() - 86400, end: now(), templateIds: ids(12) } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    })) as { structuredContent: unknown };
    // 1 enable + 9 fetches fill the window; which 3 ids wait depends on arrival order at the gateway.
    const { results, pending } = result.structuredContent as { results: { templateId: string }[]; pending: { templateId: string; retryAfterSeconds: number }[] };
    expect(pending).toHaveLength(3);
    const fetched = ids(12).filter((id) => !pending.some((p) => p.templateId === id));
    expect(
      (await upstreamRequests(/template\/analytics$/))
        .filter((r) => r.method === "GET")
        .map((r) => r.query.template_ids)
        .sort(),
    ).toEqual(fetched.sort());
    expect(results.map((r) => r.templateId).sort()).toEqual(fetched.filter((id) => ids(7).includes(id)).sort());
    expect(pending.every((p) => p.retryAfterSeconds > 20 && p.retryAfterSeconds <= 62)).toBe(true);
    expect(progress.at(-1)).toBe(12);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("takes ISO dates read in a time zone (or defaults to the last 30 days), and answers with names, rates and only the buttons a template has", async () => {
    const client = await connect();
    await callTool(client, "enable_template_analytics", { appId, enable: true });
    const day = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const [orderUpdate, sale] = ids(2) as [string, string];
    const result = await callTool(client, "get_template_analytics", { appId, start: day, end: `${day}T18:30:00+05:30`, timeZone: "Asia/Kolkata", templateIds: [orderUpdate, sale] });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [get] = (await upstreamRequests(/template\/analytics$/)).filter((r) => r.method === "GET");
    // Midnight in Kolkata is 18:30 UTC the day before; the end's own offset wins over timeZone.
    expect(Number(get!.query.start)).toBe(Date.parse(`${day}T00:00:00Z`) / 1000 - 5.5 * 3600);
    expect(Number(get!.query.end)).toBe(Date.parse(`${day}T13:00:00Z`) / 1000);

    type Row = { templateId: string; name: string; sent: number; delivered: number; read: number; deliveredPercent: number; clicked: { buttonContent: string }[] };
    const rows = (result.structuredContent as { results: Row[] }).results;
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.order_update!.clicked).toEqual([]); // no buttons, no clicks
    expect(byName.spring_sale!.clicked.map((c) => c.buttonContent)).toEqual(["Shop now", "Not interested"]);
    const o = byName.order_update!;
    expect(o.deliveredPercent).toBe(Math.round((o.delivered / o.sent) * 1000) / 10);
    expect(textOf(result)).toMatch(/^Template analytics \d{4}-\d\d-\d\d 00:00 Asia\/Kolkata → \d{4}-\d\d-\d\d 18:30 Asia\/Kolkata \(2 row\(s\)\):\n/);
    expect(textOf(result)).toContain(`- order_update (${orderUpdate}): sent ${o.sent}, delivered ${o.delivered} (${o.deliveredPercent}% of sent), read ${o.read} (`);
    expect(textOf(result)).toMatch(/- spring_sale \(.*\): sent .*, \d+ click\(s\) on "Shop now", \d+ click\(s\) on "Not interested"/);

    await callTool(client, "get_template_analytics", { appId, templateIds: [orderUpdate] });
    const latest = (await upstreamRequests(/template\/analytics$/)).filter((r) => r.method === "GET").at(-1)!;
    expect(Number(latest.query.end) - Number(latest.query.start)).toBe(30 * 86_400);
    expect(Math.abs(Number(latest.query.end) - now())).toBeLessThan(60);
  });

  it("sandbox: analytics and comparisons agree on sends for the same window, and daily rows add up to the total", async () => {
    const client = await connect();
    await callTool(client, "enable_template_analytics", { appId, enable: true });
    const [orderUpdate, sale] = ids(2) as [string, string];
    const end = now();
    const start = end - 7 * 86_400;
    const compared = await callTool(client, "compare_templates", { appId, templateId: orderUpdate, templateList: [sale], start, end });
    const sends = (compared.structuredContent as { comparisons: { sends: { templateId: string; sends: number }[] }[] }).comparisons[0]!.sends;
    const total = await callTool(client, "get_template_analytics", { appId, start, end, templateIds: [orderUpdate, sale] });
    const sent = (total.structuredContent as { results: { templateId: string; sent: number }[] }).results;
    expect(Object.fromEntries(sent.map((r) => [r.templateId, r.sent]))).toEqual(Object.fromEntries(sends.map((s) => [s.templateId, s.sends])));

    const daily = await callTool(client, "get_template_analytics", { appId, start, end, templateIds: [orderUpdate], granularity: "DAILY" });
    const days = (daily.structuredContent as { results: { sent: number }[] }).results;
    expect(days.length).toBeGreaterThanOrEqual(7);
    // Each daily row says when it starts, in the zone the call used.
    expect(
      textOf(daily)
        .split("\n")
        .filter((line) => /^- order_update \(.*\) from \d{4}-\d\d-\d\d \d\d:\d\d UTC: sent \d+/.test(line)),
    ).toHaveLength(days.length);
    expect(days.reduce((sum, d) => sum + d.sent, 0)).toBe(sent.find((r) => r.templateId === orderUpdate)!.sent);
  });

  it.each([
    ["start after end", { start: now(), end: now() - 10 }, /end must be after start/],
    ["start older than 90 days", { start: now() - 91 * 86400, end: now() }, /within the last 90 days/],
    ["milliseconds", { start: Date.now() - 1000, end: Date.now() }, /start: \d+ looks like milliseconds: give Unix seconds \(divide by 1000\) or an ISO date/],
    // Plain advice, not zod's words (issue 25): what is wrong with the date.
    ["a date that does not exist", { start: "2026-02-30" }, /^get_template_analytics was not run: start: 2026-02-30: February 2026 has 28 days\. Correct it and call again\.$/],
    ["a month that does not exist", { start: "2026-13-45" }, /^get_template_analytics was not run: start: 2026-13-45: there is no month 13 \(months are 01 to 12\)\. Correct it and call again\.$/],
    ["text that is no date", { start: "next tuesday" }, /start: must be an ISO date \(2026-03-01\), an ISO date-time .* or Unix seconds/],
    ["an unknown time zone", { timeZone: "India/Mumbai" }, /timeZone must be an IANA time zone such as Asia\/Kolkata/],
    ["an unknown time zone with dates", { start: "2026-11-01", end: "2026-11-02", timeZone: "India/Mumbai" }, /timeZone must be an IANA time zone/],
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
  it("puts delivered %, read %, clicks and the block ranking side by side with a verdict, warns across categories, and agrees with get_template_analytics", async () => {
    const [primary, sale] = ids(2) as [string, string]; // order_update (UTILITY), spring_sale (MARKETING)
    const client = await connect();
    await callTool(client, "enable_template_analytics", { appId, enable: true });
    await sandbox().clearRequests();
    const end = now();
    const start = end - 30 * 86_400;
    const result = await callTool(client, "compare_templates", { appId, templateId: primary, templateList: [sale], start, end });
    expect(result.isError, textOf(result)).toBeFalsy();
    const side = result.structuredContent!.sideBySide as { templateId: string; category: string; sent: number; deliveredPercent: number; readPercent: number; clicks: number }[];
    expect(side.map((r) => [r.templateId, r.category])).toEqual([
      [primary, "UTILITY"],
      [sale, "MARKETING"],
    ]);
    const analytics = await callTool(client, "get_template_analytics", { appId, start, end, templateIds: [primary, sale] });
    const rows = analytics.structuredContent!.results as { templateId: string; sent: number; deliveredPercent: number; readPercent: number }[];
    for (const r of side) expect(rows.find((a) => a.templateId === r.templateId)).toMatchObject({ sent: r.sent, deliveredPercent: r.deliveredPercent, readPercent: r.readPercent });
    const verdict = result.structuredContent!.verdict as string;
    expect(verdict).toMatch(/^Read more: (order_update|spring_sale) \(|^Read more: a tie/);
    expect(verdict).toMatch(/Blocks: (order_update|spring_sale) is blocked less than (spring_sale|order_update)\./);
    expect(verdict).toContain("Warning: these are different categories (order_update UTILITY, spring_sale MARKETING)");
    expect(textOf(result).split("\n")[1]).toBe(verdict);
    // One comparison, and one analytics call per template over the same window.
    expect((await upstreamRequests(/compare$/)).map((r) => r.query.templateList)).toEqual([sale]);
    const fetched = (await upstreamRequests(/template\/analytics$/)).filter((r) => r.method === "GET").slice(0, 2);
    expect(fetched.map((r) => [r.query.template_ids, r.query.start, r.query.end, r.query.granularity])).toEqual([
      [primary, String(start), String(end), "AGGREGATED"],
      [sale, String(start), String(end), "AGGREGATED"],
    ]);
  });

  it("sandbox: the usage report's template messages for a day are the sum of that day's template analytics", async () => {
    const client = await connect();
    await callTool(client, "enable_template_analytics", { appId, enable: true });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const start = Date.parse(`${yesterday}T00:00:00Z`) / 1000;
    const usage = await callTool(client, "get_usage_summary", { appId, from: yesterday, to: yesterday });
    const approved = (await callTool(client, "list_templates", { appId, status: "APPROVED" })).structuredContent!.templates as { id: string }[];
    const analytics = await callTool(client, "get_template_analytics", { appId, start, end: start + 86_400, templateIds: approved.map((t) => t.id) });
    const sent = (analytics.structuredContent!.results as { sent: number }[]).reduce((sum, r) => sum + r.sent, 0);
    expect(sent).toBeGreaterThan(0);
    expect((usage.structuredContent!.totals as { templateMessages: number }).templateMessages).toBe(sent);
  });

  // Seeded store templates: 1, 2, 3, 6 and 7 are APPROVED; 4 is PENDING.
  const [primary, sale, otp, welcomePending, , location, catalog] = ids(7) as [string, string, string, string, string, string, string];
  type Compared = {
    comparisons: { templateId: string; blockRateRanking: string[]; sends: { templateId: string; sends: number }[]; topBlockReasons: { templateId: string; reason: string }[] }[];
    pending: { templateId: string; retryAfterSeconds: number }[];
    failed: { templateId: string; error: string }[];
  };
  const compare = (templateList: string[], days = 30) => {
    const end = now();
    return { appId, templateId: primary, templateList, start: end - days * 86400, end };
  };

  it("sends one pair per Gupshup call (templateList holds exactly one id), with progress, and returns one comparison per pair", async () => {
    const client = await connect();
    const args = compare([sale, otp, location, catalog]);
    const progress: number[] = [];
    const result = (await client.callTool({ name: "compare_templates", arguments: args }, undefined, { onprogress: (p) => progress.push(p.progress) })) as ToolResult;
    expect(result.isError, textOf(result)).toBeFalsy();
    const { comparisons, pending, failed, windowDays } = result.structuredContent as Compared & { windowDays: number };
    expect(windowDays).toBe(30);
    expect(comparisons.map((c) => c.templateId)).toEqual([sale, otp, location, catalog]);
    for (const c of comparisons) {
      expect([...c.blockRateRanking].sort()).toEqual([primary, c.templateId].sort());
      expect(c.sends.map((s) => s.templateId)).toEqual([primary, c.templateId]);
      expect(c.topBlockReasons).toHaveLength(2);
    }
    expect([pending, failed]).toEqual([[], []]);
    // Names, not bare ids, and which end of the ranking is better.
    const [lower, higher] = comparisons[0]!.blockRateRanking.map((id) => (id === primary ? "order_update" : "spring_sale"));
    expect(textOf(result)).toMatch(
      new RegExp(
        `^Compared order_update \\(${primary}\\) with 4 template\\(s\\) over 30 days \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC → .* UTC\\)\\.\\n.*\\n(Side by side \\(Meta's analytics\\):\\n(- .*\\n){5})?Block rates \\(Gupshup ranks them without giving them\\):\\n`,
      ),
    );
    expect(textOf(result)).toContain(`- vs spring_sale (${sale}): ${lower} is blocked less than ${higher}; sends: order_update `);
    expect(progress.at(-1)).toBe(4);

    const calls = await upstreamRequests(/compare$/);
    expect(calls.every((c) => c.path === `/partner/app/${appId}/template/analytics/${primary}/compare`)).toBe(true);
    expect(calls.map((c) => c.query.templateList).sort()).toEqual([sale, otp, location, catalog].sort());
    expect(calls[0]!.query).toEqual({ templateList: sale, start: String(args.start), end: String(args.end) });
  });

  it("reports a pair Gupshup refuses under failed and still compares the others", async () => {
    const client = await connect();
    const result = await callTool(client, "compare_templates", compare([welcomePending, sale]));
    expect(result.isError, textOf(result)).toBeFalsy();
    const { comparisons, failed } = result.structuredContent as Compared;
    expect(comparisons.map((c) => c.templateId)).toEqual([sale]);
    expect(failed).toEqual([{ templateId: welcomePending, error: expect.stringMatching(/not approved/) }]);
    expect(textOf(result)).toMatch(/- welcome_offer not compared: .*not approved/);
    expect(await upstreamRequests(/compare$/)).toHaveLength(2);
  });

  it("returns pairs beyond the 10/hour budget as pending with the wait, never hitting a 429", async () => {
    const client = await connect();
    for (let i = 0; i < 8; i++) expect((await callTool(client, "compare_templates", compare([sale], 7))).isError).toBeFalsy();
    const result = await callTool(client, "compare_templates", compare([sale, otp, location, catalog]));
    expect(result.isError, textOf(result)).toBeFalsy();
    const { comparisons, pending, failed } = result.structuredContent as Compared;
    expect(comparisons).toHaveLength(2);
    expect(pending).toHaveLength(2);
    expect([...comparisons.map((c) => c.templateId), ...pending.map((p) => p.templateId)].sort()).toEqual([sale, otp, location, catalog].sort());
    expect(pending.every((p) => p.retryAfterSeconds > 3500 && p.retryAfterSeconds <= 3600)).toBe(true);
    expect(failed).toEqual([]);
    expect(textOf(result)).toMatch(/2 pending \(Gupshup allows 10 comparisons per hour\): ask again in 3[56]\d\ds/);
    expect(await upstreamRequests(/compare$/)).toHaveLength(10);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it.each([
    // An auth failure is retried once with a fresh app token: two calls, both for the first pair.
    ["auth", 400, "Authentication Failed", /Gupshup rejected the app token .*Authentication Failed/, 2],
    ["analytics not enabled", 404, `Template Analytics settings for app [${appId}] does not exist`, /Run enable_template_analytics first/, 1],
  ])("fails the tool once for an app-wide reason (%s), without spending the budget on the other pairs", async (_label, status, message, advice, calls) => {
    await sandbox().failNext({ path: "/compare$", status, body: JSON.stringify({ status: "error", message }), times: 10 });
    const client = await connect();
    const result = await callTool(client, "compare_templates", compare([sale, otp, location]));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(advice);
    expect((await upstreamRequests(/compare$/)).map((c) => c.query.templateList)).toEqual(Array(calls).fill(sale));
  });

  it("takes dates in a time zone: a month across a clock change is still 30 days, and a start alone means the 30 days from it", async () => {
    const client = await connect();
    // The UK leaves summer time on 25 Oct 2026: 1 Oct → 31 Oct (London midnights) is 30 days and an hour.
    const london = await callTool(client, "compare_templates", { appId, templateId: primary, templateList: [sale], start: "2026-10-01", end: "2026-10-31", timeZone: "Europe/London" });
    expect(london.isError, textOf(london)).toBeFalsy();
    expect(textOf(london)).toMatch(/over 30 days \(2026-10-01 00:00 Europe\/London → 2026-10-30 23:00 Europe\/London\)/);
    const fromStart = await callTool(client, "compare_templates", { appId, templateId: primary, templateList: [otp], start: "2026-09-01T00:00:00Z" });
    expect(fromStart.isError, textOf(fromStart)).toBeFalsy();
    const [first, second] = await upstreamRequests(/compare$/);
    expect(first!.query).toMatchObject({ start: String(Date.parse("2026-09-30T23:00:00Z") / 1000), end: String(Date.parse("2026-10-30T23:00:00Z") / 1000) });
    expect(second!.query).toMatchObject({ start: String(Date.parse("2026-09-01T00:00:00Z") / 1000), end: String(Date.parse("2026-10-01T00:00:00Z") / 1000) });
  });

  it.each([
    ["a window that is not 7, 30, 60 or 90 days", { start: now() - 8 * 86400, end: now() }, /exactly 7, 30, 60 or 90 days/],
    ["the primary in templateList", { templateList: [primary] }, /must not contain the primary/],
    ["duplicate ids", { templateList: [sale, sale] }, /templateList contains duplicates/],
    ["11 ids", { templateList: ids(12).slice(1) }, /at most 10 templates/],
  ])("rejects %s before any upstream call", async (_label, override, message) => {
    const client = await connect();
    const result = await callTool(client, "compare_templates", { ...compare([sale]), ...override });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("simulator: refuses a templateList with more than one id", async () => {
    const end = now();
    const query = new URLSearchParams({ templateList: `${sale},${otp}`, start: String(end - 7 * 86400), end: String(end) });
    const response = await sandbox().fetch(
      new Request(`https://sandbox.invalid/partner/app/${appId}/template/analytics/${primary}/compare?${query}`, { headers: { Authorization: seedState().apps[appId]!.appToken } }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: "error", message: COMPARE_RULES.notOneId });
  });
});
