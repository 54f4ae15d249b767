#!/usr/bin/env node
// `npm run check:connection`: against `wrangler dev`, a request refused as too large (413) leaves
// the client's connection usable — the next request on the same keep-alive socket is answered
// normally (it once got 503 "Your worker restarted mid-request", when the body was cancelled).
import http from "node:http";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const { base, stop } = await startWranglerDev({ port: 8792, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "" } });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
const initialize = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "check", version: "1" } } });

/** One POST on the shared agent: status, whether it reused the socket, and the body. */
function post(path, body, { chunked = false, ...extra } = {}) {
  const length = chunked ? {} : { "Content-Length": Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: "POST", agent, headers: { ...headers, ...extra, ...length } }, (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode, reused: req.reusedSocket, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};
try {
  // With Content-Length the size is known before reading; chunked, it is found while reading.
  for (const [path, size, chunked] of [
    ["/mcp", 5 * 1024 * 1024, false],
    ["/mcp", 5 * 1024 * 1024, true],
    ["/webhooks/gupshup/check-app", 512 * 1024, false],
    ["/webhooks/gupshup/check-app", 512 * 1024, true],
  ]) {
    const what = `${path} (${chunked ? "chunked" : "Content-Length"})`;
    const warm = await post("/mcp", initialize);
    // A webhook body is read only with a secret header (a URL check without one gets 200).
    const big = await post(path, `{"pad":"${"x".repeat(size)}"}`, { chunked, "X-Gupshup-Mcp-Secret": "not-the-secret" });
    const next = await post("/mcp", initialize);
    check(warm.status === 200, `${what}: a first request is served (${warm.status})`);
    check(big.status === 413, `${what}: a ${size / 1024} KB body is refused with 413 (${big.status})`);
    check(
      next.status === 200,
      `${what}: the next request on the connection is served (${next.status}${next.reused ? ", same socket" : ", new socket"}) ${next.status === 200 ? "" : next.text.slice(0, 200)}`,
    );
  }
} finally {
  agent.destroy();
  stop();
}
console.log(`connection checks: ${failures === 0 ? "all passed" : `${failures} failed`}`);
process.exit(failures === 0 ? 0 : 1);
