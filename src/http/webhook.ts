import type { Context } from "hono";
import { APP_ID_PATTERN, WEBHOOK_SECRET_HEADER } from "../constants";
import type { Env } from "../env";
import { appObjectName } from "../gateway/names";
import { declaresMoreThan, readCapped } from "../utils/read-capped";

/** The header Gupshup sends back on every callback (set through the subscription's meta.headers). */
/** Callbacks are small; anything bigger than this is refused with 413. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * /webhooks/gupshup/:appId — where Gupshup posts an app's callbacks (v2 or v3 format).
 *
 * Gupshup checks a callback URL before it accepts a subscription and wants 2xx with an empty
 * body from a callback (its webhook guide); how it checks is not documented. So GET and HEAD,
 * and a POST without the secret header, get 200 with an empty body and store nothing. A POST
 * with a wrong secret gets 401; with the app's secret, its events are written to the app's
 * Durable Object before the empty 200 goes out.
 */
export async function receiveWebhook(c: Context<{ Bindings: Env }>): Promise<Response> {
  const appId = c.req.param("appId") ?? "";
  if (!APP_ID_PATTERN.test(appId)) return c.json({ error: "not_found", message: "Unknown app." }, 404);
  const secret = c.req.header(WEBHOOK_SECRET_HEADER);
  if (c.req.method !== "POST" || secret === undefined) return acknowledged(c);
  if (secret === "" || secret.length > 256) return unauthorized(c);
  if (declaresMoreThan(c.req.raw, MAX_WEBHOOK_BYTES)) return tooLarge(c);
  const bytes = await readCapped(c.req.raw.body, MAX_WEBHOOK_BYTES);
  if (!bytes) return tooLarge(c);
  const gateway = c.env.GATEWAY.get(c.env.GATEWAY.idFromName(appObjectName(appId)));
  return (await gateway.ingestWebhook(appId, parseJson(bytes), secret)) ? acknowledged(c) : unauthorized(c);
}

/** The body as JSON, or undefined when it is not (a URL check's body is nothing we store). */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

const acknowledged = (c: Context) => c.body(null, 200);
const unauthorized = (c: Context) => c.json({ error: "unauthorized", message: `Wrong ${WEBHOOK_SECRET_HEADER} for this app.` }, 401);
const tooLarge = (c: Context) => c.json({ error: "payload_too_large", message: `Callbacks are limited to ${MAX_WEBHOOK_BYTES / 1024} KB.` }, 413);
