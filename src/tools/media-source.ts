import { readCapped } from "../utils/read-capped";
import { openDownload, publicUrl } from "./download";
import { ToolError } from "./errors";

/** Where upload_media's bytes come from: an https URL (fetched with limits) or base64 data. */

export const MEDIA_TYPES = ["image/jpeg", "image/png", "video/mp4", "application/pdf"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Meta's limits for template sample media (PDF capped lower: a Worker holds the file in memory). */
export const MAX_MEDIA_BYTES: Record<MediaType, number> = {
  "image/jpeg": 5 * 1024 * 1024,
  "image/png": 5 * 1024 * 1024,
  "video/mp4": 16 * 1024 * 1024,
  "application/pdf": 16 * 1024 * 1024,
};

const FETCH_TIMEOUT_MS = 15_000;
const EXTENSIONS: Record<MediaType, string> = { "image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4", "application/pdf": "pdf" };

export interface MediaFile {
  bytes: ArrayBuffer;
  filename: string;
}

/** The `file` argument, checked: a public https URL to download, or the bytes it carried. */
export type MediaSource = { url: URL } | { bytes: Uint8Array };

/**
 * Checks the `file` argument without any network call (a URL's host, base64, a local path), or
 * throws a ToolError that says what to pass instead. `ownHosts` are this server's own hostnames.
 */
export function mediaSource(file: string, fileType: MediaType, ownHosts: readonly string[]): MediaSource {
  const value = file.trim();
  const max = MAX_MEDIA_BYTES[fileType];
  if (/^https?:\/\//i.test(value)) return { url: publicUrl(value, ownHosts, "file") };
  if (/^data:/i.test(value)) {
    const match = value.match(/^data:([\w/+.-]+)?(;[^,]*)?;base64,(.*)$/is);
    if (!match) throw new ToolError("file is a data: URI but not base64 — pass data:<type>;base64,<data>.");
    return checkedBytes(decodeBase64(match[3]!, max), fileType);
  }
  if (looksLikePath(value)) {
    throw new ToolError(
      "file looks like a local path, but this server runs on Cloudflare and cannot read your disk. " +
        "Pass an https URL where the file can be downloaded, or the file's base64 content (e.g. the output of `base64 -w0 photo.jpg`).",
    );
  }
  return checkedBytes(decodeBase64(value, max), fileType);
}

/** The file's bytes (downloaded now for a URL; held once: the buffer read is the buffer returned) and a name for it. */
export async function loadMedia(source: MediaSource, fileType: MediaType, ownHosts: readonly string[]): Promise<MediaFile> {
  let filename = `upload.${EXTENSIONS[fileType]}`;
  let bytes: Uint8Array;
  if ("url" in source) {
    bytes = checkedBytes(await fetchCapped(source.url, MAX_MEDIA_BYTES[fileType], ownHosts), fileType).bytes;
    filename = safeName(source.url.pathname.split("/").pop() ?? "") || filename;
  } else bytes = source.bytes;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return { bytes: (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer, filename };
}

function checkedBytes(bytes: Uint8Array, fileType: MediaType): { bytes: Uint8Array } {
  if (bytes.byteLength === 0) throw new ToolError("file is empty.");
  if (!matchesType(bytes, fileType)) {
    throw new ToolError(`file does not look like ${fileType} (its first bytes do not match). Check fileType, or convert the file.`);
  }
  return { bytes };
}

/** A file name from a URL's last path segment (a malformed %-escape is kept as it is). */
function safeName(segment: string): string {
  let name = segment;
  try {
    name = decodeURIComponent(segment);
  } catch {}
  return name.replace(/[^\w.-]/g, "_").slice(0, 100);
}

function looksLikePath(value: string): boolean {
  return /^(\/|\.{1,2}\/|~\/?|[A-Za-z]:[\\/]|file:)/.test(value) || (/\.[A-Za-z0-9]{2,4}$/.test(value) && value.length < 260 && !/^[A-Za-z0-9+/=\s]+$/.test(value));
}

async function fetchCapped(url: URL, max: number, ownHosts: readonly string[]): Promise<Uint8Array> {
  const response = await openDownload(url, ownHosts, "file", AbortSignal.timeout(FETCH_TIMEOUT_MS), `within ${FETCH_TIMEOUT_MS / 1000} s. Check the URL is public, or pass base64 data.`);
  const declared = Number(response.headers.get("Content-Length") ?? "0");
  if (declared > max) throw new ToolError(tooLarge(max));
  const bytes = await readCapped(response.body, max, declared || undefined);
  if (!bytes) throw new ToolError(tooLarge(max));
  return bytes;
}

function decodeBase64(text: string, max: number): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) {
    throw new ToolError("file is neither an https URL nor valid base64. Pass an https URL, or the file's base64 content.");
  }
  if ((clean.length * 3) / 4 > max) throw new ToolError(tooLarge(max));
  let binary: string;
  try {
    binary = atob(clean.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw new ToolError("file is not valid base64 (wrong length or padding). Pass the complete base64 content, or an https URL.");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const tooLarge = (max: number) => `file is larger than ${max / 1024 / 1024} MB, the limit for this type of template sample. Use a smaller file.`;

/** Magic bytes of each accepted type. */
function matchesType(bytes: Uint8Array, type: MediaType): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  switch (type) {
    case "image/jpeg":
      return starts(0xff, 0xd8, 0xff);
    case "image/png":
      return starts(0x89, 0x50, 0x4e, 0x47);
    case "application/pdf":
      return starts(0x25, 0x50, 0x44, 0x46);
    case "video/mp4":
      return bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70;
  }
}
