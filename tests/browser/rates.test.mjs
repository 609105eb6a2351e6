// Rates as in the rechallenge paper (seed 004): objective response rate by
// resistance group on the synthetic cohort, then the DCR preset and a
// grade 3–4 adverse-event rate, with the test and a CSV download.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { openPage, artifacts, loadExample, classifyCohort, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1000 }); });
after(async () => { await session?.close(); });

const rowsOf = (page) => page.$$eval("#rates-table tbody tr", (trs) =>
  trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));

test("synthetic cohort: ORR (CR+PR) by resistance group with CIs and a test", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#rates-card");
  // The best-response column is found and ORR is the starting point.
  assert.equal(await page.inputValue("#rates-outcome"), "best_overall_response");
  await classifyCohort(page);
  await page.waitForFunction(() => document.querySelector("#rates-table")?.textContent.includes("durable response"));
  assert.equal(await page.inputValue("#rates-group"), "resistance_group");
  await page.click("#rates-orr");
  const checked = await page.$$eval("#rates-success input:checked", (is) => is.map((i) => i.value));
  assert.deepEqual(checked.sort(), ["CR", "PR"]);
  await page.waitForFunction(() => document.querySelector("#rates-test")?.textContent.length > 0);

  const header = await page.$$eval("#rates-table thead th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(header, ["resistance_group", "CR or PR: n / N", "%", "95% CI (Clopper–Pearson), %"]);
  const rows = await rowsOf(page);
  assert.deepEqual(rows.map((r) => r[0]), ["primary resistance", "secondary resistance", "durable response", "All patients"]);
  assert.match(rows[0][1], /^\d+ \/ 229$/);
  assert.match(rows[1][1], /^\d+ \/ 141$/);
  assert.match(rows[2][1], /^\d+ \/ 126$/);
  for (const r of rows) {
    assert.match(r[2], /^\d+\.\d$/);
    const [lo, hi] = r[3].split("–").map(Number);
    assert.ok(lo <= Number(r[2]) && Number(r[2]) <= hi, `${r[0]}: ${r[2]} in ${r[3]}`);
  }
  assert.match(await page.textContent("#rates-test"), /^(Pearson's chi-squared test: χ² = [\d.]+, df = 2|Fisher's exact test:), p [=<] /);
  assert.match(await page.textContent("#rates-settings"), /Clopper–Pearson exact \(as R's binom\.test\)/);
  await page.$eval("#rates-card", (card) => card.scrollIntoView());
  await page.locator("#rates-card").screenshot({ path: join(artifacts, "rates-orr.png") });

  // CSV download.
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("#rates-csv")]);
  assert.equal(file.suggestedFilename(), "rates.csv");
  const csv = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "");
  assert.match(csv.split("\r\n")[1], /^primary resistance,\d+ \/ 229,/);

  // DCR preset and the Wilson interval.
  await page.click("#rates-dcr");
  await page.selectOption("#rates-ci", "wilson");
  await page.waitForFunction(() => document.querySelector("#rates-table thead")?.textContent.includes("CR or PR or SD")
    && document.querySelector("#rates-table thead")?.textContent.includes("Wilson"));
  assert.match(await page.textContent("#rates-settings"), /prop\.test\(correct = FALSE\)/);

  // A yes/no adverse-event column: "yes" is chosen for it.
  await page.selectOption("#rates-outcome", "trae_grade3_4");
  await page.waitForFunction(() => document.querySelector("#rates-table thead")?.textContent.includes("yes: n / N"));
  assert.equal(await page.isHidden("#rates-presets"), true);
  assertNoNetworkNoErrors(session, before);
});

test("no success value ticked: a hint, and the error box stays empty", async () => {
  const { page } = session;
  await page.uncheck('#rates-success input[value="yes"]');
  await page.waitForFunction(() => document.querySelector("#rates-hint")?.textContent.includes("Tick the value"));
  assert.equal(await page.isHidden("#rates-results"), true);
  assert.equal(await page.isHidden("#rates-error"), true);
  // Outcome equal to the group: the wasm message is shown.
  await page.check('#rates-success input[value="yes"]');
  await page.selectOption("#rates-group", "trae_grade3_4");
  await page.waitForSelector("#rates-error:not([hidden])");
  assert.match(await page.textContent("#rates-error"), /"trae_grade3_4" is the outcome/);
  assert.deepEqual(session.consoleErrors, []);
});
