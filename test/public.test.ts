import { describe, expect, it } from "vitest";
import { callWorker, connect, MCP_AUTH_TOKEN, OPERATOR_PARTNER_TOKEN, operatorEnv } from "./helpers";

describe("setup page", () => {
  it("GET / shows this deployment's MCP URL, client configs with placeholders, every tool and the security advice", async () => {
    const res = await callWorker(new Request("http://localhost/"), operatorEnv);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('<div class="url" id="mcp-url">http://localhost/mcp</div>');
    expect(page).toContain("claude mcp add --transport http gupshup http://localhost/mcp");
    expect(page).toContain("Authorization: Bearer &lt;MCP_AUTH_TOKEN&gt;");
    expect(page).toMatch(/Never paste real tokens into public docs, screenshots, support tickets or shared messages/);
    expect(page).toContain('name="viewport"');
    const client = await connect();
    for (const tool of (await client.listTools()).tools) expect(page).toContain(`<td>${tool.name}</td>`);
    expect(page).not.toContain(MCP_AUTH_TOKEN);
    expect(page).not.toContain(OPERATOR_PARTNER_TOKEN);
  });

  it("a browser opening /mcp is redirected to the setup page; MCP clients are not", async () => {
    const browser = await callWorker(new Request("http://localhost/mcp", { headers: { Accept: "text/html,application/xhtml+xml" } }), operatorEnv);
    expect(browser.status).toBe(302);
    expect(browser.headers.get("Location")).toBe("/");
    const mcpClient = await callWorker(new Request("http://localhost/mcp", { headers: { Accept: "text/event-stream", Authorization: `Bearer ${MCP_AUTH_TOKEN}` } }), operatorEnv);
    expect(mcpClient.status).not.toBe(302);
  });
});

describe("/docs/mcp", () => {
  it("is public JSON metadata generated from the same tool registrations as the server", async () => {
    const res = await callWorker(new Request("http://localhost/docs/mcp"), operatorEnv);
    expect(res.status).toBe(200);
    const docs = (await res.json()) as {
      name: string;
      version: string;
      mcp: { url: string; urlPattern: string };
      auth: { header: string; format: string };
      tools: { name: string; description: string; inputSchema: { properties?: Record<string, unknown>; required?: string[] } }[];
    };
    expect(docs.name).toBe("gupshup-mcp");
    expect(docs.mcp.url).toBe("http://localhost/mcp");
    expect(docs.auth).toMatchObject({ header: "Authorization", format: "Bearer <MCP_AUTH_TOKEN>" });
    const { tools } = await (await connect()).listTools();
    expect(docs.tools.map((t) => t.name).sort()).toEqual(tools.map((t) => t.name).sort());
    for (const tool of tools) {
      const documented = docs.tools.find((t) => t.name === tool.name)!;
      expect(documented.description).toBe(tool.description);
      expect(Object.keys(documented.inputSchema.properties ?? {}).sort(), tool.name).toEqual(Object.keys(tool.inputSchema.properties ?? {}).sort());
      expect([...(documented.inputSchema.required ?? [])].sort(), tool.name).toEqual([...(tool.inputSchema.required ?? [])].sort());
    }
  });
});
