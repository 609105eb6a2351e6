// Cox regression as a clinician runs it: the lung example, three
// covariates, the hazard-ratio table, the PH test and the forest plot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { openPage, artifacts, loadExample, canvasInk, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1000 }); });
after(async () => { await session?.close(); });

test("lung: Cox model of age, sex and ECOG with table, tests, PH test and forest plot", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "lung.csv", "#cox-card");
  // Time and event as on the Kaplan–Meier card (status 2 = dead).
  assert.equal(await page.inputValue("#cox-time"), "time");
  assert.equal(await page.inputValue("#cox-event"), "status");
  assert.ok(await page.isChecked('#cox-event-values input[value="2"]'));
  for (const name of ["age", "sex", "ph.ecog"]) await page.check(`#cox-terms input[value="${name}"]`);
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");

  const rows = await page.$$eval("#cox-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ["age", "sex", "ph.ecog"]);
  // coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung): HR(sex) 0.575 (0.414–0.799).
  assert.deepEqual(rows[1], ["sex", "0.58 (0.41–0.80)", "<0.001"]);
  assert.equal(await page.textContent("#cox-n"), "227 of 228 patients analysed (164 events).");
  assert.match(await page.textContent("#cox-warnings"), /"ph\.ecog" missing in 1 \(line 15\)/);
  assert.match(await page.textContent("#cox-tests"), /Likelihood-ratio test: χ² = 30\.50, df = 3, p < 0\.001/);
  assert.match(await page.textContent("#cox-tests"), /Concordance \(Harrell's C\): 0\.637/);
  assert.match(await page.textContent("#cox-zph-table"), /GLOBAL/);
  assert.match(await page.textContent("#cox-settings"), /Efron's approximation/);
  assert.ok((await canvasInk(page, "#cox-canvas")) > 3000, "the forest plot is drawn");

  // Breslow and a categorical ECOG with its reference level.
  await page.selectOption("#cox-ties", "breslow");
  await page.selectOption('#cox-terms [data-column="ph.ecog"] .reg-kind', "categorical");
  await page.selectOption('#cox-terms [data-column="ph.ecog"] .reg-reference', "1");
  await page.click("#cox-fit");
  // With results on screen each change of the form refits at once (the
  // analysis sets' rerun), so a fit with Breslow but the numeric ECOG can
  // land first: wait for the fit of all three changes.
  await page.waitForFunction(() => {
    const settings = document.querySelector("#cox-settings").textContent;
    return settings.includes("Breslow") && settings.includes("Reference levels: ph.ecog = 1");
  });
  const labels = await page.$$eval("#cox-table tbody td:first-child", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(labels, ["age", "sex", "ph.ecog", "1 (n = 113)", "0 (n = 63)", "2 (n = 50)", "3 (n = 1)"]);
  assert.match(await page.textContent("#cox-settings"), /Reference levels: ph\.ecog = 1/);
  await page.locator("#cox-card").screenshot({ path: join(artifacts, "cox-lung.png") });

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#cox-svg")]);
  const svg = readFileSync(await download.path(), "utf8");
  assert.match(svg, /^<svg/);
  assert.match(svg, /Hazard ratio/);

  // A bad choice is explained and the page recovers.
  await page.check('#cox-terms input[value="time"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-error:not([hidden])");
  assert.match(await page.textContent("#cox-error"), /"time" is the time column/);
  await page.uncheck('#cox-terms input[value="time"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  assert.ok(await page.isHidden("#cox-error"));

  assertNoNetworkNoErrors(session, before);
});
