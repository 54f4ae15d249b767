import type { Hono } from "hono";
import { dailyTraffic, figure, sendsBetween, templateSendsOn, trafficBetween } from "./analytics";
import { appOf, fail, type SandboxEnv } from "./route-helpers";
import { CAROUSEL_RULES, COMPARE_RULES, TEMPLATE_SEND_RULES } from "./rules";

const DAY_SECONDS = 86_400;
const COMPARE_WINDOWS = [604_800, 2_592_000, 5_184_000, 7_776_000];

/** Media upload, template send, analytics, health, ratings, wallet and usage. */
export function appRoutes(app: Hono<SandboxEnv>): void {
  app.post("/partner/app/:appId/upload/media", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const form = await c.req.parseBody();
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) return fail(c, 400, "file is required");
    if (typeof form.file_type !== "string") return fail(c, 400, "file_type is required");
    const handle = `4::${btoa(String(form.file_type))}:ARsandbox${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}:e:${Math.floor(Date.now() / 1000)}`;
    return c.json({ handleId: { message: handle }, status: "success" });
  });

  app.post("/partner/app/:appId/template/msg", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const form = await c.req.parseBody();
    if (form.source !== target.phone) return fail(c, 400, "Invalid App Details");
    if (typeof form.destination !== "string" || !/^\d{8,15}$/.test(form.destination)) return fail(c, 400, "Invalid Destination");
    let templateId: string;
    let message: unknown;
    try {
      const template = JSON.parse(String(form.template)) as { id?: unknown; params?: unknown };
      if (typeof template.id !== "string" || !Array.isArray(template.params)) throw new Error("shape");
      templateId = template.id;
      if (form.message !== undefined) message = JSON.parse(String(form.message));
    } catch {
      return fail(c, 400, "Invalid template or message JSON");
    }
    const template = target.templates.find((t) => t.id === templateId);
    if (TEMPLATE_SEND_RULES.lacksLocation(template?.templateType ?? "", message)) return fail(c, 400, TEMPLATE_SEND_RULES.missingLocation);
    if (template?.templateType === "CAROUSEL") {
      const cards = (JSON.parse(template.containerMeta) as { cards?: unknown[] }).cards ?? [];
      const problem = CAROUSEL_RULES.sendProblem(cards, message);
      if (problem) return fail(c, 400, problem);
    }
    const fee = TEMPLATE_SEND_RULES.fee(template?.category ?? "MARKETING");
    if (target.wallet.currentBalance - fee < -target.wallet.overDraftLimit) return fail(c, 400, TEMPLATE_SEND_RULES.walletLow);
    target.wallet.currentBalance = Math.round((target.wallet.currentBalance - fee) * 10_000) / 10_000;
    const messageId = crypto.randomUUID();
    c.var.sandbox.recordSend(target, messageId, form.destination, false);
    return c.json({ status: "submitted", messageId });
  });

  app.post("/partner/app/:appId/template/analytics", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const form = await c.req.parseBody();
    if (form.enable !== "true" && form.enable !== "false") return fail(c, 400, "Bad Request");
    target.analyticsEnabled = form.enable === "true";
    c.var.sandbox.save();
    return c.json({ status: "success" });
  });

  app.get("/partner/app/:appId/template/analytics", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    if (!target.analyticsEnabled) return fail(c, 404, `Template Analytics settings for app [${target.id}] does not exist`);
    const ids = (c.req.query("template_ids") ?? "").split(",").filter(Boolean);
    if (ids.length !== 1) return fail(c, 400, "Exactly one template id is supported per request");
    const start = Number(c.req.query("start"));
    const end = Number(c.req.query("end"));
    if (!(start < end)) return fail(c, 400, "start should be less than end");
    if (start < Date.now() / 1000 - 90 * DAY_SECONDS) return fail(c, 400, "Start time can't be older than 90 days");
    const template = target.templates.find((t) => t.id === ids[0]);
    if (!template) return c.json({ status: "success", template_analytics: [] });
    const rows = c.req.query("granularity") === "DAILY" ? dailyTraffic(template, start, end) : [trafficBetween(template, start, end)];
    return c.json({ status: "success", template_analytics: rows.map((row) => ({ template_id: template.id, ...row })) });
  });

  app.get("/partner/app/:appId/template/analytics/:templateId/compare", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const start = Number(c.req.query("start"));
    const end = Number(c.req.query("end"));
    if (!(start < end)) return fail(c, 400, "The parameter start_timestamp should be less than end_timestamp.");
    if (!COMPARE_WINDOWS.includes(end - start)) {
      return fail(c, 400, "The difference between start and end times should be the number of seconds in 604800(7 days), 2592000(30 days), 5184000(60 days), 7776000(90 days).");
    }
    const others = (c.req.query("templateList") ?? "").split(",").filter(Boolean);
    if (others.length !== COMPARE_RULES.idsPerCall) return fail(c, 400, COMPARE_RULES.notOneId);
    const ids = [c.req.param("templateId"), ...others];
    const unknown = ids.filter((id) => !target.templates.some((t) => t.id === id && t.status === "APPROVED"));
    if (unknown.length > 0) return fail(c, 400, "One or more templates in the list is not approved.");
    // Every sandbox template has ≥ 1,000 sends in 7 days, so none is refused for too few.
    const sends = ids.map((id) => ({ key: id, value: sendsBetween(id, start, end) }));
    // Lowest block rate first, as Meta orders BLOCK_RATE.
    const ranked = [...ids].sort((a, b) => figure(`${a}:block`, 100) - figure(`${b}:block`, 100));
    return c.json({
      status: "success",
      data: [
        { metric: "BLOCK_RATE", type: "RELATIVE", order_by_relative_metric: ranked },
        { metric: "MESSAGE_SENDS", type: "NUMBER_VALUES", number_values: sends },
        { metric: "TOP_BLOCK_REASON", type: "STRING_VALUES", string_values: ids.map((id) => ({ key: id, value: figure(id, 2) ? "NO_LONGER_NEEDED" : "SPAM" })) },
      ],
    });
  });

  app.get("/partner/app/:appId/health", (c) => {
    const target = appOf(c, 400);
    if (target instanceof Response) return target;
    if (!target.live) return fail(c, 400, "App is not live.");
    return c.json({ status: "success", healthy: String(target.healthy) });
  });

  app.get("/partner/app/:appId/ratings", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    return c.json(target.ratings ?? { message: "no event update available", status: "success" });
  });

  app.get("/partner/app/:appId/wallet/balance", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    return c.json({ status: "success", walletResponse: target.wallet });
  });

  app.get("/partner/app/:appId/usage", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const from = c.req.query("from") ?? "";
    const to = c.req.query("to") ?? "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || from > to) return fail(c, 400, "Invalid from/to date");
    const rows = [];
    let cumulative = 0;
    for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`) && rows.length < 400; day += DAY_SECONDS * 1000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const { marketing, utility, authentication } = templateSendsOn(target.templates, date, Date.now());
      const service = figure(`${target.id}:${date}:s`, 30);
      const incomingMsg = figure(`${target.id}:${date}:i`, 80);
      const templateMsg = marketing + utility + authentication;
      const waFees = Math.round((marketing * TEMPLATE_SEND_RULES.metaFee("MARKETING") + (utility + authentication) * TEMPLATE_SEND_RULES.metaFee("UTILITY")) * 10_000) / 10_000;
      const gsFees = Math.round((templateMsg + service) * TEMPLATE_SEND_RULES.gupshupFee * 10_000) / 10_000;
      const totalFees = Math.round((waFees + gsFees) * 10_000) / 10_000;
      cumulative = Math.round((cumulative + totalFees) * 10_000) / 10_000;
      rows.push({
        appId: target.id,
        appName: target.name,
        date,
        currency: "USD",
        authentication,
        internationalAuthentication: 0,
        marketing,
        utility,
        service,
        incomingMsg,
        outgoingMsg: templateMsg + service,
        outgoingMediaMsg: 0,
        templateMsg,
        templateMediaMsg: 0,
        totalMsg: incomingMsg + templateMsg + service,
        fep: 0,
        ftc: 0,
        gsCap: 0,
        gsFees,
        waFees,
        discount: 0,
        totalFees,
        cumulativeBill: cumulative,
      });
    }
    return c.json({ status: "success", partnerAppUsageList: rows });
  });
}
