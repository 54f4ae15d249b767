import { abortAllDurableObjects, createExecutionContext, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WEBHOOK_SECRET_HEADER } from "../src/constants";
import type { Env } from "../src/env";
import type { GupshupGateway } from "../src/gateway/gateway";
import { appObjectName } from "../src/gateway/names";
import { Scheduler } from "../src/gateway/scheduler";
import worker from "../src/index";
import type { RecordedRequest } from "../src/sandbox/state";

export const testEnv = env as unknown as Env;

/** The access secret the tests run with (vitest.config.mjs sets every setting). */
export const MCP_AUTH_TOKEN = testEnv.MCP_AUTH_TOKEN!;
export const OPERATOR_PARTNER_TOKEN = "sandbox-demo-partner-token";

/** Operator mode on the sandbox: the demo partner's token on the worker, MCP_AUTH_TOKEN required. */
export const operatorEnv: Partial<Env> = { GUPSHUP_PARTNER_TOKEN: OPERATOR_PARTNER_TOKEN };

/** Every response body and log line of this test file, for the secrets scan in test/setup.ts. */
export const producedOutput: string[] = [];
/** Secrets a test came to hold (OAuth access and refresh tokens, client secrets): the scan looks for them too. */
export const heldSecrets: string[] = [];
let deliberateSecrets = 0;

/** Runs `fn` whose output may contain a secret on purpose (get_app_token with reveal: true). */
export async function deliberatelyRevealing<T>(fn: () => Promise<T>): Promise<T> {
  deliberateSecrets++;
  try {
    return await fn();
  } finally {
    deliberateSecrets--;
  }
}

/** Sends one HTTP request to the worker with a chosen environment, as a client on loopback would. */
export async function callWorker(request: Request, overrides: Partial<Env> = {}): Promise<Response> {
  const headers = new Headers(request.headers);
  if (!headers.has("host")) headers.set("host", new URL(request.url).host);
  const response = await worker.fetch(new Request(request, { headers }), { ...testEnv, ...overrides }, createExecutionContext());
  // The token endpoint is the one place OAuth tokens are meant to appear.
  const issuesTokens = new URL(request.url).pathname === "/token";
  if (deliberateSecrets === 0 && !issuesTokens) producedOutput.push(await response.clone().text());
  return response;
}

export interface ConnectOptions {
  env?: Partial<Env>;
  headers?: Record<string, string>;
}

/** A real MCP SDK client talking to /mcp through the worker's fetch handler. */
export async function connect(options: ConnectOptions = {}): Promise<Client> {
  const envOverrides = options.env ?? operatorEnv;
  const headers = options.headers ?? { Authorization: `Bearer ${MCP_AUTH_TOKEN}` };
  const transport = new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), {
    fetch: (url, init) => callWorker(new Request(url, init), envOverrides),
    requestInit: { headers },
  });
  const client = new Client({ name: "gupshup-mcp-tests", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

export function sandbox() {
  return testEnv.SANDBOX.get(testEnv.SANDBOX.idFromName("sandbox"));
}

/** Requests that reached the sandbox ("Gupshup"), optionally only those whose path matches. */
export async function upstreamRequests(path?: RegExp): Promise<RecordedRequest[]> {
  const all = (await sandbox().requests()) as RecordedRequest[];
  return path ? all.filter((r) => path.test(r.path)) : all;
}

/** Fresh state for every test: sandbox back to its seed, gateway objects and KV emptied. */
export async function resetAll(): Promise<void> {
  for (const namespace of [testEnv.GATEWAY, testEnv.PARTNER_LOGIN, testEnv.LOGIN_BUDGET] as DurableObjectNamespace[])
    for (const id of await listDurableObjectIds(namespace))
      await runInDurableObject(namespace.get(id), async (_, state) => {
        await state.storage.deleteAll();
      });
  await abortAllDurableObjects();
  for (const key of (await testEnv.TEMPLATE_CACHE.list()).keys) await testEnv.TEMPLATE_CACHE.delete(key.name);
  await sandbox().reset();
}

/** Evicts one gateway object (its memory is dropped; its SQLite storage stays), as Cloudflare may at any time. */
export async function evictGateway(name: string): Promise<void> {
  await runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(name)), (_, state) => state.abort("evicted by test")).catch(() => undefined);
}

/** As if the rate-limit windows had passed: the app object's logs and the sandbox's are emptied. */
export async function afterRateWindows(appId: string): Promise<void> {
  await runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId))), async (gateway: GupshupGateway, state) => {
    for (const prefix of ["rate-log:", "rate-cooldown:"]) await state.storage.delete([...(await state.storage.list({ prefix })).keys()]);
    // biome-ignore lint/complexity/useLiteralKeys: the scheduler is private; the test replaces it on purpose.
    gateway["scheduler"] = await Scheduler.load(state.storage);
  });
  await sandbox().clearRateLimits();
}

/** The secret configure_webhook registered, as Gupshup would send it back (read from the sandbox's subscription). */
export async function registeredSecret(): Promise<string> {
  const create = (await upstreamRequests(/\/subscription(\/\d+)?$/)).filter((r) => r.method !== "GET").at(-1)!;
  const meta = JSON.parse(new URLSearchParams(create.body).get("meta")!) as { headers: Record<string, string> };
  return meta.headers[WEBHOOK_SECRET_HEADER]!;
}

/** A callback posted to an app's webhook route, as Gupshup posts it. */
export const postWebhookFor = (appId: string, body: string, headers: Record<string, string> = {}) =>
  callWorker(new Request(`http://localhost/webhooks/gupshup/${appId}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body }));

/** A delivery event for message `id`, as Gupshup (v2) posts it to the webhook route. */
export const deliveryEvent = (id: string, timestamp = Date.now()) =>
  JSON.stringify({
    app: "DemoStore",
    timestamp,
    version: 2,
    type: "message-event",
    payload: { id, type: "enqueued", destination: "919876543210", payload: { whatsappMessageId: `wamid.${id}`, type: "template" } },
  });

export type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown> };

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

export const textOf = (result: ToolResult) => result.content.map((c) => c.text ?? "").join("\n");
