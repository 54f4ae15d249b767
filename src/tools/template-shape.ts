import { z } from "zod";
import { variablesIn } from "./template-rules";

/** The statuses Gupshup documents for a template (it may send others; they are passed through). */
export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "DELETED"] as const;

/** A template as our tools return it: Gupshup's fields plus containerMeta parsed into its parts. */
export const templateShape = z.object({
  id: z.string(),
  elementName: z.string(),
  category: z.string(),
  status: z.string(),
  templateType: z.string(),
  languageCode: z.string(),
  quality: z.string().nullable(),
  reason: z.string().nullable().describe("Rejection reason, when REJECTED."),
  createdOn: z.number().nullable(),
  modifiedOn: z.number().nullable(),
  namespace: z.string().nullable(),
  wabaId: z.string().nullable(),
  body: z.string().nullable(),
  header: z.string().nullable(),
  footer: z.string().nullable(),
  buttons: z.array(z.record(z.string(), z.unknown())),
  sampleText: z.string().nullable(),
  variableCount: z.number().describe("How many distinct {{n}} variables the body has (params to pass when sending)."),
});
export type TemplateShape = z.infer<typeof templateShape>;

interface RawTemplate {
  id: string;
  elementName: string;
  category?: string | null;
  status?: string | null;
  templateType?: string | null;
  languageCode?: string | null;
  quality?: string | null;
  reason?: string | null;
  createdOn?: number | null;
  modifiedOn?: number | null;
  namespace?: string | null;
  wabaId?: string | null;
  containerMeta?: string | null;
  data?: string | null;
}

/** Gupshup template → our shape. containerMeta is a JSON string; an unreadable one yields nulls. */
export function toTemplate(raw: RawTemplate): TemplateShape {
  const meta = parseMeta(raw.containerMeta);
  const body = asString(meta.data) ?? raw.data ?? null;
  return {
    id: raw.id,
    elementName: raw.elementName,
    category: raw.category ?? "UNKNOWN",
    status: raw.status ?? "UNKNOWN",
    templateType: raw.templateType ?? "UNKNOWN",
    languageCode: raw.languageCode ?? "",
    quality: raw.quality ?? null,
    reason: raw.reason || null,
    createdOn: raw.createdOn ?? null,
    modifiedOn: raw.modifiedOn ?? null,
    namespace: raw.namespace ?? null,
    wabaId: raw.wabaId ?? null,
    body,
    header: asString(meta.header),
    footer: asString(meta.footer),
    buttons: Array.isArray(meta.buttons) ? meta.buttons.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null) : [],
    sampleText: asString(meta.sampleText),
    variableCount: body ? new Set(variablesIn(body)).size : 0,
  };
}

function parseMeta(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const asString = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
