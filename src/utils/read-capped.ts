/**
 * Reads a body completely, or returns undefined (and stops reading) once it exceeds `max` bytes.
 * The bytes go into one buffer, sized to the length the sender declared when there is one.
 * A request whose Content-Length is already over the cap should be refused without reading it:
 * under `wrangler dev`, cancelling such a body leaves the client's connection unusable.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, max: number, declared?: number): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  let buffer = new Uint8Array(declared !== undefined && declared <= max ? declared : Math.min(max, 64 * 1024));
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      await reader.cancel();
      return undefined;
    }
    if (size + value.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.min(max, Math.max(buffer.byteLength * 2, size + value.byteLength)));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(value, size);
    size += value.byteLength;
  }
  return size === buffer.byteLength ? buffer : buffer.subarray(0, size);
}

/** Whether a request declares a body longer than `max` (then it is refused unread). */
export const declaresMoreThan = (request: Request, max: number) => Number(request.headers.get("Content-Length") ?? 0) > max;
