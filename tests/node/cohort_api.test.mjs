// From raw dates to resistance groups through the wasm API: the synthetic
// teaching cohort must split exactly as the model paper (Cui et al. 2025,
// Fig. 1), and the derived columns must feed the survival analyses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc();
const cohortCsv = readFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), "utf8");

test("the synthetic cohort classifies as the paper's flow chart", () => {
  const ds = survcalc.Dataset.fromCsv(cohortCsv, "synthetic_hcc_cohort.csv", {});
  const columns = ds.suggestCohortColumns();
  assert.equal(columns.start, "ici_start_date");
  assert.equal(columns.best_response, "best_overall_response");
  assert.equal(columns.progression, "progression_date");
  assert.equal(columns.death, "death_date");
  const r = ds.classify({ columns });
  assert.equal(r.flow.screened, 601);
  assert.deepEqual(r.flow.excluded_by_reason.map((e) => e.count), [58, 12, 26, 9]);
  assert.equal(r.flow.analysed, 496);
  assert.equal(r.flow.primary_resistance, 229);
  assert.equal(r.flow.secondary_resistance, 141);
  assert.equal(r.flow.durable_response, 126);
  assert.ok(r.rules.length > 0, "the rules in force are returned");

  const summary = ds.summary();
  for (const name of ["resistance_group", "os_months", "os_event", "ttp_months", "pps_months"]) {
    assert.ok(summary.columns.find((c) => c.name === name)?.derived, `new column ${name}, with its provenance`);
  }
  assert.equal(summary.columns.find((c) => c.name === "bclc").derived, null, "the file's own columns have none");
  assert.deepEqual(r.group_levels.map((g) => g.group), ["primary_resistance", "secondary_resistance", "durable_response"]);
  const km = ds.kaplanMeier({
    time: "ttp_months", event: "ttp_event", event_values: ["1"], group: "resistance_group", time_unit: "months",
  });
  const labels = km.fit.curves.filter((c) => c.group !== null).map((c) => [c.label, c.n]);
  assert.deepEqual(labels, [["primary resistance", 229], ["secondary resistance", 141], ["durable response", 126]]);
  assert.equal(km.fit.curves.find((c) => c.label === "durable response").median.quantile, null, "TTP not reached");
  // The 105 excluded patients have no group: left out, and said so.
  const leftOut = km.warnings.find((w) => w.code === "rows_left_out" && w.column === "resistance_group");
  assert.equal(leftOut?.count, 105, km.warnings.map((w) => w.message).join("; "));
  assert.equal(leftOut.reason, "missing");
});

test("changing a threshold re-classifies and replaces the columns", () => {
  const ds = survcalc.Dataset.fromCsv(cohortCsv, "synthetic_hcc_cohort.csv", {});
  const columns = ds.suggestCohortColumns();
  const early = ds.classify({ columns, rules: { rule_set: "early_progression", early_progression_months: 3 } });
  assert.equal(early.flow.screened, 601);
  assert.ok(early.rules.some((line) => /3 months/.test(line)), early.rules.join(" | "));
  const before = ds.summary().columns.length;
  ds.classify({ columns });
  assert.equal(ds.summary().columns.length, before, "columns are replaced, not duplicated");
});

test("a best response that is not a RECIST category names column, line and value", () => {
  const csv = "id,start,bor,pd\nA,2020-01-01,PR,2020-09-01\nB,2020-01-05,partial-ish,2020-03-01\n";
  const ds = survcalc.Dataset.fromCsv(csv, "bad.csv", {});
  assert.throws(
    () => ds.classify({ columns: { patient_id: "id", start: "start", best_response: "bor", progression: "pd" } }),
    (e) => e instanceof Error && /"bor"/.test(e.message) && /line 3/.test(e.message) && /partial-ish/.test(e.message),
  );
  assert.throws(() => ds.classify({ columns: { start: "bor" } }), /not dates/);
});
