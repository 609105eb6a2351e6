// Options are read strictly through the wasm API: a misspelled option is an
// error naming it (it used to be ignored silently: `tie: "breslow"` fitted
// Efron), while what a person or a form sends is accepted: codes as numbers,
// choices in any case. Fits compared with R's coxph (tests/reference/02_lung;
// each block's `call` is the R call).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, STAT_REL, ABS_FLOOR } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

// coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung): status 1 = censored, 2 = dead.
const LUNG = {
  time: "time", event: "status", event_values: ["2"],
  covariates: [{ column: "age" }, { column: "sex" }, { column: "ph.ecog" }],
};

function checkFit(r, block, what) {
  assert.deepEqual(r.coefficients.map((c) => c.r_name), block.terms, `${what}: R's coefficient names`);
  block.terms.forEach((name, k) => {
    close(r.fit.coef[k], block.coef[k], STAT_REL, `${what}: coef ${name}`, { abs: ABS_FLOOR });
    close(r.fit.se[k], block.se[k], STAT_REL, `${what}: se ${name}`, { abs: ABS_FLOOR });
  });
  assert.equal(r.fit.nevent, block.nevent, `${what}: events`);
}

test("a misspelled Cox option is an error naming it and the right one", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const message = errorOf(() => ds.cox({ ...LUNG, tie: "breslow" }));
  assert.match(message, /^Unknown option "tie" for Cox regression; did you mean "ties"\? Options: time, event, /);
  // Inside nested options too, named by its path.
  const nested = errorOf(() => ds.cox({ ...LUNG, covariates: [{ column: "age" }, { column: "sex", refrence: "1" }] }));
  assert.match(nested, /^Unknown option "covariates\[1\]\.refrence" for Cox regression; did you mean "reference"\?/);
  // The same instance keeps working after the error.
  checkFit(ds.cox(LUNG), reference("02_lung").cox.efron, "after the error");
  ds.free();
});

test("event codes may be numbers, and choices any case: ties \"Breslow\" is R's Breslow fit", () => {
  const ref = reference("02_lung");
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  checkFit(ds.cox({ ...LUNG, event_values: [2] }), ref.cox.efron, "event_values [2]");
  const breslow = ds.cox({ ...LUNG, event_values: [2], ties: "Breslow" });
  checkFit(breslow, ref.cox.breslow, "ties Breslow");
  assert.equal(breslow.fit.ties, "breslow");
  assert.match(breslow.settings_text, /Breslow's approximation/);
  ds.free();
});

test("every analysis and fromCsv refuse unknown options by name", () => {
  const lung = fixture("02_lung");
  assert.match(errorOf(() => survcalc.Dataset.fromCsv(lung, "lung.csv", { delimeter: "comma" })),
    /^Unknown option "delimeter" for reading the file; did you mean "delimiter"\?/);
  const ds = survcalc.Dataset.fromCsv(lung, "lung.csv", {});
  assert.match(errorOf(() => ds.kaplanMeier({ time: "time", event: "status", event_values: [2], rmst_tua: 365 })),
    /^Unknown option "rmst_tua" for Kaplan–Meier; did you mean "rmst_tau"\?/);
  assert.match(errorOf(() => ds.baselineTable({ group: "sex", variables: ["age", { column: "ph.ecog", lable: "ECOG" }] })),
    /^Unknown option "variables\[1\]\.lable" for Table 1; did you mean "label"\?/);
  assert.match(errorOf(() => ds.rates({ outcome: "ph.ecog", sucess_values: [0] })),
    /^Unknown option "sucess_values" for rates; did you mean "success_values"\?/);
  assert.match(errorOf(() => ds.modelTable({ outcome: { time: "time", event: "status", evnt_values: [2] }, candidates: [{ column: "age" }] })),
    /^Unknown option "outcome\.evnt_values" for the model table; did you mean "event_values"\?/);
  assert.match(errorOf(() => ds.classify({ columns: { strat: "time" } })),
    /^Unknown option "columns\.strat" for classification; did you mean "start"\?/);
  // A single success value and numeric codes are what a form sends.
  const rates = ds.rates({ outcome: "ph.ecog", success_values: 0 });
  assert.deepEqual(rates.success_values, ["0"]);
  ds.free();
});
