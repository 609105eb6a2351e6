// The wasm API as a program uses it (docs/api.md), under Node: parse once,
// ask for Kaplan–Meier, compare with R (tests/reference), and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, CLOSED_FORM_REL, STAT_REL, ABS_FLOOR } from "../support/check.mjs";

const survcalc = await loadSurvcalc();
const charts = await loadSurvcalc(undefined, "survcalc_charts");

test("summary lists columns, types and suggestions", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  const s = ds.summary();
  assert.equal(s.n_rows, 23);
  assert.deepEqual(s.columns.map((c) => c.name), ["time", "status", "x", "x_code"]);
  assert.equal(s.columns[0].type, "number");
  assert.equal(s.columns[2].type, "category");
  assert.deepEqual(s.columns[2].values, ["Maintained", "Nonmaintained"]);
  assert.equal(s.suggestions.time, "time");
  assert.equal(s.suggestions.event, "status");
  assert.deepEqual(s.suggestions.event_values, ["1"]);
  ds.free();
});

test("Kaplan–Meier by group equals R's survfit and survdiff (aml)", () => {
  const ref = reference("01_aml");
  const ds = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  for (const [confType, suffix] of [["log", "log"], ["log-log", "loglog"], ["plain", "plain"]]) {
    const r = ds.kaplanMeier({ time: "time", event: "status", event_values: ["1"], group: "x", conf_type: confType });
    const groups = r.fit.curves.filter((c) => c.group !== null);
    assert.equal(groups.length, 2);
    for (const curve of groups) {
      const expected = ref.km.by_x.strata[`x=${curve.label}`];
      const t = expected.table;
      assert.deepEqual(curve.table.time, t.time);
      assert.deepEqual(curve.table.n_risk, t.n_risk);
      assert.deepEqual(curve.table.n_event, t.n_event);
      t.surv.forEach((s, i) => close(curve.table.surv[i], s, CLOSED_FORM_REL, `surv[${i}]`, { abs: ABS_FLOOR }));
      t.std_err_cumhaz.forEach((s, i) => close(curve.table.std_err[i], s, CLOSED_FORM_REL, `std_err[${i}]`, { abs: ABS_FLOOR }));
      t[`lower_${suffix}`].forEach((s, i) => close(curve.table.lower[i], s, STAT_REL, `lower_${suffix}[${i}]`, { abs: ABS_FLOOR }));
      t[`upper_${suffix}`].forEach((s, i) => close(curve.table.upper[i], s, STAT_REL, `upper_${suffix}[${i}]`, { abs: ABS_FLOOR }));
      const m = expected.summary[suffix];
      assert.equal(curve.median.quantile, m.median, `median ${curve.label} ${suffix}`);
      assert.equal(curve.median.lower, m.median_lcl);
      assert.equal(curve.median.upper, m.median_ucl);
    }
    const lr = ref.logrank.by_x_rho0;
    close(r.logrank.chisq, lr.chisq, CLOSED_FORM_REL, "chisq", { abs: ABS_FLOOR });
    assert.equal(r.logrank.df, lr.df);
    close(r.logrank.p, lr.p, STAT_REL, "p", { abs: ABS_FLOOR });
  }
  ds.free();
});

test("the result carries formatted tables, the test and the plot", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  const r = ds.kaplanMeier({ time: "time", event: "status", event_values: ["1"], group: "x", time_unit: "weeks" });
  assert.deepEqual(r.summary_table.header, ["x", "n", "Events", "Median, weeks (95% CI)"]);
  assert.deepEqual(r.summary_table.rows.map((row) => row[0]), ["All patients", "Maintained", "Nonmaintained"]);
  assert.match(r.test_text, /^Log-rank test: χ² = 3\.40, df = 1, p = 0\.065$/);
  assert.match(r.settings_text, /log transform \(R's default\)/);
  assert.equal(r.plot.curves.length, 2);
  assert.equal(r.plot.curves[0].at_risk[0], 11);
  // The layout measures text with Arial's widths, so the SVG needs no page:
  // at its print size (120 mm by default), text in points.
  const svg = charts.kaplanMeierSvg(r.plot);
  assert.match(svg, /^<svg [^>]*width="120mm"/);
  assert.match(svg, />\s*Log-rank p = 0\.065\s*</);
  assert.match(svg, />\s*Nonmaintained vs Maintained: HR [\d.]+ \(95% CI [\d.]+–[\d.]+\)\s*</);
  ds.free();
});

test("lung: status 1/2 with 2 = dead, overall curve equals R", () => {
  const ref = reference("02_lung").km.overall.strata.all;
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  assert.deepEqual(ds.summary().suggestions.event_values, ["2"]);
  const r = ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"] });
  const c = r.fit.curves[0];
  ref.table.surv.forEach((s, i) => close(c.table.surv[i], s, CLOSED_FORM_REL, `surv[${i}]`, { abs: ABS_FLOOR }));
  assert.equal(c.median.quantile, ref.summary.log.median);
  assert.equal(r.logrank, null);
  ds.free();
});

test("months from days are stated and scale the median", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const days = ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"] });
  const months = ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"], time_unit: "days", display_unit: "months" });
  close(months.fit.curves[0].median.quantile, days.fit.curves[0].median.quantile / 30.4375, 1e-12, "median in months", { abs: ABS_FLOOR });
  assert.match(months.settings_text, /months = days \/ 30\.4375/);
  ds.free();
});

test("bad input gives a message with column, line and value; the module keeps working", () => {
  const { Dataset } = survcalc;
  assert.match(errorOf(() => Dataset.fromCsv("", "empty.csv", {})), /empty/i);
  assert.match(errorOf(() => Dataset.fromCsv("time,status\n", "header.csv", {})), /no data rows/i);
  assert.match(errorOf(() => Dataset.fromCsv("time,status\n1,0\n2,1,9\n", "ragged.csv", {})), /[Ll]ine 3/);

  const text = Dataset.fromCsv("time,status\n5,1\n7,0\nabc,1\n9,1\n", "t.csv", {});
  const message = errorOf(() => text.kaplanMeier({ time: "time", event: "status", event_values: ["1"] }));
  assert.match(message, /"time"/);
  assert.match(message, /line 4/);
  assert.match(message, /"abc"/);

  const negative = Dataset.fromCsv("time,status\n5,1\n-2,0\n", "n.csv", {});
  const neg = errorOf(() => negative.kaplanMeier({ time: "time", event: "status", event_values: ["1"] }));
  assert.match(neg, /"time"/);
  assert.match(neg, /line 3/);
  assert.match(neg, /-2/);

  const codes = Dataset.fromCsv("time,status\n5,1\n7,0\n8,9\n", "c.csv", {});
  const bad = errorOf(() => codes.kaplanMeier({ time: "time", event: "status", event_values: ["1"], censor_values: ["0"] }));
  assert.match(bad, /"status"/);
  assert.match(bad, /line 4/);
  assert.match(bad, /9/);

  // The instance survived every error above.
  const ok = Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  assert.equal(ok.kaplanMeier({ time: "time", event: "status", event_values: ["1"] }).fit.curves[0].n, 23);
});

test("survival at times, RMST and median follow-up equal R (lung)", () => {
  const ref = reference("02_lung");
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const r = ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"], times: [180, 365, 730], rmst_tau: 365 });
  const at = ref.km.overall.strata.all.at_times;
  assert.deepEqual(r.at_times_table.rows.map((row) => row[2]), at.n_risk.map(String));
  // Displayed as percentages with one decimal, from R's surv.
  assert.deepEqual(r.at_times_table.rows.map((row) => row[3]), at.surv.map((s) => `${(100 * s).toFixed(1)}%`));
  const follow = ref.km.reverse_km_followup_overall.strata.all.summary.log;
  assert.ok(r.follow_up_text.includes(String(follow.median)), r.follow_up_text);
  assert.deepEqual(r.follow_up, { median: follow.median, lower: follow.median_lcl, upper: follow.median_ucl });
  assert.deepEqual(r.survival_at_times[0].n_risk, at.n_risk);
  assert.equal(r.rmst_table.rows.length, 1);
  assert.equal(r.rmst_difference_text, null, "no difference without two groups");
  const bySex = ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"], group: "sex", rmst_tau: 365 });
  // By default the second group minus the first (survRM2's arm 1 − arm 0);
  // the numbers behind the text reach JS as numbers (checked against R in
  // crate/analysis/tests/km_request.rs).
  assert.match(bySex.rmst_difference_text, /^RMST difference \(2 − 1\) up to 365: /);
  assert.deepEqual([bySex.rmst_difference.group, bySex.rmst_difference.reference], ["2", "1"]);
  for (const key of ["estimate", "se", "z", "lower", "upper", "p"]) assert.equal(typeof bySex.rmst_difference[key], "number", key);
  assert.deepEqual(bySex.rmst.map((e) => e.label), ["All patients", "1", "2"]);
  const swapped = ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"], group: "sex", rmst_tau: 365, rmst_contrast: ["1", "2"] });
  assert.equal(swapped.rmst_difference.estimate, -bySex.rmst_difference.estimate);
  assert.match(errorOf(() => ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"], group: "sex", rmst_tau: 365, rmst_contrast: ["male", "2"] })),
    /no group "male"\. Groups: "1", "2"/);
  assert.throws(() => ds.kaplanMeier({ time: "time", event: "status", event_values: ["2"], rmst_tau: -1 }), /positive/);
});

test("column types can be declared: dates by order, numbers as categories", () => {
  const csv = "id,start,stage\nA,03/04/2021,1\nB,05/06/2021,2\n";
  const inferred = survcalc.Dataset.fromCsv(csv, "d.csv", {}).summary();
  assert.equal(inferred.columns[1].type, "ambiguous_date");
  const declared = survcalc.Dataset.fromCsv(csv, "d.csv", {
    column_types: { start: { date: "day_month_year" }, stage: "category" },
  }).summary();
  assert.equal(declared.columns[1].type, "date");
  assert.equal(declared.columns[1].date_order, "day_month_year");
  assert.match(declared.columns[1].preview, /2021-04-03/);
  assert.equal(declared.columns[2].type, "category");
});

test("log-rank options equal R: Peto-Peto (aml), stratified (veteran), trend (lung)", () => {
  const aml = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  const rho1 = aml.kaplanMeier({ time: "time", event: "status", event_values: ["1"], group: "x", rho: 1 });
  const ref1 = reference("01_aml").logrank.by_x_rho1;
  close(rho1.logrank.chisq, ref1.chisq, CLOSED_FORM_REL, "rho=1 chisq", { abs: ABS_FLOOR });
  assert.match(rho1.test_text, /^Peto–Peto test \(rho = 1\)/);

  const vet = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  const refS = reference("03_veteran").logrank.by_trt_strata_celltype;
  const strat = vet.kaplanMeier({ time: "time", event: "status", event_values: ["1"], group: "trt", strata: "celltype" });
  close(strat.logrank.chisq, refS.chisq, CLOSED_FORM_REL, "stratified chisq", { abs: ABS_FLOOR });
  close(strat.logrank.p, refS.p, STAT_REL, "stratified p", { abs: ABS_FLOOR });
  assert.match(strat.test_text, /stratified by celltype/);

  const lung = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const refT = reference("02_lung").logrank.trend_ph_ecog;
  const trend = lung.kaplanMeier({ time: "time", event: "status", event_values: ["2"], group: "ph.ecog", trend: true, pairwise: "holm" });
  close(trend.trend.chisq, refT.chisq, CLOSED_FORM_REL, "trend chisq", { abs: ABS_FLOOR });
  assert.match(trend.trend_text, /^Test for trend across 0 < 1 < 2 < 3/);
  assert.equal(trend.pairwise_table.rows.length, 6);
  assert.match(trend.pairwise_table.header[3], /Holm/);
});
