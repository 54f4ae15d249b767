import type { Hono } from "hono";
import { subscriptionHeaders } from "./callbacks";
import { appOf, fail, type SandboxEnv } from "./route-helpers";
import { INTERACTIVE_RULES, READ_RULES, SUBSCRIPTION_RULES, V3_MESSAGE_RULES } from "./rules";
import type { SandboxSubscription } from "./state";

const MEDIA = new Set(["image", "video", "audio", "document", "sticker"]);

/** Free-form (v3, Meta format) messages and callback subscriptions. */
export function messagingRoutes(app: Hono<SandboxEnv>): void {
  app.post("/partner/app/:appId/v3/message", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    if (target.cloud === false) return fail(c, 400, V3_MESSAGE_RULES.notCloud);
    if (target.callbackBilling === false) return fail(c, 400, V3_MESSAGE_RULES.noCallbackBilling);
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (body?.messaging_product !== "whatsapp") return fail(c, 400, "messaging_product must be whatsapp");
    const to = body.to;
    if (typeof to !== "string" || !/^\d{8,15}$/.test(to)) return fail(c, 400, "Invalid Destination");
    const context = body.context as { message_id?: unknown } | undefined;
    if (context !== undefined && (typeof context.message_id !== "string" || context.message_id === "")) return fail(c, 400, INTERACTIVE_RULES.badContext);
    const type = String(body.type);
    const content = (body[type] ?? {}) as Record<string, unknown>;
    if (type === "text") {
      if (typeof content.body !== "string" || content.body === "" || content.body.length > 4096) return fail(c, 400, "text.body is required (max 4096 characters)");
    } else if (MEDIA.has(type)) {
      if (typeof content.link !== "string" && typeof content.id !== "string") return fail(c, 400, `${type}.link or ${type}.id is required`);
    } else if (type === "location") {
      if (typeof content.latitude !== "number" || typeof content.longitude !== "number") return fail(c, 400, "location.latitude and location.longitude are required");
    } else if (type === "interactive") {
      const problem = INTERACTIVE_RULES.problem(content);
      if (problem) return fail(c, 400, problem);
    } else {
      return fail(c, 400, `Unsupported message type ${type}`);
    }
    const messageId = crypto.randomUUID();
    c.var.sandbox.recordSend(target, messageId, to, true);
    return c.json({ messages: [{ id: messageId }], messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }] });
  });

  // Gupshup's sample sends the JSON body with a form Content-Type: the body is read as JSON whatever the header says.
  app.post("/partner/app/:appId/v1/event", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return fail(c, 400, READ_RULES.invalidJson);
    }
    const problem = READ_RULES.problem(body);
    if (problem) return fail(c, 400, problem);
    return c.json({ status: "success" });
  });

  app.get("/partner/app/:appId/subscription", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    return c.json({ status: "success", subscriptions: target.subscriptions.map(publicSubscription) });
  });

  app.post("/partner/app/:appId/subscription", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const checked = checkSubscription(await c.req.parseBody());
    if (typeof checked === "string") return fail(c, 400, checked);
    if (target.subscriptions.some((s) => s.tag === checked.tag)) return fail(c, 400, SUBSCRIPTION_RULES.duplicateTag);
    if (!(await c.var.sandbox.urlAnswers(checked.url, subscriptionHeaders(checked)))) return fail(c, 400, SUBSCRIPTION_RULES.invalidUrl);
    const now = Date.now();
    const subscription: SandboxSubscription = { id: String(Math.floor(100_000 + Math.random() * 900_000)), active: true, createdOn: now, modifiedOn: now, ...checked };
    target.subscriptions.push(subscription);
    c.var.sandbox.save();
    return c.json({ status: "success", subscription: publicSubscription(subscription) });
  });

  // Only the documented PUT fields are read: a `meta` sent along is ignored, as Gupshup's table has none.
  app.put("/partner/app/:appId/subscription/:subscriptionId", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const subscription = target.subscriptions.find((s) => s.id === c.req.param("subscriptionId"));
    if (!subscription) return fail(c, 400, SUBSCRIPTION_RULES.notFound);
    const form = await c.req.parseBody();
    const taken = Object.fromEntries(Object.entries(form).filter(([field]) => (SUBSCRIPTION_RULES.putFields as readonly string[]).includes(field)));
    const checked = checkSubscription({ tag: subscription.tag, url: subscription.url, version: String(subscription.version), modes: subscription.modes.join(","), ...taken, meta: subscription.meta });
    if (typeof checked === "string") return fail(c, 400, checked);
    if (target.subscriptions.some((s) => s !== subscription && s.tag === checked.tag)) return fail(c, 400, SUBSCRIPTION_RULES.duplicateTag);
    if (form.doCheck !== "false" && !(await c.var.sandbox.urlAnswers(checked.url, subscriptionHeaders(subscription)))) return fail(c, 400, SUBSCRIPTION_RULES.invalidUrl);
    Object.assign(subscription, checked, { modifiedOn: Date.now(), active: form.active === undefined ? subscription.active : form.active !== "false" });
    c.var.sandbox.save();
    return c.json({ status: "success", subscription: publicSubscription(subscription) });
  });

  app.delete("/partner/app/:appId/subscription/:subscriptionId", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const subscription = target.subscriptions.find((s) => s.id === c.req.param("subscriptionId"));
    if (!subscription) return fail(c, 400, SUBSCRIPTION_RULES.notFound);
    target.subscriptions = target.subscriptions.filter((s) => s !== subscription);
    c.var.sandbox.save();
    return c.body(null, 204);
  });
}

function checkSubscription(form: Record<string, unknown>) {
  const url = typeof form.url === "string" ? form.url : "";
  try {
    if (!/^https?:$/.test(new URL(url).protocol)) return SUBSCRIPTION_RULES.invalidUrl;
  } catch {
    return SUBSCRIPTION_RULES.invalidUrl;
  }
  if (typeof form.tag !== "string" || form.tag === "") return "tag is required";
  const version = Number(form.version ?? 2);
  if (![0, 1, 2, 3].includes(version)) return "Invalid version";
  const modes = String(form.modes ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  if (version === 3 && modes.some((m) => (SUBSCRIPTION_RULES.unsupportedInVersion3 as readonly string[]).includes(m))) return SUBSCRIPTION_RULES.unsupportedModesMessage;
  const meta = typeof form.meta === "string" ? form.meta : "{}";
  try {
    JSON.parse(meta);
  } catch {
    return "meta must be a JSON string";
  }
  return { tag: form.tag, url, version, modes, meta };
}

function publicSubscription(s: { id: string; tag: string; url: string; version: number; modes: string[]; meta: string; active: boolean; createdOn: number; modifiedOn: number }) {
  return {
    active: s.active,
    createdOn: s.createdOn,
    id: s.id,
    mode: s.modes.length,
    modes: s.modes,
    meta: s.meta,
    modifiedOn: s.modifiedOn,
    showOnUI: false,
    tag: s.tag,
    url: s.url,
    version: s.version,
  };
}
