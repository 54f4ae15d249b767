import type { ConversationEntry } from "./conversations";
import { type FailedEntry, type InboundEntry, type InboxStore, type MessageStatus, SERVICE_WINDOW_MS, type WindowState } from "./store";

/** What a tool can ask an app's inbox (through the gateway, after the caller's access check). */
export type InboxQuery =
  | { kind: "messageStatus"; messageId: string }
  | { kind: "failed"; since: number; until: number; limit: number }
  | { kind: "inbound"; since: number; until: number; limit: number }
  | { kind: "window"; recipient: string }
  | { kind: "conversation"; number: string; limit: number }
  | { kind: "recentNumbers"; limit: number };

export interface InboxAnswers {
  messageStatus: MessageStatus | null;
  failed: FailedEntry[];
  inbound: (InboundEntry & { windowOpen: boolean })[];
  window: WindowState;
  conversation: ConversationEntry[];
  recentNumbers: string[];
}

export interface InboxReply<K extends InboxQuery["kind"]> {
  /** When configure_webhook set this app's inbox up (epoch ms), or null if it never did. */
  webhookConfiguredAt: number | null;
  data: InboxAnswers[K];
}

/** Answers a query from the app's inbox (the caller's access has been checked already). */
export function answerInboxQuery<Q extends InboxQuery>(inbox: InboxStore, webhookConfiguredAt: number | null, query: Q, now: number): InboxReply<Q["kind"]> {
  const data = (() => {
    switch (query.kind) {
      case "messageStatus":
        return inbox.messageStatus(query.messageId) ?? null;
      case "failed":
        return inbox.failed(query.since, query.until, query.limit);
      case "inbound":
        return inbox.inbound(query.since, query.until, query.limit).map((m) => ({ ...m, windowOpen: now - (inbox.lastInboundAt(m.sender) ?? 0) < SERVICE_WINDOW_MS }));
      case "window":
        return inbox.windowState(query.recipient, now, webhookConfiguredAt);
      case "conversation":
        return inbox.conversations.with(query.number, query.limit);
      case "recentNumbers":
        return inbox.conversations.recentNumbers(query.limit);
    }
  })();
  return { webhookConfiguredAt, data } as InboxReply<Q["kind"]>;
}
