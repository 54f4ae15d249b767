import { DurableObject, env as workerEnv } from "cloudflare:workers";
import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import { z } from "zod";

interface Env {
  /** One object per app name, like gupshup-mcp's gateway objects. */
  UPSTREAM: DurableObjectNamespace<Upstream>;
  /** The Gupshup stand-in's origin (`npm run bench` passes it with --var). */
  STANDIN_URL: string;
}

/**
 * The bare cost of what an uncached gupshup-mcp tool call does: one Durable Object RPC, in which
 * the object makes one HTTP call to Gupshup (here the same stand-in, same path and headers as
 * get_usage_summary) and parses its JSON. No token handling, rate limiting, cache or validation.
 */
export class Upstream extends DurableObject<Env> {
  async usage(appId: string, from: string, to: string): Promise<unknown> {
    const url = new URL(`/partner/app/${encodeURIComponent(appId)}/usage`, this.env.STANDIN_URL);
    url.searchParams.set("from", from);
    url.searchParams.set("to", to);
    const res = await fetch(url, { headers: { Accept: "application/json", Authorization: "sk_baseline", token: "sk_baseline" } });
    return await res.json();
  }
}

/** Baseline for the benchmarks: the bare Workers MCP stack with an echo tool and the same-work tool. */
function buildServer(): McpServer {
  const env = workerEnv as unknown as Env;
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
  server.registerTool(
    "upstream",
    {
      title: "One upstream call",
      description: "One Durable Object RPC in which the object makes one HTTP call to the Gupshup stand-in and parses its JSON.",
      inputSchema: z.object({ appId: z.string(), from: z.string(), to: z.string() }),
      outputSchema: z.object({ answer: z.record(z.string(), z.unknown()) }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ appId, from, to }) => {
      const answer = (await env.UPSTREAM.get(env.UPSTREAM.idFromName(`app:${appId}`)).usage(appId, from, to)) as Record<string, unknown>;
      return { content: [{ type: "text", text: JSON.stringify(answer) }], structuredContent: { answer } };
    },
  );
  return server;
}

export default { fetch: createMcpHandler(() => buildServer(), { route: "/mcp" }) };
