/**
 * Gupshup callbacks → inbox events. Two formats arrive: version 2 (Gupshup's own envelope
 * `{app, timestamp, version, type, payload}`) and version 3 (Meta's `{object, entry[].changes[]}`).
 * Anything unrecognised is acknowledged and ignored; nothing here throws on odd input.
 */

export type DeliveryStatus = "enqueued" | "sent" | "delivered" | "read" | "failed" | "deleted";

export interface StatusEvent {
  kind: "status";
  /** Dedupe key: the same event delivered twice has the same key. */
  key: string;
  /** Gupshup's message id when known (what our send tools return), else WhatsApp's. */
  messageId: string;
  whatsappId: string | null;
  status: DeliveryStatus;
  recipient: string | null;
  code: string | null;
  reason: string | null;
  at: number;
}

export interface InboundEvent {
  kind: "inbound";
  key: string;
  messageId: string;
  sender: string;
  name: string | null;
  type: string;
  /** The text, caption, or the title of the button or list option the user chose. */
  text: string | null;
  /** For button and list replies: the id (or postback payload) of the option chosen. */
  replyId: string | null;
  /** The message it quotes or answers (`context`): Gupshup's id when given, else WhatsApp's. */
  replyTo: string | null;
  at: number;
}

export interface TemplateEvent {
  kind: "template";
  key: string;
  templateId: string | null;
  elementName: string | null;
  status: string;
  at: number;
}

export type InboxEvent = StatusEvent | InboundEvent | TemplateEvent;

const STATUSES = new Set<DeliveryStatus>(["enqueued", "sent", "delivered", "read", "failed", "deleted"]);
type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : null);
const clip = (value: string | null, max = 4096) => (value === null ? null : value.slice(0, max));

/** Epoch ms from seconds or milliseconds (Gupshup mixes both), or `fallback`. */
function epochMs(value: unknown, fallback: number): number {
  const n = typeof value === "string" ? Number(value) : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(n) || n <= 0) return fallback;
  return n > 1e12 ? Math.round(n) : Math.round(n * 1000);
}

export function parseCallback(body: unknown, now = Date.now()): InboxEvent[] {
  const root = obj(body);
  if (root.object === "whatsapp_business_account" || Array.isArray(root.entry)) return parseMeta(root, now);
  if (typeof root.type === "string" && "payload" in root) return parseGupshup(root, now);
  return [];
}

function parseGupshup(root: Json, now: number): InboxEvent[] {
  const at = epochMs(root.timestamp, now);
  const p = obj(root.payload);
  const inner = obj(p.payload);
  switch (root.type) {
    case "message-event": {
      const status = str(p.type) as DeliveryStatus | null;
      const id = str(p.id);
      if (!status || !STATUSES.has(status) || !id) return [];
      // gsId, when present, is Gupshup's id and `id` is WhatsApp's — on every status, failures
      // that WhatsApp reported included. Without gsId, enqueued and (synchronous) failed events
      // carry Gupshup's id in `id`.
      const gsId = str(p.gsId) ?? str(p.gs_id);
      const messageId = gsId ?? id;
      const whatsappId = gsId && gsId !== id ? id : status === "enqueued" ? str(inner.whatsappMessageId) : status === "failed" ? null : id;
      return [
        {
          kind: "status",
          key: `status:${status}:${messageId}`,
          messageId,
          whatsappId,
          status,
          recipient: str(p.destination),
          code: status === "failed" ? str(inner.code) : null,
          reason: status === "failed" ? clip(str(inner.reason), 500) : null,
          at: epochMs(inner.ts, at),
        },
      ];
    }
    case "message": {
      const id = str(p.id);
      const sender = str(p.source) ?? str(obj(p.sender).phone);
      if (!id || !sender) return [];
      const type = str(p.type) ?? "unknown";
      // quick_reply (a template's button): {text, type: "button", postbackText}; button_reply and
      // list_reply (interactive messages): {title, id, reply, postbackText?, description?}.
      // One copy of Gupshup's interactive page types a reply button's tap quick_reply, with {title, id, reply}.
      const replyId = type === "quick_reply" ? (str(inner.postbackText) ?? str(inner.id)) : type === "button_reply" || type === "list_reply" ? (str(inner.id) ?? str(inner.postbackText)) : null;
      return [
        {
          kind: "inbound",
          key: `inbound:${id}`,
          messageId: id,
          sender,
          name: str(obj(p.sender).name),
          type,
          text: clip(str(inner.text) ?? str(inner.caption) ?? str(inner.title) ?? str(p.postbackText)),
          replyId: clip(replyId, 500),
          replyTo: clip(str(obj(p.context).gsId) ?? str(obj(p.context).id), 200),
          at,
        },
      ];
    }
    case "template-event": {
      const status = str(p.status);
      if (!status) return [];
      return [{ kind: "template", key: `template:${str(p.id)}:${status}:${at}`, templateId: str(p.id), elementName: str(p.elementName), status: status.toUpperCase(), at }];
    }
    default:
      return [];
  }
}

function parseMeta(root: Json, now: number): InboxEvent[] {
  const events: InboxEvent[] = [];
  for (const entry of list(root.entry)) {
    for (const change of list(obj(entry).changes)) {
      const { field, value } = obj(change) as { field?: unknown; value?: unknown };
      const v = obj(value);
      if (field === "message_template_status_update") {
        const status = str(v.event);
        if (status) {
          events.push({
            kind: "template",
            key: `template:${str(v.message_template_id)}:${status}:${now}`,
            templateId: str(v.message_template_id),
            elementName: str(v.message_template_name),
            status: status.toUpperCase(),
            at: now,
          });
        }
        continue;
      }
      for (const s of list(v.statuses).map(obj)) {
        const status = str(s.status) as DeliveryStatus | null;
        const whatsappId = str(s.id);
        const messageId = str(s.gs_id) ?? whatsappId;
        if (!status || !STATUSES.has(status) || !messageId) continue;
        const error = obj(list(s.errors)[0]);
        events.push({
          kind: "status",
          key: `status:${status}:${messageId}`,
          messageId,
          whatsappId,
          status,
          recipient: str(s.recipient_id),
          code: str(error.code),
          reason: clip(str(error.title) ?? str(obj(error.error_data).details), 500),
          at: epochMs(s.timestamp, now),
        });
      }
      const names = new Map(
        list(v.contacts)
          .map(obj)
          .map((c) => [str(c.wa_id), str(obj(c.profile).name)] as const),
      );
      for (const m of list(v.messages).map(obj)) {
        const id = str(m.id);
        const sender = str(m.from);
        if (!id || !sender) continue;
        const reply = metaReply(m);
        const type = reply?.type ?? str(m.type) ?? "unknown";
        const content = obj(m[type]);
        events.push({
          kind: "inbound",
          key: `inbound:${id}`,
          messageId: id,
          sender,
          name: names.get(sender) ?? null,
          type,
          text: clip(reply ? reply.title : (str(content.body) ?? str(content.caption) ?? str(content.text))),
          replyId: clip(reply?.id ?? null, 500),
          replyTo: clip(str(obj(m.context).id), 200),
          at: epochMs(m.timestamp, now),
        });
      }
    }
  }
  return events;
}

/**
 * A button or list reply in Meta's format: `interactive.button_reply` / `interactive.list_reply`
 * ({id, title}), or a template's quick-reply `button` ({payload, text}).
 */
function metaReply(m: Json): { type: string; title: string | null; id: string | null } | undefined {
  if (m.type === "interactive") {
    const interactive = obj(m.interactive);
    const type = str(interactive.type);
    if (type !== "button_reply" && type !== "list_reply") return undefined;
    const choice = obj(interactive[type]);
    return { type, title: str(choice.title), id: str(choice.id) };
  }
  if (m.type === "button") {
    const button = obj(m.button);
    return { type: "button", title: str(button.text), id: str(button.payload) };
  }
  return undefined;
}
