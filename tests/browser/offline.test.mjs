// The site as GitHub Pages serves a project, under a sub-path
// (https://user.github.io/survcalc/), and with the network unplugged after
// one visit: the service worker answers every file from its cache, and an
// example, Kaplan–Meier and Cox (which needs the full module, fetched only
// then) all run. A host that serves wasm with another type than
// application/wasm still works (compiled after the download instead of
// while it streams).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage, artifacts, loadExample, canvasInk } from "../support/browser.mjs";

const sessions = [];
after(async () => { for (const s of sessions) await s.close(); });

async function coxOfAge(page) {
  await page.check('#cox-terms input[value="age"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  // coxph(Surv(time, status) ~ age, data = lung): HR 1.02 (1.00–1.04), p = 0.042.
  assert.deepEqual(await page.$$eval("#cox-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))),
    [["age", "1.02 (1.00–1.04)", "0.042"]]);
}

test("served under /survcalc/: every request stays under it, the service worker's scope is the sub-path", async () => {
  const session = await openPage({ base: "/survcalc/" });
  sessions.push(session);
  const { page, url } = session;
  assert.ok(url.endsWith("/survcalc/"));
  const outside = session.requests.filter((r) => !r.startsWith(url));
  assert.deepEqual(outside, [], "a request outside the sub-path");
  assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope), url);
  assert.match(await page.textContent("#offline-note"), /works without a network connection/);
});

test("with the network cut after one visit: reload, load an example, Kaplan–Meier and Cox", { timeout: 90000 }, async () => {
  const session = sessions[0];
  const { page, context } = session;
  const before = session.requests.length;
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await loadExample(page, "lung.csv", "#km-results");
  await page.selectOption("#km-group", "sex");
  await page.waitForFunction(() => document.querySelector("#km-test").textContent.includes("Log-rank"));
  assert.match(await page.textContent("#km-summary"), /228/);
  assert.ok((await canvasInk(page, "#km-canvas")) > 5000, "the figure is drawn");
  await coxOfAge(page);
  await page.screenshot({ path: join(artifacts, "offline.png") });
  assert.deepEqual(session.requests.slice(before), [], "nothing reached the network");
  assert.deepEqual(session.consoleErrors, []);
  await context.setOffline(false);
});

test("a host that serves wasm as application/octet-stream: the page still starts and analyses", { timeout: 60000 }, async () => {
  const session = await openPage({ types: { ".wasm": "application/octet-stream" }, offline: false });
  sessions.push(session);
  const { page } = session;
  await loadExample(page, "lung.csv", "#km-results");
  assert.match(await page.textContent("#km-summary"), /228/);
  await coxOfAge(page);
});
