import { readCapped } from "../utils/read-capped";
import { redactSecrets } from "../utils/secrets";
import { ENDPOINTS, type Endpoint, type EndpointName, fillPath } from "./endpoints";
import type { UpstreamRequest, UpstreamResult } from "./types";

/** Largest Gupshup answer we read; anything bigger is treated as a malformed reply. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/**
 * Builds the HTTP request for one endpoint. The token goes in `Authorization` (raw, as the
 * partner docs show) and in `token` (as several Gupshup pages and clients use): Gupshup reads
 * one or the other depending on the endpoint, and both carry the same value.
 */
export function buildRequest(baseUrl: string, call: UpstreamRequest, token?: string): Request {
  const endpoint: Endpoint = ENDPOINTS[call.endpoint];
  const url = new URL(fillPath(endpoint.path, { ...call.params, appId: call.appId ?? "" }), baseUrl);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);

  const headers = new Headers({ Accept: "application/json" });
  if (token) {
    headers.set("Authorization", token);
    headers.set("token", token);
  }
  let body: BodyInit | undefined;
  switch (endpoint.encoding) {
    case "form":
      body = new URLSearchParams(call.form ?? {});
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      break;
    case "json":
      body = JSON.stringify(call.json ?? {});
      headers.set("Content-Type", "application/json");
      break;
    case "multipart": {
      const form = new FormData();
      if (call.file) {
        form.set("file", new File([call.file.bytes], call.file.filename, { type: call.file.contentType }));
        for (const [key, value] of Object.entries(call.file.fields)) form.set(key, value);
      }
      body = form;
      break;
    }
    case "none":
      break;
  }
  return new Request(url, { method: endpoint.method, headers, body });
}

/** Gupshup reports auth failures as 401 and, on some endpoints, as 400 "Authentication Failed". */
export function isAuthFailure(status: number, message: string): boolean {
  if (status === 401) return true;
  return status === 400 && /authentication failed|unauthori[sz]ed/i.test(message);
}

/** Reads a Gupshup answer into data or a classified failure. Never throws. */
export async function readResponse(res: Response, endpoint: EndpointName, secrets: readonly string[]): Promise<UpstreamResult> {
  const bytes = await readCapped(res.body, MAX_RESPONSE_BYTES);
  const text = bytes && new TextDecoder().decode(bytes);
  if (text === undefined) {
    return { ok: false, failure: { kind: "malformed", endpoint, status: res.status, message: "Gupshup's answer was larger than 5 MB" } };
  }
  let data: unknown;
  let parsed = true;
  try {
    data = text === "" ? {} : JSON.parse(text);
  } catch {
    parsed = false;
  }
  const gupshupMessage = parsed ? messageOf(data) : "";
  const message = redactSecrets(gupshupMessage || res.statusText || `HTTP ${res.status}`, secrets).slice(0, 300);

  if (res.status === 429) return { ok: false, failure: { kind: "rate_limited", endpoint, status: 429, message } };
  if (isAuthFailure(res.status, gupshupMessage)) return { ok: false, failure: { kind: "auth", endpoint, status: res.status, message } };
  if (res.status >= 500) return { ok: false, failure: { kind: "upstream", endpoint, status: res.status, message } };
  if (!parsed || typeof data !== "object" || data === null) {
    return { ok: false, failure: { kind: "malformed", endpoint, status: res.status, message: "Gupshup's answer was not valid JSON" } };
  }
  if (res.status >= 400 || (data as { status?: unknown }).status === "error") {
    return { ok: false, failure: { kind: "rejected", endpoint, status: res.status, message } };
  }
  return { ok: true, status: res.status, data };
}

function messageOf(data: unknown): string {
  if (typeof data !== "object" || data === null) return "";
  const record = data as Record<string, unknown>;
  for (const key of ["message", "error", "reason"]) {
    const value = record[key];
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string") {
      return (value as { message: string }).message;
    }
  }
  return "";
}
