// The model paper's Fig. 2: factors associated with primary resistance.
// Load the synthetic cohort, classify it, then univariate and
// multivariable logistic regression of primary resistance vs the rest.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import {
  openPage, artifacts, loadExample, classifyCohort, canvasInk, assertNoNetworkNoErrors,
} from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1000 }); });
after(async () => { await session?.close(); });

test("synthetic cohort: primary resistance vs the rest, univariate and multivariable", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#cohort-card");
  await classifyCohort(page);
  await page.waitForSelector("#models-card:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#models-column")?.value === "resistance_group");
  assert.ok(await page.isChecked('#models-events input[value="primary resistance"]'));

  for (const name of ["child_pugh", "bclc", "combination", "afp_ge_400"]) await page.check(`#models-terms input[value="${name}"]`);
  await page.click("#models-fit");
  await page.waitForSelector("#models-results:not([hidden])");

  const header = await page.$$eval("#models-table thead th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(header, ["Factor", "Univariate OR (95% CI)", "p", "Multivariable OR (95% CI)", "p"]);
  const rows = await page.$$eval("#models-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const factors = rows.filter((r) => ["child_pugh", "bclc", "combination", "afp_ge_400"].includes(r[0]));
  assert.equal(factors.length, 4);
  for (const r of rows.filter((r) => /\(n = \d+\)$/.test(r[0]) && r[1] !== "reference")) {
    assert.match(r[1], /^\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)$/, `univariate cell of ${r[0]}`);
  }
  // The binary outcome: primary resistance (1) against the two other groups
  // (0); excluded patients have no group and are left out. Said under the table.
  const settings = await page.textContent("#models-settings");
  assert.match(settings, /"resistance_group" = "primary resistance" \(coded 1\) against every other value: "secondary resistance", "durable response" \(coded 0\)\./);
  assert.match(settings, /105 patients with no value in "resistance_group" \(e\.g\. excluded before classification\) are left out/);
  assert.match(await page.textContent("#models-n"), /^496 of 601 patients with a known outcome \(229 with the outcome\)/);
  // Stated once, under the table, not repeated as warnings.
  assert.doesNotMatch(await page.textContent("#models-warnings"), /counts as 0|is missing/);
  assert.match(await page.textContent("#models-selection"), /Factors with univariate p < 0\.05 entered the multivariable model/);
  assert.ok((await canvasInk(page, "#models-canvas")) > 5000, "the forest plot is drawn");
  await page.locator("#models-card").screenshot({ path: join(artifacts, "models-primary-resistance.png") });

  // The rule chose all four; the user's own model leaves AFP out.
  assert.match(await page.textContent("#models-selection"), /univariate p < 0\.05/);
  for (const name of ["child_pugh", "bclc", "combination", "afp_ge_400"]) {
    assert.ok(await page.isChecked(`#models-multi input[value="${name}"]`), `${name} in the multivariable model`);
  }
  await page.uncheck('#models-multi input[value="afp_ge_400"]');
  await page.click("#models-fit");
  await page.waitForFunction(() => document.querySelector("#models-selection").textContent.includes("chosen by the user"));
  assert.match(await page.textContent("#models-selection"), /chosen by the user: child_pugh, bclc, combination\./);
  const afp = await page.$$eval("#models-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))
    .find((r) => r[0].startsWith("yes (n = ")));
  assert.equal(afp[3], "", "AFP is not in the multivariable model");
  // Back to the rule.
  await page.click("#models-use-rule");
  await page.waitForFunction(() => document.querySelector("#models-selection").textContent.includes("univariate p < 0.05"));
  assert.ok(await page.isChecked('#models-multi input[value="afp_ge_400"]'));

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#models-csv")]);
  assert.equal(download.suggestedFilename(), "model-table.csv");
  const csv = readFileSync(await download.path(), "utf8");
  assert.match(csv, /^Factor,Level,n,Univariate OR \(95% CI\)/);
  assert.match(csv, /\r\nbclc,/);

  assertNoNetworkNoErrors(session, before);
});
