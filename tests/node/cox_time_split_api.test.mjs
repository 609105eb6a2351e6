// dataset.cox with an effect changing over time (options.time_split) through
// the wasm binding: the option reaches the request, the split's summary and
// table reach JS, and errors arrive as JS Errors. The numbers are compared
// with R (03_veteran's survSplit + karno:strata(tgroup) block) in
// crate/analysis/tests/cox_time_dependent.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture } from "../support/wasm.mjs";
import { errorOf } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

const OPTIONS = {
  time: "time", event: "status", event_values: ["1"],
  covariates: [{ column: "trt", kind: "numeric" }, { column: "prior", kind: "numeric" }, { column: "karno" }],
  time_split: { cuts: [90, 180], covariates: ["karno"] },
};

test("veteran split at 90 and 180 days: the split and its per-interval rows reach JS", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  const r = ds.cox(OPTIONS);
  assert.deepEqual(r.coefficients.map((c) => c.name), ["trt", "prior", "karno (0–90]", "karno (90–180]", "karno (180+)"]);
  assert.equal(r.fit.coef.length, 5);
  assert.ok(r.fit.coef.every((x) => typeof x === "number"));
  assert.equal(r.fit.n, 225, "rows after the split");
  assert.deepEqual(r.time_split.intervals, ["(0–90]", "(90–180]", "(180+)"]);
  assert.deepEqual(r.time_split.cuts, [90, 180]);
  assert.deepEqual(r.time_split.terms[0].parts[0].columns, [2, 3, 4]);
  assert.equal(r.time_split.same_hr_tests[0].df, 2);
  assert.equal(ds.cox({ ...OPTIONS, time_split: { cuts: [], covariates: [] } }).time_split, null, "an empty split is none");
  ds.free();
});

test("errors reach JS as Errors that say what to change", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  assert.match(errorOf(() => ds.cox({ ...OPTIONS, time_split: { cuts: [90], covariates: ["age"] } })),
    /"age" is to get a hazard ratio per interval but is not among the chosen covariates; tick it/);
  // A NaN cut travels as text and is refused by name, not read as "absent".
  assert.match(errorOf(() => ds.cox({ ...OPTIONS, time_split: { cuts: [NaN], covariates: ["karno"] } })), /cut/i);
  ds.free();
});
