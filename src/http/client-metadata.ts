import { isInternalHost } from "../utils/internal-address";

/**
 * What every refused or failed OAuth client metadata document (a client_id that is an https URL)
 * is answered with: the same words whatever stopped it, so the answer says nothing about what a
 * URL reaches.
 */
export const CLIENT_METADATA_UNUSABLE = "This assistant's client information (the document its client_id points to) could not be used";

/**
 * Whether a client_id is a metadata-document URL this server will not fetch: one on a host that
 * is not on the public internet (see isInternalHost: loopback, private ranges, single-label names),
 * or on this server itself.
 */
export function refusedClientMetadataUrl(clientId: string | null, ownHost: string): boolean {
  if (!clientId?.startsWith("https:")) return false;
  let host: string;
  try {
    host = new URL(clientId).hostname.toLowerCase().replace(/\.+$/, "");
  } catch {
    return false;
  }
  return host === ownHost.toLowerCase() || isInternalHost(host);
}
