/**
 * The simulator's reading of Gupshup, in one place: what it checks, what it refuses and the
 * words it refuses with. The routes only consult these rules, so when live Gupshup (or a
 * corrected page) shows we read the docs wrong, the correction is one edit here. Sources are in
 * ../shared/gupshup-partner-api.md (section numbers in brackets).
 */

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
