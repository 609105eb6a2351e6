// Every panel's form comes back after a reload (issue 13): choices other than
// the defaults in the Kaplan–Meier, Cox, model-table, Table 1, rates,
// competing-risks and subgroup panels, an analysis set, the program whose
// defaults are matched and figure options are made and run; the page is
// reloaded (the example is read again); each form shows them again and each
// panel shows its results.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openPage, loadExample, classifyCohort } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1100 }); });
after(async () => { await session?.close(); });

/** Ticks the checkbox with `value` inside `box`. */
const tick = (page, box, value) => page.check(`${box} input[type=checkbox][value="${value}"]`);
const ticked = (page, box) => page.$$eval(`${box} input[type=checkbox]:checked`, (inputs) => inputs.map((i) => i.value));
/** Waits for a panel's results (`prefix-results`); its error, if it shows one instead, fails the test. */
async function shown(page, id) {
  const prefix = id.replace(/-results$/, "");
  await page.waitForSelector(`#${id}:not([hidden]), #${prefix}-error:not([hidden])`, { timeout: 60000 });
  const error = await page.$(`#${prefix}-error:not([hidden])`);
  assert.equal(error && await error.textContent(), null, `${prefix}: an error instead of results`);
}

/** The values the test sets (none of them a default) and reads back. */
const SELECTS = {
  "#preset-program": "stata",
  "#km-conf-type": "log-log",
  "#km-fig-palette": "greyscale",
  "#cox-ties": "breslow",
  "#cox-zph": "rank",
  "#cox-set": "Analysed patients",
  "#cox-fig-size": "single_column",
  "#models-term-test": "wald",
  "#bl-test": "anova",
  "#bl-summary": "mean_sd",
  "#bl-overall": "last",
  "#bl-binary": "both_levels",
  "#bl-decimal": "comma",
  "#rates-ci": "wilson",
  "#cr-variance": "infinitesimal_jackknife",
  "#cr-style": "stacked",
  "#sg-treatment": "sex",
};
const TEXTS = { "#km-times": "6, 12", "#cr-times": "6, 18", "#cox-fig-title": "Post-progression survival" };

test("every panel's choices are back after a reload", async () => {
  const { page } = session;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#cohort-card");
  await classifyCohort(page);
  await shown(page, "km-results");

  await page.selectOption("#preset-program", SELECTS["#preset-program"]);
  // Kaplan–Meier: interval scale, times, a figure option.
  await page.selectOption("#km-conf-type", SELECTS["#km-conf-type"]);
  await page.fill("#km-times", TEXTS["#km-times"]);
  await page.dispatchEvent("#km-times", "change");
  await page.click("#km-fig-options summary");
  await page.selectOption("#km-fig-palette", SELECTS["#km-fig-palette"]);
  // Cox: ties, PH test scale, two covariates (one with another reference), an analysis set, figure options.
  for (const id of ["#cox-ties", "#cox-zph", "#cox-set"]) await page.selectOption(id, SELECTS[id]);
  await tick(page, "#cox-terms", "bclc");
  await tick(page, "#cox-terms", "afp");
  await page.selectOption('#cox-terms [data-column="bclc"] .reg-kind', "categorical");
  await page.selectOption('#cox-terms [data-column="bclc"] .reg-reference', "B");
  await page.click("#cox-fit");
  await shown(page, "cox-results");
  // The figure options are under the figure: each change refits.
  await page.click("#cox-fig-options summary");
  await page.selectOption("#cox-fig-size", SELECTS["#cox-fig-size"]);
  await page.fill("#cox-fig-title", TEXTS["#cox-fig-title"]);
  await page.dispatchEvent("#cox-fig-title", "change");
  // Model table: factors and the test of a factor with 3+ categories.
  await tick(page, "#models-terms", "age");
  await tick(page, "#models-terms", "bclc");
  await page.selectOption("#models-term-test", SELECTS["#models-term-test"]);
  await page.click("#models-fit");
  await shown(page, "models-results");
  // Table 1: test, summary, Yates.
  await page.selectOption("#bl-test", SELECTS["#bl-test"]);
  await page.selectOption("#bl-summary", SELECTS["#bl-summary"]);
  await page.check("#bl-yates");
  for (const id of ["#bl-overall", "#bl-binary", "#bl-decimal"]) await page.selectOption(id, SELECTS[id]);
  // A variable label, set once in Table 1's list and kept with the requests.
  await page.fill('input[aria-label^="Label of age "]', "Age, years");
  await page.dispatchEvent('input[aria-label^="Label of age "]', "change");
  await page.dispatchEvent("#bl-test", "change");
  // Rates: Wilson intervals.
  await page.selectOption("#rates-ci", SELECTS["#rates-ci"]);
  await page.dispatchEvent("#rates-ci", "change");
  // Competing risks: variance, style, times, a label.
  await page.selectOption("#cr-variance", SELECTS["#cr-variance"]);
  await page.selectOption("#cr-style", SELECTS["#cr-style"]);
  await page.fill("#cr-times", TEXTS["#cr-times"]);
  await page.fill("#cr-event-label", "death");
  await page.click("#cr-run");
  await shown(page, "cr-results");
  // Subgroups: treatment and two subgroup variables.
  await page.selectOption("#sg-time", "os_months");
  await page.selectOption("#sg-event", "os_event");
  await tick(page, "#sg-event-values", "1");
  await page.selectOption("#sg-treatment", SELECTS["#sg-treatment"]);
  await tick(page, "#sg-subgroups", "bclc");
  await tick(page, "#sg-subgroups", "combination");
  await page.click("#sg-run");
  await shown(page, "sg-results");
  // Every panel's request is in the session before the reload.
  await page.waitForFunction(() => {
    const kinds = [...document.querySelectorAll("#session-steps li")].map((li) => li.dataset.analysis);
    return ["kaplan_meier", "cox", "model_table", "baseline_table", "rates", "competing_risks", "subgroups"].every((k) => kinds.includes(k));
  }, undefined, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector("#bl-results") && !document.querySelector("#bl-results").hidden);
  // Let the recorder write the last request (it keeps the session as it changes).
  await page.waitForFunction(() => /competing_risks/.test(localStorage.getItem("survcalc-session") ?? "")
    && /"stata"/.test(localStorage.getItem("survcalc-session") ?? ""));

  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  // An example is loaded again by itself (a file would be asked for).
  await page.waitForSelector("#session-restore");
  await page.waitForFunction(() => /Recognised/.test(document.querySelector("#session-restore")?.textContent ?? ""), undefined, { timeout: 60000 });
  await page.waitForSelector("#session-rerun li, #session-error:not([hidden])", { timeout: 120000 });
  assert.equal(await page.isHidden("#session-error"), true, await page.textContent("#session-error"));
  assert.deepEqual(session.consoleErrors, [], "no error in the page");
  for (const id of ["km-results", "cox-results", "models-results", "bl-results", "rates-results", "cr-results", "sg-results"]) await shown(page, id);

  for (const [selector, value] of Object.entries(SELECTS)) {
    assert.equal(await page.inputValue(selector), value, selector);
  }
  for (const [selector, value] of Object.entries(TEXTS)) {
    assert.equal(await page.inputValue(selector), value, selector);
  }
  assert.equal(await page.inputValue("#cr-event-label"), "death");
  assert.equal(await page.isChecked("#bl-yates"), true, "Yates");
  assert.equal(await page.inputValue('input[aria-label^="Label of age "]'), "Age, years", "the label is back");
  assert.match(await page.textContent("#bl-results"), /Age, years/, "and Table 1 uses it");
  assert.deepEqual((await ticked(page, "#cox-terms")).sort(), ["afp", "bclc"]);
  assert.equal(await page.inputValue('#cox-terms [data-column="bclc"] .reg-kind'), "categorical");
  assert.equal(await page.inputValue('#cox-terms [data-column="bclc"] .reg-reference'), "B");
  assert.deepEqual((await ticked(page, "#models-terms")).sort(), ["age", "bclc"]);
  assert.deepEqual((await ticked(page, "#sg-subgroups")).sort(), ["bclc", "combination"]);
  // The results are those of the restored choices: the set and the preset are stated in them.
  assert.match(await page.textContent("#cox-settings"), /Analysed patients|Patients:/);
  assert.match(await page.textContent("#cox-settings"), /Breslow/);
});
