// dataset.modelTable under Node: the univariate + multivariable table of
// the model paper's Figs. 2–5 against R (tests/reference; each block's
// `call` is the R call), separation and Firth, the layout, CSV and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, STAT_REL, ABS_FLOOR } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

const row = (r, term, level = null) => r.table.rows.find((x) => x.term === term && x.level === level);

/** A cell against coefficient k of an R glm block (OR, CI, p). */
function checkCell(cell, block, k, what, { lower = "wald_ci_or_lower", upper = "wald_ci_or_upper", p = "p" } = {}) {
  close(cell.estimate, block.or[k], STAT_REL, `${what} OR`, { abs: ABS_FLOOR });
  close(cell.lower, block[lower][k], STAT_REL, `${what} lower`, { abs: ABS_FLOOR });
  close(cell.upper, block[upper][k], STAT_REL, `${what} upper`, { abs: ABS_FLOOR });
  close(cell.p, block[p][k], STAT_REL, `${what} p`, { abs: ABS_FLOOR });
}

// glm(case ~ x, family = binomial, data = infert) per x, and
// glm(case ~ spontaneous + induced + education, ...): education's reference is 0-5yrs.
const INFERT = {
  outcome: { type: "binary", column: "case", event_values: ["1"] },
  candidates: [{ column: "spontaneous" }, { column: "induced" }, { column: "education" }],
  multivariable: ["spontaneous", "induced", "education"],
};

test("infert: univariate and multivariable odds ratios equal R's glm", () => {
  const l = reference("06_infert").logistic;
  const ds = survcalc.Dataset.fromCsv(fixture("06_infert"), "infert.csv", {});
  const r = ds.modelTable(INFERT);
  checkCell(row(r, "spontaneous").univariate, l.univariate_spontaneous, 1, "uni spontaneous");
  checkCell(row(r, "induced").univariate, l.univariate_induced, 1, "uni induced");
  checkCell(row(r, "education", "6-11yrs").univariate, l.univariate_education, 1, "uni 6-11yrs");
  checkCell(row(r, "education", "12+ yrs").univariate, l.univariate_education, 2, "uni 12+ yrs");
  const m = l.multivariable;
  checkCell(row(r, "spontaneous").multivariable, m, 1, "multi spontaneous");
  checkCell(row(r, "induced").multivariable, m, 2, "multi induced");
  checkCell(row(r, "education", "6-11yrs").multivariable, m, 3, "multi 6-11yrs");
  checkCell(row(r, "education", "12+ yrs").multivariable, m, 4, "multi 12+ yrs");
  assert.equal(r.table.multivariable.n, m.n);

  // The display table: what a paper prints, reference level first with its n.
  assert.deepEqual(r.display_table.header,
    ["Factor", "Univariate OR (95% CI)", "p", "Multivariable OR (95% CI)", "p"]);
  assert.deepEqual(r.display_table.rows.map((x) => x[0]),
    ["spontaneous", "induced", "education", "0-5yrs (n = 12)", "6-11yrs (n = 120)", "12+ yrs (n = 116)"]);
  assert.deepEqual(r.row_kinds, ["numeric", "numeric", "factor", "reference", "level", "level"]);
  const s = row(r, "spontaneous").univariate;
  assert.equal(r.display_table.rows[0][1], `${s.estimate.toFixed(2)} (${s.lower.toFixed(2)}–${s.upper.toFixed(2)})`);
  assert.equal(r.display_table.rows[0][2], "<0.001");
  assert.deepEqual(r.display_table.rows[3].slice(1), ["reference", "", "reference", ""]);

  // Two forest panels, one row per table row; the reference is printed, not drawn.
  assert.deepEqual(r.plot.panels.map((p) => p.title), ["Univariate", "Multivariable"]);
  assert.equal(r.plot.rows.length, r.display_table.rows.length);
  assert.ok(r.plot.rows[2].is_header);
  assert.equal(r.plot.rows[3].estimates[0].text, "reference");
  assert.equal(r.plot.rows[3].estimates[0].estimate, null);
  assert.match(r.multivariable_text, /chosen by the user: spontaneous, induced, education/);
  assert.match(r.settings_text, /^Outcome: "case" = "1" \(coded 1\) against every other value: "0" \(coded 0\)\./);
  assert.match(r.settings_text, /95% Wald confidence intervals/);
  assert.deepEqual(r.warnings, []);
  ds.free();
});

test("infert: profile-likelihood intervals on request equal the exact profile limits", () => {
  const m = reference("06_infert").logistic.multivariable;
  const ds = survcalc.Dataset.fromCsv(fixture("06_infert"), "infert.csv", {});
  const r = ds.modelTable({ ...INFERT, ci: "profile" });
  const opts = { lower: "profile_ci_exact_or_lower", upper: "profile_ci_exact_or_upper" };
  checkCell(row(r, "spontaneous").multivariable, m, 1, "profile spontaneous", opts);
  checkCell(row(r, "education", "12+ yrs").multivariable, m, 4, "profile 12+ yrs", opts);
  assert.match(r.settings_text, /profile-likelihood confidence intervals/);
  ds.free();
});

test("infert: the p-threshold rule chooses the multivariable model", () => {
  const l = reference("06_infert").logistic;
  const ds = survcalc.Dataset.fromCsv(fixture("06_infert"), "infert.csv", {});
  const r = ds.modelTable({ ...INFERT, multivariable: null });
  assert.deepEqual(r.proposed, ["spontaneous"]);
  assert.deepEqual(r.table.multivariable.terms, ["spontaneous"]);
  assert.match(r.selection_text, /^Factors with univariate p < 0\.05 entered the multivariable model/);
  assert.equal(r.multivariable_text, r.selection_text);
  checkCell(row(r, "spontaneous").multivariable, l.univariate_spontaneous, 1, "rule spontaneous");
  assert.equal(row(r, "induced").multivariable.text, "");
  // No multivariable model: one forest panel.
  const none = ds.modelTable({ ...INFERT, multivariable: [] });
  assert.equal(none.table.multivariable, null);
  assert.equal(none.plot.panels.length, 1);
  assert.match(none.multivariable_text, /No multivariable model was requested/);
  const strict = ds.modelTable({ ...INFERT, multivariable: null, threshold: 1e-12 });
  assert.match(strict.multivariable_text, /None qualified/);
  ds.free();
});

test("infert: the CSV holds the formatted cells and the full-precision numbers", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("06_infert"), "infert.csv", {});
  const r = ds.modelTable(INFERT);
  const lines = r.csv.trim().split("\r\n");
  assert.equal(lines.length, 1 + r.table.rows.length);
  assert.match(lines[0], /^Factor,Level,n,Univariate OR \(95% CI\),Univariate p,Multivariable OR \(95% CI\),Multivariable p,univariate_or,/);
  const spontaneous = lines[1].split(",");
  assert.equal(spontaneous[0], "spontaneous");
  assert.equal(Number(spontaneous[7]), row(r, "spontaneous").univariate.estimate);
  assert.equal(Number(spontaneous[14]), row(r, "spontaneous").multivariable.p);
  assert.ok(lines.some((l) => l.startsWith("education,0-5yrs,12,reference,")));
  ds.free();
});

// brglm2::endometrial: NV separates the outcome (quasi-complete).
const ENDOMETRIAL = {
  outcome: { column: "HG", event_values: ["1"] },
  candidates: [{ column: "NV" }, { column: "PI" }, { column: "EH" }],
  multivariable: ["NV", "PI", "EH"],
};

test("endometrial: separation is named and Firth's fit equals logistf", () => {
  const f = reference("07_separation").logistic.endometrial_firth;
  const ds = survcalc.Dataset.fromCsv(fixture("07_separation"), "endometrial.csv", {});
  const ml = ds.modelTable(ENDOMETRIAL);
  const separation = ml.warnings.find((w) => w.code === "separation" && w.context?.kind === "univariate_model");
  assert.deepEqual([separation?.context.term, separation?.kind, separation?.terms], ["NV", "quasi_complete", ["NV"]]);
  assert.ok(separation.message.startsWith('Univariate model of "NV": Separation (quasi-complete) in "NV"'), separation.message);
  assert.match(separation.message, /Firth/);
  assert.equal(row(ml, "NV").univariate.text, "not estimable (separation)");
  assert.equal(row(ml, "NV").multivariable.text, "not estimable (separation)");
  // Not drawn: no square, no interval, only the words.
  assert.equal(ml.plot.rows[0].estimates[0].estimate, null);

  const firth = ds.modelTable({ ...ENDOMETRIAL, firth: true, ci: "profile" });
  const fit = firth.table.multivariable.fit;
  assert.equal(fit.model, "logistic");
  f.terms.forEach((name, k) => {
    const term = fit.terms.find((t) => t.term === name || (k === 0 && t.term === "(Intercept)"));
    close(term.coef, f.coef[k], STAT_REL, `Firth coef ${name}`, { abs: ABS_FLOOR });
    close(term.se, f.se[k], STAT_REL, `Firth se ${name}`, { abs: ABS_FLOOR });
  });
  ["NV", "PI", "EH"].forEach((name, i) => {
    const cell = row(firth, name).multivariable;
    close(cell.estimate, f.or[i + 1], STAT_REL, `Firth OR ${name}`, { abs: ABS_FLOOR });
    close(cell.lower, f.profile_pl_ci_or_lower[i + 1], STAT_REL, `Firth lower ${name}`, { abs: ABS_FLOOR });
    close(cell.upper, f.profile_pl_ci_or_upper[i + 1], STAT_REL, `Firth upper ${name}`, { abs: ABS_FLOOR });
    close(cell.p, f.plr_p[i + 1], STAT_REL, `Firth p ${name}`, { abs: ABS_FLOOR });
  });
  assert.ok(!firth.warnings.some((w) => w.code === "separation"));
  assert.match(firth.settings_text, /Firth's penalised likelihood/);
  ds.free();
});

test("a comparison of two groups leaves the third out and says so", () => {
  const text = "grp,x\n" + ["a,1", "a,2", "b,3", "b,1", "c,5", "c,2", "a,4", "b,2", ",3", "c,1"].join("\n") + "\n";
  const ds = survcalc.Dataset.fromCsv(text, "groups.csv", {});
  const all = ds.modelTable({ outcome: { column: "grp", event_values: ["a"] }, candidates: [{ column: "x" }], multivariable: [] });
  assert.equal(all.table.outcome.n, 9);
  assert.match(all.settings_text, /"grp" = "a" \(coded 1\) against every other value: "b", "c" \(coded 0\)\. 1 patient with no value in "grp"/);
  const two = ds.modelTable({ outcome: { column: "grp", event_values: ["a"], non_event_values: ["b"] }, candidates: [{ column: "x" }], multivariable: [] });
  assert.equal(two.table.outcome.n, 6);
  assert.equal(two.table.outcome.n_events, 3);
  assert.match(two.settings_text, /"grp" = "a" \(coded 1\) against "b" \(coded 0\); 3 patients with another value left out\./);
  assert.deepEqual([two.warnings[0].code, two.warnings[0].removed], ["outcome_restricted", 3]);
  assert.ok(two.warnings[0].message.startsWith('Only patients with "grp" = "a", "b" are compared'), two.warnings[0].message);
  // Stated in the settings line, not repeated as a warning.
  assert.ok(!two.warnings.some((w) => w.code === "rows_left_out" && w.reason === "missing"), two.warnings.map((w) => w.message).join("\n"));
  ds.free();
});

test("survival outcome: hazard ratios as coxph, one model per factor", () => {
  const ref = reference("02_lung").cox.efron;
  const ds = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const r = ds.modelTable({
    outcome: { type: "survival", time: "time", event: "status", event_values: ["2"] },
    candidates: [{ column: "age" }, { column: "sex" }, { column: "ph.ecog" }],
    multivariable: ["age", "sex", "ph.ecog"],
  });
  ref.terms.forEach((name, k) => {
    const cell = row(r, name).multivariable;
    close(cell.estimate, ref.hr[k], STAT_REL, `HR ${name}`, { abs: ABS_FLOOR });
    close(cell.lower, ref.hr_lower95[k], STAT_REL, `HR lower ${name}`, { abs: ABS_FLOOR });
    close(cell.upper, ref.hr_upper95[k], STAT_REL, `HR upper ${name}`, { abs: ABS_FLOOR });
    close(cell.p, ref.p[k], STAT_REL, `p ${name}`, { abs: ABS_FLOOR });
  });
  assert.deepEqual(r.display_table.header, ["Factor", "Univariate HR (95% CI)", "p", "Multivariable HR (95% CI)", "p"]);
  assert.match(r.settings_text, /Efron ties/);
  assert.match(r.n_text, /Multivariable model: 227 patients \(164 events\), 1 left out for a missing factor/);
  ds.free();
});

test("errors name what to change", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("06_infert"), "infert.csv", {});
  assert.match(errorOf(() => ds.modelTable({ ...INFERT, candidates: [] })), /at least one factor/);
  assert.match(errorOf(() => ds.modelTable({ ...INFERT, outcome: { column: "" } })), /Choose the outcome column/);
  assert.match(errorOf(() => ds.modelTable({ ...INFERT, candidates: [{ column: "parity2" }] })), /no column named "parity2"/);
  assert.match(errorOf(() => ds.modelTable({ ...INFERT, multivariable: ["age"] })), /"age" is in the multivariable model but not among the factors/);
  assert.match(errorOf(() => ds.modelTable({ ...INFERT, candidates: [{ column: "case" }] })), /"case" is the outcome/);
  assert.match(errorOf(() => ds.modelTable({ ...INFERT, threshold: 0 })), /threshold/);
  ds.free();
});

test("synthetic cohort: primary resistance vs the rest, and the immortal-time caution", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { root } = await import("../support/wasm.mjs");
  const csv = readFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), "utf8");
  const ds = survcalc.Dataset.fromCsv(csv, "synthetic_hcc_cohort.csv", {});
  ds.classify({ columns: ds.suggestCohortColumns() });
  const candidates = [{ column: "child_pugh" }, { column: "bclc" }, { column: "combination" }, { column: "afp_ge_400" }];
  const r = ds.modelTable({ outcome: { column: "resistance_group", event_values: ["primary resistance"] }, candidates });
  // 229 primary against 141 secondary + 126 durable; the 105 excluded have no group.
  assert.equal(r.table.outcome.n, 496);
  assert.equal(r.table.outcome.n_events, 229);
  assert.equal(r.table.outcome.n_read, 601);
  assert.match(r.settings_text, /against every other value: "secondary resistance", "durable response" \(coded 0\)\. 105 patients with no value/);
  // Fig. 3's comparison: secondary resistance vs durable response, primary left out.
  const secondary = ds.modelTable({
    outcome: { column: "resistance_group", event_values: ["secondary resistance"], non_event_values: ["durable response"] },
    candidates,
  });
  assert.equal(secondary.table.outcome.n, 267);
  assert.equal(secondary.table.outcome.n_events, 141);
  assert.match(secondary.settings_text, /229 patients with another value left out/);

  // Resistance groups as a fixed covariate of OS from treatment start: flagged; of PPS: not.
  const os = { type: "survival", time: "os_months", event: "os_event", event_values: ["1"] };
  const byGroup = ds.modelTable({ outcome: os, candidates: [{ column: "resistance_group" }], multivariable: [] });
  assert.equal(byGroup.warnings[0].code, "immortal_time");
  assert.match(byGroup.warnings[0].message, /immortal-time bias/);
  // `type` belongs to the model table's outcome only; Cox refuses options it does not have.
  const { type: _outcomeType, ...coxOutcome } = os;
  const cox = ds.cox({ ...coxOutcome, covariates: [{ column: "resistance_group" }] });
  assert.deepEqual([cox.warnings[0].code, cox.warnings[0].column, cox.warnings[0].role], ["immortal_time", "resistance_group", "covariate"]);
  const pps = ds.cox({ time: "pps_months", event: "pps_event", event_values: ["1"], covariates: [{ column: "bclc" }, { column: "resistance_group" }] });
  assert.ok(!pps.warnings.some((w) => w.code === "immortal_time"));
  ds.free();
});

test("the multivariable logistic model's deviance, AIC and LR test equal R's (infert)", () => {
  const ref = reference("06_infert").logistic.multivariable;
  const ds = survcalc.Dataset.fromCsv(fixture("06_infert"), "infert.csv", {});
  const r = ds.modelTable(INFERT);
  const fit = r.table.multivariable.fit;
  assert.ok(Math.abs(fit.deviance - ref.deviance) <= 1e-6 * ref.deviance);
  assert.ok(Math.abs(fit.aic - ref.aic) <= 1e-6 * ref.aic);
  assert.match(r.model_fit_text, new RegExp(`residual deviance ${ref.deviance.toFixed(2)} on ${ref.df_residual} df`));
  assert.match(r.model_fit_text, /AIC/);
});
