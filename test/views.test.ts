import { beforeEach, describe, expect, it } from "vitest";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, callWorker, connect, MCP_AUTH_TOKEN, operatorEnv, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";
import { connectWithOAuth } from "./oauth-client";

const appId = SEED_APP_IDS.store;
const VIEW_MIME = "text/html;profile=mcp-app";

beforeEach(resetAll);

describe("views (MCP Apps)", () => {
  it("lists four self-contained views, and the tools that show them point at them", async () => {
    const client = await connect();
    const { resources } = await client.listResources();
    const views = resources.filter((r) => r.uri.startsWith("ui://"));
    expect(views.map((v) => [v.uri, v.mimeType])).toEqual([
      ["ui://gupshup-mcp/template-preview.html", VIEW_MIME],
      ["ui://gupshup-mcp/campaign.html", VIEW_MIME],
      ["ui://gupshup-mcp/app-health.html", VIEW_MIME],
      ["ui://gupshup-mcp/conversation.html", VIEW_MIME],
    ]);
    for (const view of views) {
      const { contents } = await client.readResource({ uri: view.uri });
      expect(contents).toHaveLength(1);
      const [content] = contents as { uri: string; mimeType: string; text: string; _meta?: unknown }[];
      expect(content).toMatchObject({ uri: view.uri, mimeType: VIEW_MIME, _meta: { ui: { prefersBorder: true } } });
      expect(content!.text).toMatch(/^<!doctype html>/);
      // Self-contained: no script, style, image or frame from anywhere else, and no data written as HTML.
      expect(content!.text).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
      expect(content!.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }

    const { tools } = await client.listTools();
    const viewOf = (name: string) => (tools.find((t) => t.name === name)?._meta as { ui?: { resourceUri?: string }; "ui/resourceUri"?: string } | undefined) ?? {};
    for (const [tool, uri] of [
      ["create_template", "ui://gupshup-mcp/template-preview.html"],
      ["edit_template", "ui://gupshup-mcp/template-preview.html"],
      ["list_templates", "ui://gupshup-mcp/template-preview.html"],
      ["preview_campaign", "ui://gupshup-mcp/campaign.html"],
      ["start_campaign", "ui://gupshup-mcp/campaign.html"],
      ["get_campaign", "ui://gupshup-mcp/campaign.html"],
      ["get_app_health", "ui://gupshup-mcp/app-health.html"],
      ["list_devices_status", "ui://gupshup-mcp/app-health.html"],
      ["get_conversation", "ui://gupshup-mcp/conversation.html"],
    ]) {
      expect(viewOf(tool!), tool).toEqual({ ui: { resourceUri: uri }, "ui/resourceUri": uri });
    }
    expect(viewOf("send_message")).toEqual({});
    // A tool with a view still answers in text and structuredContent for hosts without views.
    const listed = await callTool(client, "list_templates", { appId, search: "order_update" });
    expect(textOf(listed)).toContain("order_update");
    expect(listed.structuredContent).toMatchObject({ templates: [expect.objectContaining({ elementName: "order_update" })] });
  });

  it("names its icons, and serves them", async () => {
    const client = await connect();
    expect(client.getServerVersion()).toMatchObject({ name: "gupshup-mcp", icons: [{ src: "http://localhost/icons/server.svg", mimeType: "image/svg+xml" }] });
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "preview_campaign")?.icons).toEqual([{ src: "http://localhost/icons/campaigns.svg", mimeType: "image/svg+xml" }]);
    const served = await callWorker(new Request("http://localhost/icons/campaigns.svg"));
    expect(served.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(await served.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((await callWorker(new Request("http://localhost/icons/nothing.svg"))).status).toBe(404);
    expect(new Set(tools.map((t) => t.icons?.[0]?.src.split("/").pop()))).toEqual(new Set(["templates.svg", "messages.svg", "campaigns.svg", "inbox.svg", "analytics.svg", "numbers.svg"]));
  });
});

describe("resources", () => {
  it("an app's templates, one template by name, and a conversation from the inbox", async () => {
    const client = await connect();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["gupshup://apps/{appId}/templates", "gupshup://apps/{appId}/templates/{name}", "gupshup://apps/{appId}/conversations/{phone}"]);

    const all = await client.readResource({ uri: `gupshup://apps/${appId}/templates` });
    const templates = JSON.parse((all.contents[0] as { text: string }).text) as { elementName: string; params: string[] }[];
    expect(templates.map((t) => t.elementName)).toContain("order_update");
    const one = await client.readResource({ uri: `gupshup://apps/${appId}/templates/order_update` });
    expect(JSON.parse((one.contents[0] as { text: string }).text)).toEqual([expect.objectContaining({ elementName: "order_update", params: ["body {{1}}", "body {{2}}"] })]);

    await callTool(client, "configure_webhook", { appId });
    await sandbox().simulateInbound(appId, "919811100001", "Where is my order?", "Asha");
    await sandbox().deliverCallbacks();
    await callTool(client, "send_text_message", { appId, destination: "+919811100001", text: "On its way!" });
    await sandbox().deliverCallbacks();
    const conversation = await client.readResource({ uri: `gupshup://apps/${appId}/conversations/919811100001` });
    expect(JSON.parse((conversation.contents[0] as { text: string }).text)).toMatchObject({
      phone: "919811100001",
      tracked: true,
      messages: [
        { direction: "in", type: "text", text: "Where is my order?" },
        { direction: "out", status: "read" },
      ],
    });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`gupshup://apps/${appId}/conversations/919811100001`);
  });

  it("refuses another partner's app before reading anything of it", async () => {
    const client = await connect();
    await expect(client.readResource({ uri: `gupshup://apps/${SEED_APP_IDS.other}/templates` })).rejects.toThrow(/Your partner account/i);
    expect(await upstreamRequests(new RegExp(`/partner/app/${SEED_APP_IDS.other}/templates`))).toHaveLength(0);
    await expect(client.readResource({ uri: `gupshup://apps/${SEED_APP_IDS.other}/conversations/919811100001` })).rejects.toThrow(/Your partner account/i);
  });

  it("follows the connection's grant: no read scope, no resources or completions of data (the views stay); other apps refused", async () => {
    const { client: sendOnly } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["send"] });
    const { resources } = await sendOnly.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["ui://gupshup-mcp/template-preview.html", "ui://gupshup-mcp/campaign.html", "ui://gupshup-mcp/app-health.html", "ui://gupshup-mcp/conversation.html"]);
    await expect(sendOnly.readResource({ uri: `gupshup://apps/${appId}/templates` })).rejects.toThrow(/approved without the read scope/);
    const phones = await sendOnly.complete({
      ref: { type: "ref/resource", uri: "gupshup://apps/{appId}/conversations/{phone}" },
      argument: { name: "phone", value: "91" },
      context: { arguments: { appId } },
    });
    expect(phones.completion.values).toEqual([]);
    expect((await sendOnly.listPrompts()).prompts.map((p) => p.name)).toEqual(["launch_campaign"]);

    const { client: storeOnly } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read"], apps: "DemoStore" });
    expect((await storeOnly.listResources()).resources.map((r) => r.uri)).toContain(`gupshup://apps/${appId}/templates`);
    await expect(storeOnly.readResource({ uri: `gupshup://apps/${SEED_APP_IDS.clinic}/templates` })).rejects.toThrow(/may only use DemoStore/);
  });
});

describe("prompts", () => {
  it("lists the six workflows, fills one with its arguments, and completes app ids and template names", async () => {
    const client = await connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.title)).toEqual([
      "Create and submit a template",
      "Launch a campaign",
      "Why are my messages failing?",
      "Weekly WhatsApp report",
      "Answer today's open conversations",
      "Set up delivery tracking",
    ]);
    const answer = await client.getPrompt({ name: "answer_conversations", arguments: { appId, timeZone: "Asia/Kolkata" } });
    const steps = (answer.messages[0]!.content as { text: string }).text;
    expect(steps).toContain('list_conversations with awaitingReply: true, state: "open" and since today (timeZone Asia/Kolkata)');
    expect(steps).toContain("Show me every draft and wait. Send only the ones I approve");
    const launch = await client.getPrompt({ name: "launch_campaign", arguments: { appId, template: "spring_sale" } });
    const text = (launch.messages[0]!.content as { text: string }).text;
    expect(text).toContain(`I want to send the template spring_sale from app ${appId}`);
    expect(text).toContain("Only after I say yes, start_campaign with confirm: true.");

    const apps = await client.complete({ ref: { type: "ref/prompt", name: "launch_campaign" }, argument: { name: "appId", value: "5f0c" } });
    expect(apps.completion.values).toContain(appId);
    const names = await client.complete({ ref: { type: "ref/prompt", name: "launch_campaign" }, argument: { name: "template", value: "s" }, context: { arguments: { appId } } });
    expect(names.completion.values).toEqual(["spring_sale"]);
  });
});
