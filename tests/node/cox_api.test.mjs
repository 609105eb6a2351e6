// dataset.cox under Node: R's coxph and cox.zph (tests/reference; each
// block's `call` field is the R call), the formatted table and texts, and
// errors a clinician can act on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, STAT_REL, ABS_FLOOR } from "../support/check.mjs";

const survcalc = await loadSurvcalc();
const charts = await loadSurvcalc(undefined, "survcalc_charts");

// coxph(Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior, data = veteran):
// celltype is a factor with R's first level, squamous, as reference.
const VETERAN = {
  time: "time", event: "status", event_values: ["1"],
  covariates: [
    { column: "trt" }, { column: "celltype", kind: "categorical", reference: "squamous" },
    { column: "karno" }, { column: "diagtime" }, { column: "age" }, { column: "prior" },
  ],
};

/** Compares every coefficient of a fit with an R block, matched by R's coefficient name. */
function checkCoefficients(r, block, { robust = false } = {}) {
  const names = r.coefficients.map((c) => c.r_name);
  assert.deepEqual([...names].sort(), [...block.terms].sort(), "R's coefficient names");
  block.terms.forEach((name, k) => {
    const j = names.indexOf(name);
    close(r.fit.coef[j], block.coef[k], STAT_REL, `coef ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr[j], block.hr[k], STAT_REL, `HR ${name}`, { abs: ABS_FLOOR });
    close(r.fit.se[j], block.se[k], STAT_REL, `se ${name}`, { abs: ABS_FLOOR });
    close(r.fit.p[j], block.p[k], STAT_REL, `p ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr_lower[j], block.hr_lower95[k], STAT_REL, `HR lower ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr_upper[j], block.hr_upper95[k], STAT_REL, `HR upper ${name}`, { abs: ABS_FLOOR });
    if (robust) {
      const rb = block.robust;
      close(r.fit.robust.se[j], rb.se[k], STAT_REL, `robust se ${name}`, { abs: ABS_FLOOR });
      close(r.fit.robust.p[j], rb.p[k], STAT_REL, `robust p ${name}`, { abs: ABS_FLOOR });
      close(r.fit.robust.hr_lower[j], rb.hr_lower95[k], STAT_REL, `robust HR lower ${name}`, { abs: ABS_FLOOR });
      close(r.fit.robust.hr_upper[j], rb.hr_upper95[k], STAT_REL, `robust HR upper ${name}`, { abs: ABS_FLOOR });
    }
  });
  assert.equal(r.fit.n, block.n);
  assert.equal(r.fit.nevent, block.nevent);
  close(r.fit.loglik_final, block.loglik_final, STAT_REL, "loglik", { abs: ABS_FLOOR });
  for (const t of ["lr_test", "wald_test", "score_test"]) {
    close(r.fit[t].stat, block[t].stat, STAT_REL, `${t} stat`, { abs: ABS_FLOOR });
    assert.equal(r.fit[t].df, block[t].df, `${t} df`);
    close(r.fit[t].p, block[t].p, STAT_REL, `${t} p`, { abs: ABS_FLOOR });
  }
  close(r.fit.concordance.c, block.concordance.c, STAT_REL, "concordance", { abs: ABS_FLOOR });
  close(r.fit.concordance.se, block.concordance.se, STAT_REL, "concordance SE", { abs: ABS_FLOOR });
}

test("veteran: Efron and Breslow fits equal R's coxph", () => {
  const ref = reference("03_veteran");
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  for (const ties of ["efron", "breslow"]) {
    const block = ref.cox[ties];
    const r = ds.cox({ ...VETERAN, ties });
    checkCoefficients(r, block);
    assert.equal(r.n_used, 137);
    assert.deepEqual(r.dropped, []);
    assert.match(r.settings_text, ties === "efron" ? /Efron's approximation .*R's default/ : /Breslow's approximation .*Stata's default/);
    assert.match(r.settings_text, /Reference levels: celltype = squamous/);
  }
  ds.free();
});

test("veteran: the table groups celltype's levels under it, reference first", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  const r = ds.cox(VETERAN);
  const labels = r.hr_table.rows.map((row) => row[0]);
  assert.deepEqual(labels.slice(0, 6), ["trt", "celltype", "squamous (n = 35)", "adeno (n = 27)", "large (n = 27)", "smallcell (n = 48)"]);
  assert.deepEqual(r.hr_row_kinds.slice(0, 6), ["numeric", "factor", "reference", "level", "level", "level"]);
  assert.equal(r.hr_table.rows[2][1], "reference");
  assert.deepEqual(r.hr_table.header, ["Covariate", "HR (95% CI)", "p"]);
  // The printed HR is R's, rounded.
  const adeno = r.coefficients.findIndex((c) => c.r_name === "celltypeadeno");
  assert.equal(r.hr_table.rows[3][1], `${r.fit.hr[adeno].toFixed(2)} (${r.fit.hr_lower[adeno].toFixed(2)}–${r.fit.hr_upper[adeno].toFixed(2)})`);
  // celltype's row p: the 3-df Wald test of its levels together.
  assert.equal(r.term_tests.length, 1);
  assert.equal(r.term_tests[0].term, "celltype");
  assert.equal(r.term_tests[0].df, 3);
  // Forest plot: one panel, rows as in the table, the reference marked.
  assert.equal(r.plot.panels.length, 1);
  assert.equal(r.plot.rows.length, r.hr_table.rows.length);
  assert.ok(r.plot.rows[1].is_header && r.plot.rows[2].is_reference);
  assert.match(r.tests_text[0], /^Likelihood-ratio test: χ² = \d+\.\d\d, df = 8, p < 0\.001$/);
  assert.match(r.tests_text.at(-1), /^Concordance \(Harrell's C\): 0\.\d{3} \(SE 0\.\d{3}\)$/);
  ds.free();
});

test("lung: the row missing ph.ecog is left out, named by its line; cox.zph equals R", () => {
  const ref = reference("02_lung");
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const options = { time: "time", event: "status", event_values: ["2"], covariates: [{ column: "age" }, { column: "sex" }, { column: "ph.ecog" }] };
  const r = ds.cox(options);
  checkCoefficients(r, ref.cox.efron);
  assert.equal(r.n_read - r.n_used, ref.cox.efron.n_dropped_missing);
  assert.deepEqual(r.dropped, [{ column: "ph.ecog", count: 1, lines: [15] }]);
  assert.equal(r.n_text, "227 of 228 patients analysed (164 events).");
  const missing = r.warnings.find((w) => w.code === "missing_covariate_values");
  assert.deepEqual(missing?.columns, [{ column: "ph.ecog", count: 1, lines: [15] }]);
  assert.match(missing.message, /"ph\.ecog" missing in 1 \(line 15\)/);

  const zph = ref.cox_zph.efron_km;
  const rows = [...r.zph.terms, r.zph.global];
  assert.deepEqual(rows.map((t) => t.term), zph.terms);
  rows.forEach((t, k) => {
    close(t.chisq, zph.chisq[k], STAT_REL, `zph chisq ${t.term}`, { abs: ABS_FLOOR });
    assert.equal(t.df, zph.df[k]);
    close(t.p, zph.p[k], STAT_REL, `zph p ${t.term}`, { abs: ABS_FLOOR });
  });
  assert.equal(r.zph_table.rows.at(-1)[0], "GLOBAL");
  assert.match(r.zph_text, /1 − Kaplan–Meier/);
  const identity = ds.cox({ ...options, zph_transform: "identity" });
  identity.zph.terms.forEach((t, k) => close(t.chisq, ref.cox_zph.efron_identity.chisq[k], STAT_REL, `identity ${t.term}`, { abs: ABS_FLOOR }));
  assert.match(identity.zph_text, /g\(t\) = t/);
  ds.free();
});

test("lung: robust variance as coxph(robust = TRUE), with both SE columns", () => {
  const ref = reference("02_lung");
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const r = ds.cox({ time: "time", event: "status", event_values: ["2"], robust: true,
    covariates: [{ column: "age" }, { column: "sex" }, { column: "ph.ecog" }] });
  checkCoefficients(r, ref.cox.efron_robust, { robust: true });
  assert.deepEqual(r.hr_table.header, ["Covariate", "HR (95% CI)", "p", "SE (model)", "Robust SE"]);
  const rb = ref.cox.efron_robust.robust;
  close(r.fit.robust.wald_test.stat, rb.wald_test.stat, STAT_REL, "robust Wald", { abs: ABS_FLOOR });
  close(r.fit.robust.robust_score_test.stat, rb.robust_score_test.stat, STAT_REL, "robust score", { abs: ABS_FLOOR });
  // The printed CI is the robust one, as summary.coxph prints it.
  const sex = r.coefficients.findIndex((c) => c.r_name === "sex");
  assert.equal(r.hr_table.rows[sex][1], `${r.fit.hr[sex].toFixed(2)} (${rb.hr_lower95[sex].toFixed(2)}–${rb.hr_upper95[sex].toFixed(2)})`);
  assert.match(r.settings_text, /Robust \(sandwich\) variance/);
  assert.ok(r.tests_text.some((t) => t.startsWith("Robust score test")));
  ds.free();
});

test("errors name the column, line and value", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const base = { time: "time", event: "status", event_values: ["2"] };
  assert.match(errorOf(() => ds.cox({ ...base, covariates: [{ column: "weight" }] })), /no column named "weight"/);
  assert.match(errorOf(() => ds.cox({ ...base, covariates: [] })), /at least one covariate/);
  assert.match(errorOf(() => ds.cox({ ...base, covariates: [{ column: "time" }] })), /"time" is the time column/);
  assert.match(errorOf(() => ds.cox({ ...base, event_values: ["2"], covariates: [{ column: "age" }], conf_level: 2 })), /confidence level/);
  ds.free();

  // One level only among the patients: no effect can be estimated.
  const one = "time,status,arm,age\n5,1,A,60\n8,0,A,71\n12,1,A,55\n20,1,A,64\n";
  const d1 = survcalc.Dataset.fromCsv(one, "one.csv", {});
  assert.match(errorOf(() => d1.cox({ time: "time", event: "status", event_values: ["1"], covariates: [{ column: "arm" }] })),
    /Column "arm" has only one value \("A"\)/);
  d1.free();

  // A word in a number column: named with its file line and value.
  const lines = fixture("02_lung").split("\n");
  const cells = lines[4].split(",");
  cells[3] = "seventy";
  lines[4] = cells.join(",");
  const d2 = survcalc.Dataset.fromCsv(lines.join("\n"), "lung-typo.csv", {});
  for (const covariate of [{ column: "age" }, { column: "age", kind: "numeric" }]) {
    const message = errorOf(() => d2.cox({ ...base, covariates: [covariate, { column: "sex" }] }));
    assert.match(message, /Column "age", line 5: "seventy" is not a number/);
  }
  d2.free();
});

test("shuffling the rows changes nothing", () => {
  const text = fixture("03_veteran");
  const [header, ...rows] = text.trim().split("\n");
  const shuffled = [header, ...rows.reverse()].join("\n");
  const a = survcalc.Dataset.fromCsv(text, "a.csv", {});
  const b = survcalc.Dataset.fromCsv(shuffled, "b.csv", {});
  const ra = a.cox(VETERAN);
  const rb = b.cox(VETERAN);
  ra.fit.coef.forEach((c, j) => close(rb.fit.coef[j], c, 1e-9, `coef ${j}`, { abs: ABS_FLOOR }));
  assert.deepEqual(rb.hr_table, ra.hr_table);
  a.free();
  b.free();
});

test("the forest plot is laid out without a page: its SVG is made under Node", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const r = ds.cox({ time: "time", event: "status", event_values: ["2"], covariates: [{ column: "age" }] });
  assert.ok(charts.forestPlotHeight(r.plot, { width: 900, height: 0, scale: 1 }) > 100);
  const svg = charts.forestSvg(r.plot);
  assert.match(svg, /^<svg [^>]*width="175mm"/);
  assert.match(svg, />\s*HR \(95% CI\)\s*</);
  ds.free();
});
