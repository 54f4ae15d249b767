import type { ToolAnnotations } from "@modelcontextprotocol/server";
import { LISTED_TOOLS } from "./server";
import { listedJsonSchema } from "./tools/listed-schema";
import type { Scope } from "./tools/scopes";

export interface CatalogTool {
  name: string;
  title: string;
  description: string;
  inputSchema: unknown;
  annotations: ToolAnnotations;
  /** The OAuth scope a connector's grant needs to see and call this tool (bearer clients have all). */
  scope: Scope;
}

let catalog: CatalogTool[] | undefined;

/** Every listed tool's public contract — the same definitions the server registers — for /docs/mcp and the setup page. */
export function toolCatalog(): CatalogTool[] {
  catalog ??= LISTED_TOOLS.map(({ name, spec }) => ({
    name,
    title: spec.title,
    description: spec.description,
    inputSchema: listedJsonSchema(spec.input, "input"),
    annotations: { title: spec.title, ...spec.annotations },
    scope: spec.scope,
  }));
  return catalog;
}
