// dataset.competingRisks, dataset.subgroups and the presets under Node:
// cmprsk 2.2 and survival 3.5 on mgus2 (tests/reference/11_mgus2_competing;
// each block's `call` is the R call), and errors a clinician can act on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, COEF_REL, STAT_REL, CRR_COEF_REL, CRR_SE_REL } from "../support/check.mjs";

const survcalc = await loadSurvcalc();
const ref = reference("11_mgus2_competing");
const mgus2 = () => survcalc.Dataset.fromCsv(fixture("11_mgus2_competing"), "mgus2.csv");
const OPTIONS = {
  time: "etime", event: "event", event_values: [1], competing_values: [2],
  event_label: "progression", competing_label: "death", group: "sex", times: [60, 120, 240, 360],
};

test("cumulative incidence at times, Gray's test and Fine–Gray match cmprsk", () => {
  const data = mgus2();
  const r = data.competingRisks({ ...OPTIONS, covariates: [{ column: "age" }, { column: "sex" }, { column: "hgb" }] });
  // timepoints(cuminc(etime, event, sex), c(60, 120, 240, 360)): rows "F 1", "M 1", "F 2", "M 2".
  const at = ref.cif.by_sex.at_times;
  at.rownames.forEach((name, row) => {
    const [group, cause] = name.split(" ");
    const ours = r.at_times.find((a) => a.label === group && a.cause === Number(cause));
    at.times.forEach((t, k) => {
      close(ours.estimate[k], at.est.rows[row][k], COEF_REL, `${name} est at ${t}`);
      close(ours.var_gray[k], at.var.rows[row][k], COEF_REL, `${name} var at ${t}`);
    });
  });
  ref.cif.by_sex.gray_test.cause.forEach((_, k) => {
    close(r.gray_tests[k].test.stat, ref.cif.by_sex.gray_test.stat[k], STAT_REL, `Gray stat ${k + 1}`);
    close(r.gray_tests[k].test.p, ref.cif.by_sex.gray_test.p[k], STAT_REL, `Gray p ${k + 1}`);
  });
  assert.match(r.test_text[0], /^Gray's test, progression by sex: χ² = 1\.19, df = 1, p = 0\.27/);
  // crr(etime, event, cov1 = model.matrix(~ age + sex + hgb)[, -1]) on complete cases.
  const crr = ref.crr.pcm;
  crr.terms.forEach((term, j) => {
    assert.equal(r.fine_gray.fit.terms[j], term);
    close(r.fine_gray.fit.coef[j], crr.coef[j], CRR_COEF_REL, `crr coef ${term}`);
    close(r.fine_gray.fit.se[j], crr.se[j], CRR_SE_REL, `crr se ${term}`);
    close(r.fine_gray.fit.shr_upper[j], crr.hr_upper[j], CRR_SE_REL, `crr upper ${term}`);
  });
  assert.equal(r.fine_gray.fit.n, crr.n);
  assert.deepEqual(r.fine_gray.shr_table.header, ["Covariate", "SHR (95% CI)", "p"]);
  assert.match(r.questions_text, /cause-specific Cox model/);
  // The cause-specific model is one call away.
  const cox = data.cox(r.cause_specific_cox);
  assert.deepEqual(r.cause_specific_cox.censor_values, ["0", "2"]);
  assert.match(cox.settings_text, /censored: event = 0 or 2/);
  assert.equal(r.plot.start, 0);
  data.free();
});

test("the infinitesimal-jackknife SE matches survival's multi-state survfit", () => {
  const data = mgus2();
  const r = data.competingRisks({ ...OPTIONS, variance: "infinitesimal_jackknife" });
  const aj = ref.aj.by_sex;
  aj.strata.forEach((stratum, row) => {
    const group = stratum.replace("sex=", "");
    const k = row % 4;
    for (const cause of [1, 2]) {
      const ours = r.at_times.find((a) => a.label === group && a.cause === cause);
      close(ours.estimate[k], aj.pstate.rows[row][cause], COEF_REL, `${stratum} pstate`);
      close(ours.se_ij[k], aj.std_err.rows[row][cause], STAT_REL, `${stratum} std.err`);
      close(ours.lower[k], aj.lower.rows[row][cause], STAT_REL, `${stratum} lower`);
      close(ours.upper[k], aj.upper.rows[row][cause], STAT_REL, `${stratum} upper`);
    }
  });
  data.free();
});

test("competing-risks mistakes are explained", () => {
  const data = mgus2();
  assert.match(errorOf(() => data.competingRisks({ ...OPTIONS, competing_values: [1] })), /both as the event of interest and as a competing event/);
  assert.match(errorOf(() => data.competingRisks({ ...OPTIONS, varience: "gray" })), /Unknown option "varience" for competing risks; did you mean "variance"\?/);
  assert.match(errorOf(() => data.competingRisks({ ...OPTIONS, event: "sex" })), /sex/);
  data.free();
});

test("subgroups: FSTG02 plot data, interaction tests, and the subgroup fits", () => {
  const data = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv");
  const r = data.subgroups({
    outcome: { time: "time", event: "status", event_values: [1] },
    treatment: { column: "trt", kind: "categorical" }, subgroups: ["celltype", "prior"],
  });
  assert.equal(r.comparison, "2 vs 1");
  assert.deepEqual(r.plot.count_columns, ["n", "Events", "1: events/n", "2: events/n"]);
  assert.equal(r.subgroups.length, 2);
  assert.equal(r.subgroups[0].interaction.df, 3);
  // Each level's HR is the Cox fit on that level's rows alone (veteran, celltype = adeno).
  const adeno = r.subgroups[0].levels.find((l) => l.level === "adeno");
  const rows = fixture("03_veteran").trim().split("\n").slice(1).map((l) => l.split(","));
  assert.equal(adeno.n, rows.filter((f) => f[1] === "adeno").length);
  assert.equal(adeno.events, rows.filter((f) => f[1] === "adeno" && f[3] === "1").length);
  assert.ok(r.table.header.includes("p (interaction)"));
  data.free();
});

test("presets: SPSS's symmetric median CI is named; presetChoices lists each setting", () => {
  const data = survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv");
  const r = data.kaplanMeier({ time: "time", event: "status", event_values: [2], preset: "spss" });
  assert.equal(r.medians[0].method, "symmetric");
  assert.ok(r.medians[0].se > 0);
  assert.match(r.settings_text, /Settings matched to SPSS: .*median ± 1\.96 × SE/);
  assert.equal(r.preset.program, "spss");
  const choices = survcalc.presetChoices("stata");
  assert.deepEqual(choices.map((c) => c.setting), ["km_conf_type", "median_ci", "cox_ties", "logrank", "table1_yates", "logistic_ci"]);
  assert.match(errorOf(() => survcalc.presetChoices("minitab")), /cannot be "minitab"/);
  data.free();
});
