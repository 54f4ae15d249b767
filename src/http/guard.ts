import { hostHeaderValidationResponse, localhostAllowedHostnames, localhostAllowedOrigins, originValidationResponse } from "@modelcontextprotocol/server";

/**
 * DNS-rebinding protection, before anything else looks at the request: a loopback server only
 * answers loopback Host headers, and a browser Origin must be loopback or this server's own host.
 * (On a deployed worker, Cloudflare only routes this worker's own hostnames here.)
 */
export function rejectForeignHostOrOrigin(request: Request): Response | undefined {
  const hostname = new URL(request.url).hostname;
  const loopback = localhostAllowedHostnames();
  if (loopback.includes(hostname)) {
    const rejected = hostHeaderValidationResponse(request, loopback);
    if (rejected) return rejected;
  }
  return originValidationResponse(request, [...localhostAllowedOrigins(), hostname]);
}
