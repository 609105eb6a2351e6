// An effect changing over time as a clinician reaches it: the lung example,
// three covariates, then ECOG's hazard ratio estimated separately before and
// after cut points (R: survSplit + ph.ecog:strata(tgroup)).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage, artifacts, loadExample, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1000 }); });
after(async () => { await session?.close(); });

const labels = (page) => page.$$eval("#cox-table tbody td:first-child", (tds) => tds.map((td) => td.textContent));

test("lung: ECOG's hazard ratio per interval of follow-up", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "lung.csv", "#cox-card");
  assert.match(await page.textContent("#cox-split"), /If the PH test flags a covariate, estimate its hazard ratio separately in each interval \(R: survSplit \+ x:strata\(tgroup\)\)\./);
  assert.equal(await page.textContent("#cox-split-terms"), "tick covariates above first");
  assert.match(await page.textContent("#cox-split"), /Cut points \(in the unit of “time”\)/);

  for (const name of ["age", "sex", "ph.ecog"]) await page.check(`#cox-terms input[value="${name}"]`);
  // The split checklist offers exactly the ticked covariates.
  const offered = await page.$$eval("#cox-split-terms input", (inputs) => inputs.map((i) => i.value));
  assert.deepEqual(offered, ["age", "sex", "ph.ecog"]);
  await page.fill("#cox-split-cuts", "180, 365");
  await page.check('#cox-split-terms input[value="ph.ecog"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  assert.ok(await page.isHidden("#cox-error"));

  assert.deepEqual(await labels(page), ["age", "sex", "ph.ecog (0–180]", "ph.ecog (180–365]", "ph.ecog (365+)"]);
  const rows = await page.$$eval("#cox-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  for (const row of rows.slice(2)) assert.match(row[1], /^\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)$/, row.join(" | "));
  assert.match(await page.textContent("#cox-n"), /^227 of 228 patients analysed \(\d+ rows after splitting at 180, 365\), 164 events\.$/);
  assert.match(await page.textContent("#cox-tests"), /Same hazard ratio of ph\.ecog in every interval \(Wald test\): χ² = [\d.]+, df = 2, p/);
  assert.match(await page.textContent("#cox-zph-table"), /ph\.ecog/);
  const settings = await page.textContent("#cox-settings");
  assert.match(settings, /Effect changing over time: follow-up split at 180, 365 \(in the unit of "time"\)/);
  assert.match(settings, /coxph\(Surv\(tstart, time, status == 2\) ~ age \+ sex \+ ph\.ecog:strata\(tgroup\), data = d2\)/);
  await page.locator("#cox-card").screenshot({ path: join(artifacts, "cox-time-split.png") });

  // Unticking the covariate drops it from the split: the fit then says what is missing.
  await page.uncheck('#cox-terms input[value="ph.ecog"]');
  assert.deepEqual(await page.$$eval("#cox-split-terms input", (inputs) => inputs.map((i) => i.value)), ["age", "sex"]);
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-error:not([hidden])");
  assert.match(await page.textContent("#cox-error"), /Choose which covariate\(s\) get a hazard ratio per interval of follow-up \(cut at 180, 365\)/);

  // Cleared cut points: the ordinary model again.
  await page.fill("#cox-split-cuts", "");
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  assert.deepEqual(await labels(page), ["age", "sex"]);
  assert.equal(await page.textContent("#cox-n"), "228 of 228 patients analysed (165 events).");

  assertNoNetworkNoErrors(session, before);
});
