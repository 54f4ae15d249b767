import type { Hono } from "hono";
import { fail, partnerOf, type SandboxContext, type SandboxEnv } from "./route-helpers";

const DAY = 86_400_000;

/** Login, partner apps and app tokens (partner scope). */
export function accountRoutes(app: Hono<SandboxEnv>): void {
  app.post("/partner/account/login", async (c) => {
    const form = await c.req.parseBody();
    const email = String(form.email ?? "");
    const secret = String(form.password ?? form.secret ?? "");
    const partner = c.var.sandbox.state.partners.find((p) => p.email === email && p.secret === secret);
    if (!partner) return fail(c, 401, "Invalid Credentials");
    const token = issuePartnerToken(partner.id);
    c.var.sandbox.state.partnerTokens[token.value] = { partnerId: partner.id, expiresAt: token.expiresAt };
    c.var.sandbox.save();
    return c.json({
      token: token.value,
      id: partner.id,
      name: partner.name,
      email: partner.email,
      terms_read: true,
      admin: true,
      billingType: "PREPAID",
      enableWallet: true,
    });
  });

  app.get("/partner/account/api/partnerApps", (c) => {
    const partner = partnerOf(c);
    if (!partner) return fail(c, 401, "Authentication Failed");
    const apps = Object.values(c.var.sandbox.state.apps).filter((a) => a.partnerId === partner.id);
    return c.json({
      status: "success",
      partnerAppsList: apps.map((a) => ({
        id: a.id,
        name: a.name,
        customerId: "NA",
        live: a.live,
        partnerId: a.partnerId,
        createdOn: a.createdOn,
        modifiedOn: a.modifiedOn,
        partnerCreated: true,
        cxpEnabled: false,
        partnerUsage: true,
        stopped: a.stopped,
        healthy: a.healthy,
        cap: 0,
        phone: a.phone,
      })),
    });
  });

  const token = (c: SandboxContext) => {
    const partner = partnerOf(c);
    if (!partner) return fail(c, 401, "Authentication Failed");
    const target = c.var.sandbox.state.apps[c.req.param("appId") ?? ""];
    if (!target) return fail(c, 400, "Invalid App ID");
    if (target.partnerId !== partner.id) return fail(c, 403, "Not App Owner");
    return c.json({
      status: "success",
      token: { token: target.appToken, authoriserId: target.id, requestorId: target.id, createdOn: target.createdOn, modifiedOn: target.modifiedOn, expiresOn: 0, active: true },
    });
  };
  app.get("/partner/app/:appId/token", token);
  app.get("/partner/app/:appId/token/", token);
}

/** A JWT-shaped partner token valid for 24 h (the sandbox checks it by lookup, not by signature). */
export function issuePartnerToken(partnerId: number, ttlMs = DAY): { value: string; expiresAt: number } {
  const expiresAt = Date.now() + ttlMs;
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const value = `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: String(partnerId), exp: Math.floor(expiresAt / 1000), jti: crypto.randomUUID() })}.sandbox`;
  return { value, expiresAt };
}
