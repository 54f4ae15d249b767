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
  text: string | null;
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
      // enqueued/failed: id is Gupshup's; sent/delivered/read: id is WhatsApp's and gsId is Gupshup's.
      const gupshupId = status === "enqueued" || status === "failed" ? id : (str(p.gsId) ?? str(p.gs_id));
      const whatsappId = status === "enqueued" ? str(inner.whatsappMessageId) : status === "failed" ? null : id;
      const messageId = gupshupId ?? id;
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
      return [
        {
          kind: "inbound",
          key: `inbound:${id}`,
          messageId: id,
          sender,
          name: str(obj(p.sender).name),
          type: str(p.type) ?? "unknown",
          text: clip(str(inner.text) ?? str(inner.caption) ?? str(inner.title) ?? str(p.postbackText)),
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
          events.push({ kind: "template", key: `template:${str(v.message_template_id)}:${status}:${now}`, templateId: str(v.message_template_id), elementName: str(v.message_template_name), status: status.toUpperCase(), at: now });
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
      const names = new Map(list(v.contacts).map(obj).map((c) => [str(c.wa_id), str(obj(c.profile).name)] as const));
      for (const m of list(v.messages).map(obj)) {
        const id = str(m.id);
        const sender = str(m.from);
        if (!id || !sender) continue;
        const type = str(m.type) ?? "unknown";
        const content = obj(m[type]);
        events.push({
          kind: "inbound",
          key: `inbound:${id}`,
          messageId: id,
          sender,
          name: names.get(sender) ?? null,
          type,
          text: clip(str(content.body) ?? str(content.caption) ?? str(obj(content.button_reply).title) ?? str(content.text)),
          at: epochMs(m.timestamp, now),
        });
      }
    }
  }
  return events;
}
