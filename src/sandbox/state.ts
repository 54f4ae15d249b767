/** The simulator's model of Gupshup: partners, their tokens, and apps with their templates. */

export interface SandboxTemplate {
  id: string;
  appId: string;
  elementName: string;
  languageCode: string;
  category: string;
  templateType: string;
  status: string;
  quality: string;
  reason: string | null;
  createdOn: number;
  modifiedOn: number;
  namespace: string;
  wabaId: string;
  vertical: string;
  /** Gupshup returns the template's parts as a JSON *string*. */
  containerMeta: string;
  data: string;
  header?: string | null;
  footer?: string | null;
  buttons?: unknown[];
  sampleText?: string;
}

export interface SandboxApp {
  id: string;
  partnerId: number;
  name: string;
  phone: string;
  live: boolean;
  healthy: boolean;
  stopped: boolean;
  createdOn: number;
  modifiedOn: number;
  appToken: string;
  analyticsEnabled: boolean;
  wallet: { currency: string; currentBalance: number; overDraftLimit: number };
  ratings: { oldLimit: string; currentLimit: string; event: string; eventTime: number; phoneQuality: string } | null;
  templates: SandboxTemplate[];
  sent: { messageId: string; destination: string; at: number }[];
  subscriptions: SandboxSubscription[];
  /** When each user last wrote to the app (epoch ms): their 24-hour window. */
  inbound: Record<string, number>;
  /** On WhatsApp Cloud API (absent: yes). On-premise apps cannot use /v3/message. */
  cloud?: boolean;
  /** Callback Billing enabled (absent: yes); /v3/message needs it. */
  callbackBilling?: boolean;
}

export interface SandboxSubscription {
  id: string;
  tag: string;
  url: string;
  /** 2: Gupshup format, 3: Meta format. */
  version: number;
  modes: string[];
  /** JSON string; its `headers` are sent with every callback. */
  meta: string;
  active: boolean;
  createdOn: number;
  modifiedOn: number;
}

export interface SandboxPartner {
  id: number;
  name: string;
  email: string;
  secret: string;
}

export interface SandboxState {
  partners: SandboxPartner[];
  partnerTokens: Record<string, { partnerId: number; expiresAt: number }>;
  apps: Record<string, SandboxApp>;
}

/** One request as the sandbox received it (for tests: what reached "Gupshup"). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  contentType: string | null;
  /** Form/JSON bodies as text; multipart as a summary of its parts. */
  body: string;
  /** The answer's status; 0 while the sandbox is still answering. */
  status: number;
  at: number;
}

/**
 * A fault for the next `times` matching requests: an answer served instead of the real one
 * (`status` + `body`, after `delayMs`), or — without `status` — the real answer after `delayMs`,
 * as if the request had taken that long to reach Gupshup.
 */
export interface FailureRule {
  /** Regular expression matched against the path. */
  path: string;
  method?: string;
  status?: number;
  /** Raw body text (may be deliberately not JSON). */
  body?: string;
  times: number;
  delayMs?: number;
}
