import { z } from "zod";
import type { SendReceipt } from "../api/types";

/** Shared input pieces: one definition per kind of value, so every tool validates it the same way. */

/** An app by its id, name or phone number (ToolContext.appId finds which). */
export const appIdValue = z
  .string()
  .trim()
  .min(1, "appId must not be empty: give an app's id, name or phone number, or leave it out")
  .max(200, "appId must be an app's id, name or phone number; run list_apps to see them");

export const appIdInput = appIdValue.optional().describe("App name, number or id.");

export const templateIdInput = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, "templateId must be a Gupshup template id (UUID from list_templates)");

export const elementNameInput = z
  .string()
  .min(1, "elementName must not be empty")
  .max(180, "elementName must be at most 180 characters")
  .regex(/^[a-z0-9_]+$/, "elementName may contain only lowercase letters, digits and underscores (e.g. order_update)");

/** Digits-with-country-code as Gupshup wants them, from common human formats (+91 98765-43210). */
export function normalizePhone(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^\+?[0-9][0-9 ().-]*$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, "").replace(/^00/, "");
  return digits.length >= 8 && digits.length <= 15 ? digits : undefined;
}

/**
 * A recipient's number as Gupshup wants it. Written with + (or 00) it has its country code; without,
 * only a number longer than 10 digits that does not start with 0 can have one (national numbers are
 * at most 10 digits). Anything else gets `defaultCountryCode` (dropping a trunk 0), or is refused:
 * guessing the country would message a stranger.
 */
export function recipientNumber(value: string, defaultCountryCode: string | undefined): { number: string; addedCountryCode?: string } | { error: string } {
  const digits = normalizePhone(value);
  if (digits === undefined) return { error: `${value} is not a phone number: write it with its country code, e.g. +91 98765 43210.` };
  const international = /^\s*(\+|00)/.test(value);
  if (international || (digits.length > 10 && !digits.startsWith("0"))) return { number: digits };
  if (defaultCountryCode) return { number: defaultCountryCode + digits.replace(/^0+/, ""), addedCountryCode: defaultCountryCode };
  return { error: `${value} has no country code: write it with + and the country code, e.g. +91 98765 43210 (India) or +1 415 555 0123 (US).` };
}

export const phoneInput = z
  .string()
  .max(32, "is too long for a phone number")
  .refine((value) => normalizePhone(value) !== undefined, "must be a phone number with country code, e.g. +91 98765 43210 or 919876543210");

export const limitInput = z.number().int().min(1).max(500).optional().describe("At most this many (default 50).");

export const idempotencyKeyInput = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, "idempotencyKey may use letters, digits and _ . : - (up to 128)")
  .optional()
  .describe("Repeat-safe: a send repeated with this key within 24 h returns the first result.");

/** Fields every send result carries. */
export const sendReceiptOutput = {
  idempotencyKey: z.string().describe("The key this send is recorded under; reuse it to retry safely."),
  replayed: z.boolean().describe("True when this is an earlier identical send's result and nothing was sent again."),
};

/** The idempotency part of a send result, and a sentence for the summary when it was a replay. */
export function receiptOf(send: SendReceipt | undefined): { idempotencyKey: string; replayed: boolean; note: string } {
  if (!send) return { idempotencyKey: "", replayed: false, note: "" };
  const ago = Math.max(0, Math.round((Date.now() - send.firstSentAt) / 1000));
  const replay = send.replayed
    ? ` This repeats an identical send made ${ago}s ago (same idempotencyKey, or same content within 60 s): nothing was sent again. To send it again on purpose, pass a new idempotencyKey.`
    : "";
  const untracked =
    send.trackedSince === null
      ? " Delivery tracking is off for this app, so whether this message arrives will not be known here: run configure_webhook (it covers messages sent after it)."
      : send.replayed && send.trackedSince !== undefined && send.firstSentAt < send.trackedSince
        ? " That send was made before delivery tracking started, so whether it arrives will not be known here; to send one that is tracked, pass a new idempotencyKey."
        : "";
  const optOut = send.optOutIgnored ? " The recipient had opted out; it was sent anyway because ignoreOptOut was set." : "";
  return { idempotencyKey: send.idempotencyKey, replayed: send.replayed, note: replay + optOut + untracked };
}
