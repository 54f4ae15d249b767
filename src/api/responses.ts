import { z } from "zod";
import type { AppProfile } from "./types";

/**
 * The parts of Gupshup's answers we rely on. Anything else in an answer is ignored; an answer
 * without these parts is reported as malformed instead of being half-read.
 */
const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const str = z.union([z.string(), z.number().transform(String)]);
const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

export const partnerAppsResponse = z.object({
  partnerAppsList: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string().nullish(),
      phone: str.nullish(),
      live: bool.nullish(),
      healthy: bool.nullish(),
      stopped: bool.nullish(),
      createdOn: num.nullish(),
    }),
  ),
});

/** One app's name and number as the partner's app list gives them (null when the list does not have the app). */
export function appProfileOf(data: unknown, appId: string): AppProfile | null {
  const parsed = partnerAppsResponse.safeParse(data);
  const app = parsed.success ? parsed.data.partnerAppsList.find((a) => a.id === appId) : undefined;
  return app ? { name: app.name ?? null, phone: app.phone ?? null } : null;
}

export const appTokenResponse = z.looseObject({
  token: z.string(),
  expiresOn: num.nullish(),
  active: bool.nullish(),
  createdOn: num.nullish(),
});

export const templatesResponse = z.object({
  templates: z.array(
    z.looseObject({
      id: z.string(),
      elementName: z.string(),
      category: z.string().nullish(),
      status: z.string().nullish(),
      templateType: z.string().nullish(),
      languageCode: z.string().nullish(),
      quality: z.string().nullish(),
      reason: z.string().nullish(),
      createdOn: num.nullish(),
      modifiedOn: num.nullish(),
      namespace: z.string().nullish(),
      wabaId: str.nullish(),
      containerMeta: z.string().nullish(),
      data: z.string().nullish(),
    }),
  ),
});

export const createdTemplateResponse = z.object({
  template: z.looseObject({ id: z.string(), elementName: z.string(), status: z.string().nullish(), category: z.string().nullish() }),
});

export const uploadMediaResponse = z.object({
  handleId: z.union([z.string(), z.object({ message: z.string() }).transform((h) => h.message)]),
});

export const sendTemplateResponse = z.object({ status: z.string(), messageId: z.string() });

export const analyticsResponse = z.object({
  template_analytics: z.array(
    z.looseObject({
      template_id: z.string(),
      start: num.nullish(),
      end: num.nullish(),
      sent: num.nullish(),
      delivered: num.nullish(),
      read: num.nullish(),
      clicked: z.array(z.looseObject({ type: z.string().nullish(), button_content: z.string().nullish(), count: num.nullish() })).nullish(),
    }),
  ),
});

export const compareResponse = z.object({
  data: z.array(
    z.looseObject({
      metric: z.string(),
      type: z.string().nullish(),
      order_by_relative_metric: z.array(z.string()).nullish(),
      number_values: z.array(z.object({ key: z.string(), value: num })).nullish(),
      string_values: z.array(z.object({ key: z.string(), value: z.string() })).nullish(),
    }),
  ),
});

export const healthResponse = z.looseObject({ healthy: bool });

export const ratingsResponse = z.looseObject({
  oldLimit: z.string().nullish(),
  currentLimit: z.string().nullish(),
  event: z.string().nullish(),
  eventTime: num.nullish(),
  phoneQuality: z.string().nullish(),
  message: z.string().nullish(),
});

/** A number's messaging tier and quality from a ratings answer (undefined: no rating event, or not understood). */
export function numberRating(data: unknown): { tier: string; quality: string | null } | undefined {
  const parsed = ratingsResponse.safeParse(data);
  return parsed.success && parsed.data.currentLimit ? { tier: parsed.data.currentLimit, quality: parsed.data.phoneQuality?.toUpperCase() ?? null } : undefined;
}

export const walletResponse = z.object({
  walletResponse: z.looseObject({ currency: z.string(), currentBalance: num, overDraftLimit: num.nullish() }),
});

/** An app's wallet from a balance answer (overdraft 0 when not given; undefined: not understood). */
export function appWallet(data: unknown): { currency: string; currentBalance: number; overDraftLimit: number } | undefined {
  const parsed = walletResponse.safeParse(data);
  if (!parsed.success) return undefined;
  const w = parsed.data.walletResponse;
  return { currency: w.currency, currentBalance: w.currentBalance, overDraftLimit: w.overDraftLimit ?? 0 };
}

export const usageResponse = z.object({
  partnerAppUsageList: z.array(
    z.looseObject({
      date: z.string(),
      currency: z.string().nullish(),
      totalMsg: num.nullish(),
      incomingMsg: num.nullish(),
      outgoingMsg: num.nullish(),
      templateMsg: num.nullish(),
      marketing: num.nullish(),
      utility: num.nullish(),
      authentication: num.nullish(),
      service: num.nullish(),
      totalFees: num.nullish(),
      waFees: num.nullish(),
      gsFees: num.nullish(),
    }),
  ),
});

/** An answer from Gupshup that does not have the shape its schema expects; its message is for the user. */
export class AnswerShapeError extends Error {
  constructor(what: string) {
    super(`Gupshup's answer to ${what} did not have the expected shape, so it was not used. Try again; if it persists, Gupshup may have changed this API.`);
    this.name = "AnswerShapeError";
  }
}

/** Reads an answer with its schema, or throws AnswerShapeError (the tool wrapper shows its message). */
export function parseAnswer<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AnswerShapeError(what);
  return parsed.data;
}
