/**
 * What an OAuth grant may do. Every tool names the one scope it needs; a grant lists the tools
 * of its scopes and nothing else. Bearer (CLI) sessions hold every scope.
 */
export const SCOPES = ["read", "send", "manage"] as const;
export type Scope = (typeof SCOPES)[number];

/** How the sign-in page explains each scope to the person approving it. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: "See apps, templates, delivery status, campaigns, analytics, health and balance",
  send: "Send WhatsApp messages (templates, text, media, locations, buttons) and campaigns; mark customer messages read and hand conversations off",
  manage: "Create, edit and delete templates; upload media; set up webhooks and analytics; manage opt-outs; reveal app tokens",
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
