import { z } from "zod";
import { healthResponse, ratingsResponse, walletResponse } from "../api/responses";
import type { UpstreamResult } from "../api/types";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { refuseUnknownApp, ToolError, translateFailure } from "./errors";
import { appIdInput } from "./schemas";

const healthShape = z.object({ healthy: z.boolean(), reason: z.string().nullable() });
const ratingsShape = z.object({
  qualityRating: z.string().nullable(),
  messagingLimit: z.string().nullable(),
  phoneQuality: z.string().nullable(),
  previousLimit: z.string().nullable(),
  event: z.string().nullable(),
  eventTime: z.number().nullable(),
  fetchedAt: z.number().describe("When Gupshup was asked (epoch ms); ratings may be fetched once per 24 h."),
  ageSeconds: z.number(),
});
const walletShape = z.object({ balance: z.number(), currency: z.string(), overDraftLimit: z.number().nullable() });

export const appHealthShape = z.object({
  appId: z.string(),
  health: healthShape.nullable(),
  ratings: ratingsShape.nullable(),
  wallet: walletShape.nullable(),
  errors: z.object({ health: z.string().optional(), ratings: z.string().optional(), wallet: z.string().optional() }),
});

/** One part of an app's health: its data, or why it is missing. */
type Part<T> = { value: T | null; error?: string };

function part<T>(ctx: ToolContext, appId: string, result: UpstreamResult, read: (data: unknown, cachedAt?: number) => T | undefined, what: string): Part<T> {
  if (!result.ok) return { value: null, error: translateFailure(result.failure, { session: ctx.session, appId }) };
  const value = read(result.data, result.cachedAt);
  return value === undefined ? { value: null, error: `Gupshup's ${what} answer did not have the expected shape.` } : { value };
}

/** health: a 4xx such as "App is not live." is an answer (unhealthy), not a failure. */
export function healthPart(ctx: ToolContext, appId: string, result: UpstreamResult): Part<z.infer<typeof healthShape>> {
  if (!result.ok && result.failure.kind === "rejected") return { value: { healthy: false, reason: result.failure.message } };
  return part(
    ctx,
    appId,
    result,
    (data) => {
      const parsed = healthResponse.safeParse(data);
      return parsed.success ? { healthy: parsed.data.healthy, reason: null } : undefined;
    },
    "health",
  );
}

export function ratingsPart(ctx: ToolContext, appId: string, result: UpstreamResult): Part<z.infer<typeof ratingsShape>> {
  return part(
    ctx,
    appId,
    result,
    (data, cachedAt) => {
      const parsed = ratingsResponse.safeParse(data);
      if (!parsed.success) return undefined;
      const r = parsed.data;
      const fetchedAt = cachedAt ?? Date.now();
      return {
        qualityRating: r.phoneQuality ?? null,
        messagingLimit: r.currentLimit ?? null,
        phoneQuality: r.phoneQuality ?? null,
        previousLimit: r.oldLimit ?? null,
        event: r.event ?? null,
        eventTime: r.eventTime ?? null,
        fetchedAt,
        ageSeconds: Math.round((Date.now() - fetchedAt) / 1000),
      };
    },
    "ratings",
  );
}

export function walletPart(ctx: ToolContext, appId: string, result: UpstreamResult): Part<z.infer<typeof walletShape>> {
  return part(
    ctx,
    appId,
    result,
    (data) => {
      const parsed = walletResponse.safeParse(data);
      if (!parsed.success) return undefined;
      const w = parsed.data.walletResponse;
      return { balance: w.currentBalance, currency: w.currency, overDraftLimit: w.overDraftLimit ?? null };
    },
    "wallet",
  );
}

export const healthTools: ToolDefinition[] = [
  defineTool(
    "get_app_health",
    {
      title: "App health",
      description: "Diagnose one app: why it is unhealthy, the last quality or tier change, wallet with overdraft. Ratings refresh at most daily (Gupshup's limit).",
      input: z.object({ appId: appIdInput }),
      output: appHealthShape,
      view: "appHealth",
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const [healthResult, ratingsResult, walletResult] = await Promise.all([
        ctx.callApp(appId, { endpoint: "health" }),
        ctx.callApp(appId, { endpoint: "ratings" }),
        ctx.callApp(appId, { endpoint: "wallet" }),
      ]);
      refuseUnknownApp([healthResult, ratingsResult, walletResult], { session: ctx.session, appId });
      const health = healthPart(ctx, appId, healthResult);
      const ratings = ratingsPart(ctx, appId, ratingsResult);
      const wallet = walletPart(ctx, appId, walletResult);
      const errors = {
        ...(health.error ? { health: health.error } : {}),
        ...(ratings.error ? { ratings: ratings.error } : {}),
        ...(wallet.error ? { wallet: wallet.error } : {}),
      };
      if (!health.value && !ratings.value && !wallet.value) {
        throw new ToolError(`Could not get any part of app ${appId}'s health:\n- health: ${health.error}\n- ratings: ${ratings.error}\n- wallet: ${wallet.error}`);
      }
      const h = health.value;
      const r = ratings.value;
      const w = wallet.value;
      const lines = [
        h ? `Health: ${h.healthy ? "healthy" : `NOT healthy${h.reason ? ` (${h.reason})` : ""}`}` : `Health: unavailable — ${health.error}`,
        r
          ? `Quality: ${r.qualityRating ?? "no rating event yet"}, messaging limit ${r.messagingLimit ?? "unknown"}` +
            `${r.event ? ` (last change: ${r.event}${r.previousLimit ? ` from ${r.previousLimit}` : ""}${r.eventTime ? ` at ${new Date(r.eventTime < 1e12 ? r.eventTime * 1000 : r.eventTime).toISOString()}` : ""})` : ""} (ratings ${r.ageSeconds}s old)`
          : `Ratings: unavailable — ${ratings.error}`,
        w ? `Wallet: ${w.balance} ${w.currency}${w.overDraftLimit ? ` (overdraft limit ${w.overDraftLimit})` : ""}` : `Wallet: unavailable — ${wallet.error}`,
      ];
      return { structured: { appId, health: h, ratings: r, wallet: w, errors }, summary: lines.join("\n") };
    },
  ),
];
