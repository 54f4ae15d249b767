import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { type GupshupLoginBudget, MAX_FAILURES_PER_EMAIL, NEW_LOGINS_PER_MINUTE } from "../src/gateway/login-budget";
import { LOGIN_BUDGET_NAME } from "../src/gateway/names";
import { SANDBOX_DEMO_LOGIN } from "../src/sandbox/credentials";
import { callTool, callWorker, MCP_AUTH_TOKEN, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";
import { connectWithOAuth, openSignInPage, type Route, startAuthorization, submitSignIn } from "./oauth-client";

/** Hosted: partners sign in with their own Gupshup login, behind the access secret. */
const hostedEnv = {};
const attacker: Route = { address: "198.51.100.7" };
const owner: Route = { address: "203.0.113.9" };

beforeEach(resetAll);

/** One sign-in through /authorize as a browser would send it; the page's text, and whether a code came back. */
async function signIn(email: string, secret: string, route: Route): Promise<{ status: number; text: string }> {
  const oauth = await startAuthorization(hostedEnv, route);
  const page = await openSignInPage(oauth.authorizationUrl!, hostedEnv, route);
  const res = await submitSignIn(oauth.authorizationUrl!, page, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "login", email, secret }, hostedEnv, route);
  return { status: res.status, text: res.status === 302 ? "" : await res.text() };
}

describe("sign-in cannot lock partners out or guess secrets", () => {
  it("ten wrong secrets for a partner's email from one address: the address is stopped after five, the partner signs in, Gupshup never says 429", async () => {
    const tries = [];
    for (let i = 0; i < 10; i++) tries.push(await signIn(SANDBOX_DEMO_LOGIN.email, `guess-${i}`, attacker));
    expect(tries.map((t) => t.status)).toEqual(Array(10).fill(401));
    expect(tries[0]!.text).toContain("Gupshup did not accept this email and client secret");
    expect(tries[9]!.text).toMatch(/Too many wrong sign-ins for this email or from your address recently\. Wait (1[0-5]|[1-9]) minutes/);
    // Only the first five reached Gupshup.
    expect(await upstreamRequests(/\/login$/)).toHaveLength(5);

    const real = await signIn(SANDBOX_DEMO_LOGIN.email, SANDBOX_DEMO_LOGIN.secret, owner);
    expect(real.status).toBe(302);
    expect(await upstreamRequests(/\/login$/)).toHaveLength(6);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("the same through POST /connections", async () => {
    const post = (secret: string) =>
      callWorker(
        new Request("http://localhost/connections", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": attacker.address! },
          body: new URLSearchParams({ action: "sign-in", access: MCP_AUTH_TOKEN, method: "login", email: SANDBOX_DEMO_LOGIN.email, secret }),
        }),
        hostedEnv,
      );
    for (let i = 0; i < 5; i++) expect((await post(`guess-${i}`)).status).toBe(401);
    const stopped = await post("guess-5");
    expect(stopped.status).toBe(401);
    expect(await stopped.text()).toContain("Too many wrong sign-ins");
    expect(await upstreamRequests(/\/login$/)).toHaveLength(5);
  });

  it("strangers' sign-ins from many addresses share one budget below Gupshup's limit; an existing connection still renews its token", async () => {
    const { client } = await connectWithOAuth(hostedEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], method: "login", email: SANDBOX_DEMO_LOGIN.email, secret: SANDBOX_DEMO_LOGIN.secret }, owner);
    const refused = [];
    for (let i = 0; i < 12; i++) refused.push(await signIn(`stranger-${i}@example.com`, "guess", { address: `198.51.100.${20 + i}` }));
    // The owner's sign-in took one of the first-time logins; strangers get the rest, then wait.
    const reachedGupshup = NEW_LOGINS_PER_MINUTE - 1;
    expect(refused.slice(0, reachedGupshup).every((r) => r.text.includes("Gupshup did not accept"))).toBe(true);
    expect(
      refused.slice(reachedGupshup).every((r) => /Too many sign-ins on this server in the last minute \(it keeps under Gupshup.{1,6}s sign-in limit\)\. Try again in \d+ seconds/.test(r.text)),
    ).toBe(true);
    expect(await upstreamRequests(/\/login$/)).toHaveLength(1 + reachedGupshup);

    // Gupshup refuses the owner's partner token: the renewal has room kept for it.
    await sandbox().failNext({ path: "/partnerApps$", status: 401, body: JSON.stringify({ status: "error", message: "Token expired" }), times: 1 });
    const apps = await callTool(client, "list_apps");
    expect(textOf(apps)).toContain("DemoStore");
    expect(await upstreamRequests(/\/login$/)).toHaveLength(2 + reachedGupshup);
    expect(await sandbox().tooManyRequestsCount()).toBe(0);
  });

  it("an email strangers failed for from many addresses stays closed to those addresses only: the owner signs in from anywhere else", async () => {
    const budget = testEnv.LOGIN_BUDGET.get(testEnv.LOGIN_BUDGET.idFromName(LOGIN_BUDGET_NAME));
    const email = "hot-email-hash";
    await runInDurableObject(budget, async (instance: GupshupLoginBudget) => {
      // Five addresses, four failures each (each under the per-address limit of 5): the email's 20.
      for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) instance.failed({ emailHash: email, address: `198.51.100.${100 + (i % 5)}`, proven: false });
      expect(instance.admit({ emailHash: email, address: "198.51.100.100", proven: false })).toMatchObject({ ok: false, why: "failures" });
      expect(instance.admit({ emailHash: email, address: "203.0.113.50", proven: false })).toEqual({ ok: true });
      expect(instance.admit({ emailHash: email, address: "198.51.100.101", proven: true })).toEqual({ ok: true });
    });
  });
});
