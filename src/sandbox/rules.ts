/**
 * The simulator's reading of Gupshup, in one place: what it checks, what it refuses and the
 * words it refuses with. The routes only consult these rules, so when live Gupshup (or a
 * corrected page) shows we read the docs wrong, the correction is one edit here. Sources are in
 * ../shared/gupshup-partner-api.md (section numbers in brackets); §25 is docs/conversations-api.md.
 */

import { INTERACTIVE_TYPES, INTERACTIVE_LIMITS as L } from "../api/interactive-limits";

// ---- Callback subscriptions [§16, §24] ----

export const SUBSCRIPTION_RULES = {
  /**
   * Gupshup checks a callback URL before it takes a subscription (on create, and on PUT unless
   * doCheck=false) and refuses with "Invalid URL Passed" unless it answers 2xx. The check's
   * method and body are not documented: the simulator POSTs an empty JSON object with the
   * subscription's meta.headers — the hardest case for a server, which must already accept a
   * secret it is only now registering.
   */
  urlCheck: { method: "POST", body: "{}" },
  invalidUrl: "Invalid URL Passed",
  /** The documented PUT fields: no `meta`, so a subscription's headers are set only on create. */
  putFields: ["modes", "tag", "url", "version", "doCheck", "active"],
  duplicateTag: "Subscription with same tag already exists",
  notFound: "Subscription Does Not Exist",
  /**
   * The v3 page's table says these modes are not supported for version 3 (a newer sample on the
   * same page sends them anyway); the simulator takes the table's side.
   */
  unsupportedInVersion3: ["TEMPLATE", "ACCOUNT", "COPY"],
  unsupportedModesMessage: "TEMPLATE, ACCOUNT and COPY modes are not supported for version 3",
} as const;

// ---- Message events [§17, §21, §24] ----

export const EVENT_RULES = {
  /**
   * A failure Gupshup finds itself (its own 1xxx codes, e.g. 1002) is "sync": the failed event's
   * `id` is Gupshup's message id and there is no gsId. A failure WhatsApp reports later (Meta's
   * codes, e.g. 131047 outside the 24-hour window) is "async": `id` is the WhatsApp id and
   * `gsId` is Gupshup's.
   */
  isSyncFailure: (code: number) => code < 10_000,
  notOnWhatsApp: { code: 1002, reason: "Number Does Not Exists On WhatsApp", metaCode: 131026, metaTitle: "Message undeliverable" },
  /** Gupshup's 1012 [§21]; Meta's own code for a user who stopped a business's marketing messages is 131050. */
  optedOut: { code: 1012, reason: "Number Opted Out", metaCode: 131050, metaTitle: "User has stopped marketing messages" },
  outsideWindow: {
    code: 131047,
    reason: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    metaCode: 131047,
    metaTitle: "Re-engagement message",
  },
} as const;

// ---- Free-form messages on /v3/message [§10] ----

export const V3_MESSAGE_RULES = {
  /** Apps not on WhatsApp Cloud API (on-premise) cannot use /v3/message. */
  notCloud: "The provided app is not of the expected type for this API. Please ensure that the app is on the cloud.",
  /** Apps without Callback Billing cannot use /v3/message. */
  noCallbackBilling: "Callback Billing must be enabled for this API",
} as const;

// ---- Interactive messages on /v3/message [§10, §25; Meta's interactive message reference] ----

/**
 * Reply buttons, lists, a call-to-action URL and a location request, in Meta's shape, with
 * WhatsApp's limits (INTERACTIVE_LIMITS). Gupshup's pages give the shapes but not its refusal
 * words: these are the simulator's own. A `context.message_id` (a reply in context) must be a
 * string.
 */
export const INTERACTIVE_RULES = {
  types: INTERACTIVE_TYPES as readonly string[],
  /** Why an `interactive` object is refused, or null. */
  problem(interactive: unknown): string | null {
    const i = (interactive ?? {}) as { type?: unknown; body?: { text?: unknown }; header?: { text?: unknown }; footer?: { text?: unknown }; action?: Record<string, unknown> };
    if (!this.types.includes(String(i.type))) return `interactive.type must be one of ${this.types.join(", ")}`;
    if (!within(i.body?.text, L.body)) return `interactive.body.text is required (max ${L.body} characters)`;
    if (i.header !== undefined && !within(i.header.text, L.header)) return `interactive.header.text must be at most ${L.header} characters`;
    if (i.footer !== undefined && !within(i.footer.text, L.footer)) return `interactive.footer.text must be at most ${L.footer} characters`;
    const action = i.action ?? {};
    if (i.type === "button") {
      const buttons = Array.isArray(action.buttons) ? (action.buttons as { type?: unknown; reply?: { id?: unknown; title?: unknown } }[]) : [];
      if (buttons.length < 1 || buttons.length > L.buttons) return `action.buttons must have 1 to ${L.buttons} buttons`;
      if (buttons.some((b) => b.type !== "reply" || !within(b.reply?.title, L.buttonTitle) || !within(b.reply?.id, L.buttonId)))
        return `each button needs reply.id (max ${L.buttonId}) and reply.title (max ${L.buttonTitle})`;
      if (new Set(buttons.map((b) => b.reply?.id)).size !== buttons.length) return "button ids must be unique";
    } else if (i.type === "list") {
      if (!within(action.button, L.listButton)) return `action.button is required (max ${L.listButton} characters)`;
      const sections = Array.isArray(action.sections) ? (action.sections as { title?: unknown; rows?: { id?: unknown; title?: unknown; description?: unknown }[] }[]) : [];
      if (sections.length < 1 || sections.length > L.sections) return `action.sections must have 1 to ${L.sections} sections`;
      const rows = sections.flatMap((section) => (Array.isArray(section.rows) ? section.rows : []));
      if (rows.length < 1 || rows.length > L.rows) return `a list must have 1 to ${L.rows} rows in all`;
      if (sections.length > 1 && sections.some((section) => !within(section.title, L.sectionTitle))) return `each section needs a title (max ${L.sectionTitle}) when there are several`;
      if (rows.some((r) => !within(r.id, L.rowId) || !within(r.title, L.rowTitle) || (r.description !== undefined && !within(r.description, L.rowDescription))))
        return `each row needs id (max ${L.rowId}) and title (max ${L.rowTitle}); description max ${L.rowDescription}`;
      if (new Set(rows.map((r) => r.id)).size !== rows.length) return "row ids must be unique";
    } else if (i.type === "cta_url") {
      const parameters = (action.parameters ?? {}) as { display_text?: unknown; url?: unknown };
      if (action.name !== "cta_url" || !within(parameters.display_text, L.urlDisplayText) || typeof parameters.url !== "string" || !/^https?:\/\//.test(parameters.url))
        return `action { name: "cta_url", parameters { display_text (max ${L.urlDisplayText}), url } } is required`;
    } else if (action.name !== "send_location") {
      return 'action { name: "send_location" } is required';
    }
    return null;
  },
  badContext: "context.message_id must be the id of a message in this chat",
};

const within = (value: unknown, max: number) => typeof value === "string" && value.trim() !== "" && value.length <= max;

// ---- Read receipts and typing on /v1/event [§25] ----

/** Mark message as Read/Typing indicator: `{ type: "message-event", message: { messaging_product, status: "read", message_id, typing_indicator? } }`, the page's error words. */
export const READ_RULES = {
  notSupported: "Outbound event not supported",
  invalidJson: "Invalid JSON payload",
  reviewParams: "Please review the request parameters and retry",
  /** Why a mark-read body is refused, or null. */
  problem(body: unknown): string | null {
    const b = (body ?? {}) as { type?: unknown; message?: { messaging_product?: unknown; status?: unknown; message_id?: unknown; typing_indicator?: { type?: unknown } } };
    if (b.type !== "message-event" || b.message?.status !== "read") return this.notSupported;
    if (b.message.messaging_product !== "whatsapp" || typeof b.message.message_id !== "string" || b.message.message_id === "") return this.reviewParams;
    if (b.message.typing_indicator !== undefined && b.message.typing_indicator.type !== "text") return this.reviewParams;
    return null;
  },
};

// ---- Template create and edit [§5, §6, §20, §24] ----

export const TEMPLATE_RULES = {
  /**
   * The per-type create pages mark `vertical` and `example` Required (the newest Apply page
   * says "NA"); the simulator takes the type pages' side and refuses a create without them.
   */
  missingVertical: "vertical is required (the template's use-case label, not more than 180 char.)",
  maxVerticalLength: 180,
  verticalTooLong: "vertical should not be more than 180 char.",
  missingExample: "example is required with enableSample: the template content with sample values",
  /** A header with a variable needs `exampleHeader` (Meta's example.header_text), on create and on edit. */
  lacksExampleHeader: (header: unknown, exampleHeader: unknown) => typeof header === "string" && /\{\{\s*\d+\s*\}\}/.test(header) && (typeof exampleHeader !== "string" || exampleHeader === ""),
  missingExampleHeader: "exampleHeader is required when the header has a variable: the header with sample values",
} as const;

// ---- CAROUSEL templates [§5, §9; Gupshup's carousel create and send pages, Meta's media-card carousel page] ----

/**
 * Gupshup's carousel pages give the shapes (create: `cards` = [{ headerType, mediaUrl | mediaId |
 * exampleMedia, body, sampleText, buttons }]; send: message { type: "carousel", cardHeaderType,
 * cards: [{ link } | { id }] }) but no limits and no error words: the limits are Meta's (2–10
 * cards, body ≤ 160, ≤ 2 buttons of QUICK_REPLY/URL/PHONE_NUMBER, every card with the same
 * parts, a send with as many cards as approved), and the refusals below are the simulator's own
 * wording. The one place to correct when live Gupshup answers otherwise.
 */
export const CAROUSEL_RULES = {
  minCards: 2,
  maxCards: 10,
  maxCardBody: 160,
  maxCardButtons: 2,
  cardButtonTypes: ["QUICK_REPLY", "URL", "PHONE_NUMBER"],
  headerTypes: ["IMAGE", "VIDEO"],
  /** Why a create's `cards` is refused, or null. */
  cardsProblem(cards: unknown): string | null {
    if (!Array.isArray(cards) || cards.length < this.minCards || cards.length > this.maxCards) return `cards must be a list of ${this.minCards} to ${this.maxCards} cards`;
    const shape = (card: Record<string, unknown>) => `${card.headerType}|${(Array.isArray(card.buttons) ? card.buttons : []).map((b) => (b as { type?: unknown }).type).join(",")}`;
    for (const card of cards as Record<string, unknown>[]) {
      if (!this.headerTypes.includes(String(card.headerType))) return "headerType of every card must be IMAGE or VIDEO";
      if (!card.mediaUrl && !card.mediaId && !card.exampleMedia) return "Either of mediaUrl, mediaId or exampleMedia is required";
      if (typeof card.body !== "string" || card.body === "" || card.body.length > this.maxCardBody) return `card body is required (not more than ${this.maxCardBody} char.)`;
      const buttons = Array.isArray(card.buttons) ? card.buttons : [];
      if (buttons.length > this.maxCardButtons || buttons.some((b) => !this.cardButtonTypes.includes(String((b as { type?: unknown }).type)))) {
        return `a card has at most ${this.maxCardButtons} buttons: QUICK_REPLY, URL or PHONE_NUMBER`;
      }
      if (shape(card) !== shape(cards[0] as Record<string, unknown>)) return "all cards must have the same header type and the same buttons";
    }
    return null;
  },
  /** Why a carousel send's `message` is refused, or null. */
  sendProblem(templateCards: unknown[], message: unknown): string | null {
    const m = message as { type?: unknown; cardHeaderType?: unknown; cards?: unknown } | null;
    if (m?.type !== "carousel" || !Array.isArray(m.cards)) return "message with type carousel and cards is required for CAROUSEL templates";
    if (m.cards.length !== templateCards.length) return `the number of cards (${m.cards.length}) does not match the template's (${templateCards.length})`;
    if (m.cardHeaderType !== (templateCards[0] as { headerType?: unknown } | undefined)?.headerType) return "cardHeaderType does not match the template's cards";
    if (m.cards.some((card) => typeof (card as { link?: unknown }).link !== "string" && typeof (card as { id?: unknown }).id !== "string")) return "each card needs its media: link or id";
    return null;
  },
};

// ---- Template sends on /template/msg [§9, §24] ----

export const TEMPLATE_SEND_RULES: {
  lacksLocation: (templateType: string, message: unknown) => boolean;
  missingLocation: string;
  metaFee: (category: string) => number;
  gupshupFee: number;
  fee: (category: string) => number;
  walletLow: string;
} = {
  /** "Required when templateType is 'LOCATION'": message {"type":"location","location":{latitude, longitude, name?, address?}}. */
  lacksLocation: (templateType: string, message: unknown) => {
    if (templateType !== "LOCATION") return false;
    const location = (message as { location?: { latitude?: unknown; longitude?: unknown } } | null)?.location;
    return typeof location?.latitude !== "number" || typeof location.longitude !== "number";
  },
  missingLocation: "message with location (latitude and longitude) is required for LOCATION templates",
  /**
   * What a template message costs (USD): Meta's fee by category plus Gupshup's per message — the
   * rates the simulated usage report bills with. Gupshup lets a wallet go down to minus its
   * overdraft limit; past that a send is refused (1003 "Wallet Balance Low" [§21]).
   */
  metaFee: (category: string) => (category === "MARKETING" ? 0.0107 : 0.0014),
  gupshupFee: 0.001,
  fee: (category: string) => TEMPLATE_SEND_RULES.metaFee(category) + TEMPLATE_SEND_RULES.gupshupFee,
  walletLow: "Wallet Balance Low: Unable To Send Message / Check your wallet balance.",
};

// ---- Template comparison [§11, §24] ----

export const COMPARE_RULES = {
  /** templateList names the one template compared with the path's template. */
  idsPerCall: 1,
  notOneId: "The array should contain exactly one valid template id",
} as const;
