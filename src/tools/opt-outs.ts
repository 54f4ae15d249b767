import { z } from "zod";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError } from "./errors";
import { appIdInput, phoneInput } from "./schemas";

const SOURCES = { keyword: "replied STOP", gupshup: "Gupshup: opted out (1012)", manual: "added by hand" } as const;

export const optOutTools: ToolDefinition[] = [
  defineTool(
    "manage_opt_outs",
    {
      title: "Opt-outs",
      description: "The app's opt-out list, which every send checks: users join by replying STOP (START leaves). List it, or add or remove numbers by hand.",
      input: z
        .object({
          appId: appIdInput,
          action: z.enum(["list", "add", "remove"]).describe("list, add or remove."),
          destinations: z.array(phoneInput).max(1000, "at most 1000 numbers at a time").optional().describe("add/remove: the numbers, with country code."),
        })
        .refine((a) => a.action === "list" || (a.destinations?.length ?? 0) > 0, { path: ["destinations"], message: "give the numbers to add or remove" }),
      output: z.object({ appId: z.string(), changed: z.number(), optedOut: z.array(z.object({ number: z.string(), since: z.string(), source: z.enum(["keyword", "gupshup", "manual"]) })) }),
      scope: "manage",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args) => {
      const appId = ctx.appId(args.appId);
      const numbers = (args.destinations ?? []).map((d) => ctx.recipient(d).number);
      if (args.action !== "list" && numbers.length === 0) throw new ToolError("Give the numbers to add or remove.");
      const change = args.action === "list" ? { action: "list" as const } : { action: args.action, numbers };
      const { changed, list } = await ctx.optOuts(appId, change);
      const optedOut = list.map((o) => ({ number: o.number, since: new Date(o.since).toISOString(), source: o.source }));
      const done = args.action === "add" ? `Added ${changed} number(s) (${numbers.length - changed} already opted out). ` : args.action === "remove" ? `Removed ${changed} number(s). ` : "";
      const lines = optedOut.slice(0, 50).map((o) => `- ${o.number} since ${o.since.slice(0, 10)} (${SOURCES[o.source]})`);
      return {
        structured: { appId, changed, optedOut },
        summary: `${done}${optedOut.length} number(s) opted out of app ${appId}${optedOut.length ? `:\n${lines.join("\n")}${optedOut.length > 50 ? `\n… and ${optedOut.length - 50} more` : ""}` : "."}`,
      };
    },
  ),
];
