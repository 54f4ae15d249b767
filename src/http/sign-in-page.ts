import type { ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { html, raw } from "hono/html";
import { SERVER_NAME } from "../server";
import { SCOPE_DESCRIPTIONS, type Scope } from "../tools/scopes";
import { STYLE } from "./setup-page";

/** Which ways to sign in this deployment offers. */
export interface SignInOptions {
  /** The deployment has an access secret (MCP_AUTH_TOKEN) the person must know. */
  accessSecret: boolean;
  /** The deployment holds Gupshup credentials: the access secret is the whole sign-in. */
  operator: boolean;
  /** The upstream is the built-in simulator: a one-click demo partner is offered. */
  sandbox: boolean;
}

/** What the form showed and the person entered (never secrets), to show it again after an error. */
export interface SignInForm {
  handle: string;
  offered: readonly Scope[];
  checked: readonly Scope[];
  method?: "demo" | "login" | "token";
  email?: string;
  apps?: string;
  error?: string;
}

export const PAGE_STYLE = `${STYLE}
main{max-width:560px}fieldset{border:1px solid #d0d7de;border-radius:10px;padding:12px 14px;margin:14px 0;background:#fff}
legend{font-weight:600;padding:0 6px}label{display:block;margin:8px 0}label small{display:block;color:#57606a}
input[type=text],input[type=email],input[type=password]{width:100%;font:inherit;padding:10px;border:1px solid #d0d7de;border-radius:8px;margin-top:4px}
input[type=checkbox],input[type=radio]{width:1.1em;height:1.1em;margin-right:6px;vertical-align:-2px}
.buttons{display:flex;gap:10px;flex-wrap:wrap;margin-top:18px}button{font:600 1rem system-ui,sans-serif;padding:12px 20px;border-radius:8px;border:1px solid #d0d7de;background:#f6f8fa;cursor:pointer}
button.primary{background:#1f883d;border-color:#1a7f37;color:#fff;flex:1}.error{background:#ffebe9;border:1px solid #ff8182;border-radius:8px;padding:10px 12px;margin:12px 0}
.who{font-size:1.15rem;font-weight:600;word-break:break-word}.muted{color:#57606a}.method{display:none}.nowrap{white-space:nowrap}
label.choice{display:inline-block;width:calc(100% - 2.2em);margin:4px 0;vertical-align:top}label.scope small{padding-left:1.7em}
#m-demo:checked~.demo,#m-login:checked~.login,#m-token:checked~.token{display:block}`;

/** The sign-in and consent page for one authorization request. Every client-given string is escaped. */
export function renderSignInPage(client: ConsentDescription, options: SignInOptions, form: SignInForm) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Connect ${client.clientName} to ${SERVER_NAME}</title>
<style>${raw(PAGE_STYLE)}</style>
</head>
<body>
<main>
<h1>Connect to <span class="nowrap">${SERVER_NAME}</span></h1>
<p class="lead">WhatsApp Business on Gupshup, for your assistant.</p>
<div class="card">
  <div class="who" id="client-name">${client.clientName}</div>
  <div>wants access to this server and will receive it at <strong id="redirect-host">${client.redirectHost}</strong></div>
  ${client.clientDomain ? html`<div>verified domain: <strong>${client.clientDomain}</strong></div>` : html`<div class="muted">The name is what the app calls itself; it is not verified.</div>`}
  ${client.redirectIsLoopback ? html`<div class="card warn">The answer goes to a program on this computer (${client.redirectHost}). Approve only if you started this connection yourself.</div>` : ""}
</div>
${form.error ? html`<div class="error" role="alert" id="sign-in-error">${form.error}</div>` : ""}
<form method="post" autocomplete="off">
<input type="hidden" name="handle" value="${form.handle}">
<fieldset><legend>Allow it to</legend>
${form.offered.map(
  (scope) =>
    html`<label class="scope"><input type="checkbox" name="scope" value="${scope}"${form.checked.includes(scope) ? raw(" checked") : ""}><strong>${scope}</strong><small>${SCOPE_DESCRIPTIONS[scope]}</small></label>`,
)}
</fieldset>
<fieldset><legend>Only these apps (optional)</legend>
<label>App names or ids, separated by commas. Leave empty for every app of the account.
<input type="text" name="apps" value="${form.apps ?? ""}" placeholder="e.g. DemoStore"></label>
</fieldset>
<fieldset><legend>Sign in</legend>
${credentialFields(options, form)}
</fieldset>
<div class="buttons">
<button class="primary" type="submit" name="action" value="approve">Allow</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button>
</div>
</form>
<p class="muted">You can see and end this connection later at <a href="/connections">/connections</a>.</p>
</main>
</body>
</html>`;
}

/** The sign-in fields this deployment needs: its access secret, and for partners how they sign in. */
export function credentialFields(options: SignInOptions, form: Pick<SignInForm, "method" | "email">) {
  const method = form.method ?? (options.sandbox ? "demo" : "login");
  const partner = !options.operator;
  return html`${
    options.accessSecret
      ? html`<label>${options.operator ? "This server's access secret" : "This server's access secret (it is private)"}<small>MCP_AUTH_TOKEN, from whoever deployed this server.</small>
<input type="password" name="access" required autocomplete="current-password"></label>`
      : ""
  }
${
  partner
    ? html`${options.sandbox ? html`<input type="radio" name="method" value="demo" id="m-demo"${method === "demo" ? raw(" checked") : ""}><label for="m-demo" class="choice">Simulator demo partner (one click)</label><br>` : ""}
<input type="radio" name="method" value="login" id="m-login"${method === "login" ? raw(" checked") : ""}><label for="m-login" class="choice">Gupshup partner email and client secret</label><br>
<input type="radio" name="method" value="token" id="m-token"${method === "token" ? raw(" checked") : ""}><label for="m-token" class="choice">Gupshup partner token</label>
${options.sandbox ? html`<p class="method demo muted">The built-in Gupshup simulator: sample apps and templates, no real WhatsApp messages.</p>` : ""}
<div class="method login"><label>Partner email<input type="email" name="email" value="${form.email ?? ""}" autocomplete="username"></label>
<label>Client secret<input type="password" name="secret" autocomplete="current-password"></label>
<p class="muted">Checked with Gupshup's partner login. The server keeps it only inside this connection, encrypted, to renew your 24-hour partner token.</p></div>
<div class="method token"><label>Partner token<input type="password" name="token"></label>
<p class="muted">Partner tokens expire after 24 hours; then you sign in again.</p></div>`
    : ""
}`;
}

/** A page for a request that cannot go on (a bad link, an expired form). */
export function renderSignInProblem(title: string, message: string) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${raw(PAGE_STYLE)}</style></head>
<body><main><h1>${title}</h1><div class="error" role="alert">${message}</div></main></body>
</html>`;
}
