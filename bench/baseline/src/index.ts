import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import { z } from "zod";

/** Baseline for the benchmarks: the bare Workers MCP stack with one tool. */
function buildServer(): McpServer {
  const server = new McpServer({ name: "baseline", version: "1.0.0" });
  server.registerTool(
    "echo",
    {
      title: "Echo",
      description: "Returns its input.",
      inputSchema: z.object({ text: z.string().describe("Text to echo.") }),
      outputSchema: z.object({ text: z.string() }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ text }) => ({ content: [{ type: "text", text }], structuredContent: { text } }),
  );
  return server;
}

export default { fetch: createMcpHandler(() => buildServer(), { route: "/mcp" }) };
