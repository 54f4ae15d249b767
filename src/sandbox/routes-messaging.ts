import type { Hono } from "hono";
import { appOf, fail, type SandboxEnv } from "./routes";

const MEDIA = new Set(["image", "video", "audio", "document", "sticker"]);

/** Free-form (v3, Meta format) messages and callback subscriptions. */
export function messagingRoutes(app: Hono<SandboxEnv>): void {
  app.post("/partner/app/:appId/v3/message", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || body.messaging_product !== "whatsapp") return fail(c, 400, "messaging_product must be whatsapp");
    const to = body.to;
    if (typeof to !== "string" || !/^\d{8,15}$/.test(to)) return fail(c, 400, "Invalid Destination");
    const type = String(body.type);
    const content = (body[type] ?? {}) as Record<string, unknown>;
    if (type === "text") {
      if (typeof content.body !== "string" || content.body === "" || content.body.length > 4096) return fail(c, 400, "text.body is required (max 4096 characters)");
    } else if (MEDIA.has(type)) {
      if (typeof content.link !== "string" && typeof content.id !== "string") return fail(c, 400, `${type}.link or ${type}.id is required`);
    } else if (type === "location") {
      if (typeof content.latitude !== "number" || typeof content.longitude !== "number") return fail(c, 400, "location.latitude and location.longitude are required");
    } else {
      return fail(c, 400, `Unsupported message type ${type}`);
    }
    const messageId = crypto.randomUUID();
    c.var.sandbox.recordSend(target, messageId, to, true);
    return c.json({ messages: [{ id: messageId }], messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }] });
  });

  app.get("/partner/app/:appId/subscription", (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    return c.json({ status: "success", subscriptions: target.subscriptions.map(publicSubscription) });
  });

  app.post("/partner/app/:appId/subscription", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const form = await c.req.parseBody();
    const checked = checkSubscription(form);
    if (typeof checked === "string") return fail(c, 400, checked);
    if (target.subscriptions.some((s) => s.tag === checked.tag)) return fail(c, 400, "Subscription with same tag already exists");
    const now = Date.now();
    const subscription = { id: String(100000 + target.subscriptions.length + 1), active: true, createdOn: now, modifiedOn: now, ...checked };
    target.subscriptions.push(subscription);
    c.var.sandbox.save();
    return c.json({ status: "success", subscription: publicSubscription(subscription) });
  });

  app.put("/partner/app/:appId/subscription/:subscriptionId", async (c) => {
    const target = appOf(c);
    if (target instanceof Response) return target;
    const subscription = target.subscriptions.find((s) => s.id === c.req.param("subscriptionId"));
    if (!subscription) return fail(c, 400, "Subscription Does Not Exist");
    const checked = checkSubscription(await c.req.parseBody());
    if (typeof checked === "string") return fail(c, 400, checked);
    Object.assign(subscription, checked, { modifiedOn: Date.now(), active: true });
    c.var.sandbox.save();
    return c.json({ status: "success", subscription: publicSubscription(subscription) });
  });
}

function checkSubscription(form: Record<string, unknown>) {
  const url = typeof form.url === "string" ? form.url : "";
  try {
    if (!/^https?:$/.test(new URL(url).protocol)) return "Invalid URL Passed";
  } catch {
    return "Invalid URL Passed";
  }
  if (typeof form.tag !== "string" || form.tag === "") return "tag is required";
  const version = Number(form.version ?? 2);
  if (![0, 1, 2, 3].includes(version)) return "Invalid version";
  const modes = String(form.modes ?? "").split(",").map((m) => m.trim()).filter(Boolean);
  if (version === 3 && modes.some((m) => ["TEMPLATE", "ACCOUNT", "COPY"].includes(m))) return "TEMPLATE, ACCOUNT and COPY modes are not supported for version 3";
  const meta = typeof form.meta === "string" ? form.meta : "{}";
  try {
    JSON.parse(meta);
  } catch {
    return "meta must be a JSON string";
  }
  return { tag: form.tag, url, version, modes, meta };
}

function publicSubscription(s: { id: string; tag: string; url: string; version: number; modes: string[]; meta: string; active: boolean; createdOn: number; modifiedOn: number }) {
  return { active: s.active, createdOn: s.createdOn, id: s.id, mode: s.modes.length, modes: s.modes, meta: s.meta, modifiedOn: s.modifiedOn, showOnUI: false, tag: s.tag, url: s.url, version: s.version };
}
