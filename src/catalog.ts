import type { ToolAnnotations } from "@modelcontextprotocol/server";
import { z } from "zod";
import { registerAllTools } from "./server";
import type { ToolContext } from "./tools/context";
import type { ToolRegistrar } from "./tools/define";

export interface CatalogTool {
  name: string;
  title: string;
  description: string;
  inputSchema: unknown;
  annotations: ToolAnnotations;
}

let catalog: CatalogTool[] | undefined;

/**
 * Every tool as the server registers it (same registration code, same schemas), for the public
 * /docs/mcp metadata and the setup page. Registration only records definitions; no handler runs,
 * so no request context is needed.
 */
export function toolCatalog(): CatalogTool[] {
  if (catalog) return catalog;
  const tools: CatalogTool[] = [];
  const recorder = {
    registerTool(name: string, config: { title?: string; description?: string; inputSchema?: z.ZodType; annotations?: ToolAnnotations }) {
      tools.push({
        name,
        title: config.title ?? name,
        description: config.description ?? "",
        inputSchema: config.inputSchema ? z.toJSONSchema(config.inputSchema, { io: "input", unrepresentable: "any" }) : { type: "object" },
        annotations: config.annotations ?? {},
      });
    },
  } as unknown as ToolRegistrar;
  registerAllTools(recorder, undefined as unknown as ToolContext);
  return (catalog = tools);
}
