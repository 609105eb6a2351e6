// The immortal-time remedy as a clinician reaches it: the synthetic cohort,
// classified, then a Cox model of overall survival in which progression is a
// time-varying status (0 before the progression date, 1 after it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage, artifacts, loadExample, classifyCohort, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1000 }); });
after(async () => { await session?.close(); });

test("synthetic cohort: OS with progression as a time-varying status", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#cohort-card");
  await classifyCohort(page);
  // The derived endpoints reach the Cox card.
  await page.waitForFunction(() => [...document.querySelectorAll("#cox-time option")].some((o) => o.value === "os_months"));

  await page.selectOption("#cox-time", "os_months");
  await page.selectOption("#cox-event", "os_event");
  await page.check('#cox-event-values input[value="1"]');
  for (const name of ["age", "ecog"]) await page.check(`#cox-terms input[value="${name}"]`);

  // Origin and unit appear only for a date switch column; (start, stop] entry is then off.
  assert.ok(await page.isHidden("#cox-tv-origin"));
  assert.ok(await page.isEnabled("#cox-start"));
  const switchable = await page.$$eval("#cox-tv-column option", (os) => os.map((o) => o.value));
  assert.ok(switchable.includes("progression_date") && switchable.includes("os_months"));
  assert.ok(!switchable.includes("sex"), "categories cannot be switch times");
  await page.selectOption("#cox-tv-column", "progression_date");
  assert.ok(await page.isVisible("#cox-tv-origin"));
  assert.equal(await page.inputValue("#cox-tv-origin"), "ici_start_date");
  assert.equal(await page.inputValue("#cox-tv-unit"), "months", "guessed from os_months");
  assert.ok(await page.isDisabled("#cox-start"));
  assert.equal(await page.getAttribute("#cox-tv-name", "placeholder"), "progression_date (time-varying)");
  await page.fill("#cox-tv-name", "progressed");

  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  assert.ok(await page.isHidden("#cox-error"));
  const labels = await page.$$eval("#cox-table tbody td:first-child", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(labels, ["age", "ecog", "progressed"]);
  const hr = await page.$$eval("#cox-table tbody tr:last-child td", (tds) => tds.map((td) => td.textContent));
  assert.match(hr[1], /^\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)$/);
  const n = await page.textContent("#cox-n");
  const m = n.match(/^(\d+) of 601 patients analysed \((\d+) rows after splitting at the switch; (\d+) switched\), (\d+) events\.$/);
  assert.ok(m, n);
  assert.equal(Number(m[2]), Number(m[1]) + Number(m[3]), "each switch adds one row");
  assert.ok(Number(m[3]) > 100, "most patients progress");
  const settings = await page.textContent("#cox-settings");
  assert.match(settings, /Time-varying status "progressed": 0 until the patient's switch, 1 after it/);
  assert.match(settings, /date in "progression_date" − date in "ici_start_date", in months \(1 month = 30\.4375 days\)/);
  assert.match(await page.textContent("#cox-zph-table"), /progressed/);
  assert.doesNotMatch(await page.textContent("#cox-warnings"), /immortal-time bias/, "no caution: the status is time-varying");
  await page.locator("#cox-card").screenshot({ path: join(artifacts, "cox-timevarying.png") });

  // Robust variance with no cluster column: each patient is a cluster.
  await page.check("#cox-robust");
  assert.equal(await page.textContent("#cox-cluster option:first-child"), "— each patient (automatic) —");
  await page.click("#cox-fit");
  await page.waitForFunction(() => document.querySelector("#cox-settings").textContent.includes("clustered by patient"));

  // Back to none: the entry-time select is usable again, and the fit has no switch.
  await page.uncheck("#cox-robust");
  await page.selectOption("#cox-tv-column", "");
  assert.ok(await page.isEnabled("#cox-start"));
  assert.ok(await page.isHidden("#cox-tv-origin"));
  await page.click("#cox-fit");
  await page.waitForFunction(() => /^\d+ of 601 patients analysed \(\d+ events\)\.$/.test(document.querySelector("#cox-n").textContent));

  assertNoNetworkNoErrors(session, before);
});
