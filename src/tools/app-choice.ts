import type { AppSummary } from "./apps";
import { ToolError } from "./errors";
import { normalizePhone } from "./schemas";

/** Gupshup's app ids are UUIDs: one is used as given, without reading the account's app list. */
const APP_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isAppUuid = (value: string) => APP_UUID.test(value.trim());

/** An app as a person reads it: "DemoStore (+919000000001, id 5f0c…)". */
export const appInWords = (app: AppSummary) => `${app.name ?? "(no name)"} (${app.phone ? `+${app.phone}, ` : ""}id ${app.appId})`;

const listed = (apps: AppSummary[]) => apps.map(appInWords).join("; ");

/**
 * The app `wanted` names among the account's `apps`: its id, its name (any case) or its phone
 * number (any format). No match, or a name two apps share, is an error that lists the apps, so the
 * next call can be right.
 */
export function appNamed(wanted: string, apps: AppSummary[]): string {
  const found = appMatching(wanted, apps);
  if (found) return found;
  if (apps.length === 0)
    throw new ToolError(`No app '${wanted.trim()}': this connection can use no apps of the partner account. Create or link an app in Gupshup's partner portal, or reconnect allowing one.`);
  throw new ToolError(`No app named or numbered '${wanted.trim()}'. The apps are: ${listed(apps)}. Pass one of their names, numbers or ids as appId.`);
}

/** The one app `wanted` names, undefined when none does; a name two apps share is an error listing them. */
export function appMatching(wanted: string, apps: AppSummary[]): string | undefined {
  const text = wanted.trim();
  const digits = normalizePhone(text);
  const byId = apps.find((app) => app.appId === text);
  if (byId) return byId.appId;
  const matches = apps.filter((app) => app.name?.trim().toLowerCase() === text.toLowerCase() || (digits !== undefined && app.phone !== null && normalizePhone(app.phone) === digits));
  if (matches.length > 1) throw new ToolError(`'${text}' matches ${matches.length} apps: ${listed(matches)}. Pass the id of the one you mean as appId.`);
  return matches[0]?.appId;
}

/** The app a call without appId is for: the account's only app; with several, an error listing them. */
export function onlyApp(apps: AppSummary[]): string {
  if (apps.length === 1) return apps[0]!.appId;
  if (apps.length === 0) throw new ToolError("This connection can use no apps of the partner account: create or link an app in Gupshup's partner portal, or reconnect allowing one.");
  throw new ToolError(`This account has ${apps.length} apps and none is the default, so say which one: pass appId as its name, number or id. The apps are: ${listed(apps)}.`);
}
