// A Gupshup stand-in on loopback for `npm run bench`: the partner-API endpoints the benchmark
// uses, a configurable round-trip latency, Gupshup's per-app rate limits (429 with a whole-window
// cooldown), and a log of what arrived and was answered when. It also serves customer lists as CSV
// files (/files/customers-<n>.csv, streamed), keeps callback subscriptions, and for each template
// send posts the four delivery callbacks (enqueued, sent, delivered, read) to the subscribed URL —
// `callbackOrigin` stands in for the tunnel from the registered https URL to the server on loopback.
//
// Latency is a round trip, as a real send sees it: the request travels for half of it before
// Gupshup receives it (that moment counts against the rate window and is logged as `at`), and the
// answer travels for the other half (`answeredAt`). An optional jitter spreads each request's
// latency uniformly over latency × (1 ± jitter).

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";

// As the partner docs' rate-limit table has them (../shared/gupshup-partner-api.md §13, §18).
const LIMITS = [
  [/\/token\/?$/, "token", 10, 60_000],
  [/\/templates(\/.*)?$/, "templates", 10, 60_000],
  [/\/template\/analytics$/, "analytics", 10, 60_000],
  [/\/health$/, "health", 10, 60_000],
  [/\/ratings$/, "ratings", 10, 60_000],
  [/\/subscription(\/.*)?$/, "subscription", 5, 60_000],
  [/./, "other", 10, 1_000],
];

export function startStandin(port, { callbackOrigin, apps: partnerApps = [] } = {}) {
  let latencyMs = 0;
  let jitter = 0;
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

  /** The partner's app list: the apps given, and every app id a request has named. */
  const apps = new Set(partnerApps);
  /** Each app's callback subscriptions; callbacks posted and failed. */
  const subscriptions = new Map();
  const callbacks = { posted: 0, failed: 0 };
  const deliver = (app, messageId, destination) => {
    for (const s of subscriptions.get(app) ?? []) {
      const url = new URL(s.url);
      const target = callbackOrigin ? `${callbackOrigin}${url.pathname}` : s.url;
      ["enqueued", "sent", "delivered", "read"].forEach((status, i) => {
        setTimeout(
          () => {
            const payload =
              status === "enqueued"
                ? { id: messageId, type: status, destination, payload: { whatsappMessageId: `wamid.${messageId}` } }
                : { id: `wamid.${messageId}`, gsId: messageId, type: status, destination, payload: { ts: Math.floor(Date.now() / 1000) } };
            fetch(target, {
              method: "POST",
              headers: { "Content-Type": "application/json", ...s.headers },
              body: JSON.stringify({ app: "Bench", timestamp: Date.now(), version: 2, type: "message-event", payload }),
            })
              .then((r) => (r.ok ? callbacks.posted++ : callbacks.failed++))
              .catch(() => callbacks.failed++);
          },
          200 + i * 300,
        );
      });
    }
  };
  const answer = (path, method, app, body) => {
    if (path.endsWith("/subscription") && method === "GET") return { status: "success", subscriptions: subscriptions.get(app) ?? [] };
    if (path.endsWith("/subscription") && method === "POST") {
      const form = Object.fromEntries(new URLSearchParams(body));
      let headers = {};
      try {
        headers = JSON.parse(form.meta ?? "{}").headers ?? {};
      } catch {}
      const subscription = { id: String(100_000 + (subscriptions.get(app)?.length ?? 0)), active: true, ...form, headers };
      subscriptions.set(app, [...(subscriptions.get(app) ?? []), subscription]);
      return { status: "success", subscription };
    }
    if (path.endsWith("/partnerApps")) return { status: "success", partnerAppsList: [...apps].map((id) => ({ id, name: "Bench", phone: "919000000001", live: true, healthy: true })) };
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
    if (path.endsWith("/template/msg")) {
      const messageId = randomUUID();
      deliver(app, messageId, new URLSearchParams(body).get("destination"));
      return { status: "submitted", messageId };
    }
    if (path.endsWith("/v3/message")) return { messages: [{ id: randomUUID() }], messaging_product: "whatsapp" };
    if (path.endsWith("/wallet/balance")) return { status: "success", walletResponse: { currency: "USD", currentBalance: 1000, overDraftLimit: 0 } };
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
    const file = /^\/files\/customers-(\d+)\.csv$/.exec(url.pathname);
    if (file) return serveCustomers(res, Number(file[1]));
    const app = url.pathname.split("/")[3] ?? "";
    if (url.pathname.startsWith("/partner/app/")) apps.add(app);
    const roundTrip = latencyMs * (1 + jitter * (2 * Math.random() - 1));
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () =>
      later(roundTrip / 2, () => {
        const arrivedAt = Date.now();
        const limited = overLimit(app, url.pathname, arrivedAt);
        const data = limited ? { status: "error", message: "Too Many Requests" } : answer(url.pathname, req.method, app, body);
        if (limited) tooManyRequests++;
        const entry = { method: req.method, path: url.pathname, app, at: arrivedAt, answeredAt: undefined, status: limited ? 429 : data ? 200 : 404, body };
        log.push(entry);
        setTimeout(() => {
          res.writeHead(entry.status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(data ?? { status: "error", message: "Not Found" }));
          entry.answeredAt = Date.now();
        }, roundTrip / 2);
      }),
    );
  });
  server.listen(port, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${port}`,
    /** Round-trip latency for the requests that arrive from now on (and its jitter, a fraction). */
    setLatency: (ms, spread = 0) => {
      latencyMs = ms;
      jitter = spread;
    },
    requests: () => log,
    callbacks: () => ({ ...callbacks }),
    /** An app's subscriptions as configure_webhook created them (url, headers: the secret Gupshup would send back). */
    subscriptions: (app) => subscriptions.get(app) ?? [],
    tooManyRequests: () => tooManyRequests,
    clearLog: () => (log = []),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A customer list of `rows` numbers with a name each, written as the client reads it (never held whole). */
async function serveCustomers(res, rows) {
  res.writeHead(200, { "Content-Type": "text/csv" });
  res.write("phone,name\r\n");
  for (let i = 0; i < rows; i += 1000) {
    let chunk = "";
    for (let j = i; j < Math.min(rows, i + 1000); j++) chunk += `+9195${String(j).padStart(8, "0")},Customer ${j}\r\n`;
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

/** Runs `fn` after `ms`, or at once when there is no delay (so at 0 ms a request counts when it arrives). */
function later(ms, fn) {
  if (ms > 0) setTimeout(fn, ms);
  else fn();
}
