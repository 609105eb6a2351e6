// The teaching workflow: load the synthetic cohort, derive endpoints and
// resistance groups, and go straight on to survival by group.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage, artifacts, loadExample, classifyCohort, assertNoNetworkNoErrors } from "../support/browser.mjs";

let session;
before(async () => { session = await openPage(); });
after(async () => { await session?.close(); });

test("synthetic cohort: classify, see the flow, then KM by resistance group", async () => {
  const { page } = session;
  const before = session.requests.length;
  await loadExample(page, "synthetic_hcc_cohort.csv", "#cohort-card");
  assert.match(await page.textContent("#data-summary"), /Synthetic teaching data/);
  assert.equal(await page.inputValue("#cohort-col-start"), "ici_start_date");
  await classifyCohort(page);
  const flow = await page.textContent("#cohort-flow");
  assert.match(flow, /Screened: 601/);
  assert.match(flow, /primary resistance: 229/i);
  assert.match(await page.textContent("#cohort-rules"), /6 weeks/);
  const ink = await page.$eval("#flow-canvas", (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) n++;
    return n;
  });
  assert.ok(ink > 2000, "the flow chart is drawn");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#flow-svg")]);
  const svg = (await import("node:fs")).readFileSync(await download.path(), "utf8");
  assert.match(svg.replace(/\s+/g, " "), /Primary resistance/);
  assert.match(svg, /601/);
  await page.screenshot({ path: join(artifacts, "cohort.png"), fullPage: true });
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("secondary resistance"));
  assert.equal(await page.inputValue("#km-time"), "os_months");
  assert.equal(await page.inputValue("#km-group"), "resistance_group");
  const summary = await page.textContent("#km-summary");
  assert.match(summary, /primary resistance/);
  assert.match(summary, /not reached/);
  // OS from treatment start by resistance group is the domain's trap: flagged.
  assert.match(await page.textContent("#km-warnings"), /immortal-time bias/);
  await page.screenshot({ path: join(artifacts, "cohort.png"), fullPage: true });
  assertNoNetworkNoErrors(session, before);
});

test("a landmark at 6 months: stated under the result, on the axis, and the caution stays", async () => {
  const { page } = session;
  const before = session.requests.length;
  await page.waitForSelector("#km-results:not([hidden])");
  assert.equal(await page.textContent("#km-landmark-unit"), "months");
  await page.fill("#km-landmark", "6");
  await page.dispatchEvent("#km-landmark", "change");
  await page.waitForFunction(() => document.querySelector("#km-settings").textContent.includes("Landmark analysis at 6 months"));
  const settings = await page.textContent("#km-settings");
  assert.match(settings, /Landmark analysis at 6 months: \d+ patients event-free and under follow-up at 6 months \(\d+ excluded: \d+ had the event and \d+ were censored by then\); times are measured from the landmark\./);
  assert.match(settings, /Groups should be defined by what was known at the landmark/);
  assert.match(await page.textContent("#km-summary"), /Median from landmark, months/);
  assert.match(await page.textContent("#km-follow-up"), /after the landmark/);
  // A landmark does not remove the bias for groups decided after it.
  assert.match(await page.textContent("#km-warnings"), /immortal-time bias remains/);
  assert.ok(await page.isHidden("#km-error"));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#km-svg")]);
  const svg = (await import("node:fs")).readFileSync(await download.path(), "utf8");
  assert.match(svg, /Months since landmark \(6 months\)/);
  await page.locator("#km-card").screenshot({ path: join(artifacts, "km-landmark.png") });

  // A landmark beyond all follow-up is refused in words; clearing it recovers.
  await page.fill("#km-landmark", "1000");
  await page.dispatchEvent("#km-landmark", "change");
  await page.waitForSelector("#km-error:not([hidden])");
  assert.match(await page.textContent("#km-error"), /choose an earlier landmark/);
  await page.fill("#km-landmark", "");
  await page.dispatchEvent("#km-landmark", "change");
  await page.waitForFunction(() => document.querySelector("#km-error").hidden
    && !document.querySelector("#km-settings").textContent.includes("Landmark"));
  assertNoNetworkNoErrors(session, before);
});
