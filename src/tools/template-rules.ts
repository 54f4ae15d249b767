import { z } from "zod";

/** Template inputs and the rules Gupshup and Meta apply to them, checked before any upstream call. */

export const CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;
export const TEMPLATE_TYPES = ["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "CAROUSEL", "PRODUCT", "CATALOG", "LTO"] as const;
const MARKETING_UTILITY_ONLY = new Set(["PRODUCT", "CATALOG", "LTO", "CAROUSEL"]);
const MEDIA_TYPES = new Set(["IMAGE", "VIDEO", "DOCUMENT"]);
export const AUTH_PREFIX = "{{1}} is your verification code";

const label = z.string().trim().min(1, "button text must not be empty").max(25, "button text must be at most 25 characters");

/** A template button, as Gupshup takes it (by type). */
export type ButtonInput =
  | { type: "QUICK_REPLY"; text: string }
  | { type: "URL"; text: string; url: string; example?: string }
  | { type: "PHONE_NUMBER"; text: string; phoneNumber: string }
  | { type: "COPY_CODE"; example: string }
  | { type: "OTP"; otpType: "COPY_CODE" | "ONE_TAP"; text?: string }
  | { type: "CATALOG" | "MPM"; text?: string };

/** What each button type needs besides its type. */
const NEEDS: Record<ButtonInput["type"], readonly ("text" | "url" | "phoneNumber" | "example")[]> = {
  QUICK_REPLY: ["text"],
  URL: ["text", "url"],
  PHONE_NUMBER: ["text", "phoneNumber"],
  COPY_CODE: ["example"],
  OTP: [],
  CATALOG: [],
  MPM: [],
};

/**
 * One flat object for every button type (a model reads one short schema instead of seven
 * variants); what each type needs is checked here, with an error naming the missing field.
 */
export const BUTTON_TYPES = ["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "CATALOG", "MPM"] as const;
export const OTP_TYPES = ["COPY_CODE", "ONE_TAP"] as const;

export const buttonInput = z
  .object({
    type: z.enum(BUTTON_TYPES),
    text: label.optional(),
    url: z
      .url({ protocol: /^https?$/, error: "url must be an http(s) URL" })
      .max(2000)
      .optional()
      .describe("URL: may end with {{1}}, its own variable (a send gives it after the body's)."),
    example: z.string().min(1).max(2000).optional().describe("URL: the url with {{1}} filled in. COPY_CODE: a sample code (up to 15)."),
    phoneNumber: z
      .string()
      .regex(/^\+?[1-9]\d{7,14}$/, "phoneNumber must be digits with country code, e.g. +919876543210")
      .optional()
      .describe("PHONE_NUMBER: with country code."),
    otpType: z.enum(OTP_TYPES).optional().describe("OTP: COPY_CODE (default) or ONE_TAP."),
  })
  .superRefine((button, rctx) => {
    const missing = NEEDS[button.type].filter((field) => button[field] === undefined);
    if (missing.length > 0) rctx.addIssue({ code: "custom", message: `a ${button.type} button needs ${missing.join(" and ")}`, continue: false });
    if (button.type === "COPY_CODE" && button.example !== undefined && button.example.length > 15) {
      rctx.addIssue({ code: "custom", path: ["example"], message: "a COPY_CODE example must be at most 15 characters" });
    }
  })
  .transform((b): ButtonInput => {
    // Only the fields of the button's own type go on.
    switch (b.type) {
      case "QUICK_REPLY":
        return { type: b.type, text: b.text! };
      case "URL":
        return { type: b.type, text: b.text!, url: b.url!, ...(b.example ? { example: b.example } : {}) };
      case "PHONE_NUMBER":
        return { type: b.type, text: b.text!, phoneNumber: b.phoneNumber! };
      case "COPY_CODE":
        return { type: b.type, example: b.example! };
      case "OTP":
        return { type: b.type, otpType: b.otpType ?? "COPY_CODE", ...(b.text ? { text: b.text } : {}) };
      default:
        return { type: b.type, ...(b.text ? { text: b.text } : {}) };
    }
  });

export const buttonsInput = z
  .array(buttonInput)
  .max(10, "at most 10 buttons")
  .describe("At most 1 PHONE_NUMBER, 2 URL, 1 COPY_CODE (MARKETING); QUICK_REPLYs together; AUTHENTICATION: exactly one OTP.");

/** Gupshup's wire form of a button (inside the JSON string of the `buttons` form field). */
export function buttonToWire(button: ButtonInput): Record<string, unknown> {
  switch (button.type) {
    case "URL":
      return { type: "URL", text: button.text, url: button.url, ...(button.example ? { example: [button.example] } : {}) };
    case "PHONE_NUMBER":
      return { type: "PHONE_NUMBER", text: button.text, phone_number: button.phoneNumber };
    case "COPY_CODE":
      return { type: "COPY_CODE", example: button.example };
    case "OTP":
      return { type: "OTP", otp_type: button.otpType, ...(button.text ? { text: button.text } : {}) };
    default:
      return { ...button };
  }
}

/** The `{{n}}` numbers used in a text, in order of appearance. */
export function variablesIn(text: string): number[] {
  return [...text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1]));
}

export interface TemplateFields {
  category?: string;
  templateType?: string;
  content?: string;
  header?: string;
  footer?: string;
  buttons?: ButtonInput[];
  example?: string;
  exampleHeader?: string;
  exampleMedia?: string;
  limitedOfferText?: string;
  /** CAROUSEL only; checked card by card in carousel.ts. */
  cards?: unknown[];
}

/**
 * Cross-field rules. Each problem is reported on the field to fix, with what to do.
 * For edits, rules that need a field the call does not change are skipped (an edited media
 * template keeps its sample media unless a new one is given; a new exampleHeader alone is
 * for the header the template already has).
 */
export function checkTemplate(t: TemplateFields, issue: (path: string, message: string) => void, mode: "create" | "edit" = "create"): void {
  const { category, templateType } = t;
  if (category && templateType && MARKETING_UTILITY_ONLY.has(templateType) && category !== "MARKETING" && category !== "UTILITY") {
    issue("templateType", `${templateType} templates are only available for MARKETING and UTILITY categories`);
  }
  if (templateType === "CAROUSEL" && mode === "edit") {
    issue("templateType", "a template cannot be edited into a CAROUSEL, and Gupshup does not allow editing carousels (their cards have media): create a carousel with create_template");
  } else if (templateType === "CAROUSEL") {
    if (!t.cards) issue("cards", "CAROUSEL templates need cards: 2 to 10, each { headerType, exampleMedia or mediaUrl, body, buttons }");
    for (const field of ["header", "footer", "buttons", "exampleMedia"] as const) {
      if (t[field] !== undefined) issue(field, `a CAROUSEL template has no ${field} of its own: each card has its media, body and buttons`);
    }
  } else if (t.cards !== undefined && (mode === "create" || templateType !== undefined)) issue("cards", "cards are only for templateType CAROUSEL");
  if (templateType === "LTO" && !t.limitedOfferText) issue("limitedOfferText", "LTO templates need limitedOfferText (the offer headline, up to 16 characters)");
  if (category === "AUTHENTICATION") {
    if (templateType && templateType !== "TEXT") issue("templateType", "AUTHENTICATION templates must be templateType TEXT");
    if (t.header) issue("header", "AUTHENTICATION templates cannot have a header");
    if (mode === "create" && !t.buttons) issue("buttons", 'AUTHENTICATION templates need exactly one OTP button, e.g. [{ type: "OTP", otpType: "COPY_CODE", text: "Copy code" }]');
    if (t.content !== undefined && !t.content.startsWith(AUTH_PREFIX)) {
      issue("content", `AUTHENTICATION templates must start with "${AUTH_PREFIX}." — e.g. "{{1}} is your verification code. For your security, do not share this code."`);
    }
  }
  if (mode === "create" && templateType && MEDIA_TYPES.has(templateType) && t.exampleMedia === undefined) {
    issue("exampleMedia", `${templateType} templates need a sample media handle: run upload_media and pass its handleId as exampleMedia`);
  }
  if (t.content !== undefined) checkVariables(t.content, t.example, issue);
  if (t.header !== undefined || mode === "create") checkHeader(t.header, t.exampleHeader, issue);
  if (t.exampleHeader && variablesIn(t.exampleHeader).length > 0) issue("exampleHeader", "exampleHeader must have {{1}} replaced by a sample value");
  if (t.footer && variablesIn(t.footer).length > 0) issue("footer", "the footer cannot contain variables");
  if (t.buttons) checkButtons(t.buttons, category, issue);
}

function checkVariables(content: string, example: string | undefined, issue: (path: string, message: string) => void): void {
  const numbers = variablesIn(content);
  if (numbers.length === 0) return;
  const distinct = [...new Set(numbers)].sort((a, b) => a - b);
  if (distinct.some((n, i) => n !== i + 1)) {
    issue("content", `variables must be numbered {{1}}, {{2}}, … without gaps; found ${distinct.map((n) => `{{${n}}}`).join(", ")}`);
  }
  if (!example) issue("example", "content has variables, so `example` is required: the same text with every {{n}} replaced by a sample value");
  else if (variablesIn(example).length > 0) issue("example", "example must have every {{n}} replaced by a sample value");
}

/** A header with a variable needs `exampleHeader`: the header as it reads with the variable filled in. */
function checkHeader(header: string | undefined, exampleHeader: string | undefined, issue: (path: string, message: string) => void): void {
  const variables = header ? variablesIn(header).length : 0;
  if (variables > 1) issue("header", "a text header can have at most one variable ({{1}})");
  if (variables > 0 && !exampleHeader) {
    issue(
      "exampleHeader",
      'header has a variable, so `exampleHeader` is required: the header with {{1}} replaced by a sample value (e.g. header "Order {{1}} shipped" → exampleHeader "Order ORD-7 shipped")',
    );
  } else if (variables === 0 && exampleHeader !== undefined) {
    issue("exampleHeader", "exampleHeader is only for a header with a variable ({{1}}); remove it, or put {{1}} in header");
  }
}

function checkButtons(buttons: ButtonInput[], category: string | undefined, issue: (path: string, message: string) => void): void {
  const count = (type: ButtonInput["type"]) => buttons.filter((b) => b.type === type).length;
  if (count("PHONE_NUMBER") > 1) issue("buttons", "at most one PHONE_NUMBER button");
  if (count("URL") > 2) issue("buttons", "at most two URL buttons");
  if (count("COPY_CODE") > 1) issue("buttons", "at most one COPY_CODE button");
  if (count("COPY_CODE") > 0 && category && category !== "MARKETING") issue("buttons", "COPY_CODE buttons are only for MARKETING templates");
  if (count("CATALOG") + count("MPM") > 0 && buttons.length > 1) issue("buttons", "a CATALOG or MPM button must be the only button");
  if (category === "AUTHENTICATION" && (buttons.length !== 1 || count("OTP") !== 1)) issue("buttons", "AUTHENTICATION templates need exactly one OTP button");
  if (category && category !== "AUTHENTICATION" && count("OTP") > 0) issue("buttons", "OTP buttons are only for AUTHENTICATION templates");
  const quickReplies = buttons.map((b, i) => (b.type === "QUICK_REPLY" ? i : -1)).filter((i) => i >= 0);
  if (quickReplies.length > 0 && quickReplies[quickReplies.length - 1]! - quickReplies[0]! + 1 !== quickReplies.length) {
    issue("buttons", "QUICK_REPLY buttons must be grouped together (not mixed between URL/PHONE_NUMBER buttons)");
  }
  for (const button of buttons) {
    if (button.type === "URL" && variablesIn(button.url).length > 0 && !button.example) {
      issue("buttons", `URL button "${button.text}" has a variable, so it needs example (the full URL with {{1}} filled in)`);
    }
  }
}

/** The use-case label the type pages require [§24], from the name when none is given: order_update → "Order update". */
export function verticalFrom(elementName: string): string {
  const words = elementName.replace(/_+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : elementName;
}
