import type { McpServer, ServerContext, ToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { redactSecrets } from "../utils/secrets";
import { ToolError } from "./errors";

/** Where tools are registered: an McpServer, or the catalog recorder behind /docs/mcp. */
export type ToolRegistrar = Pick<McpServer, "registerTool">;

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: Required<Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">>;
}

export interface ToolOutcome<O> {
  structured: O;
  /** A short human-readable summary (the text content). */
  summary: string;
}

/**
 * Registers a tool whose handler only does the work: input is validated by its schema before the
 * handler runs, a ToolError becomes an `isError` result with its message, and anything
 * unexpected becomes a generic `isError` result (logged without secrets, never a stack trace).
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  server: ToolRegistrar,
  name: string,
  spec: ToolSpec<I, O>,
  run: (args: z.output<I>, extra: ServerContext) => Promise<ToolOutcome<z.output<O>>>,
): void {
  server.registerTool(
    name,
    { title: spec.title, description: spec.description, inputSchema: spec.input, outputSchema: spec.output, annotations: { title: spec.title, ...spec.annotations } },
    (async (args: z.output<I>, extra: ServerContext) => {
      try {
        const outcome = await run(args, extra);
        return { content: [{ type: "text", text: outcome.summary }], structuredContent: outcome.structured as Record<string, unknown> };
      } catch (error) {
        if (error instanceof ToolError) return { isError: true, content: [{ type: "text", text: error.message }] };
        const reference = crypto.randomUUID().slice(0, 8);
        console.error(`[gupshup-mcp] ${name} failed unexpectedly (ref ${reference}): ${redactSecrets(String(error))}`);
        return { isError: true, content: [{ type: "text", text: `${name} failed because of an internal error in gupshup-mcp (ref ${reference}). Try again; if it persists, report the reference.` }] };
      }
    }) as never,
  );
}
