import { z } from "zod";

type JsonSchema = Record<string, unknown>;

/**
 * Left out of input schemas: patterns (ids and keys are described in words, and a value that does
 * not match gets an error saying what is wrong). "minLength: 1" and the safety caps (a length of
 * 200 or more, 100 items or more) go too: such a value is refused with a clear error anyway, and
 * the limits that shape what a person writes (a 60-character header) stay.
 */
const INPUT_NOISE = new Set(["pattern"]);
const isSafetyCap = (key: string, value: unknown) => (key === "minLength" && value === 1) || (key === "maxLength" && (value as number) >= 200) || (key === "maxItems" && (value as number) >= 100);
/**
 * Left out of output schemas: everything but the shape. They describe values we produce, a client
 * only needs to know which fields and types to expect, and the text result says what they mean.
 */
const OUTPUT_NOISE = new Set(["description", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "format", "default", "required", "additionalProperties"]);

/**
 * A tool schema as `tools/list` shows it: the JSON Schema of `schema`, without `$schema`, and for
 * outputs only the shape (types, fields, required, enums). Every conversation carries every tool's
 * schemas, so what a model does not need is left out, here and once.
 */
export function listedJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  return withoutKeys(json, io === "output" ? OUTPUT_NOISE : INPUT_NOISE) as JsonSchema;
}

function withoutKeys(node: unknown, drop: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutKeys(item, drop));
  if (typeof node !== "object" || node === null) return node;
  const kept: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // Under "properties" the keys are field names, never keywords.
    if (key === "properties") kept[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([field, sub]) => [field, withoutKeys(sub, drop)]));
    else if (!drop.has(key) && !isSafetyCap(key, value)) kept[key] = withoutKeys(value, drop);
  }
  return kept;
}

/**
 * `schema` as the Standard Schema the MCP server registers: zod still validates, and the JSON
 * Schema it lists is the lean one, converted once per process instead of on every `tools/list`.
 */
export function listedSchema<S extends z.ZodType>(schema: S, io: "input" | "output"): S {
  let json: JsonSchema | undefined;
  const listed = () => {
    json ??= listedJsonSchema(schema, io);
    return json;
  };
  return { "~standard": { ...schema["~standard"], jsonSchema: { input: listed, output: listed } } } as unknown as S;
}
