#!/usr/bin/env node
// `npm run check:connection`: against `wrangler dev`, a request refused as too large (413) on any
// route that reads a body (/mcp, webhooks, /authorize) — sized up front, chunked, or chunked and
// sent slowly — leaves the server usable: the next request on the same keep-alive socket and a
// separate one are answered normally (they once got 503 "Your worker restarted mid-request").
import http from "node:http";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const { base, stop } = await startWranglerDev({ port: 8792, vars: { GUPSHUP_BASE_URL: "sandbox", MCP_AUTH_TOKEN: "" } });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
const initialize = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "check", version: "1" } } });

/** One POST (on the shared keep-alive agent, or on a connection of its own): status, whether it reused the socket, and the body. */
function post(path, body, { chunked = false, separate = false, trickle = false, ...extra } = {}) {
  const length = chunked ? {} : { "Content-Length": Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: "POST", agent: separate ? false : agent, headers: { ...headers, ...extra, ...length } }, (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode, reused: req.reusedSocket, text }));
    });
    req.on("error", reject);
    if (!trickle) return req.end(body);
    // As a slow client sends it: 4 KB every 5 ms, still sending after the answer has come.
    let at = 0;
    const next = () => {
      if (at >= body.length) return req.end();
      req.write(body.slice(at, at + 4096));
      at += 4096;
      setTimeout(next, 5);
    };
    next();
  });
}

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};
try {
  // With Content-Length the size is known before reading; chunked, it is found while reading.
  // The three routes that read a body, each just over and far over its cap.
  const form = (size) => `handle=x&pad=${"x".repeat(size)}`;
  const json = (size) => `{"pad":"${"x".repeat(size)}"}`;
  for (const [path, size, chunked, body, type, trickle] of [
    ["/mcp", 5 * 1024 * 1024, false, json],
    ["/mcp", 5 * 1024 * 1024, true, json],
    ["/webhooks/gupshup/check-app", 300 * 1024, true, json],
    ["/webhooks/gupshup/check-app", 300 * 1024, true, json, undefined, true],
    ["/webhooks/gupshup/check-app", 512 * 1024, false, json],
    ["/webhooks/gupshup/check-app", 512 * 1024, true, json],
    ["/authorize", 20 * 1024, true, form, "application/x-www-form-urlencoded"],
    ["/authorize", 20 * 1024, true, form, "application/x-www-form-urlencoded", true],
    ["/authorize", 20 * 1024, false, form, "application/x-www-form-urlencoded"],
    ["/authorize", 2 * 1024 * 1024, true, form, "application/x-www-form-urlencoded"],
  ]) {
    const what = `${path} (${size / 1024} KB, ${chunked ? "chunked" : "Content-Length"}${trickle ? ", sent slowly" : ""})`;
    const warm = await post("/mcp", initialize);
    // A webhook body is read only with a secret header (a URL check without one gets 200).
    const big = await post(path, body(size), { chunked, trickle, "X-Gupshup-Mcp-Secret": "not-the-secret", ...(type ? { "Content-Type": type } : {}) });
    const next = await post("/mcp", initialize);
    const separate = await post("/mcp", initialize, { separate: true });
    check(warm.status === 200, `${what}: a first request is served (${warm.status})`);
    check(big.status === 413, `${what}: refused with 413 (${big.status})`);
    for (const [label, res] of [
      ["the next request on the connection", next],
      ["a separate request", separate],
    ]) {
      check(res.status === 200, `${what}: ${label} is served (${res.status}${res.reused ? ", same socket" : ", new socket"}) ${res.status === 200 ? "" : res.text.slice(0, 200)}`);
    }
  }
} finally {
  agent.destroy();
  stop();
}
console.log(`connection checks: ${failures === 0 ? "all passed" : `${failures} failed`}`);
process.exit(failures === 0 ? 0 : 1);
