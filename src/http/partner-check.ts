import { partnerAppsResponse } from "../api/responses";
import type { Caller } from "../api/types";
import type { Env } from "../env";
import { ToolContext } from "../tools/context";
import type { GrantApp, Session } from "./auth";

export type AccountApps = { ok: true; apps: GrantApp[] } | { ok: false; message: string };

/**
 * The apps a Gupshup credential can see — which also proves the credential: a login is checked
 * by Gupshup's own login, a partner token by Gupshup answering with it.
 */
export async function accountApps(env: Env, mode: Session["mode"], caller: Caller, requestUrl: string): Promise<AccountApps> {
  const result = await new ToolContext(env, { mode, caller }, requestUrl).callAccount({ endpoint: "listApps" });
  if (!result.ok) {
    const { failure } = result;
    if (failure.signInRefused === "failures")
      return {
        ok: false,
        message: `Too many wrong sign-ins for this email or from your address recently. Wait ${minutes(failure.retryAfterSeconds)}, then try again — or sign in with a partner token instead.`,
      };
    if (failure.signInRefused === "busy")
      return { ok: false, message: `Too many sign-ins on this server in the last minute (it keeps under Gupshup's sign-in limit). Try again in ${failure.retryAfterSeconds ?? 60} seconds.` };
    if (failure.kind === "rate_limited") return { ok: false, message: `Gupshup is limiting sign-ins right now. Try again in ${failure.retryAfterSeconds ?? 60} seconds.` };
    if (failure.partnerToken || failure.kind === "auth" || failure.kind === "rejected") {
      if (mode !== "hosted")
        return {
          ok: false,
          message:
            "Gupshup refused this server's own credentials, so its apps cannot be listed. Tell whoever deployed it to renew GUPSHUP_PARTNER_TOKEN (or set GUPSHUP_PARTNER_EMAIL and GUPSHUP_PARTNER_SECRET), or leave the apps field empty.",
        };
      return {
        ok: false,
        message:
          caller.partner.kind === "login"
            ? "Gupshup did not accept this email and client secret. Check them in the Gupshup partner portal and try again."
            : "Gupshup did not accept this partner token: it may have expired (they last 24 hours). Get a new one and try again.",
      };
    }
    return { ok: false, message: "Gupshup could not be reached to check your sign-in. Try again in a minute." };
  }
  const parsed = partnerAppsResponse.safeParse(result.data);
  if (!parsed.success) return { ok: false, message: "Gupshup's answer to the sign-in check was not understood. Try again in a minute." };
  return { ok: true, apps: parsed.data.partnerAppsList.map((app) => ({ id: app.id, name: app.name ?? null })) };
}

const minutes = (seconds = 60) => (seconds <= 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

/**
 * The apps a person typed (names or ids, comma-separated), matched against the account's apps.
 * Empty means every app (no limit, and no call to Gupshup).
 */
export async function pickApps(typed: string, account: { apps?: GrantApp[]; listApps: () => Promise<AccountApps> }): Promise<{ ok: true; apps?: GrantApp[] } | { ok: false; message: string }> {
  const wanted = typed
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return { ok: true };
  const listed = account.apps ? { ok: true as const, apps: account.apps } : await account.listApps();
  if (!listed.ok) return listed;
  const available = listed.apps;
  const picked: GrantApp[] = [];
  for (const entry of wanted) {
    const app = available.find((a) => a.id === entry) ?? available.find((a) => a.name?.toLowerCase() === entry.toLowerCase());
    if (!app) {
      const names = available.map((a) => a.name ?? a.id).join(", ");
      return { ok: false, message: `"${entry}" is not an app of this Gupshup account${names ? ` (its apps: ${names})` : ""}. Fix it, or leave the field empty for every app.` };
    }
    if (!picked.some((a) => a.id === app.id)) picked.push(app);
  }
  return { ok: true, apps: picked };
}
