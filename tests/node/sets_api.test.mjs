// Analysis sets, derived variables and the data download through the wasm
// API, as the page uses them: every analysis takes the same `filter`, a
// derived column is usable everywhere a column is, nothing is overwritten,
// mistakes are errors naming what is wrong and the dataset keeps working.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, fixture, root } from "../support/wasm.mjs";
import { errorOf } from "../support/check.mjs";

const survcalc = await loadSurvcalc();
const cohortCsv = readFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), "utf8");

const men = { name: "Men", conditions: [{ column: "sex", values: [1] }] };

test("every analysis takes the same filter and states the set", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const set = ds.analysisSet(men);
  assert.deepEqual(set, { name: "Men", description: "sex = 1", n_in: 138, n_total: 228, text: "Patients: Men (sex = 1), 138 of 228." });
  const km = ds.kaplanMeier({ time: "time", event: "status", event_values: [2], filter: men });
  assert.equal(km.n_used, 138);
  assert.deepEqual(km.analysis_set, set);
  assert.equal(km.plot.caption, set.text);
  assert.ok(km.settings_text.startsWith(set.text));
  assert.equal(km.warnings[0].code, "outside_analysis_set");
  assert.equal(km.warnings[0].count, 90);
  const cox = ds.cox({ time: "time", event: "status", event_values: [2], covariates: [{ column: "age" }], filter: men });
  assert.equal(cox.n_text, "138 of 138 patients in “Men” analysed (112 events).");
  const table = ds.modelTable({ outcome: { time: "time", event: "status", event_values: [2] },
    candidates: [{ column: "age" }], filter: men });
  assert.equal(table.table.outcome.n_read, 138);
  const baseline = ds.baselineTable({ group: "ph.ecog", variables: ["age"], filter: men });
  assert.equal(baseline.table.n + baseline.table.n_missing_group, 138);
  const rates = ds.rates({ outcome: "ph.ecog", success_values: [0], filter: men });
  assert.equal(rates.analysis_set.n_in, 138);
  // Without a filter nothing changes.
  assert.equal(ds.kaplanMeier({ time: "time", event: "status", event_values: [2] }).analysis_set, null);
  ds.free();
});

test("a filter that leaves no patient, or names a wrong value, is an error and the dataset keeps working", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const nobody = { name: "Nobody", conditions: [{ column: "age", above: 200 }] };
  assert.match(errorOf(() => ds.kaplanMeier({ time: "time", event: "status", event_values: [2], filter: nobody })),
    /^No patients match: age > 200 \(analysis set “Nobody”\)\./);
  assert.match(errorOf(() => ds.analysisSet({ conditions: [{ column: "sex", values: [3] }] })),
    /column "sex" has no value "3"\. .*Its values: "1", "2"\./);
  assert.match(errorOf(() => ds.analysisSet({ conditions: [{ column: "sex", at_leest: 1 }] })),
    /Unknown option "conditions\[0\]\.at_leest" for the analysis set; did you mean "at_least"\?/);
  assert.match(errorOf(() => ds.analysisSet({ conditions: [{ column: "age", at_least: Number.NaN }] })), /finite/);
  assert.equal(ds.kaplanMeier({ time: "time", event: "status", event_values: [2] }).n_used, 228);
  ds.free();
});

test("derived columns: a cut, a log and a recode, used as covariates, groups and in filters", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  const cut = ds.derive({ cut: { column: "karno", at: [60] } });
  assert.equal(cut.column, "karno_ge_60");
  assert.deepEqual(cut.levels, ["< 60", "≥ 60"]);
  assert.equal(cut.kind, "cut");
  const log = ds.derive({ transform: { column: "diagtime", function: "log" } });
  const merged = ds.derive({ name: "cell2", recode: { column: "celltype",
    levels: [{ from: ["smallcell", "adeno"], to: "smallcell or adeno" }], reference: "squamous" } });
  assert.deepEqual(merged.levels, ["squamous", "smallcell or adeno", "large"]);
  const summary = ds.summary();
  const column = summary.columns.find((c) => c.name === "karno_ge_60");
  assert.equal(column.derived.kind, "cut");
  assert.equal(column.derived.description, cut.formula);
  assert.deepEqual(column.derived.sources, ["karno"]);
  assert.match(column.reason, /^derived: karno cut at 60/);

  const cox = ds.cox({ time: "time", event: "status", event_values: [1],
    covariates: [{ column: "karno_ge_60" }, { column: log.column }, { column: "cell2" }],
    filter: { name: "Standard treatment", conditions: [{ column: "trt", values: [1] }] } });
  assert.match(cox.settings_text, /^Patients: Standard treatment \(trt = 1\), 69 of 137\./);
  assert.match(cox.settings_text, /Derived columns: karno_ge_60 = karno cut at 60 .*; log_diagtime = log\(diagtime\).*; cell2 = celltype recoded/);
  assert.match(cox.settings_text, /Reference levels: karno_ge_60 = < 60, cell2 = squamous\./);
  const km = ds.kaplanMeier({ time: "time", event: "status", event_values: [1], group: "cell2",
    filter: { conditions: [{ column: "karno_ge_60", values: ["≥ 60"] }] } });
  assert.deepEqual(km.fit.curves.filter((c) => c.group !== null).map((c) => c.label), ["squamous", "smallcell or adeno", "large"]);
  assert.equal(km.analysis_set.description, "karno_ge_60 = ≥ 60");

  // Removing one: only derived columns; the file's stay.
  assert.deepEqual(ds.removeDerived("cell2"), { column: "cell2", used_by: [] });
  assert.match(errorOf(() => ds.removeDerived("karno")), /is from the file; only derived columns can be removed/);
  assert.match(errorOf(() => ds.kaplanMeier({ time: "time", event: "status", event_values: [1], group: "cell2" })), /cell2/);
  ds.free();
});

test("a cut point on a text column names what is wrong, and nothing is added", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  const before = ds.summary().columns.length;
  assert.equal(errorOf(() => ds.derive({ cut: { column: "celltype", at: [2] } })),
    "Column \"celltype\" holds categories (e.g. \"squamous\" on line 2), not numbers; a cut point needs a column of numbers.");
  assert.match(errorOf(() => ds.derive({ cut: { column: "karno", at: [60] }, recode: { column: "celltype" } })),
    /this request has cut and recode/);
  assert.match(errorOf(() => ds.derive({ transform: { column: "karno", function: "ln" } })),
    /Option "transform\.function" of a derived column cannot be "ln"/);
  assert.equal(ds.summary().columns.length, before);
  ds.free();
});

test("nothing overwritten: a clash gets a new name, the classification keeps the user's os_months", () => {
  const withOs = cohortCsv.replace(/^patient_id,/, "os_months,patient_id,").replace(/\n(?=.)/g, "\n1.5,");
  const ds = survcalc.Dataset.fromCsv(withOs, "cohort.csv", {});
  const r = ds.classify({ columns: ds.suggestCohortColumns() });
  const os = r.endpoints.find((e) => e.name === "os");
  assert.equal(os.time_column, "os_months_2");
  assert.ok(r.warnings.some((w) => w.code === "column_renamed" && w.requested === "os_months" && w.given === "os_months_2"));
  const summary = ds.summary();
  assert.equal(summary.columns.find((c) => c.name === "os_months").derived, null, "the user's column is the file's");
  const again = ds.derive({ name: "afp_ge_400", cut: { column: "afp", at: [400] } });
  assert.equal(again.column, "afp_ge_400_2");
  assert.equal(again.warnings[0].code, "column_renamed");
  ds.free();
});

test("the data and the classification download as CSV made in Rust", () => {
  const ds = survcalc.Dataset.fromCsv(cohortCsv, "cohort.csv", {});
  assert.match(errorOf(() => ds.exportClassification()), /Classify the patients first/);
  ds.classify({ columns: ds.suggestCohortColumns() });
  ds.derive({ cut: { column: "afp", at: [400] } });
  const data = ds.exportCsv({});
  const lines = data.trim().split("\r\n");
  assert.equal(lines.length, 602);
  const header = lines[0].split(",");
  assert.ok(header.includes("afp_ge_400_2") && header.includes("resistance_group") && header.includes("pps_months"));
  const chosen = ds.exportCsv({ columns: ["patient_id", "afp_ge_400_2"] }).split("\r\n");
  assert.equal(chosen[0], "patient_id,afp_ge_400_2");
  assert.equal(chosen[1], "SYN-0001,< 400");
  const patients = ds.exportClassification().trim().split("\r\n");
  assert.equal(patients[0], "line,patient_id,group,reason");
  assert.equal(patients.length, 602);
  assert.match(patients[1], /^2,SYN-0001,/);
  ds.free();
});

test("suggestions say whether they are unambiguous", () => {
  const lung = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const s = lung.summary().suggestions;
  assert.equal(s.unambiguous, true);
  assert.deepEqual(s.basis, { time: "unambiguous", event: "unambiguous", event_values: "unambiguous", group: null });
  lung.free();
  const cohort = survcalc.Dataset.fromCsv(cohortCsv, "cohort.csv", {});
  const c = cohort.summary().suggestions;
  assert.equal(c.unambiguous, false);
  assert.equal(c.time, null, "no column is named as a time: nothing is suggested (never age)");
  assert.equal(c.event, null);
  cohort.free();
});
