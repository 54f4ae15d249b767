import type { ServerContext } from "@modelcontextprotocol/server";
import type { AppProfile, UpstreamFailure, UpstreamRequest, UpstreamResult } from "../api/types";
import type { CampaignCommand } from "../campaigns/desk";
import { readSettings } from "../config";
import type { Env } from "../env";
import { accountObjectName, appObjectName } from "../gateway/names";
import type { Session } from "../http/auth";
import type { ConversationSummary, HandOffChange } from "../inbox/conversations";
import type { OptOut, OptOutChange } from "../inbox/opt-outs";
import type { InboxQuery, InboxReply } from "../inbox/query";
import type { SecretChange, WebhookSetup } from "../inbox/webhook-secrets";
import { appMatching, appNamed, isAppUuid, onlyApp } from "./app-choice";
import { listAccountApps } from "./apps";
import { ToolError, translateFailure } from "./errors";
import { recipientNumber } from "./schemas";

/** Everything a tool needs for one request: who is calling, and the way to Gupshup. */
export class ToolContext {
  constructor(
    readonly env: Env,
    readonly session: Session,
    /** The URL this request came in on (the server's own origin, e.g. for SSRF checks). */
    readonly requestUrl: string,
  ) {}

  /**
   * The app a call is for: the argument (an id, or an app's name or number), else the session's
   * default, else the account's only app; otherwise an error that lists the apps.
   */
  async appId(argument: string | undefined): Promise<string> {
    const wanted = argument?.trim() || undefined;
    const appId = wanted === undefined ? (this.session.defaultAppId ?? onlyApp(await listAccountApps(this, { recent: true }))) : isAppUuid(wanted) ? wanted : await this.appByName(wanted);
    this.requireApp(appId);
    return appId;
  }

  /** An app by name or number: from the account's app list of the last hour, read again only if it has no such app (one made since). */
  private async appByName(wanted: string): Promise<string> {
    return appMatching(wanted, await listAccountApps(this, { recent: true })) ?? appNamed(wanted, await listAccountApps(this));
  }

  /** Whether this session may touch the app (an OAuth grant may be limited to some apps). */
  allowsApp(appId: string): boolean {
    return !this.session.apps || this.session.apps.some((app) => app.id === appId);
  }

  /** Refuses, before any upstream call, an app outside the session's grant. */
  private requireApp(appId: string): void {
    if (this.allowsApp(appId)) return;
    const allowed = this.session.apps!.map((app) => (app.name ? `${app.name} (${app.id})` : app.id)).join(", ");
    throw new ToolError(
      `This connection may only use ${allowed}; app '${appId}' was not allowed when it was approved. Use an allowed app, or disconnect and reconnect the connector to allow more apps.`,
    );
  }

  /** A recipient's number with its country code (see recipientNumber), and a sentence when one was added. */
  recipient(value: string): { number: string; note: string } {
    const result = recipientNumber(value, readSettings(this.env).defaultCountryCode);
    if ("error" in result) throw new ToolError(result.error);
    const note = result.addedCountryCode ? ` ${value.trim()} had no country code: +${result.addedCountryCode} (this server's default) was added.` : "";
    return { number: result.number, note };
  }

  /** One upstream call through the app's gateway object (token, rate limits, queue). */
  callApp(appId: string, request: Omit<UpstreamRequest, "appId">): Promise<UpstreamResult> {
    this.requireApp(appId);
    return this.gateway(appId).request({ ...request, appId }, this.session.caller) as Promise<UpstreamResult>;
  }

  /** Reads the app's delivery inbox (after the caller's access to the app is proven). */
  async readInbox<Q extends InboxQuery>(appId: string, query: Q): Promise<InboxReply<Q["kind"]>> {
    this.requireApp(appId);
    const result = await this.gateway(appId).readInbox(appId, query, this.session.caller);
    if (!result.ok) throw new ToolError(translateFailure(result.failure, { session: this.session, appId }));
    return result.reply as InboxReply<Q["kind"]>;
  }

  /** Gupshup's usage answer and the inbox's report for a window, in one call to the app's object. */
  async usageReport(appId: string, usage: Omit<UpstreamRequest, "appId">, window: { since: number; until: number }): Promise<{ answer: UpstreamResult; inbox: InboxReply<"report"> }> {
    this.requireApp(appId);
    const { answer, inbox } = (await this.gateway(appId).usageReport(appId, { ...usage, appId }, window, this.session.caller)) as {
      answer: UpstreamResult;
      inbox: { ok: true; reply: InboxReply<"report"> } | { ok: false; failure: UpstreamFailure };
    };
    if (!inbox.ok) throw new ToolError(translateFailure(inbox.failure, { session: this.session, appId }));
    return { answer, inbox: inbox.reply };
  }

  /** Marks who is on one of the app's conversations; null when the inbox has none with that number. */
  async handOff(appId: string, change: HandOffChange): Promise<ConversationSummary | null> {
    this.requireApp(appId);
    const result = await this.gateway(appId).handOff(appId, this.session.caller, change);
    if (!result.ok) throw new ToolError(translateFailure(result.failure, { session: this.session, appId }));
    return result.summary;
  }

  /** Reads or changes the app's webhook secrets (see WebhookSecrets). */
  async webhookSecrets(appId: string, change: SecretChange): Promise<WebhookSetup & { proposed?: string }> {
    this.requireApp(appId);
    const result = await this.gateway(appId).changeWebhookSecrets(appId, this.session.caller, change);
    if (!result.ok) throw new ToolError(translateFailure(result.failure, { session: this.session, appId }));
    return result.setup;
  }

  /** Refuses (with what to do) a caller who may not use the app, before work that costs something. */
  async proveAccess(appId: string): Promise<void> {
    this.requireApp(appId);
    const result = await this.gateway(appId).proveAccess(appId, this.session.caller);
    if (!result.ok) throw new ToolError(translateFailure(result.failure, { session: this.session, appId }));
  }

  /** This server's public origin: PUBLIC_URL's, else the one this request came in on. */
  origin(): string {
    return readSettings(this.env).publicOrigin ?? new URL(this.requestUrl).origin;
  }

  /** This server's own origins: the one this request came in on, and PUBLIC_URL's. */
  private ownOrigins(): string[] {
    const publicOrigin = readSettings(this.env).publicOrigin;
    return [new URL(this.requestUrl).origin, ...(publicOrigin ? [publicOrigin] : [])];
  }

  /** Where Gupshup's callbacks may go: this server's own origins and WEBHOOK_ALLOWED_ORIGINS. */
  callbackOrigins(): string[] {
    return [...new Set([...this.ownOrigins(), ...readSettings(this.env).webhookOrigins])];
  }

  /** This server's own hostnames: the one this request came in on, and PUBLIC_URL's. */
  ownHosts(): string[] {
    return this.ownOrigins().map((origin) => new URL(origin).hostname);
  }

  /** Lists or changes the app's opt-out list (after the caller's access to the app is proven). */
  async optOuts(appId: string, change: OptOutChange): Promise<{ changed: number; optedOut: OptOut[]; total: number }> {
    this.requireApp(appId);
    const result = await this.gateway(appId).changeOptOuts(appId, this.session.caller, change);
    if (!result.ok) throw new ToolError(translateFailure(result.failure, { session: this.session, appId }));
    return { changed: result.changed, optedOut: result.optedOut, total: result.total };
  }

  /** Drafts, starts, reads or changes one of the app's campaigns (after the caller's access to the app is proven). */
  async campaign<R>(appId: string, command: CampaignCommand): Promise<R> {
    this.requireApp(appId);
    const result = (await this.gateway(appId).campaign(appId, this.session.caller, command)) as { ok: true; reply: R } | { ok: false; refusal: string } | { ok: false; failure: UpstreamFailure };
    if (result.ok) return result.reply;
    throw new ToolError("refusal" in result ? result.refusal : translateFailure(result.failure, { session: this.session, appId }));
  }

  /** The app's name and number as Gupshup lists them (null when the partner's list lacks the app). */
  async appProfile(appId: string): Promise<AppProfile | null> {
    this.requireApp(appId);
    const result = await this.gateway(appId).appProfile(appId, this.session.caller);
    if (!result.ok) throw new ToolError(translateFailure(result.failure, { session: this.session, appId }));
    return result.profile;
  }

  private gateway(appId: string) {
    return this.env.GATEWAY.get(this.env.GATEWAY.idFromName(appObjectName(appId)));
  }

  /** One account-scope call (list_apps) through the account gateway object. */
  async callAccount(request: UpstreamRequest): Promise<UpstreamResult> {
    const account = this.env.GATEWAY.get(this.env.GATEWAY.idFromName(await accountObjectName(this.session.caller.partner)));
    return account.request(request, this.session.caller) as Promise<UpstreamResult>;
  }
}

/** Sends `notifications/progress` when the client asked for progress on this call. */
export function progressReporter(extra: ServerContext): (progress: number, total: number | undefined, message: string) => Promise<void> {
  const token = extra.mcpReq._meta?.progressToken;
  return async (progress, total, message) => {
    if (token === undefined) return;
    await extra.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress, ...(total === undefined ? {} : { total }), message } }).catch(() => undefined);
  };
}
