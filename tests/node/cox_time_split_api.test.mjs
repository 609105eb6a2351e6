// dataset.cox with an effect changing over time (options.time_split): the
// follow-up split at cut points as R's survSplit, and the named covariates
// given one coefficient per interval, as x:strata(tgroup). Reference:
// tests/reference/03_veteran, the block whose call splits veteran at 90 and
// 180 days and fits karno:strata(tgroup) (timedep vignette, section 4.1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, COEF_REL, STAT_REL, ABS_FLOOR } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

const CALL = "vet2 <- survSplit(Surv(time, status) ~ ., data = veteran, cut = c(90, 180), episode = 'tgroup', id = 'id'); "
  + "coxph(Surv(tstart, time, status) ~ trt + prior + karno:strata(tgroup), data = vet2)";

/** The reference block produced by `call`, wherever it sits in reference.json. */
function blockByCall(ref, call) {
  const found = Object.values(ref.cox).find((b) => b.call === call);
  assert.ok(found, `no block with call ${call}`);
  return found;
}

// trt (1 = standard, 2 = test) and prior (0 / 10) are numeric in veteran,
// as in R's call: one coefficient per unit each.
const OPTIONS = {
  time: "time", event: "status", event_values: ["1"],
  covariates: [{ column: "trt", kind: "numeric" }, { column: "prior", kind: "numeric" }, { column: "karno" }],
  time_split: { cuts: [90, 180], covariates: ["karno"] },
};

const veteran = () => survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});

test("veteran split at 90 and 180 days: karno per interval equals R's survSplit + karno:strata(tgroup)", () => {
  const block = blockByCall(reference("03_veteran"), CALL);
  const ds = veteran();
  const r = ds.cox(OPTIONS);
  assert.deepEqual(r.coefficients.map((c) => c.r_name), block.terms, "R's coefficient names, in R's order");
  block.terms.forEach((name, j) => {
    close(r.fit.coef[j], block.coef[j], COEF_REL, `coef ${name}`, { abs: ABS_FLOOR });
    close(r.fit.se[j], block.se[j], STAT_REL, `se ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr[j], block.hr[j], STAT_REL, `HR ${name}`, { abs: ABS_FLOOR });
    close(r.fit.p[j], block.p[j], STAT_REL, `p ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr_lower[j], block.hr_lower95[j], STAT_REL, `HR lower ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr_upper[j], block.hr_upper95[j], STAT_REL, `HR upper ${name}`, { abs: ABS_FLOOR });
  });
  assert.equal(r.fit.n, block.n, "rows after the split, as R's n");
  assert.equal(r.fit.nevent, block.nevent);
  close(r.fit.loglik_null, block.loglik_null, STAT_REL, "null loglik");
  close(r.fit.loglik_final, block.loglik_final, STAT_REL, "loglik");
  for (const t of ["lr_test", "wald_test", "score_test"]) {
    close(r.fit[t].stat, block[t].stat, STAT_REL, `${t} stat`);
    assert.equal(r.fit[t].df, block[t].df, `${t} df`);
    close(r.fit[t].p, block[t].p, STAT_REL, `${t} p`, { abs: ABS_FLOOR });
  }
  close(r.fit.concordance.c, block.concordance.c, STAT_REL, "concordance");

  // Readable names and the table: one row per interval.
  assert.deepEqual(r.coefficients.map((c) => c.name), ["trt", "prior", "karno (0–90]", "karno (90–180]", "karno (180+)"]);
  assert.deepEqual(r.hr_table.rows.map((row) => row[0]), ["trt", "prior", "karno (0–90]", "karno (90–180]", "karno (180+)"]);
  assert.equal(r.hr_table.rows[2][1], `${r.fit.hr[2].toFixed(2)} (${r.fit.hr_lower[2].toFixed(2)}–${r.fit.hr_upper[2].toFixed(2)})`);
  assert.equal(r.plot.rows.length, 5);
  assert.equal(r.n_used, 137);
  assert.equal(r.n_text, "137 of 137 patients analysed (225 rows after splitting at 90, 180), 128 events.");
  const s = r.time_split;
  assert.deepEqual(s.intervals, ["(0–90]", "(90–180]", "(180+)"]);
  assert.deepEqual(s.cuts, [90, 180]);
  assert.equal(s.events.reduce((a, b) => a + b, 0), 128);
  assert.deepEqual(s.terms[0].parts[0].columns, [2, 3, 4]);
  assert.equal(s.same_hr_tests[0].term, "karno");
  assert.equal(s.same_hr_tests[0].df, 2);
  assert.ok(r.tests_text.some((t) => /^Same hazard ratio of karno in every interval \(Wald test\): χ² = [\d.]+, df = 2, p /.test(t)));
  assert.match(r.settings_text, /follow-up split at 90, 180 \(in the unit of "time"\) into the intervals \(0–90\], \(90–180\], \(180\+\)/);
  assert.ok(r.settings_text.includes('R: d2 <- survSplit(Surv(time, status) ~ ., data = d, cut = c(90, 180), episode = "tgroup", id = "id"); '
    + "coxph(Surv(tstart, time, status) ~ trt + prior + karno:strata(tgroup), data = d2)"), r.settings_text);
  // cox.zph tests karno:strata(tgroup) as one term, as R does.
  assert.deepEqual(r.zph.terms.map((t) => [t.term, t.df]), [["trt", 1], ["prior", 1], ["karno", 3]]);
  ds.free();
});

test("cut points are sorted and deduplicated; robust variance clusters by patient", () => {
  const ds = veteran();
  const a = ds.cox(OPTIONS);
  const b = ds.cox({ ...OPTIONS, time_split: { cuts: [180, 90, 180], covariates: ["karno", "karno"] } });
  assert.deepEqual(b.fit.coef, a.fit.coef);
  const r = ds.cox({ ...OPTIONS, robust: true });
  assert.equal(r.fit.robust.n_clusters, 137);
  assert.match(r.settings_text, /clustered by patient \(137 patients: each patient's rows of the different intervals together/);
  assert.match(r.settings_text, /data = d2, cluster = id\)/);
  // Empty: no split.
  assert.equal(ds.cox({ ...OPTIONS, time_split: { cuts: [], covariates: [] } }).time_split, null);
  ds.free();
});

test("a categorical covariate gets one row per level and interval", () => {
  const ds = veteran();
  const r = ds.cox({
    ...OPTIONS,
    covariates: [...OPTIONS.covariates, { column: "celltype", kind: "categorical", reference: "squamous" }],
    time_split: { cuts: [90], covariates: ["celltype"] },
  });
  const names = r.coefficients.map((c) => c.name);
  assert.ok(names.includes("celltype: smallcell vs squamous (0–90]") && names.includes("celltype: smallcell vs squamous (90+)"), names.join("; "));
  assert.deepEqual(r.hr_table.rows.slice(3, 7).map((row) => row[0]), ["celltype", "squamous (n = 35)", "adeno (0–90]", "adeno (90+)"]);
  assert.deepEqual(r.hr_row_kinds.slice(3, 7), ["factor", "reference", "level", "level"]);
  assert.equal(r.term_tests[0].df, 6);
  assert.equal(r.time_split.same_hr_tests[0].df, 3);
  ds.free();
});

test("errors and warnings say what to change", () => {
  const ds = veteran();
  const fit = (time_split, extra = {}) => () => ds.cox({ ...OPTIONS, ...extra, time_split });
  assert.match(errorOf(fit({ cuts: [], covariates: ["karno"] })), /Enter at least one cut point \(a time in the unit of "time", e\.g\. 6, 12\)/);
  assert.match(errorOf(fit({ cuts: [90], covariates: [] })), /Choose which covariate\(s\) get a hazard ratio per interval/);
  assert.match(errorOf(fit({ cuts: [-5, 90], covariates: ["karno"] })), /The cut point -5 is not a time during follow-up: cut points must be finite and greater than 0/);
  assert.match(errorOf(fit({ cuts: [NaN], covariates: ["karno"] })), /A cut point is not a number/);
  assert.match(errorOf(fit({ cuts: [90], covariates: ["age"] })), /"age" is to get a hazard ratio per interval but is not among the chosen covariates; tick it/);
  assert.match(errorOf(fit({ cuts: [90], covariates: ["karno"] }, { start: "diagtime" })), /cannot be combined with \(start, stop\] rows \(entry column "diagtime"\)/);
  assert.match(errorOf(fit({ cuts: [90], covariates: ["karno"] }, { time_varying: { column: "diagtime" } })), /not supported together/);
  assert.match(errorOf(fit({ cuts: [1000], covariates: ["karno"] })), /No follow-up is longer than the cut point 1000 \(the longest "time" is 999\)/);
  ds.free();

  // lung: no death after 883 days, so karno's coefficient after 900 is not estimable (NA in R).
  const lung = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const r = lung.cox({
    time: "time", event: "status", event_values: ["2"], covariates: [{ column: "age" }, { column: "sex" }],
    time_split: { cuts: [365, 900], covariates: ["age"] },
  });
  assert.deepEqual(r.hr_table.rows.map((row) => row[0]), ["age (0–365]", "age (365–900]", "age (900+)", "sex"]);
  assert.equal(r.hr_table.rows[2][1], "not estimable (no events in this interval)");
  assert.equal(r.fit.coef.length, 3, "no column for the empty interval");
  const empty = r.warnings.find((w) => w.code === "interval_without_events");
  assert.deepEqual([empty?.interval, empty?.column, empty?.covariates], ["(900+)", "time", ["age"]]);
  assert.ok(empty.message.startsWith('No events in the interval (900+) of "time": the hazard ratio of age there is not estimable (R gives NA)'), empty.message);
  lung.free();
});
