import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { healthResponse, ratingsResponse, walletResponse } from "../api/responses";
import type { UpstreamResult } from "../gateway/types";
import type { ToolContext } from "./context";
import { defineTool } from "./define";
import { ToolError, translateFailure } from "./errors";
import { appIdInput } from "./schemas";

export const appHealthShape = z.object({
  appId: z.string(),
  health: z.object({ healthy: z.boolean(), reason: z.string().nullable() }).nullable(),
  ratings: z
    .object({
      qualityRating: z.string().nullable(),
      messagingLimit: z.string().nullable(),
      phoneQuality: z.string().nullable(),
      previousLimit: z.string().nullable(),
      event: z.string().nullable(),
      eventTime: z.number().nullable(),
      fetchedAt: z.number().describe("When Gupshup was asked (epoch ms); ratings may be fetched once per 24 h."),
      ageSeconds: z.number(),
    })
    .nullable(),
  wallet: z.object({ balance: z.number(), currency: z.string(), overDraftLimit: z.number().nullable() }).nullable(),
  errors: z.object({ health: z.string().optional(), ratings: z.string().optional(), wallet: z.string().optional() }),
});
type Output = z.infer<typeof appHealthShape>;

export function registerHealthTools(server: McpServer, ctx: ToolContext): void {
  defineTool(
    server,
    "get_app_health",
    {
      title: "App health",
      description: "An app's health, quality rating / messaging limit, and wallet balance in one call. Parts are fetched in parallel; one failing part does not hide the others. Ratings are cached for 24 h (Gupshup's limit) and show their age.",
      input: z.object({ appId: appIdInput }),
      output: appHealthShape,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args) => {
      const appId = ctx.appId(args.appId);
      const [health, ratings, wallet] = await Promise.all([
        ctx.callApp(appId, { endpoint: "health" }),
        ctx.callApp(appId, { endpoint: "ratings" }),
        ctx.callApp(appId, { endpoint: "wallet" }),
      ]);
      const errors: Output["errors"] = {};
      const explain = (result: UpstreamResult & { ok: false }) => translateFailure(result.failure, { session: ctx.session, appId });

      let healthPart: Output["health"] = null;
      if (health.ok) {
        const parsed = healthResponse.safeParse(health.data);
        if (parsed.success) healthPart = { healthy: parsed.data.healthy, reason: null };
        else errors.health = "Gupshup's health answer did not have the expected shape.";
      } else if (health.failure.kind === "rejected") {
        healthPart = { healthy: false, reason: health.failure.message };
      } else errors.health = explain(health);

      let ratingsPart: Output["ratings"] = null;
      if (ratings.ok) {
        const parsed = ratingsResponse.safeParse(ratings.data);
        if (parsed.success) {
          const r = parsed.data;
          const fetchedAt = ratings.cachedAt ?? Date.now();
          ratingsPart = {
            qualityRating: r.phoneQuality ?? null,
            messagingLimit: r.currentLimit ?? null,
            phoneQuality: r.phoneQuality ?? null,
            previousLimit: r.oldLimit ?? null,
            event: r.event ?? null,
            eventTime: r.eventTime ?? null,
            fetchedAt,
            ageSeconds: Math.round((Date.now() - fetchedAt) / 1000),
          };
        } else errors.ratings = "Gupshup's ratings answer did not have the expected shape.";
      } else errors.ratings = explain(ratings);

      let walletPart: Output["wallet"] = null;
      if (wallet.ok) {
        const parsed = walletResponse.safeParse(wallet.data);
        if (parsed.success) {
          const w = parsed.data.walletResponse;
          walletPart = { balance: w.currentBalance, currency: w.currency, overDraftLimit: w.overDraftLimit ?? null };
        } else errors.wallet = "Gupshup's wallet answer did not have the expected shape.";
      } else errors.wallet = explain(wallet);

      if (!healthPart && !ratingsPart && !walletPart) {
        throw new ToolError(`Could not get any part of app ${appId}'s health:\n- health: ${errors.health}\n- ratings: ${errors.ratings}\n- wallet: ${errors.wallet}`);
      }
      const lines = [
        healthPart ? `Health: ${healthPart.healthy ? "healthy" : `NOT healthy${healthPart.reason ? ` (${healthPart.reason})` : ""}`}` : `Health: unavailable — ${errors.health}`,
        ratingsPart
          ? `Quality: ${ratingsPart.qualityRating ?? "no rating event yet"}, messaging limit ${ratingsPart.messagingLimit ?? "unknown"} (ratings ${ratingsPart.ageSeconds}s old)`
          : `Ratings: unavailable — ${errors.ratings}`,
        walletPart ? `Wallet: ${walletPart.balance} ${walletPart.currency}` : `Wallet: unavailable — ${errors.wallet}`,
      ];
      return { structured: { appId, health: healthPart, ratings: ratingsPart, wallet: walletPart, errors }, summary: lines.join("\n") };
    },
  );
}
