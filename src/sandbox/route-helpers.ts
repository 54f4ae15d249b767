import type { Context } from "hono";
import type { GupshupSandbox } from "./sandbox";
import type { SandboxApp, SandboxPartner } from "./state";

// What every simulator route needs: the context type, Gupshup's error body, who is calling.

export type SandboxEnv = { Variables: { sandbox: GupshupSandbox } };
export type SandboxContext = Context<SandboxEnv>;

/** Gupshup's error body: `{"status":"error","message":…}`. */
export const fail = (c: Context, status: 400 | 401 | 403 | 404 | 413 | 429 | 500, message: string) => c.json({ status: "error", message }, status);

/** The token a request carries, from `Authorization` (raw or Bearer) or the `token` header. */
function tokenOf(c: Context): string | undefined {
  const auth = c.req.header("Authorization")?.replace(/^Bearer\s+/i, "");
  return auth || c.req.header("token") || undefined;
}

/** The partner a partner-scope request authenticates as, or undefined. */
export function partnerOf(c: SandboxContext): SandboxPartner | undefined {
  const token = tokenOf(c);
  const state = c.var.sandbox.state;
  const record = token ? state.partnerTokens[token] : undefined;
  if (!record || record.expiresAt <= Date.now()) return undefined;
  return state.partners.find((p) => p.id === record.partnerId);
}

/**
 * The app of an app-scope request, or the error Gupshup gives. `authStatus` is 401 on most
 * endpoints and 400 on the ones documented to say "Authentication Failed" with 400 (health).
 */
export function appOf(c: SandboxContext, authStatus: 400 | 401 = 401): SandboxApp | Response {
  const app = c.var.sandbox.state.apps[c.req.param("appId") ?? ""];
  if (!app) return fail(c, 400, "Invalid App ID");
  if (tokenOf(c) !== app.appToken) return fail(c, authStatus, "Authentication Failed");
  return app;
}

/** A request body as the recorded requests show it (a multipart file as its name, type and size). */
export async function describeBody(request: Request): Promise<string> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!request.body) return "";
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData().catch(() => undefined);
    if (!form) return "(unreadable multipart)";
    const parts: string[] = [];
    for (const [key, entry] of form.entries()) {
      const value = entry as unknown as string | File;
      parts.push(typeof value === "string" ? `${key}=${value}` : `${key}=<file ${value.name} ${value.type} ${value.size} bytes>`);
    }
    return parts.join("&");
  }
  return new TextDecoder().decode(await request.arrayBuffer());
}
