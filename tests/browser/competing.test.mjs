// Competing risks, presets and subgroups as a clinician uses them: on
// mgus2, death competes with progression (cumulative incidence curves,
// Gray's test, a Fine–Gray table matching cmprsk's crr, the cause-specific
// Cox model one click away); "match SPSS" gives the symmetric median CI with
// the method named; a subgroup forest plot with interaction p-values.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage, artifacts, loadExample, canvasInk, assertNoNetworkNoErrors } from "../support/browser.mjs";
import { reference } from "../support/wasm.mjs";

let session;
before(async () => { session = await openPage({ height: 1100 }); });
after(async () => { await session?.close(); });

const cells = (page, selector) => page.$$eval(`${selector} tbody tr`, (trs) =>
  trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));

test("mgus2: death competes with progression: curves, Gray's test, Fine–Gray and the cause-specific model", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "mgus2.csv", "#cr-card");
  await page.selectOption("#cr-time", "etime");
  await page.selectOption("#cr-event", "event");
  await page.selectOption('#cr-codes [data-code="0"] select', "censored");
  await page.selectOption('#cr-codes [data-code="1"] select', "event");
  await page.selectOption('#cr-codes [data-code="2"] select', "competing");
  await page.fill("#cr-event-label", "progression");
  await page.fill("#cr-competing-label", "death");
  await page.selectOption("#cr-group", "sex");
  await page.fill("#cr-times", "60, 120");
  for (const name of ["age", "sex", "hgb"]) await page.check(`#cr-terms input[value="${name}"]`);
  await page.selectOption('#cr-terms [data-column="sex"] .reg-kind', "categorical");
  await page.click("#cr-run");
  await page.waitForSelector("#cr-results:not([hidden])");

  // cuminc(etime, event, group = sex): Gray's test per cause.
  const ref = reference("11_mgus2_competing");
  const tests = await page.textContent("#cr-tests");
  assert.match(tests, new RegExp(`Gray's test, progression by sex: χ² = ${ref.cif.by_sex.gray_test.stat[0].toFixed(2)}, df = 1`));
  assert.match(tests, new RegExp(`Gray's test, death by sex: χ² = ${ref.cif.by_sex.gray_test.stat[1].toFixed(2)}, df = 1`));
  assert.ok((await canvasInk(page, "#cr-canvas")) > 3000, "the curves are drawn");
  assert.match(await page.textContent("#cr-questions"), /cause-specific Cox model/);
  // timepoints(): F, progression at 60 months.
  const at = await cells(page, "#cr-at-times");
  const f60 = at.find((r) => r[0] === "F" && r[1] === "progression" && r[2].startsWith("60"));
  assert.equal(f60[4], `${(100 * ref.cif.by_sex.at_times.est.rows[0][0]).toFixed(1)}%`);

  // crr(etime, event, cov1 = model.matrix(~ age + sex + hgb)[, -1]): SHR (95% CI), two decimals.
  const fg = await cells(page, "#cr-fg-table");
  const crr = ref.crr.pcm;
  const shr = (j) => `${crr.hr[j].toFixed(2)} (${crr.hr_lower[j].toFixed(2)}–${crr.hr_upper[j].toFixed(2)})`;
  assert.equal(fg[0][0], "age");
  assert.equal(fg[0][1], shr(0));
  assert.equal(fg.find((r) => r[0].startsWith("M (n = "))[1], shr(1));
  assert.equal(fg.find((r) => r[0] === "hgb")[1], shr(2));
  assert.ok((await canvasInk(page, "#cr-fg-canvas")) > 2000, "the Fine–Gray forest plot is drawn");
  await page.locator("#cr-card").screenshot({ path: join(artifacts, "competing-mgus2.png") });

  await page.click("#cr-cs-run");
  await page.waitForSelector("#cr-cs-n");
  assert.match(await page.textContent("#cr-cs"), /Cause-specific Cox model/);
  assert.match(await page.textContent("#cr-cs"), /censored: event = 0 or 2/);
  assertNoNetworkNoErrors(session, before);
});

test("match SPSS: the symmetric median CI, named", async () => {
  const { page } = session;
  await loadExample(page, "lung.csv", "#km-results");
  await page.selectOption("#preset-program", "spss");
  await page.waitForFunction(() => document.querySelector("#km-settings").textContent.includes("Settings matched to SPSS"));
  const settings = await page.textContent("#km-settings");
  assert.match(settings, /symmetric, median ± z·SE/);
  assert.match(settings, /not compared with SPSS output/);
  assert.match(await page.textContent("#preset-choices"), /median ± 1\.96 × SE/);
  // The median cell now holds the symmetric interval: 310 (a–b) with a + b = 2 × 310.
  const summary = await cells(page, "#km-summary");
  const [, lo, hi] = summary[0][3].match(/^310 \(([\d.]+)–([\d.]+)\)$/).map(Number);
  assert.ok(Math.abs(lo + hi - 620) <= 1, `symmetric about 310: ${summary[0][3]}`);
  await page.locator("#preset-card").screenshot({ path: join(artifacts, "preset-spss.png") });
  await page.selectOption("#preset-program", "");
  await page.waitForFunction(() => !document.querySelector("#km-settings").textContent.includes("Settings matched"));
});

test("lung: subgroup forest plot of sex by ECOG with the interaction p-value", async () => {
  const { page } = session;
  await loadExample(page, "lung.csv", "#sg-card");
  await page.selectOption("#sg-time", "time");
  await page.selectOption("#sg-event", "status");
  await page.check('#sg-event-values input[value="2"]');
  await page.selectOption("#sg-treatment", "sex");
  await page.check('#sg-subgroups input[value="ph.ecog"]');
  await page.click("#sg-run");
  await page.waitForSelector("#sg-results:not([hidden])");
  const header = await page.$$eval("#sg-table thead th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(header, ["Subgroup", "n", "Events", "1: events/n", "2: events/n", "HR (95% CI)", "p (interaction)"]);
  const rows = await cells(page, "#sg-table");
  assert.equal(rows[0][0], "All patients");
  const ecog = rows.find((r) => r[0] === "ph.ecog");
  assert.match(ecog[6], /^(0\.\d+|<0\.001)$/, "the interaction p-value is on the subgroup's row");
  assert.ok((await canvasInk(page, "#sg-canvas")) > 3000, "the forest plot is drawn");
  await page.locator("#sg-card").screenshot({ path: join(artifacts, "subgroups-lung.png") });
});
