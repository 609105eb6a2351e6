// Starts the static server and Debian's Chromium (through playwright-core)
// for the browser tests, recording every network request the page makes.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../../.ci/serve.mjs";
import { root } from "./wasm.mjs";

export const artifacts = join(root, "tests", "artifacts");

export async function openPage({ width = 1280, height = 900 } = {}) {
  const { server, url } = await startServer(0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const requests = [];
  const consoleErrors = [];
  // context-level: also sees the worker's requests.
  context.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  mkdirSync(artifacts, { recursive: true });
  return {
    page, url, requests, consoleErrors,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}
