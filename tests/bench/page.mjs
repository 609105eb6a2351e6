// The page's start for `make bench` (a benchmark, not a test): what a first
// visit downloads before the page is ready (gzip -9 sizes, as static hosts
// compress them) and the time from navigation to ready (the page's
// "survcalc-ready" mark, set with document.body.dataset.ready) in headless
// Chromium, median of RUNS cold first visits (a new browser profile each:
// no cache, no service worker) and of repeat visits (the service worker's
// cache); one JSON line each. Goals (issue 14): <= 350 KB and <= 0.3 s.
import { chromium } from "playwright-core";
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { startServer } from "../../.ci/serve.mjs";
import { root } from "../support/wasm.mjs";

const RUNS = Number(process.env.RUNS ?? 15);
const www = join(root, "www");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gzipBytes = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

// Each request the server answers, with the time it arrived (ms since the epoch).
const served = [];
const { server, url } = await startServer(0, "127.0.0.1", { onRequest: (path) => served.push({ path, at: performance.timeOrigin + performance.now() }) });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
});

async function visit(context) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const { ready, origin } = await page.evaluate(() =>
    ({ ready: performance.getEntriesByName("survcalc-ready")[0].startTime, origin: performance.timeOrigin }));
  return { page, ready, readyAt: origin + ready };
}

const cold = [];
const warm = [];
let beforeReady = null;
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext();
  served.length = 0;
  const first = await visit(context);
  cold.push(first.ready);
  // What arrived at the server before the page marked itself ready.
  if (!beforeReady) {
    beforeReady = [...new Set(served.filter((r) => r.at <= first.readyAt)
      .map((r) => new URL(r.path, url).pathname.slice(1) || "index.html"))];
  }
  // Let the service worker keep the site, then come back.
  await first.page.waitForSelector("body[data-offline=ready]", { timeout: 30000 });
  await first.page.close();
  const again = await visit(context);
  warm.push(again.ready);
  await context.close();
}
await browser.close();
await new Promise((ok) => server.close(ok));

const files = beforeReady.map((path) => ({ path, bytes: statSync(join(www, path)).size, gzip: gzipBytes(join(www, path)) }));
const kb = (n) => Math.round(n / 102.4) / 10;
console.log(JSON.stringify({
  bench: "page_bytes_before_ready", files: files.length,
  raw_kb: kb(files.reduce((s, f) => s + f.bytes, 0)), gzip_kb: kb(files.reduce((s, f) => s + f.gzip, 0)), goal_gzip_kb: 350,
  largest: files.sort((a, b) => b.gzip - a.gzip).slice(0, 5).map((f) => `${f.path} ${kb(f.gzip)} KB`),
}));
for (const name of ["survcalc_core", "survcalc", "survcalc_charts"]) {
  const path = join(www, "pkg", `${name}_bg.wasm`);
  console.log(JSON.stringify({ bench: "wasm_module", module: name, raw_kb: kb(statSync(path).size), gzip_kb: kb(gzipBytes(path)) }));
}
console.log(JSON.stringify({ bench: "navigation_to_ready_first_visit", runs: RUNS, median_s: median(cold) / 1000, min_s: Math.min(...cold) / 1000, max_s: Math.max(...cold) / 1000, goal_s: 0.3 }));
console.log(JSON.stringify({ bench: "navigation_to_ready_repeat_visit", runs: RUNS, median_s: median(warm) / 1000, min_s: Math.min(...warm) / 1000, max_s: Math.max(...warm) / 1000 }));
