// The teaching tour as a teacher uses it in a lecture hall: one click from
// the page's start, with the network cut after one visit, through every step
// of the bundled walkthrough of the model paper on the synthetic cohort,
// checking each result's counts; "try it" changes and "reset this step";
// the presenter view by keyboard; no serious axe violation in either view.
//
// The counts are the paper's flow chart (Fig. 1: 601 screened, 105 excluded,
// 496 analysed: 229 primary resistance, 141 secondary resistance, 126
// durable response), which the synthetic cohort reproduces by construction
// (www/examples/synthetic_hcc_cohort.md), and what follows from the
// classification's definitions (durable response: no progression; every
// resistant patient progressed; a secondary or durable patient lived 6
// months).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { openPage, artifacts } from "../support/browser.mjs";
import { root } from "../support/wasm.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let session;
before(async () => { session = await openPage({ width: 1366, height: 768 }); });
after(async () => { await session?.close(); });

async function axeViolations(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document.querySelector("#tour"), { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const v of result.violations) {
    console.log(`# axe (${label}): ${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
}

/** Waits for the current step's results (a new run replaces the box) and returns them as text per result. */
async function results(page) {
  await page.waitForSelector("#tour-results[data-ready=true]", { timeout: 60000 });
  assert.equal(await page.locator("#tour-results .error").count(), 0, await page.textContent("#tour-results"));
  return page.$$eval("#tour-results .tour-result", (rs) => rs.map((r) => ({
    title: r.querySelector("h5").textContent,
    figures: r.querySelectorAll("figure img").length,
    tables: [...r.querySelectorAll("table")].map((t) => [...t.rows].map((row) => [...row.cells].map((c) => c.textContent))),
    text: r.textContent,
  })));
}

/** The rows of a table whose first cell names a group, as { group: [cells] }. */
const byFirstCell = (rows) => Object.fromEntries(rows.slice(1).map((r) => [r[0], r.slice(1)]));

/** What each step must show: its counts (and, where it has one, a figure). */
const STEPS = [
  (r) => {
    assert.equal(r.length, 1);
    assert.equal(r[0].figures, 1, "the flow chart");
    assert.match(r[0].text, /Screened: 601; Excluded: 105; .*Analysed: 496; primary resistance: 229 \(46\.2%\); secondary resistance: 141 \(28\.4%\); durable response: 126 \(25\.4%\)/);
    assert.match(r[0].text, /response unevaluable: 58; first response evaluation > 6 months from ICI initiation: 12; follow-up < 6 months without PD: 26; discontinuation of ICI treatment without PD: 9/);
  },
  (r) => {
    // Overall first, as gtsummary's add_overall() puts it.
    assert.deepEqual(r[0].tables[0][0], ["Variable", "Overall (n = 496)", "primary resistance (n = 229)", "secondary resistance (n = 141)",
      "durable response (n = 126)", "p"]);
  },
  (r) => {
    const summary = byFirstCell(r[0].tables[0]);
    assert.equal(r[0].figures, 1);
    assert.deepEqual(summary["All patients"].slice(0, 2), ["496", "370"], "229 + 141 progressed");
    assert.deepEqual(summary["primary resistance"].slice(0, 2), ["229", "229"]);
    assert.deepEqual(summary["secondary resistance"].slice(0, 2), ["141", "141"]);
    assert.deepEqual(summary["durable response"], ["126", "0", "not reached"], "durable response: no progression");
  },
  (r) => {
    const summary = byFirstCell(r[0].tables[0]);
    assert.equal(r[0].figures, 1);
    assert.equal(summary["All patients"][0], "496");
    assert.equal(summary["primary resistance"][0], "229");
    assert.equal(summary["secondary resistance"][0], "141");
    assert.equal(summary["durable response"][0], "126");
    assert.ok(r[0].tables.some((t) => t[0][0] === "Group" && t.length === 3), "two hazard ratios against durable response");
  },
  (r) => {
    assert.match(r[0].text, /496 of 601 patients with a known outcome \(229 with the outcome\)/);
    assert.equal(r[0].figures, 1, "the forest plot");
  },
  (r) => {
    assert.match(r[0].text, /267 of 601 patients with a known outcome \(141 with the outcome\)/, "141 + 126");
    assert.match(r[0].text, /Firth/);
  },
  (r) => {
    assert.equal(r.length, 2);
    assert.match(r[0].text, /Primary resistance \(resistance_group = primary resistance\), 229 of 601/);
    assert.match(r[1].text, /229 of 229 patients in “Primary resistance” with a known outcome/);
  },
  (r) => {
    assert.equal(r.length, 2);
    assert.match(r[0].text, /Secondary resistance \(resistance_group = secondary resistance\), 141 of 601/);
    assert.match(r[1].text, /141 of 141 patients in “Secondary resistance” with a known outcome/);
  },
  (r) => {
    // The immortal-time trap: from the start, from a 6-month landmark, time-varying.
    assert.equal(r.length, 4);
    const start = byFirstCell(r[0].tables[0]);
    const landmark = byFirstCell(r[1].tables[0]);
    assert.equal(start["primary resistance"][0], "229");
    // Nobody in the later groups can have died before 6 months: the landmark
    // removes patients from primary resistance only.
    assert.equal(landmark["secondary resistance"][0], "141");
    assert.equal(landmark["durable response"][0], "126");
    assert.ok(Number(landmark["primary resistance"][0]) < 229);
    assert.equal(Number(landmark["All patients"][0]), Number(landmark["primary resistance"][0]) + 141 + 126);
    assert.match(r[1].text, /Landmark analysis at 6 months/);
    // The engine's words for what the landmark changed, with the numbers of the two tables.
    const kept = Number(landmark["primary resistance"][0]);
    assert.match(r[2].title, /side by side/);
    assert.ok(r[2].text.includes(`leaves out ${229 - kept} of 496 patients`), r[2].text);
    assert.ok(r[2].text.includes(`primary resistance 229 → ${kept}, secondary resistance 141 → 141, durable response 126 → 126`), r[2].text);
    assert.match(r[2].text, /Only primary resistance lost patients/);
    const hrs = (rows) => Object.fromEntries(rows.slice(1).map((row) => [row[0], row[2]]));
    const hrStart = hrs(r[0].tables.find((t) => t[0][0] === "Group"));
    const hrLandmark = hrs(r[1].tables.find((t) => t[0][0] === "Group"));
    assert.ok(r[2].text.includes(`primary resistance vs durable response: HR ${hrStart["primary resistance"]} from treatment start; HR ${hrLandmark["primary resistance"]} from the landmark.`), r[2].text);
    assert.match(r[3].text, /496 of 496 patients in “Analysed patients” analysed \(866 rows after splitting at the switch; 370 switched\)/,
      "each of the 229 + 141 resistant patients switches once");
    assert.match(r[3].text, /progressed \(time-varying\)/);
  },
  (r) => {
    assert.match(r[0].text, /496 of 601 patients analysed/);
    assert.match(r[0].text, /primary resistance \(0–12\]/);
  },
  (r) => {
    const rows = r[0].tables[0].slice(1).map((row) => row[1]);
    for (const n of [229, 141, 126, 496]) assert.ok(rows.some((c) => c.endsWith(`/ ${n}`)), `a rate of ${n} patients in ${rows}`);
  },
];

test("offline after one visit: one click opens the tour; every step's result with its counts", { timeout: 300000 }, async () => {
  const { page, context } = session;
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const before = session.requests.length;

  await page.click("#tour-open");
  await page.waitForSelector("#tour[open]");
  await page.waitForSelector("#tour-steps button");
  const count = await page.locator("#tour-steps button").count();
  assert.equal(count, STEPS.length, "every step of the walkthrough is checked");
  for (let i = 0; i < count; i++) {
    assert.equal(await page.textContent(".tour-position"), `Step ${i + 1} of ${count}`);
    const r = await results(page);
    STEPS[i](r);
    // The paper's numbers beside ours.
    if (i > 0) assert.match(await page.textContent(".tour-paper"), /paper: /);
    await page.screenshot({ path: join(artifacts, `tour-step-${String(i + 1).padStart(2, "0")}.png`) });
    if (i < count - 1) {
      await page.click("#tour-next");
      await page.waitForFunction((n) => document.querySelector(".tour-position").textContent.startsWith(`Step ${n} `), i + 2);
    }
  }
  // The browser's own check for a new build of the service worker (sw.js and
  // the stamp it imports) can run after a navigation, and Chromium's offline
  // emulation does not cover it; the tour does not depend on it.
  const updateCheck = (r) => /\/(sw\.js|pkg\/build\.js)$/.test(new URL(r).pathname);
  assert.deepEqual(session.requests.slice(before).filter((r) => !updateCheck(r)), [], "nothing reached the network");
  assert.deepEqual(session.consoleErrors, []);
  await context.setOffline(false);
});

test("try it changes the step's request and reruns it; reset this step restores the result", { timeout: 120000 }, async () => {
  const { page } = session;
  await page.click('#tour-steps button[data-step="0"]');
  const original = await results(page);
  assert.ok(await page.isDisabled("#tour-reset"), "nothing to reset yet");
  // SITC's confirmation scan: unconfirmed progressions leave the groups.
  await page.click('button[data-try="0"]');
  assert.equal(await page.getAttribute('button[data-try="0"]', "aria-pressed"), "true");
  const changed = await results(page);
  assert.match(changed[0].text, /Confirmation scan required/);
  const analysed = Number(changed[0].text.match(/Analysed: (\d+)/)[1]);
  assert.ok(analysed < 496, `fewer patients in a group (${analysed})`);
  await page.click("#tour-reset");
  const restored = await results(page);
  assert.deepEqual(restored, original);
  assert.equal(await page.getAttribute('button[data-try="0"]', "aria-pressed"), "false");

  // A change that adds a table (survival at 12 and 24 months), turned off by the same button.
  await page.click('#tour-steps button[data-step="3"]');
  const os = await results(page);
  await page.click('button[data-try="1"]');
  const withTimes = await results(page);
  assert.equal(withTimes[0].tables.length, os[0].tables.length + 1);
  assert.match(withTimes[0].text, /Survival at times/);
  await page.click('button[data-try="1"]');
  assert.deepEqual(await results(page), os);
});

test("presenter view: large type, arrow keys between steps, Escape leaves it and then the tour; no serious axe violation", { timeout: 120000 }, async () => {
  const { page } = session;
  await page.click('#tour-steps button[data-step="8"]');
  await results(page);
  assert.deepEqual(await axeViolations(page, "tour"), []);
  await page.screenshot({ path: join(artifacts, "tour-1366.png") });

  await page.setViewportSize({ width: 1920, height: 1080 });
  const normal = await page.$eval("#tour-step-title", (h) => parseFloat(getComputedStyle(h).fontSize));
  await page.click("#tour-presenter");
  assert.ok(await page.$eval("#tour", (d) => d.classList.contains("presenter")));
  assert.equal(await page.getAttribute("#tour-presenter", "aria-pressed"), "true");
  const large = await page.$eval("#tour-step-title", (h) => parseFloat(getComputedStyle(h).fontSize));
  assert.ok(large >= 1.5 * normal, `presenter headings are larger (${large} px vs ${normal} px)`);
  await results(page);
  await page.screenshot({ path: join(artifacts, "tour-presenter-1920.png") });
  assert.deepEqual(await axeViolations(page, "tour, presenter view"), []);

  await page.focus("#tour-body");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelector(".tour-position").textContent === "Step 10 of 11");
  await results(page);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => document.querySelector(".tour-position").textContent === "Step 8 of 11");
  await results(page);
  await page.screenshot({ path: join(artifacts, "tour-presenter-1920-step8.png") });

  await page.keyboard.press("Escape");
  assert.ok(!(await page.$eval("#tour", (d) => d.classList.contains("presenter"))), "Escape leaves presenter view");
  assert.ok(await page.$eval("#tour", (d) => d.open), "the tour is still open");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#tour").open);
  assert.equal(await page.evaluate(() => document.activeElement.id), "tour-open", "the focus is back on the button");
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(session.consoleErrors, []);
});

test("on a phone (390 px): the tour fits the width, figures scroll inside their own box", { timeout: 120000 }, async () => {
  const { page } = session;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click("#tour-open");
  await page.waitForSelector("#tour[open]");
  for (const step of [0, 3, 8]) {
    await page.click(`#tour-steps button[data-step="${step}"]`);
    await results(page);
    const widths = await page.$eval("#tour", (d) => ({ scroll: d.scrollWidth, client: d.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `step ${step + 1}: no sideways scroll of the tour (${widths.scroll} > ${widths.client})`);
    await page.screenshot({ path: join(artifacts, `tour-390-step-${step + 1}.png`) });
  }
  assert.ok(await page.isHidden("#tour-presenter"), "no presenter view on a phone");
  await page.click("#tour-close");
  await page.setViewportSize({ width: 1366, height: 768 });
});

test("a teacher's own walkthrough file opens in the tour; one with a mistake is named and leaves the tour as it was", { timeout: 120000 }, async () => {
  const { page } = session;
  const bundled = JSON.parse(readFileSync(join(root, "www", "examples", "walkthroughs", "cui2025_resistance.walkthrough.json"), "utf8"));
  const mine = { ...bundled, title: "My lesson", steps: [bundled.steps[3], bundled.steps[10]] };
  await page.click("#tour-open");
  await page.waitForSelector("#tour[open]");
  await page.setInputFiles("#tour-file-input", { name: "mine.walkthrough.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(mine)) });
  await page.waitForFunction(() => document.querySelector("#tour-title").textContent === "My lesson");
  assert.equal(await page.locator("#tour-steps button").count(), 2);
  assert.equal(await page.textContent(".tour-position"), "Step 1 of 2");
  const [km] = await results(page);
  assert.equal(byFirstCell(km.tables[0])["primary resistance"][0], "229");

  const broken = { ...mine, steps: [{ ...mine.steps[0], requests: [{ ...mine.steps[0].requests[0], tie: "efron" }] }] };
  await page.setInputFiles("#tour-file-input", { name: "broken.walkthrough.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(broken)) });
  await page.waitForSelector("#tour-file-error:not([hidden])");
  assert.match(await page.textContent("#tour-file-error"), /steps\[0\] \("Overall survival by group \(Figure S1B\)"\), requests\[0\]: Unknown option "tie"/);
  assert.equal(await page.textContent("#tour-title"), "My lesson", "the tour on screen stays");
  assert.equal(await page.locator("#tour-steps button").count(), 2);
  await page.click("#tour-close");
  assert.deepEqual(session.consoleErrors, []);
});

test("open this step on the page: the tour's example becomes the data and the Kaplan–Meier panel shows the step's request, its change included", { timeout: 180000 }, async () => {
  const { page } = session;
  // A fresh page: the test before leaves a teacher's own walkthrough open.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await page.click("#tour-open");
  await page.click('#tour-steps button[data-step="3"]');
  await results(page);
  await page.click('button[data-try="1"]'); // survival at 12 and 24 months
  await results(page);
  await page.click("#tour-on-page");
  await page.waitForSelector("#tour:not([open])", { state: "hidden" });
  await page.waitForSelector("#session-rerun li", { timeout: 120000 });
  assert.equal(await page.locator("#session-rerun li.does-not-fit").count(), 0, await page.textContent("#session-rerun"));
  assert.equal(await page.inputValue("#km-time"), "os_months");
  assert.equal(await page.inputValue("#km-group"), "resistance_group");
  assert.equal(await page.inputValue("#km-times"), "12, 24");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("durable response"));
  assert.match(await page.textContent("#session-opened"), /Tour step 4 \(Overall survival/);
  await page.screenshot({ path: join(artifacts, "tour-on-page.png") });
});
