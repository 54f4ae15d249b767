// A Gupshup stand-in on loopback for `npm run bench`: the partner-API endpoints the benchmark
// uses, a fixed configurable latency, Gupshup's per-app rate limits (429 with a whole-window
// cooldown), and a log of what arrived when.

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";

const LIMITS = [
  [/\/token\/?$/, "token", 10, 60_000],
  [/\/templates(\/.*)?$/, "templates", 10, 60_000],
  [/\/template\/analytics$/, "analytics", 10, 60_000],
  [/./, "other", 10, 1_000],
];

export function startStandin(port) {
  let latencyMs = 0;
  let log = [];
  let tooManyRequests = 0;
  const hits = new Map();
  const blocked = new Map();

  const overLimit = (app, path, now) => {
    const [, name, limit, windowMs] = LIMITS.find(([pattern]) => pattern.test(path));
    const key = `${app}:${name}`;
    if ((blocked.get(key) ?? 0) > now) return true;
    const recent = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
    if (recent.length >= limit) {
      blocked.set(key, now + windowMs);
      return true;
    }
    recent.push(now);
    hits.set(key, recent);
    return false;
  };

  const answer = (path, method, app) => {
    if (path.endsWith("/token") || path.endsWith("/token/")) return { status: "success", token: { token: `sk_bench${app.replace(/\W/g, "")}`, expiresOn: 0, active: true } };
    if (path.endsWith("/templates") && method === "GET") {
      return {
        status: "success",
        templates: Array.from({ length: 20 }, (_, i) => ({
          id: `${app}-t${i}`,
          elementName: `template_${i}`,
          category: "UTILITY",
          status: "APPROVED",
          templateType: "TEXT",
          languageCode: "en",
          quality: "GREEN",
          reason: null,
          createdOn: 1,
          modifiedOn: 1,
          containerMeta: JSON.stringify({ data: `Hello {{1}}, update ${i}` }),
          data: `Hello {{1}}, update ${i}`,
        })),
      };
    }
    if (path.endsWith("/templates") && method === "POST") return { status: "success", template: { id: randomUUID(), elementName: "bench_new", status: "PENDING", category: "UTILITY" } };
    if (path.endsWith("/template/msg")) return { status: "submitted", messageId: randomUUID() };
    if (path.endsWith("/usage")) return { status: "success", partnerAppUsageList: [{ date: "2026-03-01", currency: "USD", totalMsg: 10, totalFees: 0.1 }] };
    if (path.endsWith("/template/analytics") && method === "POST") return { status: "success" };
    if (path.endsWith("/template/analytics")) return { status: "success", template_analytics: [{ template_id: "x", sent: 10, delivered: 9, read: 8 }] };
    return undefined;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://standin");
    if (url.pathname === "/__stats") {
      res.setHeader("Content-Type", "application/json");
      return res.end(JSON.stringify({ tooManyRequests, requests: log.length }));
    }
    const arrivedAt = Date.now();
    const app = url.pathname.split("/")[3] ?? "";
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const limited = overLimit(app, url.pathname, arrivedAt);
      const data = limited ? { status: "error", message: "Too Many Requests" } : answer(url.pathname, req.method, app);
      if (limited) tooManyRequests++;
      log.push({ method: req.method, path: url.pathname, app, at: arrivedAt, status: limited ? 429 : data ? 200 : 404, body });
      setTimeout(() => {
        res.writeHead(limited ? 429 : data ? 200 : 404, { "Content-Type": "application/json" });
        res.end(JSON.stringify(data ?? { status: "error", message: "Not Found" }));
      }, latencyMs);
    });
  });
  server.listen(port, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${port}`,
    setLatency: (ms) => (latencyMs = ms),
    requests: () => log,
    tooManyRequests: () => tooManyRequests,
    clearLog: () => (log = []),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
