// The page as a clinician uses it, in headless Chromium: example data,
// an uploaded file, the Kaplan–Meier figure and tables, bad input and
// recovery, exports, and no network request after the page has loaded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { openPage, artifacts, loadExample, canvasInk } from "../support/browser.mjs";
import { fixture, root } from "../support/wasm.mjs";

let session;
let requestsAtReady;

before(async () => {
  session = await openPage();
  requestsAtReady = session.requests.length;
});

after(async () => {
  await session?.close();
});

async function upload(name, text) {
  await session.page.setInputFiles("#file-input", {
    name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8"),
  });
}

test("the page loads without errors and promises privacy", async () => {
  const { page, consoleErrors } = session;
  assert.match(await page.textContent("#privacy-note"), /stays on this computer/);
  assert.deepEqual(consoleErrors, []);
});

test("a first visit fetches at most 350 KB (gzip) before the page is ready: no panel, tour or full-module code", async () => {
  const { page, arrivals, url } = session;
  const readyAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName("survcalc-ready")[0].startTime);
  const files = [...new Set(arrivals.filter((r) => r.at <= readyAt)
    .map((r) => decodeURIComponent(new URL(r.url).pathname).slice(new URL(url).pathname.length) || "index.html"))];
  // The analysis panels and the tour are imported after ready (app.js
  // loadPanels), the full and drawing modules on first use / after ready.
  const later = files.filter((f) => /^js\/(panels\/|tour\.js)|^pkg\/survcalc(_charts)?(_bg\.wasm|\.js)$|^pkg-/.test(f));
  assert.deepEqual(later, [], "loaded after ready, not before");
  assert.ok(files.includes("pkg/survcalc_core_bg.wasm") && files.includes("js/app.js"), files.join(", "));
  // gzip -9, as static hosts compress them and `make bench` counts them (tests/bench/page.mjs); issue 14's goal.
  const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(root, "www", f)), { level: 9 }).length, 0);
  assert.ok(gzip <= 350 * 1024, `${(gzip / 1024).toFixed(1)} KB gzip before ready: ${files.join(", ")}`);
});

test("the example loads and shows curves, risk table and medians", async () => {
  const { page } = session;
  await loadExample(page, "aml.csv", "#km-results");
  await page.selectOption("#km-group", "x");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("Nonmaintained"));
  const summary = await page.textContent("#km-summary");
  // survfit(Surv(time, status) ~ x, data = aml): medians 31 and 23 weeks.
  assert.match(summary, /Maintained/);
  assert.match(summary, /31/);
  assert.match(summary, /23/);
  assert.match(await page.textContent("#km-test"), /Log-rank/);
  assert.match(await page.textContent("#km-test"), /p = 0\.065/);
  assert.ok((await canvasInk(page, "#km-canvas")) > 5000, "the plot is drawn");
  await page.screenshot({ path: join(artifacts, "km-aml.png"), fullPage: true });

  // Every CI transform can be chosen and is named under the result.
  await page.selectOption("#km-conf-type", "log-log");
  await page.waitForFunction(() => document.querySelector("#km-settings").textContent.includes("log-log"));
  await page.selectOption("#km-conf-type", "plain");
  await page.waitForFunction(() => document.querySelector("#km-settings").textContent.includes("plain"));
  assert.ok(await page.isHidden("#km-error"));
  await page.selectOption("#km-conf-type", "log");
});

test("an uploaded CSV is analysed", async () => {
  const { page } = session;
  await upload("lung.csv", fixture("02_lung"));
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("228 rows"));
  await page.selectOption("#km-group", "sex");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("sex"));
  assert.match(await page.textContent("#km-test"), /Log-rank/);
  await page.selectOption("#km-time-unit", "days");
  await page.selectOption("#km-display-unit", "months");
  await page.fill("#km-times", "6, 12, 24");
  await page.fill("#km-rmst", "12");
  await page.dispatchEvent("#km-rmst", "change");
  await page.waitForFunction(() => document.querySelector("#km-rmst-difference").textContent.includes("RMST difference"));
  assert.match(await page.textContent("#km-at-times"), /Survival at chosen times/);
  assert.match(await page.textContent("#km-follow-up"), /Median follow-up \(reverse Kaplan–Meier\)/);
  await page.screenshot({ path: join(artifacts, "km-lung.png"), fullPage: true });
});

test("result tables download as CSV (made in Rust)", async () => {
  const { page } = session;
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#km-summary .table-actions button")]);
  const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trim().split(/\r?\n/);
  // The header cell holds a comma, so it is quoted.
  assert.equal(lines[0], `sex,n,Events,"Median, months (95% CI)"`);
  assert.equal(lines.length, 4, "header, all patients, two groups");
});

test("SVG export contains the figure", async () => {
  const { page } = session;
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#km-svg")]);
  const svg = readFileSync(await download.path(), "utf8");
  assert.match(svg, /^<svg/);
  assert.match(svg, /Number at risk/);
});

test("a non-numeric time names column, line and value, and the page recovers", async () => {
  const { page } = session;
  await upload("bad.csv", "time,status\n5,1\n7,0\nabc,1\n9,1\n");
  await page.waitForSelector("#km-error:not([hidden])");
  const message = await page.textContent("#km-error");
  assert.match(message, /"time"/);
  assert.match(message, /line 4/);
  assert.match(message, /"abc"/);
  await page.screenshot({ path: join(artifacts, "bad-input.png"), fullPage: true });

  await upload("good.csv", fixture("01_aml"));
  await page.waitForFunction(() => document.querySelector("#km-error").hidden
    && document.querySelector("#data-summary")?.textContent.includes("good.csv"));
  await page.waitForSelector("#km-results:not([hidden])");
  assert.ok((await canvasInk(page, "#km-canvas")) > 5000);
});

test("column types are shown and can be changed; ambiguous dates ask for the order", async () => {
  const { page } = session;
  await upload("dates.csv", "id,start,stage,time,status\nA,03/04/2021,1,5,1\nB,05/06/2021,2,7,0\nC,07/08/2021,2,9,1\n");
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("dates.csv"));
  assert.match(await page.textContent("#data-summary"), /day\/month order the values do not show/);
  const typeSelect = (name) => `select[aria-label="Type of column ${name}"]`;
  assert.equal(await page.inputValue(typeSelect("start")), "");
  await page.selectOption(typeSelect("start"), "date:day_month_year");
  await page.waitForFunction(() => !document.querySelector("#data-summary").textContent.includes("do not show"));
  assert.equal(await page.inputValue(typeSelect("start")), "date:day_month_year");
  assert.equal(await page.inputValue(typeSelect("stage")), "number");
  await page.selectOption(typeSelect("stage"), "category");
  await page.waitForFunction((sel) => document.querySelector(sel)?.value === "category", typeSelect("stage"));
  // Both overrides hold after the second re-read.
  assert.equal(await page.inputValue(typeSelect("start")), "date:day_month_year");
  assert.match(await page.textContent("#data-summary"), /2021-04-03/);
});

test("no network request after the page has loaded", async () => {
  const after = session.requests.slice(requestsAtReady);
  assert.deepEqual(after, [], `requests after load: ${after.join(", ")}`);
  const foreign = session.requests.filter((u) => !u.startsWith(session.url));
  assert.deepEqual(foreign, [], "every request at load is to the page's own origin");
  // Between ready and the offline copy: the service worker fetching this
  // build's own files into its cache (pkg/build.js lists them), and nothing else.
  const { files } = await session.page.evaluate(() => self.SURVCALC_BUILD);
  const allowed = new Set([...Object.keys(files), "sw.js", "pkg/build.js"].map((f) => new URL(f, session.url).href));
  const caching = session.requests.slice(session.requestsAtReady, requestsAtReady).map((u) => u.split("?")[0]);
  assert.deepEqual(caching.filter((u) => !allowed.has(u)), [], "a request after ready that is not the offline copy");
});
