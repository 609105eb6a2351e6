// Table 1 as a clinician makes it: load the synthetic cohort, classify it,
// then baseline characteristics by resistance group, copied and downloaded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { openPage, artifacts, loadExample, classifyCohort, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1000 }); });
after(async () => { await session?.close(); });

test("synthetic cohort: Table 1 by resistance group, with p-values, CSV and copy", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#cohort-card");
  await page.waitForSelector("#baseline-card:not([hidden])");
  await classifyCohort(page);
  // After the classification the table compares the resistance groups.
  await page.waitForFunction(() => document.querySelector("#bl-table")?.textContent.includes("primary resistance"));
  assert.equal(await page.inputValue("#bl-group"), "resistance_group");

  // A few variables: age (a number), sex, ECOG (0/1 as categories), BCLC, AFP ≥ 400.
  await page.click("#bl-none");
  for (const name of ["age", "sex", "ecog", "bclc", "afp_ge_400"]) {
    await page.check(`#bl-variables input[value="${name}"]`);
  }
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll("#bl-table tbody td.bl-var")].map((td) => td.textContent);
    return rows.join("|") === "age, median [IQR]|sex: male|ecog|bclc|afp_ge_400";
  });
  const headers = await page.$$eval("#bl-table thead th", (ths) => ths.map((th) => th.textContent));
  // gtsummary's layout: the overall column first.
  assert.deepEqual(headers, [
    "Variable", "Overall (n = 496)", "primary resistance (n = 229)", "secondary resistance (n = 141)",
    "durable response (n = 126)", "p",
  ]);
  // Each variable row has a p-value with a footnote mark naming its test.
  const pCells = await page.$$eval("#bl-table tbody tr.bl-var-row td.bl-p", (tds) => tds.map((td) => td.textContent));
  assert.equal(pCells.length, 5);
  for (const p of pCells) assert.match(p, /^(<0\.001|0\.\d{2,3}|>0\.99)[a-z]$/);
  const footnotes = await page.textContent("#bl-footnotes");
  assert.match(footnotes, /Pearson's chi-squared test/);
  assert.match(footnotes, /Kruskal-Wallis rank sum test/);
  assert.match(await page.textContent("#bl-settings"), /without continuity correction/);
  assert.match(await page.textContent("#bl-settings"), /Fisher's exact test when an expected count is below 5/);
  // Level rows are indented under their variable: BCLC's three stages and
  // AFP's missing values; two-valued variables and the median sit on the
  // variable's own row.
  const levels = await page.$$eval("#bl-table tbody td.bl-level", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(levels, ["A", "B", "C", "Missing"]);
  // Outcomes are not baseline variables: not ticked on a new file.
  for (const outcome of ["best_overall_response", "post_progression_therapy", "trae_any"]) {
    assert.equal(await page.isChecked(`#bl-variables input[value="${outcome}"]`), false, outcome);
  }

  // Download CSV.
  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click("#bl-csv")]);
  assert.equal(csvDownload.suggestedFilename(), "table1.csv");
  const csv = readFileSync(await csvDownload.path(), "utf8").replace(/^\uFEFF/, "");
  const lines = csv.split("\r\n");
  assert.match(lines[0], /^Variable,Overall \(n = 496\),primary resistance \(n = 229\),.*,p-value,Test$/);
  assert.ok(lines.some((l) => l.startsWith("\"age, median [IQR]\",")));

  // A decimal comma: the table and the CSV (now ;-separated) follow.
  await page.selectOption("#bl-decimal", "comma");
  await page.waitForFunction(() => /\d,\d%/.test(document.querySelector("#bl-table tbody")?.textContent ?? ""));
  const [commaDownload] = await Promise.all([page.waitForEvent("download"), page.click("#bl-csv")]);
  const commaLines = readFileSync(await commaDownload.path(), "utf8").replace(/^\uFEFF/, "").split("\r\n");
  assert.match(commaLines[0], /^Variable;Overall \(n = 496\);primary resistance \(n = 229\);/);
  assert.match(commaLines.find((l) => l.startsWith("sex: male;")), /^sex: male;\d+ \(\d+,\d%\);/);
  await page.selectOption("#bl-decimal", "point");
  await page.waitForFunction(() => /\d\.\d%/.test(document.querySelector("#bl-table tbody")?.textContent ?? ""));

  // A variable label, set once in the list, titles the row (and every
  // other table and figure that names the column).
  await page.fill('#bl-variables input[aria-label^="Label of age "]', "Age, years");
  await page.press('#bl-variables input[aria-label^="Label of age "]', "Tab");
  await page.waitForFunction(() => document.querySelector("#bl-table tbody td.bl-var")?.textContent === "Age, years, median [IQR]");

  // Copy table: rich (HTML + tab-separated text) where the browser allows it.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: session.url });
  await page.click("#bl-copy");
  await page.waitForFunction(() => document.querySelector("#bl-copied")?.textContent.startsWith("Copied"));
  const pasted = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(pasted, /^Variable\tOverall \(n = 496\)\tprimary resistance \(n = 229\)/);

  await page.$eval("#baseline-card", (card) => card.scrollIntoView());
  await page.locator("#baseline-card").screenshot({ path: join(artifacts, "baseline-table1.png") });
  assertNoNetworkNoErrors(session, before);
});

test("two groups get the Wilcoxon test; no variable ticked gets a hint, not an error", async () => {
  const { page } = session;
  await page.selectOption("#bl-group", "child_pugh");
  await page.waitForFunction(() => document.querySelector("#bl-table thead")?.textContent.includes("A (n = "));
  assert.match(await page.textContent("#bl-footnotes"), /Wilcoxon rank sum/);
  await page.click("#bl-none");
  await page.waitForFunction(() => document.querySelector("#bl-hint")?.textContent.includes("Tick at least one variable"));
  assert.equal(await page.isHidden("#bl-results"), true);
  assert.equal(await page.isHidden("#bl-error"), true);
  assert.deepEqual(session.consoleErrors, []);
});
