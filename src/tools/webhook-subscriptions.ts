import { z } from "zod";
import { parseAnswer } from "../api/responses";
import type { UpstreamFailure, UpstreamResult } from "../api/types";
import { WEBHOOK_SECRET_HEADER } from "../constants";
import type { WebhookSetup } from "../inbox/webhook-secrets";
import type { ToolContext } from "./context";

/**
 * This server's callback subscriptions on an app, as Gupshup lists them. Ours carry the tag
 * `gupshup-mcp-inbox` (or `gupshup-mcp-inbox-<suffix>` while a new secret replaces an old one:
 * tags are unique per app, and a subscription's headers can only be set when it is created).
 */
export const SUBSCRIPTION_TAG = "gupshup-mcp-inbox";

const idValue = z.union([z.string(), z.number()]).transform(String);
const subscriptionShape = z.looseObject({ id: idValue, tag: z.string().nullish(), meta: z.unknown().optional() });
const subscriptionList = z.looseObject({ subscriptions: z.array(subscriptionShape).nullish() });
export const subscriptionAnswer = z.object({ subscription: subscriptionShape });

export type Subscription = z.infer<typeof subscriptionShape>;

export const isOurs = (s: Subscription) => s.tag === SUBSCRIPTION_TAG || (s.tag ?? "").startsWith(`${SUBSCRIPTION_TAG}-`);

/** A tag for a new subscription of ours that no existing one uses. */
export const freshTag = (ours: Subscription[]) => (ours.length === 0 ? SUBSCRIPTION_TAG : `${SUBSCRIPTION_TAG}-${crypto.randomUUID().slice(0, 8)}`);

/** Our subscriptions on the app, or why Gupshup's list could not be read. */
export async function listOurs(ctx: ToolContext, appId: string): Promise<{ ours: Subscription[] } | { failure: UpstreamFailure }> {
  const result = await ctx.callApp(appId, { endpoint: "listSubscriptions" });
  if (!result.ok) return { failure: result.failure };
  return { ours: (parseAnswer(subscriptionList, result.data, "configure_webhook").subscriptions ?? []).filter(isOurs) };
}

/**
 * The secret a subscription sends in our header: the value, null when its headers do not have
 * ours, or undefined when Gupshup did not show its meta at all.
 */
export function heldSecret(subscription: Subscription): string | null | undefined {
  let meta = subscription.meta;
  if (meta === undefined || meta === null) return undefined;
  if (typeof meta === "string") {
    try {
      meta = JSON.parse(meta) as unknown;
    } catch {
      return null;
    }
  }
  const headers = (meta as { headers?: unknown } | null)?.headers;
  if (typeof headers !== "object" || headers === null) return null;
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === WEBHOOK_SECRET_HEADER.toLowerCase());
  return typeof entry?.[1] === "string" ? entry[1] : null;
}

/**
 * Brings the stored secrets in line with what Gupshup holds: a pending secret that one of our
 * subscriptions now carries is confirmed; a pending or retiring secret that none carries (with
 * every subscription's headers visible) is forgotten. The current secret is kept until a newer
 * one is confirmed.
 */
export async function reconcileSecrets(ctx: ToolContext, appId: string, ours: Subscription[], setup: WebhookSetup): Promise<WebhookSetup> {
  const held = ours.map(heldSecret);
  for (const { secret, state } of setup.secrets) {
    if (state === "pending" && held.includes(secret)) setup = await ctx.webhookSecrets(appId, { kind: "registered", secret, confirmed: true });
  }
  if (held.includes(undefined)) return setup;
  for (const { secret, state } of setup.secrets) {
    if (state !== "current" && !held.includes(secret)) setup = await ctx.webhookSecrets(appId, { kind: "forget", secret });
  }
  return setup;
}

/** Deletes subscriptions of ours other than the one kept; says which could not be deleted. */
export async function removeSubscriptions(ctx: ToolContext, appId: string, subscriptions: Subscription[]): Promise<{ remaining: Subscription[]; notes: string[] }> {
  const remaining: Subscription[] = [];
  const notes: string[] = [];
  for (const subscription of subscriptions) {
    const result = await ctx.callApp(appId, { endpoint: "deleteSubscription", params: { subscriptionId: subscription.id } });
    if (result.ok) continue;
    remaining.push(subscription);
    const reason = result.failure.kind === "rate_limited" ? `rate limit, retry in ${result.failure.retryAfterSeconds ?? 60}s` : result.failure.message;
    notes.push(`The older subscription ${subscription.id} could not be removed yet (${reason}); its secret stays accepted until it is. Run configure_webhook again later to finish.`);
  }
  return { remaining, notes };
}

/**
 * Creates or updates a subscription with `modes`. Gupshup's version-3 page both refuses and uses
 * the TEMPLATE mode: when a version-3 request with it is refused (for any reason but the URL),
 * it is sent once more without it.
 */
export async function withTemplateFallback(version: string, modes: readonly string[], call: (modes: string) => Promise<UpstreamResult>): Promise<{ result: UpstreamResult; modes: string[] }> {
  const first = await call(modes.join(","));
  if (first.ok || version !== "3" || !modes.includes("TEMPLATE") || first.failure.kind !== "rejected" || /url/i.test(first.failure.message)) {
    return { result: first, modes: [...modes] };
  }
  const without = modes.filter((m) => m !== "TEMPLATE");
  return { result: await call(without.join(",")), modes: without };
}
