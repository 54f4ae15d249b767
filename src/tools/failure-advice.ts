/**
 * What to do about a failed delivery, by Gupshup's failure code [§21] or Meta's (passed through).
 * Only codes with one clear next step are here; others are reported as Gupshup words them.
 */
const OUTSIDE_WINDOW =
  "outside the 24-hour window (the user has not written in the last 24 h): send an APPROVED template with send_template_message instead; free-form messages work again once they reply";

const ADVICE: Record<string, string> = {
  "1002": "the number is not on WhatsApp: check it with the customer; resending will fail again",
  "1003": "the wallet balance is too low: top up the Gupshup wallet (get_device_balance shows it), then resend",
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
