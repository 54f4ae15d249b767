import type { McpServer, ServerContext, ToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { AnswerShapeError } from "../api/responses";
import { iconAt, toolGroup } from "../http/icons";
import { redactSecrets } from "../utils/secrets";
import { type ViewName, viewMeta } from "../views";
import { AskThePerson } from "./ask-person";
import type { ToolContext } from "./context";
import { ToolError } from "./errors";
import { refusedInput } from "./input-errors";
import { listedSchema } from "./listed-schema";
import type { Scope } from "./scopes";

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  title: string;
  description: string;
  input: I;
  output: O;
  /** The OAuth scope a grant needs to list and call this tool. */
  scope: Scope;
  /** The MCP Apps view that shows this tool's result, in hosts that render views. */
  view?: ViewName;
  /**
   * Every hint, honestly: destructive for what deletes, overwrites, or spends money and cannot be
   * taken back (sends, starting a campaign); open-world when it reaches Gupshup or WhatsApp.
   */
  annotations: Required<Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">>;
  /**
   * The listed tool that took this one's place (issue 25's merges): it stays callable by its name,
   * exactly as before, but tools/list no longer shows it.
   */
  mergedInto?: string;
}

export interface ToolOutcome<O> {
  structured: O;
  /** A short human-readable summary (the text content). */
  summary: string;
}

type Handler<I extends z.ZodObject, O extends z.ZodObject> = (args: z.output<I>, extra: ServerContext) => Promise<ToolOutcome<z.output<O>>>;

/**
 * A tool: its public contract (built once, at module load) and a handler bound to each request's
 * context. `registerTool` adds it to a per-request server.
 */
export interface ToolDefinition {
  name: string;
  spec: ToolSpec<z.ZodObject, z.ZodObject>;
  /** The schemas as registered: zod validates, tools/list shows the lean JSON Schema. */
  listed: { input: z.ZodObject; output: z.ZodObject };
  bind: (ctx: ToolContext) => Handler<z.ZodObject, z.ZodObject>;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(name: string, spec: ToolSpec<I, O>, bind: (ctx: ToolContext) => Handler<I, O>): ToolDefinition {
  const listed = { input: listedSchema(spec.input, "input", { validate: false }), output: listedSchema(spec.output, "output") };
  return { name, spec, listed, bind } as unknown as ToolDefinition;
}

/**
 * Registers a tool whose handler only does the work: input is validated by its schema before the
 * handler runs, a ToolError becomes an `isError` result with its message, and anything
 * unexpected becomes a generic `isError` result (logged without secrets, never a stack trace).
 */
export function registerTool(server: McpServer, tool: ToolDefinition, ctx: ToolContext): void {
  const { name, spec } = tool;
  const run = tool.bind(ctx);
  server.registerTool(
    name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: tool.listed.input,
      outputSchema: tool.listed.output,
      // All four hints, always: hosts' reviews (ChatGPT apps, Claude's directory) refuse a tool that leaves one to its default.
      annotations: spec.annotations,
      icons: iconAt(ctx.origin(), toolGroup(name)),
      ...(spec.view ? { _meta: viewMeta(spec.view) } : {}),
    },
    (async (raw: Record<string, unknown>, extra: ServerContext) => {
      // Validated here, not by the SDK, so a refusal reads as advice (see refusedInput); before any upstream call either way.
      const parsed = spec.input.safeParse(raw ?? {});
      if (!parsed.success) return { isError: true, content: [{ type: "text", text: refusedInput(name, parsed.error) }] };
      const args = parsed.data as Record<string, unknown>;
      try {
        const outcome = await run(args, extra);
        return { content: [{ type: "text", text: outcome.summary }], structuredContent: outcome.structured as Record<string, unknown> };
      } catch (error) {
        if (error instanceof AskThePerson) return error.result;
        if (error instanceof ToolError || error instanceof AnswerShapeError) return { isError: true, content: [{ type: "text", text: error.message }] };
        const reference = crypto.randomUUID().slice(0, 8);
        console.error(`[gupshup-mcp] ${name} failed unexpectedly (ref ${reference}): ${redactSecrets(String(error))}`);
        return { isError: true, content: [{ type: "text", text: `${name} failed because of an internal error in gupshup-mcp (ref ${reference}). Try again; if it persists, report the reference.` }] };
      }
    }) as never,
  );
}
