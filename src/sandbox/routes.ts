import { Hono } from "hono";
import { fail, type SandboxEnv } from "./route-helpers";
import { accountRoutes } from "./routes-account";
import { appRoutes } from "./routes-app";
import { messagingRoutes } from "./routes-messaging";
import { templateRoutes } from "./routes-templates";
import type { GupshupSandbox } from "./sandbox";

/** The simulator's HTTP API: each group's routes, behind the rate limits Gupshup applies. */
export function sandboxRoutes(sandbox: GupshupSandbox): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.use(async (c, next) => {
    c.set("sandbox", sandbox);
    if (sandbox.limits.overLimit(new URL(c.req.url).pathname)) return fail(c, 429, "Too Many Requests");
    await next();
  });
  accountRoutes(app);
  templateRoutes(app);
  appRoutes(app);
  messagingRoutes(app);
  app.notFound((c) => fail(c, 404, "Not Found"));
  app.onError((_, c) => fail(c, 500, "Internal server error. Please try again later and If Issue still persist, then contact Gupshup Dev Support"));
  return app;
}
