import { z } from "zod";
import { parseAnswer, usageResponse } from "../api/responses";
import type { UpstreamResult } from "../api/types";
import { FAN_OUT_CONCURRENCY } from "../gateway/limits";
import { mapConcurrently } from "../utils/concurrency";
import { type AppSummary, listAccountApps } from "./apps";
import { progressReporter, type ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { refuseUnknownApp, ToolError, translateFailure } from "./errors";
import { healthPart, ratingsPart, walletPart } from "./health";
import { appIdInput } from "./schemas";
import { dateIn, timeZoneInput } from "./time-input";

/** WhatsGate's "device" is a Gupshup app (one WhatsApp number). */

export const deviceShape = z.object({
  appId: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  state: z.enum(["connected", "unhealthy", "not_live", "stopped", "unknown"]).describe("connected = live and healthy."),
  live: z.boolean().nullable(),
  stopped: z.boolean().nullable(),
  healthy: z.boolean().nullable(),
  healthDetail: z.string().nullable(),
  quality: z.string().nullable().describe("Phone quality rating (GREEN/YELLOW/RED)."),
  messagingTier: z.string().nullable().describe("Messaging limit tier, e.g. TIER_1K."),
  ratingsAgeSeconds: z.number().nullable(),
  balance: z.number().nullable().describe("Wallet balance."),
  currency: z.string().nullable(),
  problems: z.array(z.string()).describe("Parts that could not be fetched, and why."),
});
type Device = z.infer<typeof deviceShape>;

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

/** Health (10/min per app), ratings (cached 24 h) and wallet through the app's own gateway. */
async function deviceStatus(ctx: ToolContext, app: AppSummary): Promise<Device> {
  const [healthResult, ratingsResult, walletResult] = await Promise.all([
    ctx.callApp(app.appId, { endpoint: "health" }),
    ctx.callApp(app.appId, { endpoint: "ratings" }),
    ctx.callApp(app.appId, { endpoint: "wallet" }),
  ]);
  const health = healthPart(ctx, app.appId, healthResult);
  const ratings = ratingsPart(ctx, app.appId, ratingsResult);
  const wallet = walletPart(ctx, app.appId, walletResult);
  const healthy = health.value?.healthy ?? app.healthy;
  const state: Device["state"] = app.stopped ? "stopped" : app.live === false ? "not_live" : healthy === false ? "unhealthy" : healthy ? "connected" : "unknown";
  return {
    appId: app.appId,
    name: app.name,
    phone: app.phone,
    state,
    live: app.live,
    stopped: app.stopped,
    healthy,
    healthDetail: health.value?.reason ?? null,
    quality: ratings.value?.qualityRating ?? null,
    messagingTier: ratings.value?.messagingLimit ?? null,
    ratingsAgeSeconds: ratings.value?.ageSeconds ?? null,
    balance: wallet.value?.balance ?? null,
    currency: wallet.value?.currency ?? null,
    problems: [
      health.error && `health: ${health.error}`,
      ratings.error && `quality and tier: ${ratings.error}`,
      ratings.value && ratings.value.qualityRating === null && "quality: Gupshup's ratings answer has none for this number (Meta rates a number once it has messaged people)",
      ratings.value && ratings.value.messagingLimit === null && "messaging tier: Gupshup's ratings answer has none for this number",
      wallet.error && `wallet: ${wallet.error}`,
    ].filter((p): p is string => Boolean(p)),
  };
}

const describe = (d: Device) =>
  `- ${d.name ?? d.appId} (${d.phone ?? "no phone"}, app ${d.appId}): ${d.state.toUpperCase()}${d.quality ? `, quality ${d.quality}` : ""}${d.messagingTier ? `, ${d.messagingTier}` : ""}` +
  `${d.balance !== null ? `, balance ${d.balance} ${d.currency ?? ""}`.trimEnd() : ""}${d.healthDetail ? ` — ${d.healthDetail}` : ""}${d.problems.length ? ` (not available: ${d.problems.join("; ")})` : ""}`;

type Today = { date: string; messages: number; fees: number };

/** Gupshup's usage for today's date in `timeZone` (one call), with the date it asked for. */
async function todayUsage(ctx: ToolContext, appId: string, timeZone: string | undefined): Promise<{ date: string; result: UpstreamResult }> {
  const date = dateIn(Date.now(), timeZone);
  return { date, result: await ctx.callApp(appId, { endpoint: "usage", query: { from: date, to: date } }) };
}

/** Today's messages and spend from that answer, or why they are not known. */
function todayOf(ctx: ToolContext, appId: string, { date, result }: { date: string; result: UpstreamResult }): { today: Today | null; error?: string } {
  if (!result.ok) return { today: null, error: translateFailure(result.failure, { session: ctx.session, appId }) };
  const rows = parseAnswer(usageResponse, result.data, "today's usage").partnerAppUsageList;
  return { today: { date, messages: rows.reduce((s, r) => s + (r.totalMsg ?? 0), 0), fees: rows.reduce((s, r) => s + (r.totalFees ?? 0), 0) } };
}

/** WhatsGate's get_device_balance: list_devices_status with appId says the same. */
const balanceTool: ToolDefinition = defineTool(
  "get_device_balance",
  {
    title: "Device balance",
    description: "One app's wallet balance, and today's message count and spend as Gupshup counts them for today's date in timeZone (default UTC).",
    input: z.object({ appId: appIdInput, timeZone: timeZoneInput }),
    output: z.object({
      appId: z.string(),
      balance: z.number().nullable(),
      currency: z.string().nullable(),
      today: z.object({ date: z.string(), messages: z.number(), fees: z.number() }).nullable(),
      errors: z.object({ wallet: z.string().optional(), usage: z.string().optional() }),
    }),
    scope: "read",
    annotations: readOnly,
    mergedInto: "list_devices_status",
  },
  (ctx) => async (args) => {
    const appId = await ctx.appId(args.appId);
    const [walletResult, usage] = await Promise.all([ctx.callApp(appId, { endpoint: "wallet" }), todayUsage(ctx, appId, args.timeZone)]);
    refuseUnknownApp([walletResult, usage.result], { session: ctx.session, appId });
    const wallet = walletPart(ctx, appId, walletResult);
    const { today, error: usageError } = todayOf(ctx, appId, usage);
    if (!wallet.value && !today) throw new ToolError(`Could not get the balance of ${appId}:\n- wallet: ${wallet.error}\n- usage: ${usageError}`);
    const w = wallet.value;
    return {
      structured: {
        appId,
        balance: w?.balance ?? null,
        currency: w?.currency ?? null,
        today,
        errors: { ...(wallet.error ? { wallet: wallet.error } : {}), ...(usageError ? { usage: usageError } : {}) },
      },
      summary: `${w ? `Balance ${w.balance} ${w.currency}` : `Balance unavailable (${wallet.error})`}; today ${today ? `${today.messages} messages, ${today.fees} spent` : `unavailable (${usageError})`}.`,
    };
  },
);

export const deviceTools: ToolDefinition[] = [
  defineTool(
    "get_device_status",
    {
      title: "Device status",
      description: "One number's line of list_devices_status. For why it has a problem use get_app_health; for today's spend get_device_balance.",
      input: z.object({ appId: appIdInput }),
      output: deviceShape,
      view: "appHealth",
      scope: "read",
      annotations: readOnly,
      mergedInto: "list_devices_status",
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const app = (await listAccountApps(ctx)).find((a) => a.appId === appId);
      if (!app) throw new ToolError(`App ID '${appId}' is not one of this partner account's apps. Run list_devices_status to see them.`);
      const device = await deviceStatus(ctx, app);
      return { structured: device, summary: describe(device).slice(2) };
    },
  ),

  defineTool(
    "list_devices_status",
    {
      title: "All devices' status",
      description: 'Start here for "my numbers, are they working, my balance": each WhatsApp number (app) with connection, quality, messaging tier and wallet balance.',
      input: z.object({ appId: appIdInput.describe("Only this app (name, number or id), with today's spend."), timeZone: timeZoneInput }),
      output: z.object({
        devices: z.array(deviceShape),
        count: z.number(),
        today: z.object({ date: z.string(), messages: z.number(), fees: z.number() }).nullable().optional().describe("With appId: today's messages and spend, as get_device_balance gives them."),
      }),
      view: "appHealth",
      scope: "read",
      annotations: readOnly,
    },
    (ctx) => async (args, extra) => {
      const only = args.appId === undefined ? undefined : await ctx.appId(args.appId);
      const all = await listAccountApps(ctx);
      const apps = only === undefined ? all : all.filter((a) => a.appId === only);
      if (only !== undefined && apps.length === 0) throw new ToolError(`App ID '${only}' is not one of this partner account's apps. Run list_devices_status without appId to see them.`);
      const report = progressReporter(extra);
      let done = 0;
      // Each app is three gateway calls (health, ratings, wallet).
      const devices = await mapConcurrently(apps, FAN_OUT_CONCURRENCY / 3, async (app) => {
        const device = await deviceStatus(ctx, app);
        await report(++done, apps.length, `${app.name ?? app.appId}: ${device.state}`);
        return device;
      });
      if (only === undefined) return { structured: { devices, count: devices.length }, summary: `${devices.length} device(s):\n${devices.map(describe).join("\n")}` };
      // One number: also today's messages and spend (get_device_balance's usage call), so "my balance and today's spend" is one call.
      const { today, error } = todayOf(ctx, only, await todayUsage(ctx, only, args.timeZone));
      const spent = today ? ` Today (${today.date}): ${today.messages} messages, ${today.fees} ${devices[0]!.currency ?? ""} spent.`.replace(" .", ".") : ` Today's spend is not known: ${error}`;
      return { structured: { devices, count: 1, today }, summary: `${describe(devices[0]!).slice(2)}.${spent}` };
    },
  ),

  balanceTool,
];
