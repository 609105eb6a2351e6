// The model paper's Figure 4 as a clinician makes it: load the synthetic
// cohort (nothing is drawn before she chooses), classify, cut AFP at 400,
// and fit post-progression survival within primary resistance, univariate
// and multivariable; every result names its set. Then the downloads, and
// mistakes that keep the page working.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { openPage, artifacts, loadExample, classifyCohort, canvasInk, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage({ height: 1100 }); });
after(async () => { await session?.close(); });

/** CSV text as rows of cells (the exports quote cells with commas). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === "\"" && text[i + 1] === "\"") { cell += "\""; i++; } else if (ch === "\"") quoted = false; else cell += ch;
    } else if (ch === "\"") quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; } else if (ch === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "") };
}

test("nothing is drawn on load until the columns are chosen", async () => {
  const { page } = session;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#cohort-card");
  await page.waitForSelector("#km-suggestion:not([hidden])");
  assert.match(await page.textContent("#km-suggestion"), /No column is named as a follow-up time or an event/);
  assert.ok(await page.isHidden("#km-results"), "no curve of age by ecog");
  assert.ok(await page.isHidden("#km-error"));
  assert.equal(await page.inputValue("#km-time"), "");
});

test("Figure 4: PPS within primary resistance with AFP ≥ 400 derived; the set is named", async () => {
  const { page } = session;
  const before = session.requests.length;
  await classifyCohort(page);
  await page.waitForSelector("#km-results:not([hidden])");
  assert.ok(await page.isHidden("#km-suggestion"), "the classification chose OS by group");

  // The classification offers its sets.
  await page.waitForSelector('#sets-list li[data-set="Primary resistance"]');
  assert.match(await page.textContent('#sets-list li[data-set="Analysed patients"]'), /resistance_group not missing: 496 of 601 patients/);
  assert.match(await page.textContent('#sets-list li[data-set="Primary resistance"]'), /229 of 601 patients/);

  // Cut AFP at 400: the file's own afp_ge_400 is kept, the new column gets another name.
  await page.selectOption("#derive-kind", "cut");
  await page.selectOption("#derive-column", "afp");
  await page.fill("#derive-at", "400");
  await page.click("#derive-add");
  await page.waitForSelector('#derive-list li[data-column="afp_ge_400_2"]');
  assert.match(await page.textContent("#derive-note"), /A column named "afp_ge_400" already exists and is kept as it is/);
  assert.match(await page.textContent('#derive-list li[data-column="afp_ge_400_2"]'), /afp cut at 400 into "< 400", "≥ 400" \(400 itself in "≥ 400"/);
  assert.match(await page.textContent("#data-summary"), /derived: afp cut at 400/);
  // The KM kept the user's choices through the refresh.
  assert.equal(await page.inputValue("#km-time"), "os_months");

  // The models panel: PPS, within primary resistance.
  await page.check("#models-type-survival");
  await page.selectOption("#models-time", "pps_months");
  await page.selectOption("#models-event", "pps_event");
  await page.check('#models-event-values input[value="1"]');
  for (const name of ["afp_ge_400_2", "ecog", "age"]) await page.check(`#models-terms input[value="${name}"]`);
  await page.selectOption('#models-terms [data-column="ecog"] .reg-kind', "categorical");
  await page.selectOption("#models-set", "Primary resistance");
  await page.click("#models-fit");
  await page.waitForSelector("#models-results:not([hidden])");
  const header = await page.$$eval("#models-table thead th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(header, ["Factor", "Univariate HR (95% CI)", "p", "Multivariable HR (95% CI)", "p"]);
  const settings = await page.textContent("#models-settings");
  assert.ok(settings.startsWith("Patients: Primary resistance (resistance_group = primary resistance), 229 of 601."), settings);
  assert.match(settings, /Derived column: afp_ge_400_2 = afp cut at 400/);
  assert.match(await page.textContent("#models-warnings"), /372 of the 601 rows are outside the analysis set “Primary resistance”/);
  assert.ok((await canvasInk(page, "#models-canvas")) > 5000, "the forest plot is drawn");

  // n = the primary-resistance patients with a PPS time, counted here in the downloaded data.
  const data = await downloadText(page, "#export-data");
  assert.equal(data.name, "synthetic_hcc_cohort-with-derived.csv");
  const rows = parseCsv(data.text);
  const [head, ...body] = rows;
  const group = head.indexOf("resistance_group");
  const pps = head.indexOf("pps_months");
  assert.ok(head.includes("afp_ge_400_2"), "the derived column is in the download");
  const expected = body.filter((r) => r[group] === "primary resistance" && r[pps] !== "").length;
  assert.ok(expected > 50, String(expected));
  assert.match(await page.textContent("#models-n"), new RegExp(`^${expected} of 229 patients in “Primary resistance” with a known outcome`));
  await page.locator("#models-card").screenshot({ path: join(artifacts, "figure4-primary-resistance.png") });

  // The same set on the Kaplan–Meier card: the caption names it.
  await page.selectOption("#km-time", "pps_months");
  await page.selectOption("#km-event", "pps_event");
  assert.ok(await page.isChecked('#km-event-values input[value="1"]'), "same codes as os_event: kept");
  await page.selectOption("#km-group", "afp_ge_400_2");
  await page.selectOption("#km-set", "Primary resistance");
  await page.waitForFunction(() => document.querySelector("#km-caption")?.textContent.includes("Primary resistance"));
  assert.equal(await page.textContent("#km-caption"), "Patients: Primary resistance (resistance_group = primary resistance), 229 of 601.");
  assert.match(await page.textContent("#km-settings"), /^Patients: Primary resistance/);
  const n = await page.$$eval("#km-summary tbody tr", (trs) => Number(trs[0].children[1].textContent));
  assert.equal(n, body.filter((r) => r[group] === "primary resistance" && r[pps] !== "" && r[head.indexOf("afp")] !== "").length);

  // The per-patient classification.
  const classification = await downloadText(page, "#export-classification");
  const lines = parseCsv(classification.text.trim());
  assert.deepEqual(lines[0], ["line", "patient_id", "group", "reason"]);
  assert.equal(lines.length, 602);
  assertNoNetworkNoErrors(session, before);
});

test("mistakes are named and the page keeps working", async () => {
  const { page } = session;
  // A cut point on a text column.
  await page.selectOption("#derive-kind", "cut");
  await page.selectOption("#derive-column", "sex");
  await page.fill("#derive-at", "1");
  await page.click("#derive-add");
  await page.waitForSelector("#derive-error:not([hidden])");
  assert.equal(await page.textContent("#derive-error"),
    "Column \"sex\" holds categories (e.g. \"male\" on line 2), not numbers; a cut point needs a column of numbers.");
  // A set nobody is in.
  await page.fill("#set-name", "Nobody");
  await page.selectOption("#set-conditions .set-column", "afp");
  await page.selectOption("#set-conditions .set-test", "above");
  await page.fill("#set-conditions .set-number", "1e12");
  await page.click("#set-add");
  await page.waitForSelector("#sets-error:not([hidden])");
  assert.match(await page.textContent("#sets-error"), /^No patients match: afp > 1000000000000 \(analysis set “Nobody”\)\./);
  // A set of some, defined by hand, used by the KM card.
  await page.fill("#set-name", "High AFP");
  await page.fill("#set-conditions .set-number", "400");
  await page.selectOption("#set-conditions .set-test", "at_least");
  await page.fill("#set-conditions .set-number", "400");
  await page.click("#set-add");
  await page.waitForSelector('#sets-list li[data-set="High AFP"]');
  assert.ok(await page.isHidden("#sets-error"));
  await page.selectOption("#km-set", "High AFP");
  await page.waitForFunction(() => document.querySelector("#km-caption")?.textContent.includes("High AFP"));
  assert.match(await page.textContent("#km-caption"), /^Patients: High AFP \(afp ≥ 400\), \d+ of 601\.$/);
  assert.ok(await page.isHidden("#km-error"));
  // Removing the derived column: the KM grouped by it says so, and the list empties.
  await page.click('#derive-list li[data-column="afp_ge_400_2"] button');
  await page.waitForFunction(() => !document.querySelector('#derive-list li[data-column="afp_ge_400_2"]'));
  assert.match(await page.textContent("#derive-note"), /Removed “afp_ge_400_2”/);
  await page.locator("#derive-card").screenshot({ path: join(artifacts, "derived-variables.png") });
  await page.locator("#sets-card").screenshot({ path: join(artifacts, "analysis-sets.png") });
});
