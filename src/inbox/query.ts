import type { RanCampaign } from "../campaigns/desk";
import type { ConversationEntry, ConversationFilter, ConversationSummary, HandOff } from "./conversations";
import type { OptOuts } from "./opt-outs";
import { type FailedEntry, type InboundEntry, type InboxReport, type InboxStore, type MessageStatus, SERVICE_WINDOW_MS, type WindowState } from "./store";

/** What a tool can ask an app's inbox (through the gateway, after the caller's access check). */
export type InboxQuery =
  | { kind: "messageStatus"; messageId: string }
  | { kind: "failed"; since: number; until: number; limit: number }
  | { kind: "inbound"; since: number; until: number; limit: number }
  | { kind: "conversation"; number: string; limit: number }
  | { kind: "conversations"; filter: ConversationFilter }
  | { kind: "beforeReply"; recipient: string; replyTo?: string }
  | { kind: "inboundMessage"; messageId: string }
  | { kind: "recentNumbers"; limit: number }
  /** A window's figures; with tracking, from when it started (a message sent before can never count as delivered). */
  | { kind: "report"; since: number; until: number }
  | { kind: "templateSends"; since: number; until: number };

/** What a session send needs to know first: the window, who is on the conversation, and whose message it would quote. */
export interface BeforeReply {
  window: WindowState;
  handOff: { state: HandOff; note: string | null; handledBy: string | null } | null;
  /** replyTo: "theirs" (a message this customer sent), "other" (another number's), "ours" (one we sent), "unknown" (not in the inbox). */
  quoted: "theirs" | "other" | "ours" | "unknown" | null;
}

export interface InboxAnswers {
  messageStatus: MessageStatus | null;
  failed: FailedEntry[];
  inbound: (InboundEntry & { windowOpen: boolean })[];
  conversation: { summary: ConversationSummary | null; messages: ConversationEntry[] };
  conversations: { conversations: ConversationSummary[]; total: number };
  beforeReply: BeforeReply;
  inboundMessage: InboundEntry | null;
  recentNumbers: string[];
  report: InboxReport & { optOuts: number; campaigns: RanCampaign[] };
  templateSends: { text: string; sent: number }[];
}

export interface InboxReply<K extends InboxQuery["kind"]> {
  /** When configure_webhook set this app's inbox up (epoch ms), or null if it never did. */
  webhookConfiguredAt: number | null;
  data: InboxAnswers[K];
}

/** Answers a query from the app's inbox (the caller's access has been checked already). */
/** What the app's object holds beside the inbox that some answers need. */
export interface InboxNeighbours {
  optOuts: OptOuts;
  campaignsIn: (since: number, until: number, now: number) => RanCampaign[];
}

export function answerInboxQuery<Q extends InboxQuery>(inbox: InboxStore, neighbours: InboxNeighbours, webhookConfiguredAt: number | null, query: Q, now: number): InboxReply<Q["kind"]> {
  const data = (() => {
    switch (query.kind) {
      case "messageStatus":
        return inbox.messageStatus(query.messageId) ?? null;
      case "failed":
        return inbox.failed(query.since, query.until, query.limit);
      case "inbound":
        return inbox.inbound(query.since, query.until, query.limit).map((m) => ({ ...m, windowOpen: now - (inbox.lastInboundAt(m.sender) ?? 0) < SERVICE_WINDOW_MS }));
      case "conversation":
        return { summary: inbox.conversations.summary(query.number) ?? null, messages: inbox.conversations.with(query.number, query.limit) };
      case "conversations":
        return inbox.conversations.list(query.filter, now);
      case "beforeReply": {
        const summary = inbox.conversations.summary(query.recipient);
        const quotedFrom = query.replyTo === undefined ? undefined : inbox.inboundMessage(query.replyTo)?.sender;
        return {
          window: inbox.windowState(query.recipient, now, webhookConfiguredAt),
          handOff: summary ? { state: summary.handOff.state, note: summary.handOff.note, handledBy: summary.handOff.handledBy } : null,
          quoted: query.replyTo === undefined ? null : quotedFrom !== undefined ? (quotedFrom === query.recipient ? "theirs" : "other") : inbox.messageStatus(query.replyTo) ? "ours" : "unknown",
        };
      }
      case "inboundMessage":
        return inbox.inboundMessage(query.messageId) ?? null;
      case "recentNumbers":
        return inbox.conversations.recentNumbers(query.limit);
      case "report": {
        const since = webhookConfiguredAt === null ? query.since : Math.min(Math.max(query.since, webhookConfiguredAt), query.until);
        return { ...inbox.report(since, query.until), optOuts: neighbours.optOuts.countSince(query.since, query.until), campaigns: neighbours.campaignsIn(query.since, query.until, now) };
      }
      case "templateSends":
        return inbox.templateSends(query.since, query.until);
    }
  })();
  return { webhookConfiguredAt, data } as InboxReply<Q["kind"]>;
}
