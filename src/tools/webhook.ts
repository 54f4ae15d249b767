import { z } from "zod";
import { parseAnswer } from "../api/responses";
import { WEBHOOK_SECRET_HEADER } from "../constants";
import type { WebhookSetup } from "../inbox/webhook-secrets";
import { personApproves } from "./ask-person";
import type { ToolContext } from "./context";
import { defineTool, type ToolDefinition } from "./define";
import { type FailureContext, ToolError, translateFailure, unwrap } from "./errors";
import { appIdInput } from "./schemas";
import { freshTag, heldSecret, listOurs, reconcileSecrets, removeSubscriptions, SUBSCRIPTION_TAG, type Subscription, subscriptionAnswer, withTemplateFallback } from "./webhook-subscriptions";

/** Delivery events, inbound messages and template status (TEMPLATE is dropped if version 3 refuses it). */
const MODES = ["ENQUEUED", "FAILED", "SENT", "DELIVERED", "READ", "MESSAGE", "TEMPLATE"] as const;
/** Failures after which Gupshup may have created the subscription all the same. */
const AMBIGUOUS = new Set(["timeout", "network", "upstream", "malformed"]);

const outcome = z.object({
  subscriptionId: z.string(),
  action: z.enum(["created", "updated", "replaced"]).describe("created: first subscription; updated: the existing one changed in place; replaced: a new subscription with a new secret took over."),
  modes: z.array(z.string()),
  secretStatus: z.enum(["confirmed", "pending"]).describe("pending: Gupshup has not shown the new secret yet, so the previous one is still accepted too; run configure_webhook again to finish."),
  notes: z.array(z.string()).describe("What is still pending or was left out, and what to do about it."),
});
type Outcome = z.infer<typeof outcome>;

interface Plan {
  ctx: ToolContext;
  appId: string;
  url: string;
  version: "2" | "3";
  failure: FailureContext;
}

/** The existing subscription keeps its secret (headers cannot change after create): update it in place. */
async function update(plan: Plan, keeper: Subscription, others: Subscription[], setup: WebhookSetup): Promise<Outcome> {
  const { ctx, appId, url, version } = plan;
  const form = (modes: string) => ({ modes, tag: keeper.tag ?? SUBSCRIPTION_TAG, url, version, active: "true" });
  const { result, modes } = await withTemplateFallback(version, MODES, (m) => ctx.callApp(appId, { endpoint: "updateSubscription", params: { subscriptionId: keeper.id }, form: form(m) }));
  unwrap(result, plan.failure);
  const { remaining, notes } = await removeSubscriptions(ctx, appId, others);
  await reconcileSecrets(ctx, appId, [keeper, ...remaining], setup);
  return { subscriptionId: keeper.id, action: "updated", modes, secretStatus: "confirmed", notes };
}

/**
 * A new subscription with a new secret, confirmed by reading Gupshup's list back before the older
 * subscriptions (and their secrets) are removed. The new secret is accepted from before the
 * create — Gupshup's URL check may already carry it — and forgotten if Gupshup refuses it.
 */
async function replace(plan: Plan, ours: Subscription[]): Promise<Outcome> {
  const { ctx, appId, url, version } = plan;
  const secret = (await ctx.webhookSecrets(appId, { kind: "propose" })).proposed!;
  const form = (modes: string) => ({ modes, tag: freshTag(ours), url, version, showOnUI: "false", meta: JSON.stringify({ headers: { [WEBHOOK_SECRET_HEADER]: secret } }) });
  const { result, modes } = await withTemplateFallback(version, MODES, (m) => ctx.callApp(appId, { endpoint: "createSubscription", form: form(m) }));
  if (!result.ok) {
    if (AMBIGUOUS.has(result.failure.kind)) {
      throw new ToolError(
        `${translateFailure(result.failure, plan.failure)} Gupshup may or may not have created the subscription, so its new secret is accepted meanwhile. Run configure_webhook again: it checks what Gupshup holds and finishes or cleans up.`,
      );
    }
    await ctx.webhookSecrets(appId, { kind: "forget", secret });
    throw new ToolError(translateFailure(result.failure, plan.failure));
  }
  const created = parseAnswer(subscriptionAnswer, result.data, "configure_webhook").subscription;
  const action = ours.length === 0 ? "created" : "replaced";
  const pending = async (why: string): Promise<Outcome> => {
    await ctx.webhookSecrets(appId, { kind: "registered", secret, confirmed: false });
    return {
      subscriptionId: created.id,
      action,
      modes,
      secretStatus: "pending",
      notes: [
        `Gupshup took the new subscription, but ${why}, so ${ours.length > 0 ? "the previous secret stays accepted too and the older subscription stays" : "the set-up is not confirmed yet"}. Run configure_webhook again in a minute to finish.`,
      ],
    };
  };

  const readBack = await listOurs(ctx, appId);
  if ("failure" in readBack) return pending(`its subscription list could not be read back (${translateFailure(readBack.failure, plan.failure)})`);
  const listed = readBack.ours.find((s) => s.id === created.id);
  const shown = listed && heldSecret(listed);
  const echoed = heldSecret(created);
  // Where Gupshup's list shows no headers at all, the create answer's echo (or the acceptance) is all there is.
  const confirmed = listed !== undefined && (shown === secret || (shown === undefined && (echoed === secret || echoed === undefined)));
  if (!confirmed) return pending("its subscription list does not show the new secret yet");
  const setup = await ctx.webhookSecrets(appId, { kind: "registered", secret, confirmed: true });
  const { remaining, notes } = await removeSubscriptions(
    ctx,
    appId,
    readBack.ours.filter((s) => s !== listed),
  );
  await reconcileSecrets(ctx, appId, [listed, ...remaining], setup);
  return { subscriptionId: created.id, action, modes, secretStatus: "confirmed", notes };
}

export const webhookTools: ToolDefinition[] = [
  defineTool(
    "configure_webhook",
    {
      title: "Configure webhook",
      description: "Start delivery tracking: Gupshup's callbacks come here, so the status, failed-number and inbox tools have data from then on. Safe to repeat.",
      input: z.object({
        appId: appIdInput,
        format: z.enum(["gupshup", "meta"]).optional().describe("gupshup (v2, with template status events; default) or meta (v3)."),
        webhookBaseUrl: z
          .url({ protocol: /^https?$/, error: "webhookBaseUrl must be an http(s) URL" })
          .max(500)
          .optional()
          .describe("This server's public URL for Gupshup (default: this request's)."),
        rotateSecret: z.boolean().optional().describe("New shared secret (the old one goes once Gupshup lists the new)."),
      }),
      output: outcome.extend({
        appId: z.string(),
        url: z.string(),
        format: z.enum(["gupshup", "meta"]),
        templateEvents: z.boolean().describe("Whether template approval/rejection events will arrive (otherwise check list_templates)."),
        secretHeader: z.string().describe("Header Gupshup sends with the shared secret (the secret itself is never shown)."),
      }),
      scope: "manage",
      // It replaces the app's callback subscription (rotateSecret also its secret): not the same result twice.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (ctx) => async (args, extra) => {
      const appId = await ctx.appId(args.appId);
      const format = args.format ?? "gupshup";
      const base = new URL(args.webhookBaseUrl ?? ctx.origin());
      const allowed = ctx.callbackOrigins();
      if (!allowed.includes(base.origin)) {
        throw new ToolError(
          `${base.origin} is not this server: callbacks carry customers' numbers and messages and the webhook secret, so they go only to this server (${allowed.join(", ")}). Leave webhookBaseUrl out, or, for another address of this same server (a custom domain, a tunnel), have the operator add it to WEBHOOK_ALLOWED_ORIGINS.`,
        );
      }
      if (base.protocol !== "https:" && ctx.session.caller.upstream !== "sandbox") {
        throw new ToolError(
          `Gupshup can only call an https webhook, and this server was reached at ${base.origin}. Set PUBLIC_URL to this server's public https URL (your workers.dev URL), or add a tunnel to it to WEBHOOK_ALLOWED_ORIGINS and pass it as webhookBaseUrl.`,
        );
      }
      const plan: Plan = { ctx, appId, url: `${base.origin}/webhooks/gupshup/${encodeURIComponent(appId)}`, version: format === "meta" ? "3" : "2", failure: { session: ctx.session, appId } };
      personApproves(
        extra,
        `Send app ${appId}'s WhatsApp callbacks — customers' numbers and messages, delivery reports — to ${plan.url}? This replaces where Gupshup sends them now.`,
        "Not changed: the person did not approve where the app's callbacks go. Gupshup keeps sending them where it did.",
      );

      const listing = await listOurs(ctx, appId);
      if ("failure" in listing) throw new ToolError(translateFailure(listing.failure, plan.failure));
      const setup = await reconcileSecrets(ctx, appId, listing.ours, await ctx.webhookSecrets(appId, { kind: "read" }));
      const current = setup.secrets.find((s) => s.state === "current")?.secret;
      const keeper = current === undefined || args.rotateSecret ? undefined : (listing.ours.find((s) => heldSecret(s) === current) ?? listing.ours.find((s) => heldSecret(s) === undefined));
      const result = keeper
        ? await update(
            plan,
            keeper,
            listing.ours.filter((s) => s !== keeper),
            setup,
          )
        : await replace(plan, listing.ours);

      const templateEvents = result.modes.includes("TEMPLATE");
      if (!templateEvents)
        result.notes.push(
          "Gupshup refused template-status events (TEMPLATE mode) for the Meta format, so approvals and rejections will not arrive here: check them with list_templates, or use format gupshup.",
        );
      const kind = format === "meta" ? "Meta-format (v3)" : "Gupshup-format (v2)";
      return {
        structured: { appId, url: plan.url, format, templateEvents, secretHeader: WEBHOOK_SECRET_HEADER, ...result },
        summary:
          `Webhook ${result.action}${result.secretStatus === "pending" ? " (pending)" : ""}: Gupshup posts ${kind} events for ${appId} to ${plan.url}, authenticated with a per-app secret in ${WEBHOOK_SECRET_HEADER}. ` +
          `Events are recorded from now on; messages sent before have no delivery history here.${result.notes.map((n) => ` ${n}`).join("")}`,
      };
    },
  ),
];
