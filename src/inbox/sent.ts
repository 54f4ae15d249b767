import type { UpstreamRequest } from "../api/types";

/** The message id and recipient of a successful send, so the inbox can answer for it before any event arrives. */
export function sentMessageOf(req: UpstreamRequest, data: unknown): { messageId: string; recipient: string } | undefined {
  const answer = (typeof data === "object" && data !== null ? data : {}) as { messageId?: unknown; messages?: { id?: unknown }[] };
  if (req.endpoint === "sendTemplate") {
    const recipient = req.form?.destination;
    return typeof answer.messageId === "string" && recipient ? { messageId: answer.messageId, recipient } : undefined;
  }
  if (req.endpoint === "sendMessage") {
    const id = Array.isArray(answer.messages) ? answer.messages[0]?.id : undefined;
    const recipient = (req.json as { to?: unknown } | undefined)?.to;
    return typeof id === "string" && typeof recipient === "string" ? { messageId: id, recipient } : undefined;
  }
  return undefined;
}
