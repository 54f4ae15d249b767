/**
 * WhatsApp's limits on interactive messages (Meta Cloud API reference, which Gupshup's v3
 * message pages follow): what the send tool checks before any call and what the simulator
 * refuses (src/sandbox/rules.ts). One place to correct.
 */
export const INTERACTIVE_LIMITS = {
  body: 1024,
  header: 60,
  footer: 60,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  sections: 10,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  sectionTitle: 24,
  urlDisplayText: 20,
} as const;

/** The interactive types this server sends on /v3/message. */
export const INTERACTIVE_TYPES = ["button", "list", "cta_url", "location_request_message"] as const;
