import type { Env } from "../env";

/** Base URL the sandbox's requests carry; the host never resolves, requests go to the SANDBOX object. */
export const SANDBOX_BASE_URL = "https://sandbox.gupshup.invalid";

export interface Upstream {
  baseUrl: string;
  fetch: (request: Request) => Promise<Response>;
}

/** Where upstream requests go: the built-in sandbox object, or the real partner API. */
export function upstreamFor(env: Env, upstream: string): Upstream {
  if (upstream === "sandbox") {
    const sandbox = env.SANDBOX.get(env.SANDBOX.idFromName("sandbox"));
    return { baseUrl: SANDBOX_BASE_URL, fetch: (request) => sandbox.fetch(request) };
  }
  return { baseUrl: upstream, fetch: (request) => fetch(request) };
}
