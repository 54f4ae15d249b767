import type { OptOutSource } from "../inbox/opt-outs";
import type { EndpointName } from "./endpoints";

/** How the gateway obtains the partner JWT for a caller. */
export type PartnerCredential =
  /** A partner token given as-is: the operator's GUPSHUP_PARTNER_TOKEN, a pass-through client's bearer, or the sandbox demo token. */
  | { kind: "token"; token: string }
  /** Operator login credentials: the account object logs in and renews the token itself. `token`, when set, is tried first. */
  | { kind: "login"; email: string; secret: string; token?: string };

/** Who is calling and where Gupshup is. Passed with every gateway call (explicit, so it is testable). */
export interface Caller {
  /** "sandbox" for the built-in simulator, otherwise the partner API base URL. */
  upstream: string;
  partner: PartnerCredential;
  /** Who is calling when that is finer than the credential (an OAuth grant): their idempotency keys are theirs alone. */
  principal?: string;
  /** The client's network address (CF-Connecting-IP), for limits on strangers. */
  address?: string;
}

/** One upstream call, in plain data so it can cross the Durable Object RPC boundary. */
export interface UpstreamRequest {
  endpoint: EndpointName;
  /** Required for app-scope and token endpoints. */
  appId?: string;
  /** Other path parameters (values are percent-encoded when the path is built). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** Form fields (form encoding) — objects are already JSON strings here. */
  form?: Record<string, string>;
  json?: unknown;
  /** Multipart upload: the file plus extra text fields. */
  file?: { bytes: ArrayBuffer; filename: string; contentType: string; fields: Record<string, string> };
  /** Bypass a cached answer (list_templates refresh). */
  fresh?: boolean;
  /** Partner lists: an answer cached within the endpoint's TTL will do (naming an app by its name). */
  recent?: boolean;
  /** Answer only from the cache, never upstream: `data` is null when nothing fresh is cached. */
  cacheOnly?: boolean;
  /** Sends only: the caller's idempotency key (24 h). Without one, identical content within 60 s is a retry. */
  idempotencyKey?: string;
  /** Sends only: send even to a number on the app's opt-out list (a transactional template the user still needs). */
  ignoreOptOut?: boolean;
  /** Sends only: how the conversation thread shows the message (a template's name, an interactive message's body and options). */
  shownAs?: string;
}

export type FailureKind =
  /** Our own limiter or Gupshup said "too many requests"; retryAfterSeconds says when to try again. */
  | "rate_limited"
  /** The app token (or partner token) was rejected even after a refresh. */
  | "auth"
  /** Gupshup answered 4xx with a message (validation, not found, not allowed…). */
  | "rejected"
  /** Gupshup answered 5xx. */
  | "upstream"
  /** The answer could not be read (not JSON, wrong shape, too large). */
  | "malformed"
  /** No answer in time, or the connection failed. */
  | "timeout"
  | "network";

export interface UpstreamFailure {
  kind: FailureKind;
  endpoint: EndpointName;
  /** HTTP status from Gupshup, when there was one. */
  status?: number;
  /** Gupshup's own message (secrets redacted), or ours. */
  message: string;
  retryAfterSeconds?: number;
  /** The failure concerned the partner token (not the app token). */
  partnerToken?: boolean;
  /** rate_limited: a login this server kept from Gupshup — for strangers' failed sign-ins, or to stay within Gupshup's login limit. */
  signInRefused?: "failures" | "busy";
  /** rate_limited: the caller's address had too many failed checks of access to this app in the last minute (not Gupshup's limit). */
  crowdedOut?: boolean;
  /** Sends only: Gupshup may or may not have accepted the message (timeout, 5xx, unreadable answer). */
  outcomeUnknown?: boolean;
  /** Sends only: the key this send is recorded under. */
  idempotencyKey?: string;
  /** A campaign's send taken back before it was sent (the campaign was paused or cancelled). */
  withdrawn?: boolean;
  /** Sends only: not sent, because the recipient is on the app's opt-out list (since when, and how they got there). */
  optedOut?: { number: string; since: number; source: OptOutSource };
}

/** Sends only: how the send was recorded. */
/** What a send needs to know about its app: the name it sends as and the number it sends from. */
export interface AppProfile {
  name: string | null;
  phone: string | null;
}

export interface SendReceipt {
  idempotencyKey: string;
  /** True when this answer is the earlier send's (nothing was sent again). */
  replayed: boolean;
  firstSentAt: number;
  /** Since when the app's delivery inbox receives Gupshup's events (configure_webhook first ran), or null: not tracked. */
  trackedSince?: number | null;
  /** Sent to a number on the opt-out list because the call said ignoreOptOut. */
  optOutIgnored?: boolean;
}

export type UpstreamResult =
  | { ok: true; status: number; data: unknown /** epoch ms when a cached answer was fetched */; cachedAt?: number; send?: SendReceipt }
  | { ok: false; failure: UpstreamFailure };
