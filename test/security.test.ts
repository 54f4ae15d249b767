import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { appObjectName } from "../src/gateway/names";
import { SANDBOX_DEMO_LOGIN, SANDBOX_DEMO_PARTNER_TOKEN, SANDBOX_OTHER_PARTNER_TOKEN } from "../src/sandbox/credentials";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, callWorker, connect, deliberatelyRevealing, MCP_AUTH_TOKEN, operatorEnv, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";

/** Open pass-through: no credentials on the worker, no access secret; the bearer is the caller's partner token. */
const passThroughEnv = { MCP_AUTH_TOKEN: "", GUPSHUP_PARTNER_TOKEN: "" };
const appId = SEED_APP_IDS.store;
const as = (token: string, address: string) => connect({ env: passThroughEnv, headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": address } });

beforeEach(resetAll);

describe("strangers cannot spend a partner's budget", () => {
  /** Token calls that reached Gupshup with a partner token other than the owner's. */
  const strangersTokenCalls = async () => (await upstreamRequests(/\/token$/)).filter((r) => r.headers.authorization !== SANDBOX_DEMO_PARTNER_TOKEN);

  it("made-up bearers aimed at an app spend none of its token calls (they are checked by the partner's app list first): the owner's renewal still goes through", async () => {
    const owner = await as(SANDBOX_DEMO_PARTNER_TOKEN, "203.0.113.1");
    expect((await callTool(owner, "list_templates", { appId })).isError).toBeFalsy(); // the owner proves access

    for (let i = 0; i < 12; i++) {
      const stranger = await as(`made-up-token-${i}`, `198.51.100.${i}`);
      const result = await callTool(stranger, "get_app_health", { appId });
      expect(result.isError).toBe(true);
    }
    expect(await strangersTokenCalls()).toEqual([]);
    const renewed = await deliberatelyRevealing(() => callTool(owner, "get_app_token", { appId }));
    expect(renewed.isError, textOf(renewed)).toBeFalsy();
    // The app's token calls were never Gupshup's to refuse (strangers' app-list checks may meet its account limit, as list_apps would).
    expect((await upstreamRequests(/\/token$/)).map((r) => r.status)).toEqual([200, 200]);
  });

  it("the issue's attack: 14 made-up bearers calling get_app_token from the owner's own address do not make the owner wait", async () => {
    const owner = await as(SANDBOX_DEMO_PARTNER_TOKEN, "203.0.113.1");
    expect((await callTool(owner, "list_templates", { appId })).isError).toBeFalsy();
    const refused = [];
    for (let i = 0; i < 14; i++) refused.push(await deliberatelyRevealing(async () => callTool(await as(`made-up-token-${i}`, "203.0.113.1"), "get_app_token", { appId })));
    expect(refused.every((r) => r.isError)).toBe(true);
    // Three failed app-list checks from one address a minute; the rest wait without reaching Gupshup.
    expect(textOf(refused[0]!)).toMatch(/Gupshup rejected your partner token/);
    expect(textOf(refused[13]!)).toMatch(/^App .* has had several callers from your address in the last minute whose access Gupshup did not confirm.*Retry in \d+s;/);
    expect((await upstreamRequests(/partnerApps$/)).filter((r) => r.headers.authorization !== SANDBOX_DEMO_PARTNER_TOKEN)).toHaveLength(3);
    expect(await strangersTokenCalls()).toEqual([]);

    const renewed = await deliberatelyRevealing(() => callTool(owner, "get_app_token", { appId }));
    expect(renewed.isError, textOf(renewed)).toBeFalsy();
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("a partner's renewed token (a new credential) proves access by the app list and is served the app token already held: no token call", async () => {
    const first = await sandbox().issueShortLivedToken(SANDBOX_DEMO_LOGIN.email, 86_400_000);
    const owner = await as(first, "203.0.113.1");
    expect((await callTool(owner, "list_templates", { appId })).isError).toBeFalsy();
    expect(await upstreamRequests(/\/token$/)).toHaveLength(1);
    const renewed = await as(await sandbox().issueShortLivedToken(SANDBOX_DEMO_LOGIN.email, 86_400_000), "203.0.113.1");
    const result = await callTool(renewed, "get_app_health", { appId });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(await upstreamRequests(/\/token$/)).toHaveLength(1);
  });

  it("another partner's real token is refused for an app not in its app list, without a token call", async () => {
    const other = await as(SANDBOX_OTHER_PARTNER_TOKEN, "198.51.100.50");
    const result = await callTool(other, "get_app_health", { appId });
    expect(result.isError, textOf(result)).toBe(true);
    expect(textOf(result)).toMatch(/is not one of your partner account's apps: it does not exist, or another partner owns it/);
    expect(await upstreamRequests(/\/token$/)).toEqual([]);
  });

  it("each partner credential has its own account queue, and a refused token is not sent to Gupshup again within the minute", async () => {
    const stranger = await as("made-up-token", "198.51.100.9");
    for (let i = 0; i < 3; i++) expect((await callTool(stranger, "list_apps")).isError).toBe(true);
    expect(await upstreamRequests(/partnerApps$/)).toHaveLength(1);

    const owner = await as(SANDBOX_DEMO_PARTNER_TOKEN, "203.0.113.1");
    const apps = await callTool(owner, "list_apps");
    expect(apps.isError, textOf(apps)).toBeFalsy();
    expect(await upstreamRequests(/partnerApps$/)).toHaveLength(2);
  });
});

describe("proofs of access", () => {
  it("a proof lasts an hour, but never beyond the partner token it was made with", async () => {
    const token = await sandbox().issueShortLivedToken(SANDBOX_DEMO_LOGIN.email, 10 * 60_000);
    const owner = await as(token, "203.0.113.1");
    expect((await callTool(owner, "list_templates", { appId })).isError).toBeFalsy();
    const exp = (JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp: number }).exp;
    await runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.idFromName(appObjectName(appId))), (_, state) => {
      expect(state.storage.sql.exec<{ until: number }>("SELECT until FROM verified_caller").toArray()).toEqual([{ until: exp * 1000 }]);
    });
  });
});

describe("guessing the access secret", () => {
  it("an address with 10 wrong access secrets in a minute waits for its next guesses, but the right secret from it still works (strangers behind the owner's NAT cannot lock the owner out)", async () => {
    const call = (bearer: string, address: string) =>
      callWorker(
        new Request("http://localhost/mcp", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${bearer}`, "CF-Connecting-IP": address },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
        }),
        operatorEnv,
      );
    for (let i = 0; i < 10; i++) expect((await call(`wrong-guess-${i}-0123456789abcdef0123456789`, "198.51.100.77")).status).toBe(401);
    const locked = await call("wrong-guess-10-0123456789abcdef0123456789", "198.51.100.77");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await locked.json()) as { message: string }).message).toMatch(/^Too many wrong access secrets from your address: wait \d+ s/);
    expect((await call(MCP_AUTH_TOKEN, "198.51.100.77")).status).toBe(200);
    expect((await call("wrong-guess-11-0123456789abcdef0123456789", "198.51.100.78")).status).toBe(401);

    // An IPv6 client is its /64: changing the last 64 bits does not start over; the owner in it still gets in.
    for (let i = 0; i < 10; i++) expect((await call(`wrong-guess-${i}-0123456789abcdef0123456789`, `2001:db8:1:2::${i + 1}`)).status).toBe(401);
    expect((await call("wrong-guess-10-0123456789abcdef0123456789", "2001:db8:1:2:ffff::99")).status).toBe(429);
    expect((await call(MCP_AUTH_TOKEN, "2001:db8:1:2:ffff::99")).status).toBe(200);
  });
});
