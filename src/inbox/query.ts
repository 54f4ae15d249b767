import type { FailedEntry, InboundEntry, MessageStatus, WindowState } from "./store";

/** What a tool can ask an app's inbox (through the gateway, after the caller's access check). */
export type InboxQuery =
  | { kind: "messageStatus"; messageId: string }
  | { kind: "failed"; since: number; until: number; limit: number }
  | { kind: "inbound"; since: number; until: number; limit: number }
  | { kind: "window"; recipient: string };

export interface InboxAnswers {
  messageStatus: MessageStatus | null;
  failed: FailedEntry[];
  inbound: (InboundEntry & { windowOpen: boolean })[];
  window: WindowState;
}

export interface InboxReply<K extends InboxQuery["kind"]> {
  /** When configure_webhook set this app's inbox up (epoch ms), or null if it never did. */
  webhookConfiguredAt: number | null;
  data: InboxAnswers[K];
}
