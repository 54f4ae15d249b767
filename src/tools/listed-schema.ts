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

const SHOWN_AS = new WeakMap<z.ZodType, JsonSchema>();

/**
 * Lists `schema` as `shown` (a shorter JSON Schema, its shape in words) while zod still validates
 * every detail: for a field whose full schema costs every conversation more than it tells a model
 * (send_template_message's six message shapes, edit_template's buttons "as in create_template").
 */
export function shownAs<S extends z.ZodType>(schema: S, shown: JsonSchema): S {
  SHOWN_AS.set(schema, shown);
  return schema;
}

/** `anyOf` of bare types once the noise is gone ({type: number} | {type: string}) as one type list, or undefined. */
function plainTypes(node: JsonSchema, drop: ReadonlySet<string>): string[] | undefined {
  if (!Array.isArray(node.anyOf)) return undefined;
  const branches = (node.anyOf as unknown[]).map((branch) => withoutKeys(branch, drop) as JsonSchema);
  const bare = branches.every((b) => typeof b.type === "string" && Object.keys(b).length === 1);
  return bare ? branches.map((b) => b.type as string) : undefined;
}

/**
 * A tool schema as `tools/list` shows it: the JSON Schema of `schema`, without `$schema`, and for
 * outputs only the shape (types, fields, required, enums). Every conversation carries every tool's
 * schemas, so what a model does not need is left out, here and once.
 */
export function listedJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const override = ({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
    const shown = SHOWN_AS.get(zodSchema as z.ZodType);
    if (!shown) return;
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, shown);
  };
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any", override }) as JsonSchema;
  return withoutKeys(json, io === "output" ? OUTPUT_NOISE : INPUT_NOISE) as JsonSchema;
}

function withoutKeys(node: unknown, drop: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutKeys(item, drop));
  if (typeof node !== "object" || node === null) return node;
  const types = plainTypes(node as JsonSchema, drop);
  if (types) {
    const { anyOf: _, ...rest } = node as JsonSchema;
    return { ...(withoutKeys(rest, drop) as JsonSchema), type: types };
  }
  const kept: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // Under "properties" the keys are field names, never keywords.
    if (key === "properties") kept[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([field, sub]) => [field, withoutKeys(sub, drop)]));
    else if (!drop.has(key) && !isSafetyCap(key, value)) kept[key] = withoutKeys(value, drop);
  }
  return kept;
}

/**
 * `schema` as the Standard Schema the MCP server registers: the JSON Schema it lists is the lean
 * one, converted once per process instead of on every `tools/list`. zod validates, unless
 * `validate: false` (tool inputs: registerTool validates them itself, to word a refusal as advice).
 */
export function listedSchema<S extends z.ZodType>(schema: S, io: "input" | "output", options: { validate?: boolean } = {}): S {
  let json: JsonSchema | undefined;
  const listed = () => {
    json ??= listedJsonSchema(schema, io);
    return json;
  };
  const standard = schema["~standard"];
  const validate = options.validate === false ? (value: unknown) => ({ value }) : standard.validate;
  return { "~standard": { ...standard, validate, jsonSchema: { input: listed, output: listed } } } as unknown as S;
}
