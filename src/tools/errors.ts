import { ENDPOINTS, RATE_LIMITS } from "../api/endpoints";
import type { UpstreamFailure, UpstreamResult } from "../api/types";
import { NOT_IN_APP_LIST } from "../gateway/app-access";
import type { Session } from "../http/auth";

/** An error whose message is written for the user: it becomes an `isError` tool result as-is. */
export class ToolError extends Error {
  override name = "ToolError";
}

export interface FailureContext {
  session: Session;
  appId?: string;
  templateName?: string;
  /** The number and name a send went out from. */
  sender?: { source: string; srcName: string };
  /** What a send was: a template of this category (undefined when it was not looked up), or a free-form session message. */
  sent?: { template: string | undefined } | "session";
}

const UNKNOWN_APP = /invalid app id|app id not found/i;
const NOT_OWNER = /not app owner/i;
const NOT_LISTED = new RegExp(NOT_IN_APP_LIST);

/**
 * For a tool that asks Gupshup several things about one app: when Gupshup does not know the app,
 * or the app is not the partner's, that is the answer (an error), not one part of a report.
 */
export function refuseUnknownApp(results: readonly UpstreamResult[], context: FailureContext): void {
  for (const result of results) {
    if (!result.ok && result.failure.kind === "rejected" && [UNKNOWN_APP, NOT_OWNER, NOT_LISTED].some((p) => p.test(result.failure.message)))
      throw new ToolError(translateFailure(result.failure, context));
  }
}

/** The data of a successful upstream result, or a ToolError with the translated failure. */
export function unwrap(result: UpstreamResult, context: FailureContext): unknown {
  if (result.ok) return result.data;
  throw new ToolError(translateFailure(result.failure, context));
}

/** Gupshup's cryptic failures, as what happened and what to do next (the spec's translation map). */
export function translateFailure(failure: UpstreamFailure, context: FailureContext): string {
  const said = failure.message ? ` (Gupshup said: "${failure.message}")` : "";
  const app = context.appId ? `'${context.appId}'` : "";
  if (failure.outcomeUnknown) {
    return (
      `Outcome unknown: Gupshup did not confirm this message (${failure.message}). It may or may not have been sent, so it was not retried. ` +
      `Check before resending: get_failed_numbers / list_inbound_messages, or get_message_status once you have a message id. ` +
      `Repeating the call with idempotencyKey '${failure.idempotencyKey}' is safe (it will not send twice); a new key sends a new message.`
    );
  }
  switch (failure.kind) {
    case "rate_limited": {
      const { limit, windowMs } = RATE_LIMITS[ENDPOINTS[failure.endpoint].group];
      const wait = failure.retryAfterSeconds ?? Math.ceil(windowMs / 1000);
      if (failure.crowdedOut) {
        return `App ${app} has had several callers from your address in the last minute whose access Gupshup did not confirm (a partner token it refused, or an app not in the account's list), so new ones from it wait (this keeps strangers from using up Gupshup's limits). Retry in ${wait}s; once your credential has proven access, this no longer applies to you.`;
      }
      const source = failure.status === 429 ? "Gupshup answered 429 Too Many Requests" : "The rate limit is used up";
      return `Rate limited on ${ENDPOINTS[failure.endpoint].path} (${limit} calls per ${describeWindow(windowMs)}): ${source}. Retry in ${wait}s.`;
    }
    case "auth":
      if (failure.partnerToken) return partnerTokenAdvice(context, said);
      return `Gupshup rejected the app token for app ${app} even after fetching a fresh one${said}. Check that the app is linked to your partner account: run list_apps.`;
    case "rejected":
      return rejectedAdvice(failure, context, said);
    case "upstream":
      return `Gupshup had an internal error (HTTP ${failure.status}) on ${ENDPOINTS[failure.endpoint].path}${said}. Nothing indicates the request took effect; try again in a minute.`;
    case "malformed":
      return `Gupshup's answer on ${ENDPOINTS[failure.endpoint].path} could not be read: ${failure.message}. Try again; if it persists, Gupshup may be having problems.`;
    case "timeout":
    case "network":
      return `${failure.message} on ${ENDPOINTS[failure.endpoint].path}. Try again in a moment.`;
  }
}

/**
 * The one exception to an opt-out, said only where it applies: a UTILITY or AUTHENTICATION template
 * the person still needs. Never offered for marketing or a free-form message.
 */
function optedOutException(sent: FailureContext["sent"]): string {
  const rule = "ignoreOptOut: true sends it anyway, and only for a message they still need, such as an order update or a code (never marketing)";
  if (sent === "session" || sent?.template === "MARKETING") return "";
  if (sent?.template === "UTILITY" || sent?.template === "AUTHENTICATION") return ` This is a ${sent.template} template: ${rule}.`;
  return ` If this is a UTILITY or AUTHENTICATION template, ${rule}.`;
}

function rejectedAdvice(failure: UpstreamFailure, context: FailureContext, said: string): string {
  const message = failure.message;
  const app = `'${context.appId ?? ""}'`;
  if (failure.optedOut) {
    const how = {
      keyword: "they replied STOP (or another opt-out word)",
      gupshup: "Gupshup reported them as opted out (1012)",
      whatsapp: "WhatsApp reported they stopped this business's marketing messages (131050)",
      manual: "they were added with manage_opt_outs",
    }[failure.optedOut.source];
    return `Not sent: ${failure.optedOut.number} opted out of messages from app ${app} on ${new Date(failure.optedOut.since).toISOString().slice(0, 10)} (${how}). They get messages again once they reply START.${optedOutException(context.sent)}`;
  }
  if (/invalid app details/i.test(message) && context.sender) {
    return `Gupshup did not accept the sender${said}: source ${context.sender.source} or srcName '${context.sender.srcName}' is not app ${app}'s. Leave source and srcName out (the app's own number and name are used), or check them with list_apps.`;
  }
  if (NOT_LISTED.test(message)) {
    return `App '${context.appId ?? ""}' is not one of your partner account's apps: it does not exist, or another partner owns it. Run list_apps to see the apps you can use.`;
  }
  if (UNKNOWN_APP.test(message) || /invalid app details/i.test(message)) {
    return `App ID '${context.appId ?? ""}' not found${said}. Run list_apps to see valid app IDs.`;
  }
  if (NOT_OWNER.test(message)) {
    return `Your partner account does not own app '${context.appId ?? ""}'${said}. Run list_apps to see the apps you can use.`;
  }
  if (/template does not exist|template not found|no template found/i.test(message)) {
    const name = context.templateName ? `'${context.templateName}' ` : "";
    return `Template ${name}not found${said}. Run list_templates to see available templates.`;
  }
  if (/enablesample/i.test(message)) {
    return `Sample text is mandatory for template approval${said}. Provide the \`example\` parameter.`;
  }
  if (/invalid url passed/i.test(message)) {
    return (
      `Gupshup refused the callback URL${said}: its check of the URL did not get a 2xx answer. ` +
      "Pass webhookBaseUrl with this server's public https address (e.g. your workers.dev URL) and run configure_webhook again."
    );
  }
  if (/callback billing must be enabled/i.test(message)) {
    return (
      `Gupshup refused the free-form message${said}: app ${app} does not have Callback Billing enabled, which Gupshup requires for /v3/message. ` +
      "Ask Gupshup (your account manager, or support from the partner portal) to enable Callback Billing for this app, then send again. Template messages (send_template_message) work meanwhile."
    );
  }
  if (/app is on the cloud|not of the expected type/i.test(message)) {
    return (
      `Gupshup refused the free-form message${said}: app ${app} is not a WhatsApp Cloud API app, and /v3/message works only for Cloud API apps. ` +
      "Migrate the app to Cloud API in the Gupshup partner portal (or ask Gupshup support to), or use send_template_message, which works for both."
    );
  }
  if (/analytics settings.*does not exist|analytics not enabled/i.test(message)) {
    return `Template analytics are not enabled for this app${said}. Run enable_template_analytics first before querying analytics.`;
  }
  return `Gupshup rejected the request to ${ENDPOINTS[failure.endpoint].path} (HTTP ${failure.status ?? "?"})${said}.`;
}

function partnerTokenAdvice(context: FailureContext, said: string): string {
  const target = context.appId ? ` or has no access to app '${context.appId}'` : "";
  switch (context.session.mode) {
    case "operator":
      return (
        `Gupshup rejected the partner token${said}: it has expired${target}. Partner tokens expire after 24 h — ` +
        "update GUPSHUP_PARTNER_TOKEN, or set GUPSHUP_PARTNER_EMAIL and GUPSHUP_PARTNER_SECRET so the server renews it itself."
      );
    case "pass-through":
      return `Gupshup rejected your partner token${said}: it has expired or is wrong${target}. Partner tokens expire after 24 h — log in to Gupshup again and update the token your MCP client sends.`;
    case "hosted":
      return `Gupshup rejected the partner credential you signed in with${said}: it has expired or changed${target}. Sign in again: in claude.ai or ChatGPT, disconnect and reconnect this connector.`;
    case "sandbox-demo":
      return `The sandbox rejected the partner token${said}${target}. Run list_apps to see the sandbox apps.`;
  }
}

function describeWindow(ms: number): string {
  if (ms >= 3_600_000) return `${ms / 3_600_000} hour`;
  if (ms >= 60_000) return `${ms / 60_000} minute`;
  return `${ms / 1000} second`;
}
