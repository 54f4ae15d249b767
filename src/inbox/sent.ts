import type { UpstreamRequest } from "../api/types";
import type { SentContent } from "./conversations";

/** The message id, recipient and content of a successful send, so the inbox can answer for it before any event arrives. */
export function sentMessageOf(req: UpstreamRequest, data: unknown): { messageId: string; recipient: string; content: SentContent } | undefined {
  const answer = (typeof data === "object" && data !== null ? data : {}) as { messageId?: unknown; messages?: { id?: unknown }[] };
  if (req.endpoint === "sendTemplate") {
    const recipient = req.form?.destination;
    const templateId = templateIdOf(req.form?.template);
    return typeof answer.messageId === "string" && recipient ? { messageId: answer.messageId, recipient, content: { type: "template", text: req.shownAs ?? templateId } } : undefined;
  }
  if (req.endpoint === "sendMessage") {
    const id = Array.isArray(answer.messages) ? answer.messages[0]?.id : undefined;
    const json = (req.json ?? {}) as { to?: unknown; type?: unknown; context?: { message_id?: unknown } };
    if (typeof id !== "string" || typeof json.to !== "string") return undefined;
    const type = typeof json.type === "string" ? json.type : "message";
    const replyTo = typeof json.context?.message_id === "string" ? json.context.message_id : null;
    return { messageId: id, recipient: json.to, content: { type, text: req.shownAs ?? textOf(json as Record<string, unknown>, type), replyTo } };
  }
  return undefined;
}

/** The template id in a send's `template` field (built by us; never throws after a send went out). */
function templateIdOf(field: string | undefined): string | null {
  try {
    const id = (JSON.parse(field ?? "{}") as { id?: unknown }).id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

/** What a thread shows of a free-form message: its text, caption, body or place. */
function textOf(json: Record<string, unknown>, type: string): string | null {
  const part = (json[type] ?? {}) as { body?: unknown; caption?: unknown; name?: unknown; text?: unknown };
  const found = [part.body, part.caption, part.name, (part.text as { body?: unknown } | undefined)?.body ?? part.text].find((v) => typeof v === "string");
  return typeof found === "string" ? found.slice(0, 4096) : null;
}
