import { z } from "zod";
import { parseAnswer, partnerAppsResponse } from "../api/responses";
import type { ToolContext } from "./context";
import { unwrap } from "./errors";

export const appSummary = z.object({
  appId: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  live: z.boolean().nullable(),
  healthy: z.boolean().nullable(),
  stopped: z.boolean().nullable(),
  createdOn: z.number().nullable(),
});
export type AppSummary = z.infer<typeof appSummary>;

/** The partner account's apps this session may use (one account-scope call; `recent`: a list up to an hour old will do). */
export async function listAccountApps(ctx: ToolContext, options: { recent?: boolean } = {}): Promise<AppSummary[]> {
  const data = unwrap(await ctx.callAccount({ endpoint: "listApps", ...(options.recent ? { recent: true } : {}) }), { session: ctx.session });
  const apps = parseAnswer(partnerAppsResponse, data, "list_apps").partnerAppsList.filter((app) => ctx.allowsApp(app.id));
  return apps.map((app) => ({
    appId: app.id,
    name: app.name ?? null,
    phone: app.phone ?? null,
    live: app.live ?? null,
    healthy: app.healthy ?? null,
    stopped: app.stopped ?? null,
    createdOn: app.createdOn ?? null,
  }));
}
