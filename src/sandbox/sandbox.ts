import { DurableObject, exports } from "cloudflare:workers";
import type { Env } from "../env";
import { callbackBody, type InboundReply, inboundCallback, messageCallbacks, outcomeFor, type PendingCallback } from "./callbacks";
import { SandboxLimits } from "./limits";
import { describeBody } from "./route-helpers";
import { sandboxRoutes } from "./routes";
import { issuePartnerToken } from "./routes-account";
import { SUBSCRIPTION_RULES } from "./rules";
import { seedState } from "./seed";
import type { FailureRule, RecordedRequest, SandboxApp, SandboxState, SandboxTemplate } from "./state";

const MAX_RECORDED = 2000;

/**
 * The built-in Gupshup simulator: answers every partner-API endpoint this server uses with
 * Gupshup's documented shapes, errors and rate limits, keeping per-app state in SQLite. It is
 * the upstream of `npm run dev` without credentials and of the tests, which also use its RPC
 * methods to inject failures and to see exactly what reached "Gupshup".
 */
export class GupshupSandbox extends DurableObject<Env> {
  state: SandboxState;
  readonly limits = new SandboxLimits();
  private recorded: RecordedRequest[] = [];
  /** Every message send accepted (bodies), for the load script's duplicate count. */
  private sendBodies: string[] = [];
  private failures: FailureRule[] = [];
  private delivering: Promise<unknown> = Promise.resolve();
  private readonly routes = sandboxRoutes(this);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS sandbox_state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS sandbox_callbacks (id INTEGER PRIMARY KEY AUTOINCREMENT, due_at INTEGER NOT NULL, json TEXT NOT NULL)");
    const row = ctx.storage.sql.exec<{ json: string }>("SELECT json FROM sandbox_state WHERE id = 1").toArray()[0];
    this.state = row ? (JSON.parse(row.json) as SandboxState) : seedState();
  }

  /** Writes the state after a change (called by the routes). */
  save(): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO sandbox_state (id, json) VALUES (1, ?)", JSON.stringify(this.state));
  }

  /**
   * A message was accepted: remember it and queue the events a real app would post to each of
   * its active callback subscriptions (enqueued → sent → delivered → read, or → failed).
   */
  recordSend(app: SandboxApp, messageId: string, destination: string, freeForm: boolean): void {
    const now = Date.now();
    app.sent.push({ messageId, destination, at: now });
    if (app.sent.length > 500) app.sent.splice(0, app.sent.length - 500);
    this.save();
    const outcome = outcomeFor(app, destination, freeForm, now);
    for (const subscription of app.subscriptions.filter((s) => s.active)) this.queue(app.id, messageCallbacks(subscription, messageId, destination, outcome, now));
  }

  private queue(appId: string, callbacks: PendingCallback[]): void {
    for (const callback of callbacks) {
      this.ctx.storage.sql.exec("INSERT INTO sandbox_callbacks (due_at, json) VALUES (?, ?)", callback.dueAt, JSON.stringify({ appId, callback }));
    }
    void this.scheduleAlarm();
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.ctx.storage.sql.exec<{ due: number | null }>("SELECT MIN(due_at) AS due FROM sandbox_callbacks").toArray()[0]?.due;
    if (next !== null && next !== undefined) await this.ctx.storage.setAlarm(next);
  }

  override async alarm(): Promise<void> {
    await this.deliverCallbacks(Date.now());
  }

  /**
   * Posts the callbacks due by `until` (all of them by default) to their URLs, after any delivery
   * already under way (the alarm's), so a caller that awaits this has seen them all arrive.
   */
  deliverCallbacks(until = Number.MAX_SAFE_INTEGER): Promise<number> {
    const run = this.delivering.then(() => this.deliverDue(until));
    this.delivering = run.catch(() => undefined);
    return run;
  }

  private async deliverDue(until: number): Promise<number> {
    const due = this.ctx.storage.sql.exec<{ id: number; json: string }>("SELECT id, json FROM sandbox_callbacks WHERE due_at <= ? ORDER BY due_at, id", until).toArray();
    for (const row of due) {
      this.ctx.storage.sql.exec("DELETE FROM sandbox_callbacks WHERE id = ?", row.id);
      const { appId, callback } = JSON.parse(row.json) as { appId: string; callback: PendingCallback };
      const app = this.state.apps[appId];
      if (!app) continue;
      const body = JSON.stringify(callbackBody(app, callback, Date.now()));
      await callServer(callback.url, callback.headers, body).catch(() => undefined);
    }
    await this.scheduleAlarm();
    return due.length;
  }

  /** Gupshup's check of a callback URL before it takes a subscription: does the URL answer 2xx? */
  async urlAnswers(url: string, headers: Record<string, string>): Promise<boolean> {
    const { method, body } = SUBSCRIPTION_RULES.urlCheck;
    const response = await callServer(url, headers, body, method).catch(() => undefined);
    return response !== undefined && response.status >= 200 && response.status < 300;
  }

  /**
   * A WhatsApp user writes to the app — a text, or a tap on a button or list option (`reply`):
   * opens their 24-hour window and posts the inbound callback.
   */
  async simulateInbound(appId: string, from: string, text: string, name = "Sandbox User", reply?: InboundReply, inReplyTo?: string): Promise<string | undefined> {
    const app = this.state.apps[appId];
    if (!app) return undefined;
    const now = Date.now();
    app.inbound[from] = now;
    this.save();
    const id = `wamid.sandboxin${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
    for (const subscription of app.subscriptions.filter((s) => s.active)) this.queue(app.id, [inboundCallback(subscription, id, from, name, text, now, reply, inReplyTo)]);
    return id;
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // Recorded on arrival (status filled in later), so a test sees a request that is still being answered.
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      contentType: request.headers.get("Content-Type"),
      body: await describeBody(request.clone()),
      status: 0,
      at: Date.now(),
    };
    this.recorded.push(record);
    if (this.recorded.length > MAX_RECORDED) this.recorded.splice(0, this.recorded.length - MAX_RECORDED);
    const failure = this.takeFailure(request.method, url.pathname);
    let response: Response;
    if (failure?.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
    if (failure?.status !== undefined) {
      response = new Response(failure.body ?? "", { status: failure.status, headers: { "Content-Type": "application/json" } });
    } else {
      response = await this.routes.fetch(request);
    }
    record.status = response.status;
    if (response.ok && request.method === "POST" && /\/(template\/msg|v3\/message)$/.test(url.pathname)) this.sendBodies.push(record.body);
    return response;
  }

  // ---- test and demo hooks (RPC) ----

  /** Back to the seed: state, recorded requests, rate-limit windows and injected failures. */
  async reset(): Promise<void> {
    this.state = seedState();
    this.save();
    this.ctx.storage.sql.exec("DELETE FROM sandbox_callbacks");
    await this.ctx.storage.deleteAlarm();
    this.recorded = [];
    this.sendBodies = [];
    this.failures = [];
    this.limits.clear();
  }

  async requests(): Promise<RecordedRequest[]> {
    return this.recorded;
  }

  async clearRequests(): Promise<void> {
    this.recorded = [];
  }

  /** Totals for load runs: 429s produced by rate limiting, sends received and how many were identical. */
  async stats(): Promise<{ tooManyRequests: number; sends: number; duplicateSends: number }> {
    return { tooManyRequests: this.limits.rejected, sends: this.sendBodies.length, duplicateSends: this.sendBodies.length - new Set(this.sendBodies).size };
  }

  /** 429s the sandbox's own rate limiting produced (injected failures not counted). */
  async tooManyRequestsCount(): Promise<number> {
    return this.limits.rejected;
  }

  /** Forgets every rate-limit window, as if a quiet hour had passed. */
  async clearRateLimits(): Promise<void> {
    this.limits.clear();
  }

  async failNext(rule: FailureRule): Promise<void> {
    this.failures.push(rule);
  }

  /** A partner token for the partner with this email that expires in `ttlMs` (for what must not outlive it). */
  async issueShortLivedToken(email: string, ttlMs: number): Promise<string> {
    const partner = this.state.partners.find((p) => p.email === email)!;
    const token = issuePartnerToken(partner.id, ttlMs);
    this.state.partnerTokens[token.value] = { partnerId: partner.id, expiresAt: token.expiresAt };
    this.save();
    return token.value;
  }

  /** Every partner token stops working, as after 24 h (logging in again issues a new one). */
  async expirePartnerTokens(): Promise<void> {
    for (const token of Object.values(this.state.partnerTokens)) token.expiresAt = 0;
    this.save();
  }

  /** Changes what kind of app this is (e.g. not on Cloud API, no Callback Billing), its wallet (one that runs out on purpose), its name and number, its messaging tier and quality, or its callback subscriptions (none: a test posts the events itself). */
  async configureApp(appId: string, patch: Partial<Pick<SandboxApp, "cloud" | "callbackBilling" | "wallet" | "name" | "phone" | "ratings" | "subscriptions">>): Promise<void> {
    const app = this.state.apps[appId];
    if (!app) return;
    Object.assign(app, patch);
    this.save();
  }

  /** Changes one of an app's templates (its id, status, …), as if it had been created so. */
  async patchTemplate(appId: string, templateId: string, patch: Partial<SandboxTemplate>): Promise<void> {
    const template = this.state.apps[appId]?.templates.find((t) => t.id === templateId);
    if (!template) return;
    Object.assign(template, patch);
    this.save();
  }

  /** The app's token is replaced; the old one is rejected from now on. */
  async rotateAppToken(appId: string): Promise<void> {
    const app = this.state.apps[appId];
    if (!app) return;
    app.appToken = `sk_sandbox${crypto.randomUUID().replace(/-/g, "")}`;
    this.save();
  }

  private takeFailure(method: string, path: string): FailureRule | undefined {
    const rule = this.failures.find((f) => (!f.method || f.method === method) && new RegExp(f.path).test(path));
    if (!rule) return undefined;
    rule.times -= 1;
    if (rule.times <= 0) this.failures.splice(this.failures.indexOf(rule), 1);
    return rule;
  }
}

/**
 * A request from "Gupshup" to a callback URL. The sandbox only ever calls this server itself,
 * through the worker's own loopback binding, whatever host the URL names.
 */
function callServer(url: string, headers: Record<string, string>, body: string, method = "POST"): Promise<Response> {
  const request = new Request(url, { method, headers: { "Content-Type": "application/json", ...headers }, body });
  return (exports as unknown as { default: Fetcher }).default.fetch(request);
}
