// Headless Chromium driven over the DevTools protocol: open a page, wait until it says it is
// ready (its title), read values from it, and take a screenshot, with Node's own WebSocket.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openChromium(binary = process.env.CHROMIUM ?? "/usr/bin/chromium") {
  const profile = mkdtempSync(join(tmpdir(), "chromium-cdp-"));
  const port = 9300 + Math.floor(Math.random() * 600);
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-background-networking",
    `--user-data-dir=${profile}`,
    `--remote-debugging-port=${port}`,
    "about:blank",
  ];
  const chrome = spawn(binary, args, { stdio: "ignore" });
  let targets;
  for (let i = 0; i < 100 && !targets; i++) {
    targets = await fetch(`http://127.0.0.1:${port}/json`).then(
      (r) => r.json(),
      () => undefined,
    );
    if (!targets) await sleep(100);
  }
  const target = targets?.find((t) => t.type === "page");
  if (!target) throw new Error("Chromium did not open a page for the DevTools protocol");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  let nextId = 0;
  const waiting = new Map();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.id && waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    }
  });
  const cdp = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await cdp("Page.enable");
  const evaluate = async (expression) => (await cdp("Runtime.evaluate", { expression, returnByValue: true })).result?.result?.value;

  return {
    /** Opens `url` at `width` and waits until `ready()` (an expression) is true; returns what `read` (an expression) gives. */
    async show(url, { width, height = 900, ready, read, timeoutMs = 15_000 }) {
      await cdp("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: width < 500 });
      await cdp("Page.navigate", { url });
      const until = Date.now() + timeoutMs;
      while (!(await evaluate(ready))) {
        if (Date.now() > until) throw new Error(`${url} was not ready within ${timeoutMs} ms (${ready})`);
        await sleep(100);
      }
      return read ? evaluate(read) : undefined;
    },
    /** A PNG of the page as it is now, `width` wide and as tall as `heightOf` (an expression; default the page's height). */
    async screenshot(file, width, heightOf = "document.documentElement.scrollHeight") {
      const height = Math.ceil(await evaluate(heightOf));
      await cdp("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: width < 500 });
      await sleep(200);
      const { result } = await cdp("Page.captureScreenshot", { format: "png" });
      writeFileSync(file, Buffer.from(result.data, "base64"));
    },
    async close() {
      ws.close();
      const exited = new Promise((resolve) => chrome.once("exit", resolve));
      chrome.kill();
      await exited;
      // Chromium's helpers may still be writing to the profile for a moment: a temporary folder left behind is no failure.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch {}
    },
  };
}
