// Starts the static server and Debian's Chromium (through playwright-core)
// for the browser tests, recording every network request the page makes,
// and the steps several browser tests share.
//
// `session.requests` lists what reached the network: every request the
// server answered, and any request to another origin. A request the
// service worker answers from its cache (www/sw.js) reaches neither, so it
// is not listed. openPage returns once the page is ready and the service
// worker has kept the site for offline use, so that its own fetches are
// done before a test begins counting.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../../.ci/serve.mjs";
import { root } from "./wasm.mjs";

export const artifacts = join(root, "tests", "artifacts");

export async function openPage({ width = 1280, height = 900, base = "/", offline = true, types } = {}) {
  const requests = [];
  // Each request the server answered with when it arrived (ms since the epoch), to compare with the page's ready mark.
  const arrivals = [];
  const { server, url } = await startServer(0, "127.0.0.1", {
    base, types,
    onRequest: (path) => {
      requests.push(new URL(path, url).href);
      arrivals.push({ url: new URL(path, url).href, at: performance.timeOrigin + performance.now() });
    },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const consoleErrors = [];
  // context-level: also sees the workers' requests.
  context.on("request", (r) => { if (!r.url().startsWith(new URL(url).origin)) requests.push(r.url()); });
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  // What the page fetched to become ready (the rest is the service worker's).
  const requestsAtReady = requests.length;
  if (offline) await page.waitForSelector("body[data-offline=ready]", { timeout: 30000 });
  mkdirSync(artifacts, { recursive: true });
  return {
    page, url, requests, requestsAtReady, arrivals, consoleErrors, context, browser,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** Loads one of the page's example files and waits until `shown` (a card or result) is no longer hidden. */
export async function loadExample(page, file, shown) {
  await page.selectOption("#example-select", `examples/${file}`);
  await page.click("#example-button");
  await page.waitForSelector(`${shown}:not([hidden])`);
}

/** Runs the cohort card (endpoints and resistance groups) and waits for its results. */
export async function classifyCohort(page) {
  await page.click("#cohort-run");
  await page.waitForSelector("#cohort-results:not([hidden])");
}

/** Non-white pixels of a canvas (something was drawn). */
export async function canvasInk(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
    return ink;
  });
}

/** No network request since `since` (session.requests.length when the test began) and no console error so far. */
export function assertNoNetworkNoErrors(session, since) {
  assert.deepEqual(session.requests.slice(since), [], "no network request");
  assert.deepEqual(session.consoleErrors, []);
}
