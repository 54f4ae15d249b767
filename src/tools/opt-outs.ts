import { z } from "zod";
import { OPT_OUT_SOURCES } from "../inbox/opt-outs";
import { personApproves } from "./ask-person";
import { defineTool, type ToolDefinition } from "./define";
import { appIdInput, phoneInput } from "./schemas";

const SOURCE_WORDS = { keyword: "replied STOP", gupshup: "Gupshup: opted out, 1012", whatsapp: "WhatsApp: stopped marketing, 131050", manual: "added by hand" } as const;
/** Lines the text shows; structuredContent carries up to 200 (the newest) and the total. */
const SHOWN = 50;

type Listed = { number: string; since: string; source: (typeof OPT_OUT_SOURCES)[number] };

/** Whether a send to each number would be refused, why, and what may still reach them (read-only: nothing is sent). */
function checked(appId: string, numbers: string[], optedOut: Listed[]) {
  const byNumber = new Map(optedOut.map((o) => [o.number, o]));
  const lines = numbers.map((number) => {
    const o = byNumber.get(number);
    return o
      ? `- ${number}: blocked — opted out on ${o.since.slice(0, 10)} (${SOURCE_WORDS[o.source]}). Marketing templates and free-form messages are refused; only a UTILITY or AUTHENTICATION template they still need (an order update, a code) may go, with ignoreOptOut: true.`
      : `- ${number}: not opted out — the opt-out list does not block a send.`;
  });
  const blocked = numbers.filter((n) => byNumber.has(n)).length;
  return {
    structured: { appId, changed: 0, total: blocked, optedOut, checked: numbers.map((number) => ({ number, blocked: byNumber.has(number) })) },
    summary: `${blocked} of ${numbers.length} number(s) would be blocked by app ${appId}'s opt-out list (checked only; nothing was sent):\n${lines.join("\n")}`,
  };
}

export const optOutTools: ToolDefinition[] = [
  defineTool(
    "manage_opt_outs",
    {
      title: "Opt-outs",
      description: "The app's opt-out list, which every send checks (STOP joins, START leaves): list it, check whether sends to numbers would be blocked and why (sends nothing), add or remove.",
      input: z
        .object({
          appId: appIdInput,
          action: z.enum(["list", "check", "add", "remove"]).describe("What to do."),
          destinations: z.array(phoneInput).max(1000, "at most 1000 numbers at a time").optional().describe("check/add/remove: the numbers, with country code."),
        })
        .refine((a) => a.action === "list" || (a.destinations?.length ?? 0) > 0, { path: ["destinations"], message: "give the numbers to check, add or remove" }),
      output: z.object({
        appId: z.string(),
        changed: z.number(),
        total: z.number(),
        optedOut: z.array(z.object({ number: z.string(), since: z.string(), source: z.enum(OPT_OUT_SOURCES) })),
        checked: z
          .array(z.object({ number: z.string(), blocked: z.boolean() }))
          .optional()
          .describe("check: whether a send to each number is refused."),
      }),
      scope: "manage",
      // remove takes a number off the list: marketing can reach someone who had asked it to stop.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args, extra) => {
      const appId = await ctx.appId(args.appId);
      const numbers = [...new Set((args.destinations ?? []).map((d) => ctx.recipient(d).number))];
      if (args.action === "remove") {
        personApproves(
          extra,
          `Take ${numbers.length} number(s) off app ${appId}'s opt-out list (${numbers.slice(0, 5).join(", ")}${numbers.length > 5 ? ", …" : ""})? They asked not to get messages; once removed, campaigns reach them again.`,
          "Not changed: the person did not approve taking these numbers off the opt-out list.",
        );
      }
      const { changed, optedOut: listed, total } = await ctx.optOuts(appId, args.action === "list" ? { action: "list" } : { action: args.action, numbers });
      const optedOut = listed.map((o) => ({ number: o.number, since: new Date(o.since).toISOString(), source: o.source }));
      if (args.action === "check") return checked(appId, numbers, optedOut);
      const done =
        args.action === "add"
          ? `Added ${changed} number(s)${changed < numbers.length ? ` (${numbers.length - changed} already opted out)` : ""}. `
          : args.action === "remove"
            ? `Removed ${changed} number(s)${changed < numbers.length ? ` (${numbers.length - changed} were not opted out)` : ""}. `
            : "";
      const lines = optedOut.slice(0, SHOWN).map((o) => `- ${o.number} since ${o.since.slice(0, 10)} (${SOURCE_WORDS[o.source]})`);
      const more = total > lines.length ? `\n… and ${total - lines.length} more` : "";
      return {
        structured: { appId, changed, total, optedOut },
        summary: `${done}${total} number(s) opted out of app ${appId}${total ? `:\n${lines.join("\n")}${more}` : "."}`,
      };
    },
  ),
];
