import { html, raw } from "hono/html";
import { SERVER_NAME } from "../server";
import type { ConnectionCampaign } from "./end-connection";
import { credentialFields, PAGE_STYLE, type SignInOptions } from "./sign-in-page";

/** One OAuth grant as the connections page and its JSON show it. */
export interface Connection {
  id: string;
  client: string;
  scopes: string[];
  /** Names (or ids) of the apps it is limited to; null: every app. */
  apps: string[] | null;
  signIn: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** Running and paused campaigns it started: ending it pauses the running ones. */
  campaigns: ConnectionCampaign[];
}

export type ConnectionsView = { kind: "sign-in"; error?: string } | { kind: "list"; owner: string; proof: string; connections: Connection[] };

/** GET/POST /connections in a browser: sign in, then the list with a button to end each connection. */
export function renderConnectionsPage(options: SignInOptions, view: ConnectionsView) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${SERVER_NAME} — connections</title>
<style>${raw(PAGE_STYLE)}</style>
</head>
<body>
<main>
<h1>Connections</h1>
<p class="lead">Assistants you connected to ${SERVER_NAME} (claude.ai, ChatGPT and other OAuth clients).</p>
${
  view.kind === "sign-in"
    ? html`${view.error ? html`<div class="error" role="alert">${view.error}</div>` : ""}
<form method="post" autocomplete="off"><input type="hidden" name="action" value="sign-in">
<fieldset><legend>Sign in to see your connections</legend>${credentialFields(options, {})}</fieldset>
<div class="buttons"><button class="primary" type="submit">Show my connections</button></div></form>`
    : view.connections.length === 0
      ? html`<div class="card">No connections. Add this server as a connector in your assistant to make one.</div>`
      : view.connections.map(
          (c) => html`<div class="card connection">
<div class="who">${c.client}</div>
<div>May: <strong>${c.scopes.join(", ") || "nothing"}</strong> · Apps: <strong>${c.apps ? c.apps.join(", ") : "all"}</strong></div>
<div class="muted">Connected ${c.createdAt.slice(0, 16).replace("T", " ")} UTC · last used ${c.lastUsedAt ? `${c.lastUsedAt.slice(0, 16).replace("T", " ")} UTC` : "not yet"}</div>
${c.campaigns.length > 0 ? html`<div>Campaigns it started: ${c.campaigns.map((k, i) => html`${i > 0 ? ", " : ""}<strong>${k.name}</strong> (${k.state})`)}${c.campaigns.some((k) => k.state === "running") ? " — disconnecting pauses the running ones" : ""}</div>` : ""}
<form method="post"><input type="hidden" name="action" value="revoke"><input type="hidden" name="owner" value="${view.owner}"><input type="hidden" name="proof" value="${view.proof}"><input type="hidden" name="grant" value="${c.id}">
<div class="buttons"><button type="submit">Disconnect</button></div></form>
</div>`,
        )
}
</main>
</body>
</html>`;
}
