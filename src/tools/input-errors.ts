import type { z } from "zod";

/**
 * A tool's refused arguments as advice a person can follow: which field, what is wrong with it and
 * what it takes ("since: there is no month 13 in 2026-13-45"), not "Input validation error:
 * Invalid arguments for tool …" with zod's wording.
 */
export function refusedInput(tool: string, error: z.ZodError): string {
  const lines = [...new Set(error.issues.flatMap((issue) => plainIssue(issue)))];
  return `${tool} was not run: ${lines.join("; ")}. Correct ${lines.length === 1 ? "it" : "them"} and call again.`;
}

type Issue = z.core.$ZodIssue;

function plainIssue(issue: Issue): string[] {
  const path = issue.path.map(String).join(".");
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const kinds = issue.errors.map((branch) => (branch.length === 1 && branch[0]!.code === "invalid_type" && branch[0]!.path.length === 0 ? branch[0]!.expected : undefined));
    if (kinds.every((k) => k !== undefined)) return [`${path ? `${path}: ` : ""}must be ${[...new Set(kinds.map((k) => KIND[k!] ?? k))].join(" or ")}`];
    // Otherwise the branch that got furthest into the value says what is wrong (the right message type, one field off).
    const closest = issue.errors.reduce((best, branch) => (deepest(branch) > deepest(best) ? branch : best));
    return closest.flatMap((inner) => plainIssue({ ...inner, path: [...issue.path, ...inner.path] }));
  }
  const message = plainMessage(issue);
  const field = String(issue.path.at(-1) ?? "");
  if (!path || message.startsWith(`${path} `) || (field && message.startsWith(`${field} `))) return [message];
  return [`${path}: ${message}`];
}

const deepest = (issues: readonly Issue[]) => Math.max(0, ...issues.map((i) => i.path.length));

const KIND: Record<string, string> = { string: "text", number: "a number", int: "a whole number", boolean: "true or false", array: "a list", object: "an object" };

/** Zod's own wording, in plain words; a message a schema wrote itself is kept as it is. */
function plainMessage(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${KIND[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return issue.message.startsWith("Invalid") ? `must be ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(", ")}`}` : issue.message;
    case "too_big":
    case "too_small": {
      if (!issue.message.startsWith("Too ")) return issue.message;
      const bound = issue.code === "too_big" ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" || issue.origin === "set" ? " items" : "";
      return issue.origin === "string" && issue.code === "too_small" && Number(issue.minimum) === 1 ? "must not be empty" : `must be ${bound}${unit}`;
    }
    case "unrecognized_keys":
      return `${issue.keys.join(", ")} ${issue.keys.length === 1 ? "is" : "are"} not a field of this tool`;
    case "invalid_format":
      return issue.message.startsWith("Invalid") ? `must be a valid ${issue.format === "url" ? "URL" : issue.format}` : issue.message;
    default:
      return issue.message;
  }
}
