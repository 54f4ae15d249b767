import { isInternalHost } from "../utils/internal-address";
import { ToolError } from "./errors";

/** Downloads a person points the server at (upload_media's file, preview_campaign's recipientsUrl): public https only. */

const MAX_REDIRECTS = 3;

/**
 * https only; never this server itself, nor any address that is not public (see isInternalHost).
 * `field` names the argument in errors. `upstreamOrigin`, the Gupshup API the operator configured
 * (a loopback stand-in in benchmarks), is trusted as it is for every API call.
 */
export function publicUrl(value: string, ownHosts: readonly string[], field: string, upstreamOrigin?: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ToolError(`${field} is not a valid URL.`);
  }
  if (upstreamOrigin !== undefined && url.origin === upstreamOrigin) return url;
  if (url.protocol !== "https:") throw new ToolError(`${field} URL must use https:// (plain http is refused).`);
  if (url.username || url.password) throw new ToolError(`${field} URL must not contain credentials.`);
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (ownHosts.some((own) => own.toLowerCase().replace(/\.+$/, "") === host) || isInternalHost(host)) {
    throw new ToolError(`${field} URL points at this server or a private/loopback address; use a public https URL.`);
  }
  return url;
}

/**
 * The answer to GET `start`, following at most three redirects, each checked as the first URL was;
 * a successful answer with a body, or a ToolError. `signal` bounds the whole download, body included;
 * `failWords` end the error when no answer came ("within 15 s. Check …").
 */
export async function openDownload(
  start: URL,
  ownHosts: readonly string[],
  field: string,
  signal: AbortSignal,
  failWords: string,
  upstreamOrigin?: string,
): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      response = await fetch(url, { redirect: "manual", signal });
    } catch {
      throw new ToolError(`Could not download ${url.origin}${url.pathname} ${failWords}`);
    }
    const location = response.headers.get("Location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = publicUrl(new URL(location, url).toString(), ownHosts, field, upstreamOrigin);
      continue;
    }
    if (!response.ok || !response.body) throw new ToolError(`Downloading ${field} failed with HTTP ${response.status}. Check the URL is public.`);
    return response as Response & { body: ReadableStream<Uint8Array> };
  }
  throw new ToolError(`The ${field} URL redirected too many times.`);
}
