import { z } from "zod";
import { type ConversationEntry, type ConversationSummary, SERVICE_WINDOW_MS } from "../inbox/conversations";
import { CUSTOMER_TEXT_NOTE, quoted } from "../utils/customer-text";
import { appTemplates, cachedTemplates } from "./app-templates";
import type { ToolContext } from "./context";
import { coverageOutput, inboxCoverage } from "./coverage";
import { defineTool, type ToolDefinition } from "./define";
import { ToolError, unwrap } from "./errors";
import { NO_WEBHOOK } from "./inbox";
import { appIdInput, phoneInput } from "./schemas";
import { describeTime, timeInput, timeRange, timeZoneInput } from "./time-input";

/** The support desk over the delivery inbox: one row per customer, their thread, and who is on it. */

/** Gupshup: "Users should be able to mark incoming messages as read till 30 days of receipt." */
const MARK_READ_DAYS = 30;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const handOffState = z.enum(["open", "waiting", "done"]);
const numberInput = phoneInput.describe("The customer's number with country code.");

const windowOutput = z.object({ open: z.boolean(), closesAt: z.string().nullable().describe("When free-form replies stop reaching them (24 h after their last message).") });
const handOffOutput = z.object({
  state: handOffState.describe("open: needs an answer; waiting: someone has it (see handledBy) or it waits on the customer; done: a new message reopens it."),
  note: z.string().nullable(),
  handledBy: z.string().nullable(),
  at: z.string().nullable(),
});
const startedByOutput = z.object({
  kind: z.enum(["customer", "template", "campaign", "message"]),
  name: z.string().nullable().describe("The template's or campaign's name."),
  at: z.string(),
});
const conversationOutput = z.object({
  number: z.string(),
  name: z.string().nullable().describe("The customer's WhatsApp profile name (customer text)."),
  lastAt: z.string(),
  lastFrom: z.enum(["customer", "business"]),
  lastType: z.string().nullable(),
  lastText: z.string().nullable().describe("Customer text when lastFrom is customer."),
  lastStatus: z.string().nullable().describe("Our last message's delivery status, when it is the last message."),
  unread: z.number().describe("Customer messages since our last message and the last mark_read."),
  window: windowOutput,
  startedBy: startedByOutput,
  handOff: handOffOutput,
});

function windowOf(lastCustomerAt: number | null, now: number) {
  const open = lastCustomerAt !== null && now - lastCustomerAt < SERVICE_WINDOW_MS;
  return { open, closesAt: open ? iso(lastCustomerAt! + SERVICE_WINDOW_MS) : null };
}

function conversationOf(c: ConversationSummary, now: number) {
  return {
    number: c.number,
    name: c.name,
    lastAt: iso(c.lastAt)!,
    lastFrom: c.lastFrom,
    lastType: c.lastType,
    lastText: c.lastText,
    lastStatus: c.lastStatus,
    unread: c.unread,
    window: windowOf(c.lastCustomerAt, now),
    startedBy: { kind: c.startedBy.kind, name: c.startedBy.name, at: iso(c.startedAt)! },
    handOff: { ...c.handOff, at: iso(c.handOff.at) },
  };
}

/**
 * A template sent while its name was unknown (the list not cached then) is kept by its id: named
 * here from the list, cached for a minute, so a listing asks Gupshup at most once a minute.
 */
async function namer(ctx: ToolContext, appId: string, values: (string | null)[]): Promise<(idOrName: string | null) => string | null> {
  if (!values.some((v) => v !== null && TEMPLATE_ID.test(v))) return (value) => value;
  const templates = (await cachedTemplates(ctx, appId).catch(() => undefined)) ?? (await appTemplates(ctx, appId).catch(() => []));
  const names = new Map(templates.map((t) => [t.id, t.elementName]));
  return (value) => (value === null ? null : (names.get(value) ?? value));
}
const TEMPLATE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const named = (c: ConversationSummary, name: (v: string | null) => string | null): ConversationSummary =>
  c.startedBy.kind === "template" ? { ...c, startedBy: { ...c.startedBy, name: name(c.startedBy.name) } } : c;

/** A conversation in one line: who, unread, the last message (customer text quoted), the window, how it started, who is on it. */
function conversationLine(c: ConversationSummary, now: number, timeZone: string | undefined): string {
  const window = windowOf(c.lastCustomerAt, now);
  const last =
    c.lastFrom === "customer"
      ? `customer wrote ${describeTime(c.lastAt, timeZone)} [${c.lastType ?? "?"}]: ${c.lastText === null ? "(no text)" : quoted(c.lastText)}`
      : `we sent ${describeTime(c.lastAt, timeZone)} [${c.lastType ?? "?"}${c.lastStatus ? `, ${c.lastStatus}` : ""}]`;
  const started =
    c.startedBy.kind === "customer"
      ? "the customer wrote first"
      : `started by ${c.startedBy.kind}${c.startedBy.name ? ` ${c.startedBy.kind === "campaign" ? quoted(c.startedBy.name) : c.startedBy.name}` : ""}`;
  const handOff = `${c.handOff.state}${c.handOff.handledBy ? ` (${quoted(c.handOff.handledBy)})` : ""}${c.handOff.note ? ` note ${quoted(c.handOff.note)}` : ""}`;
  return `- +${c.number}${c.name ? ` (name ${quoted(c.name)})` : ""}: ${c.unread} unread; ${last}; window ${window.open ? `open until ${describeTime(Date.parse(window.closesAt!), timeZone)}` : "closed"}; ${started}; ${handOff}`;
}

/** A thread message in one line: the customer's words quoted, ours with their delivery state. */
function messageLine(m: ConversationEntry, byId: Map<string, ConversationEntry>, timeZone: string | undefined): string {
  const at = describeTime(m.at, timeZone);
  const quote = m.replyTo ? ` (replying to ${byId.has(m.replyTo) ? `${byId.get(m.replyTo)!.direction === "in" ? "their" : "our"} message ${m.replyTo}` : m.replyTo})` : "";
  if (m.direction === "in") {
    const chose = m.replyId !== null ? ` chose option ${m.text === null ? "(no title)" : quoted(m.text)} (id ${quoted(m.replyId)})` : `: ${m.text === null ? "(no text)" : quoted(m.text)}`;
    return `- ${at} customer [${m.type ?? "?"}, ${m.messageId}]${chose}${quote}`;
  }
  const what = m.type === "template" ? `template ${m.text ?? "?"}${m.campaign ? ` (campaign ${quoted(m.campaign)})` : ""}` : m.text === null ? "" : ` ${quoted(m.text)}`;
  return `- ${at} us [${m.type ?? "?"}, ${m.messageId}, ${m.status}]${m.type === "template" ? ` ${what}` : what}${quote}`;
}

export const conversationTools: ToolDefinition[] = [
  defineTool(
    "list_conversations",
    {
      title: "Conversations",
      description: "One row per customer: last message, unread, 24-hour window, what started it, hand-off. The filters find who needs an answer.",
      input: z.object({
        appId: appIdInput,
        unread: z.boolean().optional().describe("true: has unread customer messages."),
        awaitingReply: z.boolean().optional().describe("true: the customer wrote last."),
        windowOpen: z.boolean().optional().describe("true: free-form replies still reach them."),
        state: handOffState.optional().describe("Only this hand-off state."),
        since: timeInput.optional().describe("Active since then."),
        timeZone: timeZoneInput,
        limit: z.number().int().min(1).max(200).optional().describe("At most this many (default 20)."),
      }),
      output: z.object({
        appId: z.string(),
        total: z.number().describe("Conversations that match (all, not only those listed)."),
        conversations: z.array(conversationOutput),
        covers: coverageOutput,
      }),
      scope: "read",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const since = args.since === undefined ? undefined : timeRange(args.since, undefined, args.timeZone, 0)!.from;
      const limit = args.limit ?? 20;
      const filter = { unread: args.unread, awaitingReply: args.awaitingReply, windowOpen: args.windowOpen, state: args.state, since, limit };
      const reply = await ctx.readInbox(appId, { kind: "conversations", filter });
      if (reply.webhookConfiguredAt === null) throw new ToolError(NO_WEBHOOK);
      const now = Date.now();
      const name = await namer(
        ctx,
        appId,
        reply.data.conversations.map((c) => (c.startedBy.kind === "template" ? c.startedBy.name : null)),
      );
      const conversations = reply.data.conversations.map((c) => named(c, name));
      const total = reply.data.total;
      const words = [
        args.unread !== undefined && (args.unread ? "with unread messages" : "with nothing unread"),
        args.awaitingReply !== undefined && (args.awaitingReply ? "where the customer wrote last" : "where we wrote last"),
        args.windowOpen !== undefined && (args.windowOpen ? "with the window open" : "with the window closed"),
        args.state && `marked ${args.state}`,
        since !== undefined && `active since ${describeTime(since, args.timeZone)}`,
      ].filter(Boolean);
      const matching = `${words.length ? ` ${words.join(", ")}` : ""}`;
      const covers = inboxCoverage({ trackingSince: reply.webhookConfiguredAt, retention: ctx.env.INBOX_RETENTION_DAYS, since, until: now, timeZone: args.timeZone });
      const tracked = `The inbox holds what arrived since delivery tracking started (${describeTime(reply.webhookConfiguredAt, args.timeZone)}).`;
      const known = covers.complete ? tracked : covers.note;
      return {
        structured: { appId, total, conversations: conversations.map((c) => conversationOf(c, now)), covers },
        summary:
          total === 0
            ? `No conversations${matching}. ${known}`
            : `${conversations.length} of ${total} conversation(s)${matching}, latest activity first, one per line (${CUSTOMER_TEXT_NOTE}):\n${conversations.map((c) => conversationLine(c, now, args.timeZone)).join("\n")}${conversations.length < total ? `\n${total - conversations.length} more: raise limit or narrow the filter.` : ""}\n${known} get_conversation shows a thread.`,
      };
    },
  ),

  defineTool(
    "get_conversation",
    {
      title: "Conversation",
      description: "The thread with one customer, oldest first: their messages and choices, ours with delivery state; the window and hand-off. Message ids serve replyTo and mark_read.",
      input: z.object({
        appId: appIdInput,
        number: numberInput,
        timeZone: timeZoneInput,
        limit: z.number().int().min(1).max(200).optional().describe("The newest this many messages (default 50)."),
        suggestedReplies: z.array(z.string().min(1).max(4096)).max(3).optional().describe("Drafts the view offers as one-tap sends (sends nothing)."),
      }),
      output: z.object({
        appId: z.string(),
        number: z.string(),
        conversation: conversationOutput.nullable().describe("Null when the inbox has no message with this number."),
        messages: z.array(
          z.object({
            from: z.enum(["customer", "business"]),
            messageId: z.string(),
            at: z.string(),
            type: z.string().nullable(),
            text: z.string().nullable().describe("Customer text (theirs), our text, or our template's name."),
            optionId: z.string().nullable().describe("A button or list reply: the id of the option chosen."),
            replyTo: z.string().nullable().describe("The message it quotes."),
            status: z.string().nullable().describe("Ours: submitted → read, or failed."),
            campaign: z.string().nullable(),
          }),
        ),
        covers: coverageOutput,
      }),
      scope: "read",
      view: "conversation",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const { number } = ctx.recipient(args.number);
      const limit = args.limit ?? 50;
      const reply = await ctx.readInbox(appId, { kind: "conversation", number, limit });
      if (reply.webhookConfiguredAt === null) throw new ToolError(NO_WEBHOOK);
      const now = Date.now();
      const name = await namer(ctx, appId, [
        reply.data.summary?.startedBy.kind === "template" ? reply.data.summary.startedBy.name : null,
        ...reply.data.messages.map((m) => (m.type === "template" ? m.text : null)),
      ]);
      const summary = reply.data.summary && named(reply.data.summary, name);
      const messages = reply.data.messages.map((m) => (m.type === "template" ? { ...m, text: name(m.text) } : m));
      const byId = new Map(messages.map((m) => [m.messageId, m]));
      const covers = inboxCoverage({
        trackingSince: reply.webhookConfiguredAt,
        retention: ctx.env.INBOX_RETENTION_DAYS,
        until: now,
        timeZone: args.timeZone,
        cutAt: messages.length === limit ? limit : undefined,
      });
      const structured = {
        appId,
        number,
        conversation: summary ? conversationOf(summary, now) : null,
        messages: messages.map((m) => ({
          from: m.direction === "in" ? ("customer" as const) : ("business" as const),
          messageId: m.messageId,
          at: iso(m.at)!,
          type: m.type,
          text: m.text,
          optionId: m.replyId,
          replyTo: m.replyTo,
          status: m.status,
          campaign: m.campaign,
        })),
        covers,
      };
      if (!summary || messages.length === 0) {
        return {
          structured,
          summary: `No messages with +${number} in app ${appId}'s inbox (it holds what arrived since delivery tracking started, ${describeTime(reply.webhookConfiguredAt, args.timeZone)}).`,
        };
      }
      const window = windowOf(summary.lastCustomerAt, now);
      const head = `Conversation with +${number}${summary.name ? ` (name ${quoted(summary.name)})` : ""}: ${messages.length} message(s)${messages.length === limit ? `, the newest ${limit} (raise limit for older ones)` : ""}, oldest first (${CUSTOMER_TEXT_NOTE}). The inbox holds what arrived since delivery tracking started (${describeTime(reply.webhookConfiguredAt, args.timeZone)}).`;
      const state = `Window ${window.open ? `open until ${describeTime(Date.parse(window.closesAt!), args.timeZone)}: free-form replies reach them` : "closed: only an APPROVED template reaches them"}. Hand-off: ${summary.handOff.state}${summary.handOff.handledBy ? ` by ${quoted(summary.handOff.handledBy)}` : ""}${summary.handOff.note ? `, note ${quoted(summary.handOff.note)}` : ""}. ${summary.unread} unread.`;
      return { structured, summary: `${head}\n${messages.map((m) => messageLine(m, byId, args.timeZone)).join("\n")}\n${state}` };
    },
  ),

  defineTool(
    "set_conversation_state",
    {
      title: "Hand off conversation",
      description: "Mark a conversation open, waiting (someone has it) or done, so a person and an assistant do not both answer. A new message reopens a done one.",
      input: z.object({
        appId: appIdInput,
        number: numberInput,
        state: handOffState.describe("open: needs an answer; waiting: someone has it; done."),
        note: z.string().min(1).max(500).optional().describe("Shown to whoever looks next."),
        handledBy: z.string().min(1).max(100).optional().describe("Who has it (a name, or 'assistant')."),
      }),
      output: z.object({ appId: z.string(), number: z.string(), handOff: handOffOutput }),
      scope: "send",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const { number } = ctx.recipient(args.number);
      const summary = await ctx.handOff(appId, { number, state: args.state, note: args.note ?? null, handledBy: args.handledBy ?? null });
      if (!summary) throw new ToolError(`No conversation with +${number} in app ${appId}'s inbox, so there is nothing to mark: list_conversations shows the numbers it has.`);
      const handOff = { ...summary.handOff, at: iso(summary.handOff.at) };
      return {
        structured: { appId, number, handOff },
        summary: `Conversation with +${number} marked ${args.state}${args.handledBy ? ` (handled by ${quoted(args.handledBy)})` : ""}${args.note ? `, note ${quoted(args.note)}` : ""}.${args.state === "done" ? " A new message from them reopens it." : ""}`,
      };
    },
  ),

  defineTool(
    "mark_read",
    {
      title: "Mark read",
      description: "Blue ticks on a customer's message and their earlier ones; optionally 'typing…' (up to 25 s or until the reply).",
      input: z.object({
        appId: appIdInput,
        messageId: z
          .string()
          .regex(/^[A-Za-z0-9_.:=+/-]{1,200}$/, "messageId must be the id of a customer's message from get_conversation")
          .describe("A customer's message (its messageId from get_conversation)."),
        typing: z.boolean().optional().describe("Also show 'typing…' to them."),
      }),
      output: z.object({ appId: z.string(), messageId: z.string(), number: z.string(), typing: z.boolean() }),
      scope: "send",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (ctx) => async (args) => {
      const appId = await ctx.appId(args.appId);
      const reply = await ctx.readInbox(appId, { kind: "inboundMessage", messageId: args.messageId });
      const message = reply.data;
      if (!message) {
        if (reply.webhookConfiguredAt === null) throw new ToolError(NO_WEBHOOK);
        throw new ToolError(
          `No customer message ${args.messageId} in app ${appId}'s inbox: mark_read takes the id of a message a customer sent (get_conversation lists them); our own messages cannot be marked read.`,
        );
      }
      if (Date.now() - message.at > MARK_READ_DAYS * 86_400_000) {
        throw new ToolError(`Message ${args.messageId} arrived more than ${MARK_READ_DAYS} days ago: WhatsApp marks messages read only within ${MARK_READ_DAYS} days of receipt. Nothing was sent.`);
      }
      const typing = args.typing === true;
      const json = { type: "message-event", message: { messaging_product: "whatsapp", status: "read", message_id: args.messageId, ...(typing ? { typing_indicator: { type: "text" } } : {}) } };
      unwrap(await ctx.callApp(appId, { endpoint: "markRead", json }), { session: ctx.session, appId });
      return {
        structured: { appId, messageId: args.messageId, number: message.sender, typing },
        summary: `Marked read: +${message.sender} sees blue ticks on message ${args.messageId} and their earlier ones.${typing ? " They see 'typing…' until your reply arrives or for up to 25 seconds." : ""}`,
      };
    },
  ),
];
