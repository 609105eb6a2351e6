// The page as a site for every screen and every user: no sideways scroll
// of the page from a 360 px phone to a 2560 px screen, WCAG 2.1 AA checked
// by axe-core (no serious or critical violation) on the main flows, and the
// workflow by keyboard: skip links, the map of steps, the drop zone, the
// focus and the announcement when results arrive, a unique and meaningful
// name for every control.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { openPage, artifacts, loadExample, classifyCohort, canvasInk } from "../support/browser.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let session;
before(async () => { session = await openPage({ width: 1366, height: 768 }); });
after(async () => { await session?.close(); });

/** axe-core's WCAG 2.0/2.1 A and AA rules on the whole page; the serious and critical violations. */
async function axeViolations(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const v of result.violations) {
    console.log(`# axe (${label}): ${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
}

/** Every visible button, link and form control with its accessible name (Chromium's accessibility tree). */
async function accessibleNames(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  await cdp.detach();
  const roles = new Set(["button", "link", "combobox", "checkbox", "textbox", "spinbutton", "radio"]);
  return nodes.filter((n) => !n.ignored && roles.has(n.role?.value))
    .map((n) => ({ role: n.role.value, name: n.name?.value ?? "" }));
}

test("the first screen: the map of steps, skip links, the drop zone opens the file picker by keyboard", async () => {
  const { page } = session;
  assert.deepEqual(await page.$$eval(".steps a .step-name", (names) => names.map((n) => n.textContent)),
    ["Data", "Patients and variablesVariables", "Classification", "Analyses", "Report"]);

  // The first Tab reaches the skip link; following it lands in the workflow.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to the workflow");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => location.hash), "#main");

  // The drop zone is a button: Enter and Space open the file picker.
  // (Playwright intercepts file pickers once it has told Chromium to, which
  // takes a round trip: listen first, so that the first key is not missed.)
  const choosers = [];
  page.on("filechooser", (chooser) => choosers.push(chooser));
  await page.evaluate(() => 0);
  for (const key of ["Enter", " "]) {
    await page.focus("#drop-zone");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 5000 }), page.keyboard.press(key)]);
    assert.equal(await chooser.element().evaluate((input) => input.id), "file-input", `${key} opens the file picker`);
    await chooser.setFiles([]); // closed without a file: nothing happens
  }
  assert.ok(await page.isHidden("#error"));
  const zone = await page.$eval("#drop-zone", (z) => ({ role: z.getAttribute("role"), tabindex: z.tabIndex }));
  assert.deepEqual(zone, { role: "button", tabindex: 0 });
  assert.equal(choosers.length, 2);
  assert.deepEqual(await axeViolations(page, "first screen"), []);
});

test("the whole workflow: results take the focus and are announced; every control has a unique name; no serious axe violation", { timeout: 120000 }, async () => {
  const { page } = session;
  // By keyboard: the example select, then its button.
  await page.focus("#example-select");
  await page.selectOption("#example-select", "examples/synthetic_hcc_cohort.csv");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "example-button");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#cohort-card:not([hidden])");
  // The loaded file's columns take the focus.
  await page.waitForFunction(() => document.activeElement?.id === "data-summary");

  // The map links to a step and moves the focus to its heading.
  await page.click('.steps a[data-step="classification"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), "step-classification-title");
  await page.focus("#cohort-run");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#cohort-results:not([hidden])");
  await page.waitForFunction(() => document.activeElement?.id === "cohort-results");
  await page.waitForFunction(() => document.querySelector("#announcer").textContent.includes("Endpoints and resistance groups: results ready"));
  await page.waitForSelector("#km-results:not([hidden])");

  for (const name of ["age", "sex"]) await page.check(`#cox-terms input[value="${name}"]`);
  await page.focus("#cox-fit");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "cox-results");
  await page.waitForFunction(() => document.querySelector("#announcer").textContent === "Cox regression: results ready.");
  for (const name of ["age", "sex"]) await page.check(`#models-terms input[value="${name}"]`);
  await page.click("#models-fit");
  await page.waitForSelector("#models-results:not([hidden])");
  await page.waitForSelector("#baseline-card #bl-results:not([hidden])");
  await page.waitForSelector("#rates-results:not([hidden])");

  await page.waitForFunction(() => document.querySelector("#announcer").textContent.startsWith("Univariate and multivariable models: results ready."));
  await page.waitForTimeout(600);
  // A change of a setting updates the results in place and says so, without moving the focus.
  await page.focus("#km-conf-type");
  await page.selectOption("#km-conf-type", "log-log");
  await page.waitForFunction(() => document.querySelector("#announcer").textContent === "Kaplan–Meier survival: results updated.",
    null, { timeout: 5000 }).catch(async () => assert.fail(`announced: ${await page.textContent("#announcer")}`));
  assert.equal(await page.evaluate(() => document.activeElement.id), "km-conf-type");

  // The map and the report know which steps have results.
  assert.equal(await page.textContent('.steps a[data-step="analyses"] .step-state'), "5 with results");
  assert.ok(await page.$eval('.steps a[data-step="classification"]', (a) => a.classList.contains("has-results")));
  assert.deepEqual(await page.$$eval("#report-list a", (links) => links.map((a) => a.textContent)), [
    "Columns and their types", "Endpoints and resistance groups", "Kaplan–Meier survival",
    "Baseline characteristics (Table 1)", "Response and adverse-event rates", "Cox regression",
    "Univariate and multivariable models",
  ]);

  // Figures are images with a text alternative and their numbers next to them.
  for (const id of ["km-canvas", "flow-canvas", "cox-canvas", "models-canvas"]) {
    const figure = await page.$eval(`#${id}`, (c) => ({ role: c.getAttribute("role"), label: c.getAttribute("aria-label") }));
    assert.equal(figure.role, "img", id);
    assert.ok(figure.label.length > 20, `${id}: ${figure.label}`);
  }
  assert.match(await page.getAttribute("#km-canvas", "aria-label"), /^Kaplan–Meier figure: overall survival \(%\) against Time \(months\), 3 curves$/);
  assert.match(await page.textContent("#km-figure-caption"), /^primary resistance: 229 at risk at the start, survival /);
  assert.deepEqual(await page.$$eval("#km-figure-data th", (th) => th.slice(0, 3).map((t) => t.textContent)),
    ["Time (months)", "primary resistance: survival (CI)", "primary resistance: at risk"]);

  // Every control says what it does, and no two say the same.
  const names = await accessibleNames(page);
  const buttons = names.filter((n) => n.role === "button");
  assert.ok(buttons.length > 25, `${buttons.length} buttons`);
  assert.deepEqual(names.filter((n) => !n.name.trim()), [], "a control without a name");
  const seen = new Map();
  for (const { role, name } of names.filter((n) => n.role === "button" || n.role === "link")) {
    seen.set(`${role}: ${name}`, (seen.get(`${role}: ${name}`) ?? 0) + 1);
  }
  assert.deepEqual([...seen].filter(([, n]) => n > 1), [], "buttons or links with the same name");
  assert.ok(buttons.some((b) => b.name === "Download the Kaplan–Meier figure as PNG"));

  assert.deepEqual(await axeViolations(page, "every result"), []);
  // An error message and its surroundings pass too.
  await page.check('#cox-terms input[value="os_months"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-error:not([hidden])");
  assert.deepEqual(await axeViolations(page, "an error"), []);
});

test("fits every screen: no sideways scroll of the page from 360 to 2560 px, figures within it", { timeout: 120000 }, async () => {
  const { page } = session;
  await page.uncheck('#cox-terms input[value="os_months"]');
  await page.click("#cox-fit");
  await page.waitForSelector("#cox-results:not([hidden])");
  for (const [width, height] of [[360, 740], [390, 844], [768, 1024], [1280, 800], [1366, 768], [1920, 1080], [2560, 1440]]) {
    await page.setViewportSize({ width, height });
    // Figures are redrawn for the new width.
    await page.waitForTimeout(400);
    const fit = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const sticking = [...document.querySelectorAll("main *, .steps, .top")]
        .filter((e) => e.getBoundingClientRect().right > vw + 1 && !e.closest(".table-scroll, .bl-table-box, .columns-scroll, .scroll, .steps ol"))
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`);
      return { scroll: document.documentElement.scrollWidth, vw, sticking: sticking.slice(0, 5) };
    });
    assert.equal(fit.scroll, fit.vw, `${width} px: the page scrolls sideways`);
    assert.deepEqual(fit.sticking, [], `${width} px: content wider than the window`);
    assert.ok((await canvasInk(page, "#km-canvas")) > 3000, `${width} px: the Kaplan–Meier figure is drawn`);
    if ([390, 1366, 1920].includes(width)) {
      await page.evaluate(() => document.querySelector("#km-card").scrollIntoView());
      await page.screenshot({ path: join(artifacts, `site-${width}.png`) });
    }
  }
  await page.setViewportSize({ width: 1366, height: 768 });
});
