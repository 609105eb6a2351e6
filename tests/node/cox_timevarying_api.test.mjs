// dataset.cox with a time-varying status (options.time_varying): one row per
// patient, split at each patient's switch as R's tmerge(tdc()) does, then
// coxph on the (start, stop] rows. Reference: tests/reference/05_heart, whose
// blocks fit coxph(Surv(start, stop, event) ~ age + year + surgery +
// transplant, data = heart) on R's own (start, stop] rows (jasa1). Here the
// one-row-per-patient table is derived from those rows and the page's split
// must give R's fit back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, errorOf, COEF_REL, STAT_REL, ABS_FLOOR } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

/** heart's rows as text cells (full precision kept), grouped by patient in file order. */
function heartPatients() {
  const [header, ...lines] = fixture("05_heart").trim().split("\n");
  const names = header.split(",");
  const rows = lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v])));
  const patients = new Map();
  for (const r of rows) {
    if (!patients.has(r.id)) patients.set(r.id, []);
    patients.get(r.id).push(r);
  }
  return { rows, patients: [...patients.values()] };
}

/**
 * One row per patient: stop and event of the last row, age/year/surgery of
 * the first, transplant switch time = start of the row with transplant = 1
 * (empty when never transplanted).
 */
function wideHeart() {
  return heartPatients().patients.map((rows) => {
    const last = rows.at(-1);
    const transplanted = rows.find((r) => r.transplant === "1");
    return {
      id: rows[0].id, stop: last.stop, event: last.event,
      age: rows[0].age, year: rows[0].year, surgery: rows[0].surgery,
      transplant_time: transplanted ? transplanted.start : "",
    };
  });
}

/** split_at_switch's documented rule (crate/stats/src/cox/split.rs), written out. */
function splitAtSwitch(patients) {
  const out = [];
  for (const p of patients) {
    const t = Number(p.stop);
    const s = p.transplant_time === "" ? null : Number(p.transplant_time);
    if (s !== null && s > 0 && s < t) {
      out.push([p.id, 0, s, false, false], [p.id, s, t, p.event === "1", true]);
    } else {
      out.push([p.id, 0, t, p.event === "1", s !== null && s <= 0]);
    }
  }
  return out;
}

const toCsv = (records, columns) =>
  [columns.join(","), ...records.map((r) => columns.map((c) => r[c]).join(","))].join("\n") + "\n";

const WIDE_COLUMNS = ["id", "stop", "event", "age", "year", "surgery", "transplant_time"];
const OPTIONS = {
  time: "stop", event: "event", event_values: ["1"],
  covariates: [{ column: "age" }, { column: "year" }, { column: "surgery" }],
  time_varying: { column: "transplant_time", name: "transplant" },
};
// R's coefficient names and ours: transplant is a 0/1 factor in R (transplant1).
const R_NAMES = { age: "age", year: "year", surgery: "surgery", transplant: "transplant1" };

function checkAgainstR(r, block, { robust = false } = {}) {
  assert.deepEqual(r.coefficients.map((c) => R_NAMES[c.r_name]), block.terms);
  block.terms.forEach((name, j) => {
    close(r.fit.coef[j], block.coef[j], COEF_REL, `coef ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr[j], block.hr[j], STAT_REL, `HR ${name}`, { abs: ABS_FLOOR });
    close(r.fit.se[j], block.se[j], STAT_REL, `se ${name}`, { abs: ABS_FLOOR });
    close(r.fit.z[j], block.z[j], STAT_REL, `z ${name}`, { abs: ABS_FLOOR });
    close(r.fit.p[j], block.p[j], STAT_REL, `p ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr_lower[j], block.hr_lower95[j], STAT_REL, `HR lower ${name}`, { abs: ABS_FLOOR });
    close(r.fit.hr_upper[j], block.hr_upper95[j], STAT_REL, `HR upper ${name}`, { abs: ABS_FLOOR });
    if (robust) {
      const rb = block.robust;
      close(r.fit.robust.se[j], rb.se[j], STAT_REL, `robust se ${name}`, { abs: ABS_FLOOR });
      close(r.fit.robust.p[j], rb.p[j], STAT_REL, `robust p ${name}`, { abs: ABS_FLOOR });
      close(r.fit.robust.hr_lower[j], rb.hr_lower95[j], STAT_REL, `robust HR lower ${name}`, { abs: ABS_FLOOR });
      close(r.fit.robust.hr_upper[j], rb.hr_upper95[j], STAT_REL, `robust HR upper ${name}`, { abs: ABS_FLOOR });
    }
  });
  assert.equal(r.fit.n, block.n, "rows after splitting = R's n");
  assert.equal(r.fit.nevent, block.nevent);
  close(r.fit.loglik_null, block.loglik_null, STAT_REL, "loglik null", { abs: ABS_FLOOR });
  close(r.fit.loglik_final, block.loglik_final, STAT_REL, "loglik", { abs: ABS_FLOOR });
  for (const t of ["lr_test", "wald_test", "score_test"]) {
    close(r.fit[t].stat, block[t].stat, STAT_REL, `${t} stat`, { abs: ABS_FLOOR });
    assert.equal(r.fit[t].df, block[t].df, `${t} df`);
    close(r.fit[t].p, block[t].p, STAT_REL, `${t} p`, { abs: ABS_FLOOR });
  }
  close(r.fit.concordance.c, block.concordance.c, STAT_REL, "concordance", { abs: ABS_FLOOR });
  close(r.fit.concordance.se, block.concordance.se, STAT_REL, "concordance SE", { abs: ABS_FLOOR });
  if (robust) {
    close(r.fit.robust.wald_test.stat, block.robust.wald_test.stat, STAT_REL, "robust Wald", { abs: ABS_FLOOR });
    close(r.fit.robust.robust_score_test.stat, block.robust.robust_score_test.stat, STAT_REL, "robust score", { abs: ABS_FLOOR });
  }
}

test("heart: the switch rule rebuilds R's (start, stop] rows exactly", () => {
  const { rows, patients } = heartPatients();
  const wide = wideHeart();
  // The data's edge cases, checked rather than assumed: every patient
  // starts untransplanted at day 0 and has at most one transplant row; no
  // transplant falls on day 0 or on the day of death (R's heart data moved
  // patient 38's same-day transplant to 4.5, half a day before death at 5).
  for (const p of patients) {
    assert.equal(p[0].start, "0");
    assert.equal(p[0].transplant, "0");
    assert.ok(p.length <= 2);
  }
  const switches = wide.filter((p) => p.transplant_time !== "");
  assert.equal(switches.length, 69);
  assert.ok(switches.every((p) => Number(p.transplant_time) > 0 && Number(p.transplant_time) < Number(p.stop)));
  assert.deepEqual(switches.filter((p) => !Number.isInteger(Number(p.transplant_time))).map((p) => [p.id, p.transplant_time, p.stop]),
    [["38", "4.5", "5"]]);
  const jasa1 = rows.map((r) => [r.id, Number(r.start), Number(r.stop), r.event === "1", r.transplant === "1"]);
  assert.deepEqual(splitAtSwitch(wide), jasa1);
});

test("heart, one row per patient with a transplant time: R's coxph on the split rows (Efron, Breslow)", () => {
  const ref = reference("05_heart");
  const ds = survcalc.Dataset.fromCsv(toCsv(wideHeart(), WIDE_COLUMNS), "heart-wide.csv", {});
  for (const ties of ["efron", "breslow"]) {
    const r = ds.cox({ ...OPTIONS, ties });
    checkAgainstR(r, ref.cox[ties]);
    assert.equal(r.n_text, "103 of 103 patients analysed (172 rows after splitting at the switch; 69 switched), 75 events.");
    assert.equal(r.n_used, 103);
    assert.deepEqual(r.time_varying, {
      name: "transplant", column: "transplant_time", source: "time", origin: null, unit: null,
      n_patients: 103, n_rows: 172, n_switched: 69, n_from_start: 0, n_after_follow_up: 0,
    });
    // The status is a covariate like the others: table, forest plot, PH test.
    assert.equal(r.hr_table.rows.at(-1)[0], "transplant");
    assert.equal(r.hr_row_kinds.at(-1), "numeric");
    assert.equal(r.plot.rows.at(-1).label, "transplant");
    assert.deepEqual(r.zph.terms.map((t) => t.term), ["age", "year", "surgery", "transplant"]);
    assert.match(r.settings_text, /Time-varying status "transplant": 0 until the patient's switch, 1 after it/);
    assert.match(r.settings_text, /An empty cell means the status never switched/);
    assert.match(r.settings_text, /Numeric covariates \(age, year, surgery\)/);
  }
  ds.free();
});

test("heart: robust variance clusters each patient's rows, as coxph(..., cluster = id)", () => {
  const ref = reference("05_heart");
  const ds = survcalc.Dataset.fromCsv(toCsv(wideHeart(), WIDE_COLUMNS), "heart-wide.csv", {});
  for (const ties of ["efron", "breslow"]) {
    const r = ds.cox({ ...OPTIONS, ties, robust: true });
    checkAgainstR(r, ref.cox[`${ties}_cluster_id`], { robust: true });
    assert.equal(r.fit.robust.n_clusters, 103);
    assert.match(r.settings_text, /clustered by patient \(103 patients/);
  }
  ds.free();
});

/** ISO date `days` after `origin` (an ISO date). */
const addDays = (origin, days) => new Date(Date.parse(`${origin}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

/**
 * The heart table with dates: an origin date per patient and the transplant
 * as a date. Times are doubled so that patient 38's transplant at day 4.5
 * falls on a whole day; a strictly increasing change of the time scale
 * leaves the Cox partial likelihood, and so every number compared, unchanged.
 */
function datedHeart(stopIn = (days) => days) {
  return wideHeart().map((p, i) => {
    const origin = addDays("1967-11-01", 7 * i);
    return {
      ...p,
      stop: stopIn(2 * Number(p.stop)),
      accepted: origin,
      transplant_date: p.transplant_time === "" ? "" : addDays(origin, 2 * Number(p.transplant_time)),
    };
  });
}
const DATED_COLUMNS = ["id", "stop", "event", "age", "year", "surgery", "accepted", "transplant_date"];

test("heart with dates: switch date − origin date, in days or months, gives the same fit", () => {
  const ref = reference("05_heart");
  const days = survcalc.Dataset.fromCsv(toCsv(datedHeart(), DATED_COLUMNS), "heart-dates.csv", {});
  const options = { ...OPTIONS, time_varying: { column: "transplant_date", origin: "accepted", unit: "days", name: "transplant" } };
  const r = days.cox(options);
  checkAgainstR(r, ref.cox.efron);
  assert.equal(r.time_varying.source, "date");
  assert.equal(r.time_varying.origin, "accepted");
  assert.equal(r.time_varying.unit, "days");
  assert.match(r.settings_text, /switch time = date in "transplant_date" − date in "accepted", in days/);
  days.free();

  // Follow-up in months (days / 30.4375, as the endpoints are derived).
  const months = survcalc.Dataset.fromCsv(toCsv(datedHeart((d) => d / 30.4375), DATED_COLUMNS), "heart-months.csv", {});
  const m = months.cox({ ...options, time_varying: { ...options.time_varying, unit: "months" } });
  checkAgainstR(m, ref.cox.efron);
  assert.match(m.settings_text, /in months \(1 month = 30\.4375 days\)/);
  months.free();
});

test("errors name the column, line and value", () => {
  const dated = datedHeart();
  const options = { ...OPTIONS, time_varying: { column: "transplant_date", origin: "accepted", unit: "days" } };

  // A switch date that is not a date (the column is then read as text).
  const typo = dated.map((p) => ({ ...p }));
  const k = typo.findIndex((p) => p.transplant_date !== "");
  typo[k].transplant_date = "2nd visit";
  const d1 = survcalc.Dataset.fromCsv(toCsv(typo, DATED_COLUMNS), "typo.csv", {});
  assert.match(errorOf(() => d1.cox(options)), new RegExp(`Column "transplant_date", line ${k + 2}: "2nd visit" is not a date`));
  d1.free();
  // After other dates, a typo leaves a column that looks like dates: the
  // summary says so, and the page offers it as a switch date by this flag
  // (not by the words of its type reason), so that the fit names the cell.
  const late = dated.map((p) => ({ ...p }));
  const j = late.findLastIndex((p) => p.transplant_date !== "");
  late[j].transplant_date = "2nd visit";
  const d0 = survcalc.Dataset.fromCsv(toCsv(late, DATED_COLUMNS), "late-typo.csv", {});
  const column = (name) => d0.summary().columns.find((c) => c.name === name);
  assert.deepEqual([column("transplant_date").type, column("transplant_date").looks_like_dates], ["text", true]);
  assert.equal(column("accepted").looks_like_dates, false);
  assert.match(errorOf(() => d0.cox(options)), new RegExp(`line ${j + 2}: "2nd visit" is not a date`));
  d0.free();

  // A switch date before the origin.
  const early = dated.map((p) => ({ ...p }));
  early[k].transplant_date = addDays(early[k].accepted, -3);
  const d2 = survcalc.Dataset.fromCsv(toCsv(early, DATED_COLUMNS), "early.csv", {});
  assert.match(errorOf(() => d2.cox(options)),
    new RegExp(`line ${k + 2}: the switch date ${early[k].transplant_date} is before the origin date ${early[k].accepted} \\(column "accepted"\\)`));
  d2.free();

  const d3 = survcalc.Dataset.fromCsv(toCsv(dated, DATED_COLUMNS), "dates.csv", {});
  assert.match(errorOf(() => d3.cox({ ...options, time_varying: { column: "transplant_date", unit: "days" } })),
    /holds dates: choose the origin date column/);
  assert.match(errorOf(() => d3.cox({ ...options, time_varying: { column: "transplant_date", origin: "accepted" } })),
    /in which unit the follow-up time "stop" is/);
  assert.match(errorOf(() => d3.cox({ ...options, time_varying: { column: "no_such_column" } })), /no column named "no_such_column"/);
  assert.match(errorOf(() => d3.cox({ ...options, time_varying: { column: "surgery" } })), /untick it among the fixed covariates/);
  d3.free();

  // A switch column together with R's own (start, stop] rows.
  const long = survcalc.Dataset.fromCsv(fixture("05_heart"), "heart.csv", {});
  assert.match(errorOf(() => long.cox({ ...OPTIONS, start: "start", time_varying: { column: "transplant" } })),
    /cannot be combined with \(start, stop\] rows \(entry column "start"\)/);
  long.free();

  // A negative switch time.
  const negative = wideHeart();
  negative[4].transplant_time = "-2";
  const d4 = survcalc.Dataset.fromCsv(toCsv(negative, WIDE_COLUMNS), "negative.csv", {});
  assert.match(errorOf(() => d4.cox(OPTIONS)), /Column "transplant_time", line 6: the switch time "-2" is negative/);
  d4.free();
});

test("a model of the time-varying status alone; rows missing a covariate are left out and named", () => {
  const wide = wideHeart();
  wide[2].age = "NA";
  const ds = survcalc.Dataset.fromCsv(toCsv(wide, WIDE_COLUMNS), "heart-na.csv", {});
  const alone = ds.cox({ ...OPTIONS, covariates: [] });
  assert.deepEqual(alone.hr_table.rows.map((r) => r[0]), ["transplant"]);
  assert.equal(alone.n_used, 103);
  const r = ds.cox(OPTIONS);
  assert.equal(r.n_used, 102);
  assert.deepEqual(r.dropped, [{ column: "age", count: 1, lines: [4] }]);
  assert.match(r.n_text, /^102 of 103 patients analysed \(\d+ rows after splitting at the switch; \d+ switched\), \d+ events\.$/);
  ds.free();
});
