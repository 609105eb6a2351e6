// Hostile and heavy files in the page (issue 10): a file with HTML, formulas
// and a NUL byte is shown as text with a clear message; a file whose many
// levels make an analysis run for long shows a progress bar with Cancel,
// and cancelling stops the worker, starts a new one and reads the same data
// in again, classification included, so nothing is lost; the next good file
// is analysed normally.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openPage, artifacts, classifyCohort, assertNoNetworkNoErrors } from "../support/browser.mjs";
import { fixture, root, loadSurvcalc } from "../support/wasm.mjs";

let session;
before(async () => { session = await openPage({ width: 1366, height: 900 }); });
after(async () => { await session?.close(); });

async function upload(name, text) {
  await session.page.setInputFiles("#file-input", { name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  await session.page.waitForFunction((n) => document.querySelector("#data-summary")?.textContent.includes(n)
    || !document.querySelector("#error").hidden, name);
}

/**
 * The synthetic cohort ten times over (6,010 patients) with a 45-level "site"
 * column and a continuous "score" that differs from patient to patient, so
 * that no two patients share a covariate pattern and the logistic fit has
 * all 6,010 rows to work through.
 */
function manyLevels() {
  const [header, ...rows] = readFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), "utf8").trim().split("\n");
  const out = [`${header},site,score`];
  for (let copy = 0; copy < 10; copy++) {
    rows.forEach((row, i) => {
      const score = (((i * 601 + copy) * 7919) % 100003) / 1000;
      out.push(`${row.replace(/^SYN-/, `SYN-${copy}-`)},S${(i * 7 + copy) % 45},${score}`);
    });
  }
  return `${out.join("\n")}\n`;
}

test("a hostile file: its HTML and formulas are shown as text, a NUL byte gets a message naming its line", async () => {
  const { page } = session;
  const before = session.requests.length;
  await upload("hostile.csv", [
    `<img src=x onerror="window.__pwned=1">,time,status,note`,
    `=cmd|' /C calc'!A0,5,1,@SUM(1+1)`,
    `<script>window.__pwned=2</script>,7\u0000,0,+SUM(A1)`,
    `x,9,1,-2+3`,
  ].join("\n"));
  assert.match(await page.textContent("#data-summary"), /<img src=x onerror="window.__pwned=1">/);
  assert.equal(await page.$$eval("main img, main script", (nodes) => nodes.length), 0, "nothing from the file became HTML");
  await page.waitForSelector("#km-error:not([hidden])");
  const message = await page.textContent("#km-error");
  assert.match(message, /"time"/);
  assert.match(message, /line 3/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assertNoNetworkNoErrors(session, before);
});

test("an analysis of many levels shows progress and Cancel; cancelling keeps the data and the classification", { timeout: 180000 }, async () => {
  const { page } = session;
  await upload("many-levels.csv", manyLevels());
  assert.match(await page.textContent("#data-summary"), /6010 rows/);
  await classifyCohort(page);
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("primary resistance"));

  // Firth's logistic regression with profile-likelihood intervals on a
  // 45-level factor and a continuous score of 6,010 patients, each its own
  // covariate pattern, both entered into the multivariable model (threshold
  // p < 1): several seconds even on a fast machine.
  await page.selectOption("#models-column", "trae_grade3_4");
  await page.check('#models-events input[value="yes"]');
  await page.check('#models-terms input[value="site"]');
  await page.selectOption('#models-terms [data-column="site"] .reg-kind', "categorical");
  await page.check('#models-terms input[value="score"]');
  await page.fill("#models-threshold", "1");
  await page.check("#models-firth");
  await page.selectOption("#models-ci", "profile");
  const started = Date.now();
  await page.click("#models-fit");
  await page.waitForSelector("#busy:not([hidden]) #busy-cancel", { timeout: 20000 });
  const shownAfter = Date.now() - started;
  assert.ok(shownAfter >= 900, `the bar waits a second before it shows (${shownAfter} ms)`);
  assert.match(await page.textContent("#busy .busy-label"), /^Univariate and multivariable models… \d+ s$/);
  assert.equal(await page.getAttribute("#busy-cancel", "aria-label"), "Cancel Univariate and multivariable models");
  await page.screenshot({ path: join(artifacts, "cancel-progress.png") });
  await page.click("#busy-cancel");
  await page.waitForSelector("#models-error:not([hidden])");
  assert.match(await page.textContent("#models-error"), /^Univariate and multivariable models was stopped\. Your data are loaded as before/);
  await page.waitForSelector("#busy", { state: "hidden", timeout: 60000 });
  assert.ok(Date.now() - started < 20000, "stopped well before the fit would have finished");

  // The new worker holds the same file and the classification's columns.
  await page.selectOption("#km-conf-type", "log-log");
  await page.waitForFunction(() => document.querySelector("#km-settings").textContent.includes("log-log"));
  assert.ok(await page.isHidden("#km-error"), await page.textContent("#km-error"));
  const summary = await page.textContent("#km-summary");
  assert.match(summary, /primary resistance/);
  // Ten copies of the cohort: ten times the 496 classified patients.
  assert.match(summary, /All patients4960/);
  // And the models run on it again (a quick one).
  await page.uncheck("#models-firth");
  await page.selectOption("#models-ci", "wald");
  await page.uncheck('#models-terms input[value="site"]');
  await page.check('#models-terms input[value="age"]');
  await page.click("#models-fit");
  await page.waitForSelector("#models-results:not([hidden])");
  assert.ok(await page.isHidden("#models-error"));
});

test("the next good file is analysed normally", async () => {
  const { page } = session;
  await upload("aml.csv", fixture("01_aml"));
  await page.selectOption("#km-group", "x");
  await page.waitForFunction(() => document.querySelector("#km-test")?.textContent.includes("p = 0.065"));
  await page.check('#cox-terms input[value="x"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  // The same table as a fresh instance of the module gives under Node.
  const survcalc = await loadSurvcalc();
  const fresh = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  const expected = fresh.cox({ time: "time", event: "status", event_values: ["1"], covariates: [{ column: "x", kind: "categorical" }] }).hr_table.rows;
  fresh.free();
  assert.deepEqual(await page.$$eval("#cox-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))), expected);
  assert.deepEqual(session.consoleErrors, []);
});
