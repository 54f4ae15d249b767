/**
 * What to do next: about a failed delivery, by Gupshup's failure code [§21] or Meta's (passed
 * through), and about a template Meta rejected, by its reason.
 * Only codes with one clear next step are here; others are reported as Gupshup words them.
 */
const OUTSIDE_WINDOW =
  "outside the 24-hour window (the user has not written in the last 24 h): send an APPROVED template with send_template_message instead; free-form messages work again once they reply";

const ADVICE: Record<string, string> = {
  "1002": "the number is not on WhatsApp: check it with the customer; resending will fail again",
  "1003": "the wallet balance is too low: top up the Gupshup wallet (list_devices_status shows it), then resend",
  "1004": "the template is disabled: pick another APPROVED template (list_templates)",
  "1005": "the message did not match the template: send it with send_template_message, params in the order list_templates shows",
  "1006": "the user has not opted in: collect their opt-in, or send an APPROVED template with send_template_message",
  "1007": "the user has not opted in to this template: send an APPROVED template with send_template_message",
  "1008": OUTSIDE_WINDOW,
  "1010": "the media URL could not be fetched: use a public https link, or upload_media and send its id",
  "1011": "the media file is too large for WhatsApp: send a smaller file",
  "1012": "the user opted out (now on manage_opt_outs' list, so sends to them are refused): they get messages again once they reply START",
  "131050": "the user stopped this business's marketing messages (now on manage_opt_outs' list): send only UTILITY or AUTHENTICATION templates, with ignoreOptOut",
  "4005": "the template is paused by Meta for low quality: use another template, or edit this one",
  "131047": OUTSIDE_WINDOW,
  "131026": "the message could not be delivered (number not on WhatsApp, or an old app version): check the number with the customer",
};

export function failureAdvice(code: string | null): string | undefined {
  return code === null ? undefined : ADVICE[code];
}

/**
 * What to change after Meta's rejection. Meta's reasons are terse; the common ones have a known fix,
 * anything else is answered with where to read it.
 */
export function rejectionAdvice(reason: string): string {
  const r = reason.toLowerCase();
  if (/\bformat\b|invalid_format/.test(r)) {
    return "Usually: variables out of sequence ({{1}}, {{2}}, … with none skipped), a variable at the very start or end of the body, two variables side by side, or an example that does not match the body. Fix it with edit_template.";
  }
  if (r.includes("categor") || r.includes("tag_content")) return "Meta thinks the category is wrong: recreate it under the category Meta expects, or set allowTemplateCategoryChange.";
  if (r.includes("promotional")) return "It reads as marketing: make it MARKETING, or remove the offer wording from a UTILITY template.";
  if (r.includes("abusive") || r.includes("scam") || r.includes("policy")) return "Meta found it against WhatsApp's commerce or business policy: rewrite the content; edit_template resubmits it.";
  return "Change what the reason names and resubmit with edit_template (WhatsApp Manager shows Meta's full explanation).";
}
