import type { Context } from "hono";
import type { Env } from "../env";
import { appObjectName } from "../gateway/gateway";
import { APP_ID_PATTERN } from "../tools/schemas";
import { readCapped } from "../utils/read-capped";

/** The header Gupshup sends back on every callback (set through the subscription's meta.headers). */
export const WEBHOOK_SECRET_HEADER = "X-Gupshup-Mcp-Secret";
/** Callbacks are small; anything bigger than this is refused with 413. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * POST /webhooks/gupshup/:appId — a Gupshup callback (v2 or v3 format). 401 without the app's
 * shared secret, 413 when too large, 400 when not JSON; otherwise the event is written to the
 * app's Durable Object before the 200 goes out.
 */
export async function receiveWebhook(c: Context<{ Bindings: Env }>): Promise<Response> {
  const appId = c.req.param("appId") ?? "";
  const secret = c.req.header(WEBHOOK_SECRET_HEADER) ?? "";
  if (!APP_ID_PATTERN.test(appId)) return c.json({ error: "not_found", message: "Unknown app." }, 404);
  if (secret === "" || secret.length > 256) return c.json({ error: "unauthorized", message: `Missing or invalid ${WEBHOOK_SECRET_HEADER} header.` }, 401);
  if (Number(c.req.header("Content-Length") ?? 0) > MAX_WEBHOOK_BYTES) return tooLarge(c);
  const bytes = await readCapped(c.req.raw.body, MAX_WEBHOOK_BYTES);
  if (!bytes) return tooLarge(c);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return c.json({ error: "bad_request", message: "The body is not valid JSON." }, 400);
  }
  if (typeof body !== "object" || body === null) return c.json({ error: "bad_request", message: "The body must be a JSON object." }, 400);
  const gateway = c.env.GATEWAY.get(c.env.GATEWAY.idFromName(appObjectName(appId)));
  const result = await gateway.ingestWebhook(appId, body, secret);
  if (!result.accepted) return c.json({ error: "unauthorized", message: `Wrong ${WEBHOOK_SECRET_HEADER} for this app.` }, 401);
  return c.json({ status: "ok", stored: result.stored });
}

const tooLarge = (c: Context) => c.json({ error: "payload_too_large", message: `Callbacks are limited to ${MAX_WEBHOOK_BYTES / 1024} KB.` }, 413);
