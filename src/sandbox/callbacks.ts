import { EVENT_RULES } from "./rules";
import type { SandboxApp, SandboxSubscription } from "./state";

/**
 * The callbacks a real Gupshup app would post after a send, in the subscription's format
 * (version 2: Gupshup's envelope, version 3: Meta's), with the subscription's meta.headers.
 */

export interface PendingCallback {
  dueAt: number;
  url: string;
  headers: Record<string, string>;
  version: number;
  event: CallbackEvent;
}

type CallbackEvent =
  | { type: "status"; messageId: string; wamid: string; destination: string; status: "enqueued" | "sent" | "delivered" | "read" | "failed"; outcome: Outcome }
  | { type: "inbound"; id: string; from: string; name: string; text: string; reply?: InboundReply; inReplyTo?: string };

/** A user's tap on a template's quick-reply button, an interactive button, or a list option. */
export interface InboundReply {
  kind: "quick_reply" | "button_reply" | "list_reply";
  title: string;
  id: string;
}

/** The WhatsApp id the sandbox gives one of its messages (Gupshup's id is the message id). */
export const wamidOf = (messageId: string) => `wamid.sandbox${messageId.replace(/-/g, "").slice(0, 20)}`;

type Outcome = { kind: "delivered" } | { kind: "failed"; code: number; reason: string; metaCode: number; metaTitle: string };

/** Delays after a send, like Gupshup's (events arrive a few seconds apart). */
const STEPS_MS = { enqueued: 500, sent: 1500, delivered: 3000, read: 6000 } as const;

/**
 * What happens to a message in the sandbox: numbers ending in 0000 do not exist on WhatsApp;
 * a free-form message to a user who has not written in the last 24 h is outside the window.
 */
export function outcomeFor(app: SandboxApp, destination: string, freeForm: boolean, now: number): Outcome {
  if (destination.endsWith("0000")) return { kind: "failed", ...EVENT_RULES.notOnWhatsApp };
  if (destination.endsWith("1012")) return { kind: "failed", ...EVENT_RULES.optedOut };
  const lastInbound = app.inbound[destination];
  if (freeForm && (lastInbound === undefined || now - lastInbound > 86_400_000)) return { kind: "failed", ...EVENT_RULES.outsideWindow };
  return { kind: "delivered" };
}

export function messageCallbacks(subscription: SandboxSubscription, messageId: string, destination: string, outcome: Outcome, now: number): PendingCallback[] {
  const wamid = wamidOf(messageId);
  const steps: { status: "enqueued" | "sent" | "delivered" | "read" | "failed"; at: number }[] =
    outcome.kind === "failed"
      ? [
          { status: "enqueued", at: now + STEPS_MS.enqueued },
          { status: "failed", at: now + STEPS_MS.sent },
        ]
      : (["enqueued", "sent", "delivered", "read"] as const).map((status) => ({ status, at: now + STEPS_MS[status] }));
  return steps.map(({ status, at }) => ({
    dueAt: at,
    url: subscription.url,
    headers: subscriptionHeaders(subscription),
    version: subscription.version,
    event: { type: "status", messageId, wamid, destination, status, outcome },
  }));
}

/** A user's message; `inReplyTo`: the id of the app's message they answer (a quote, or a tap on its button). */
export function inboundCallback(subscription: SandboxSubscription, id: string, from: string, name: string, text: string, now: number, reply?: InboundReply, inReplyTo?: string): PendingCallback {
  return {
    dueAt: now,
    url: subscription.url,
    headers: subscriptionHeaders(subscription),
    version: subscription.version,
    event: { type: "inbound", id, from, name, text, ...(reply ? { reply } : {}), ...(inReplyTo ? { inReplyTo } : {}) },
  };
}

/** The callback's body as Gupshup would post it at `at` (stamped when it is actually sent). */
export function callbackBody(app: SandboxApp, callback: PendingCallback, at: number): unknown {
  const e = callback.event;
  if (e.type === "inbound") {
    return callback.version === 3
      ? metaEnvelope(app, {
          contacts: [{ profile: { name: e.name }, wa_id: e.from }],
          messages: [
            { from: e.from, id: e.id, timestamp: String(Math.floor(at / 1000)), ...metaContent(e.text, e.reply), ...(e.inReplyTo ? { context: { from: app.phone, id: wamidOf(e.inReplyTo) } } : {}) },
          ],
        })
      : {
          app: app.name,
          timestamp: at,
          version: 2,
          type: "message",
          payload: {
            id: e.id,
            source: e.from,
            ...gupshupContent(e.text, e.reply),
            sender: { phone: e.from, name: e.name, country_code: e.from.slice(0, 2), dial_code: e.from.slice(2) },
            ...(e.inReplyTo ? { context: { id: wamidOf(e.inReplyTo), gsId: e.inReplyTo } } : {}),
          },
        };
  }
  return callback.version === 3 ? metaStatus(app, e.messageId, e.wamid, e.destination, e.status, at, e.outcome) : gupshupStatus(app, e.messageId, e.wamid, e.destination, e.status, at, e.outcome);
}

/** An inbound message's type and content in Gupshup's format (docs: inbound messages, interactive, postback text). */
function gupshupContent(text: string, reply: InboundReply | undefined) {
  if (!reply) return { type: "text", payload: { text } };
  if (reply.kind === "quick_reply") return { type: "quick_reply", payload: { text: reply.title, type: "button", postbackText: reply.id } };
  return { type: reply.kind, payload: { title: reply.title, id: reply.id, reply: `${reply.title} 1` } };
}

/** The same in Meta's format. */
function metaContent(text: string, reply: InboundReply | undefined) {
  if (!reply) return { type: "text", text: { body: text } };
  if (reply.kind === "quick_reply") return { type: "button", button: { payload: reply.id, text: reply.title } };
  return { type: "interactive", interactive: { type: reply.kind, [reply.kind]: { id: reply.id, title: reply.title } } };
}

/** The subscription's meta.headers, which Gupshup sends with every call to its URL. */
export function subscriptionHeaders(subscription: Pick<SandboxSubscription, "meta">): Record<string, string> {
  try {
    const meta = JSON.parse(subscription.meta || "{}") as { headers?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(meta.headers ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return {};
  }
}

function gupshupStatus(app: SandboxApp, messageId: string, wamid: string, destination: string, status: string, at: number, outcome: Outcome) {
  const ts = Math.floor(at / 1000);
  const payload =
    status === "enqueued"
      ? { id: messageId, type: "enqueued", destination, payload: { whatsappMessageId: wamid, type: "session" } }
      : status === "failed" && outcome.kind === "failed"
        ? { ...(EVENT_RULES.isSyncFailure(outcome.code) ? { id: messageId } : { id: wamid, gsId: messageId }), type: "failed", destination, payload: { code: outcome.code, reason: outcome.reason } }
        : { id: wamid, gsId: messageId, type: status, destination, payload: { ts } };
  return { app: app.name, timestamp: at, version: 2, type: "message-event", payload };
}

function metaStatus(app: SandboxApp, messageId: string, wamid: string, destination: string, status: string, at: number, outcome: Outcome) {
  const entry: Record<string, unknown> = { gs_id: messageId, id: wamid, recipient_id: destination, status, timestamp: String(status === "enqueued" ? at : Math.floor(at / 1000)) };
  if (status === "failed" && outcome.kind === "failed") entry.errors = [{ code: outcome.metaCode, title: outcome.metaTitle }];
  return metaEnvelope(app, { statuses: [entry] });
}

function metaEnvelope(app: SandboxApp, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    gs_app_id: app.id,
    entry: [
      {
        id: "100000000000001",
        changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: app.phone, phone_number_id: "200000000000001" }, ...value } }],
      },
    ],
  };
}
