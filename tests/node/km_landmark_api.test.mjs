// Landmark analysis (Anderson, Cain & Gelber 1983) in the Kaplan–Meier
// request: the result must equal the plain analysis of the file filtered to
// time > L and shifted to time - L by hand here, and say what it excluded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, fixture, root } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc();

/** The CSV as rows of cells (the fixtures have no quoted fields). */
function parse(text) {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  return { header: header.split(","), rows: lines.map((l) => l.split(",")) };
}

/**
 * Keep rows with time > L, time becoming time - L (times scaled by `factor`
 * first, as the request's display unit does); rows with a missing time or
 * group stay as they are (left out either way, before the landmark). Also
 * counts who the landmark excluded.
 */
function landmarked(text, { time = "time", status = "status", group, eventValue, at, factor = 1 }) {
  const { header, rows } = parse(text);
  const ti = header.indexOf(time);
  const si = header.indexOf(status);
  const gi = group ? header.indexOf(group) : -1;
  const kept = [];
  let events = 0;
  let censored = 0;
  for (const row of rows) {
    if (row[ti] === "NA" || row[gi] === "NA") {
      kept.push(row);
      continue;
    }
    const t = factor === 1 ? Number(row[ti]) : Number(row[ti]) * factor;
    if (t > at) {
      const copy = [...row];
      copy[ti] = String(t - at);
      kept.push(copy);
    } else if (row[si] === eventValue) {
      events++;
    } else {
      censored++;
    }
  }
  const csv = [header, ...kept].map((r) => r.join(",")).join("\n") + "\n";
  return { csv, events, censored, kept: kept.length };
}

/** Everything computed must be the same numbers; only wording may differ. */
function assertSameAnalysis(lm, plain) {
  assert.deepEqual(lm.fit, plain.fit);
  assert.deepEqual(lm.logrank, plain.logrank);
  assert.deepEqual(lm.trend, plain.trend);
  assert.deepEqual(lm.pairwise, plain.pairwise);
  assert.deepEqual(lm.summary_table.rows, plain.summary_table.rows);
  assert.equal(lm.test_text, plain.test_text);
  assert.deepEqual(lm.at_times_table?.rows, plain.at_times_table?.rows);
  assert.deepEqual(lm.rmst_table?.rows, plain.rmst_table?.rows);
  assert.equal(lm.rmst_difference_text?.replace(" after the landmark", "") ?? null, plain.rmst_difference_text);
  assert.equal(lm.follow_up_text.replace(" after the landmark", ""), plain.follow_up_text);
  assert.deepEqual(lm.plot.curves, plain.plot.curves, "curves and numbers at risk");
  assert.deepEqual(lm.plot.ticks, plain.plot.ticks);
  assert.equal(lm.n_used, plain.n_used);
}

test("lung by sex at 180 days equals survfit/survdiff of the hand-filtered, shifted data", () => {
  const text = fixture("02_lung");
  const at = 180;
  const hand = landmarked(text, { eventValue: "2", at });
  const options = { time: "time", event: "status", event_values: ["2"], group: "sex", times: [90, 365], rmst_tau: 300 };
  const lm = survcalc.Dataset.fromCsv(text, "lung.csv", {}).kaplanMeier({ ...options, landmark: at });
  const plain = survcalc.Dataset.fromCsv(hand.csv, "lung-landmark.csv", {}).kaplanMeier(options);
  assertSameAnalysis(lm, plain);
  assert.ok(plain.logrank && plain.rmst_difference_text && plain.at_times_table, "the comparison covers every table");

  assert.equal(lm.landmark.time, at);
  assert.equal(lm.landmark.n_kept, hand.kept);
  assert.equal(lm.landmark.n_excluded_event, hand.events);
  assert.equal(lm.landmark.n_excluded_censored, hand.censored);
  assert.equal(hand.kept + hand.events + hand.censored, 228);
  assert.ok(hand.events > 0 && hand.censored > 0);
  assert.deepEqual(lm.landmark.groups_left_out, []);
  assert.ok(lm.settings_text.includes(
    `Landmark analysis at time 180: ${hand.kept} patients event-free and under follow-up at time 180 `
    + `(${hand.events + hand.censored} excluded: ${hand.events} had the event and ${hand.censored} were censored by then); `
    + "times are measured from the landmark. Groups should be defined by what was known at the landmark."),
  lm.settings_text);
  assert.equal(lm.plot.x_label, "time since landmark (180)");
  assert.match(lm.summary_table.header[3], /^Median from landmark/);
  assert.equal(lm.at_times_table.header[1], "Time since landmark");
});

test("with unit conversion, trend, pairwise and an emptied group (lung by ph.ecog, 6 months)", () => {
  const text = fixture("02_lung");
  const at = 6;
  // Request: days shown as months (days / 30.4375), landmark in months.
  const hand = landmarked(text, { group: "ph.ecog", eventValue: "2", at, factor: 1 / 30.4375 });
  const options = { time: "time", event: "status", event_values: ["2"], group: "ph.ecog", trend: true, pairwise: "holm", rho: 1 };
  const lm = survcalc.Dataset.fromCsv(text, "lung.csv", {})
    .kaplanMeier({ ...options, time_unit: "days", display_unit: "months", landmark: at });
  const plain = survcalc.Dataset.fromCsv(hand.csv, "lung-landmark.csv", {})
    .kaplanMeier({ ...options, time_unit: "months" });
  assertSameAnalysis(lm, plain);
  assert.ok(plain.trend && plain.pairwise);
  assert.equal(lm.landmark.n_excluded_event, hand.events);
  assert.equal(lm.landmark.n_excluded_censored, hand.censored);
  // The one ph.ecog = 3 patient died on day 118, before 6 months.
  assert.deepEqual(lm.landmark.groups_left_out, ["3"]);
  const emptied = lm.warnings.find((w) => w.code === "landmark_group_left_out");
  assert.deepEqual([emptied?.group, emptied?.landmark, emptied?.unit], ["3", 6, "months"]);
  assert.match(emptied.message, /^Landmark at 6 months: no patient of group "3"/);
  assert.equal(lm.plot.x_label, "Months since landmark (6 months)");
  assert.match(lm.settings_text, /Landmark analysis at 6 months: \d+ patients event-free/);
  assert.match(lm.settings_text, /months = days \/ 30\.4375/);
});

test("stratified test: veteran by trt, strata celltype, landmark 30 days", () => {
  const text = fixture("03_veteran");
  const hand = landmarked(text, { eventValue: "1", at: 30 });
  const options = { time: "time", event: "status", event_values: ["1"], group: "trt", strata: "celltype" };
  const lm = survcalc.Dataset.fromCsv(text, "veteran.csv", {}).kaplanMeier({ ...options, landmark: 30 });
  const plain = survcalc.Dataset.fromCsv(hand.csv, "veteran-landmark.csv", {}).kaplanMeier(options);
  assertSameAnalysis(lm, plain);
  assert.match(lm.test_text, /stratified by celltype/);
});

test("landmark 0 keeps every patient with time > 0; no landmark changes nothing", () => {
  const text = fixture("01_aml");
  const ds = survcalc.Dataset.fromCsv(text, "aml.csv", {});
  const base = { time: "time", event: "status", event_values: ["1"], group: "x" };
  const zero = ds.kaplanMeier({ ...base, landmark: 0 });
  const none = ds.kaplanMeier({ ...base, landmark: null });
  assert.equal(none.landmark, null);
  assert.doesNotMatch(none.settings_text, /Landmark/);
  // aml has no zero times: landmark 0 is the plain analysis.
  assertSameAnalysis(zero, none);
  assert.equal(zero.landmark.n_kept, 23);
});

test("bad landmarks are refused with a message; the dataset keeps working", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  const base = { time: "time", event: "status", event_values: ["1"], time_unit: "weeks" };
  for (const bad of [-1, Number.NaN, Infinity]) {
    assert.throws(() => ds.kaplanMeier({ ...base, landmark: bad }), /landmark must be a time of 0 or more/);
  }
  // The longest aml follow-up is 161 weeks.
  assert.throws(() => ds.kaplanMeier({ ...base, landmark: 161 }),
    /No patient is event-free and under follow-up after the landmark at 161 weeks \(the longest follow-up is 161 weeks\); choose an earlier landmark/);
  assert.equal(ds.kaplanMeier({ ...base, landmark: 160 }).landmark.n_kept, 1);
});

test("the immortal-time caution does not call a landmark a cure for resistance groups", () => {
  const ds = survcalc.Dataset.fromCsv(readFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), "utf8"),
    "synthetic_hcc_cohort.csv", {});
  ds.classify({ columns: ds.suggestCohortColumns() });
  const base = { time: "os_months", event: "os_event", event_values: ["1"], group: "resistance_group", time_unit: "months" };
  const plain = ds.kaplanMeier(base).warnings[0];
  assert.deepEqual([plain.code, plain.column, plain.derived.kind, plain.role, plain.landmark],
    ["immortal_time", "resistance_group", "resistance_group", "group", null]);
  assert.match(plain.message, /immortal-time bias/);
  assert.match(plain.message, /landmark/);
  assert.match(plain.message, /Time-varying status/);
  assert.match(plain.message, /post-progression survival/);
  const lm = ds.kaplanMeier({ ...base, landmark: 6 }).warnings[0];
  assert.deepEqual([lm.code, lm.landmark], ["immortal_time", 6]);
  assert.match(lm.message, /immortal-time bias remains/);
  assert.match(lm.message, /Time-varying status/);
  assert.match(lm.message, /post-progression survival/);
  ds.free();
  // The caution follows the classification, not the name: a file's own
  // column called resistance_group carries none.
  const csv = "os_months,os_event,resistance_group\n3,1,primary resistance\n14,0,secondary resistance\n"
    + "20,1,secondary resistance\n25,0,durable response\n9,1,primary resistance\n30,0,durable response\n";
  const file = survcalc.Dataset.fromCsv(csv, "cohort.csv", {});
  assert.ok(!file.kaplanMeier(base).warnings.some((w) => w.code === "immortal_time"));
  file.free();
});
