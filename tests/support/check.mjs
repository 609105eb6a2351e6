// Shared by the Node API tests: the tolerances and the comparison with R.
// The constants mirror crate/stats/tests/support/mod.rs (docs/style.md:
// tolerances stated per quantity, kept in one place); change them together.
import assert from "node:assert/strict";

/** Coefficients and survival probabilities (relative). */
export const COEF_REL = 1e-8;
/** Standard errors, confidence limits, test statistics and p-values (relative). */
export const STAT_REL = 1e-6;
/** Closed-form quantities (KM, Greenwood, log-rank, chi-square) (relative). */
export const CLOSED_FORM_REL = 1e-10;
/** Absolute floor for values near 0 (p-values, coefficients), as ABS_FLOOR in Rust. */
export const ABS_FLOOR = 1e-12;

/**
 * Asserts |actual - expected| <= rel * |expected|, or <= `abs` when the call
 * site asks for an absolute floor (none by default: give it explicitly).
 * `expected` may be as reference.json writes R's values: null (NA) and "NaN"
 * must come back as null, "Inf"/"-Inf" as the same infinity; any other
 * expected value must be a number and `actual` a number.
 */
export function close(actual, expected, rel, what, { abs = 0 } = {}) {
  if (expected === null || expected === "NaN") {
    // R's NA and NaN (an undefined limit) are both null in our results.
    assert.equal(actual, null, `${what}: R gives ${expected}`);
    return;
  }
  if (expected === "Inf" || expected === "-Inf") {
    // JSON cannot carry an infinity: survcalc returns null for it (the Rust
    // tests check the infinity itself against R).
    assert.equal(actual, null, `${what}: R gives ${expected}`);
    return;
  }
  assert.equal(typeof expected, "number", `${what}: expected value ${expected} is not a number`);
  assert.equal(typeof actual, "number", `${what}: got ${actual}, expected ${expected}`);
  const diff = Math.abs(actual - expected);
  assert.ok(diff <= rel * Math.abs(expected) || diff <= abs,
    `${what}: got ${actual}, expected ${expected} (relative difference ${diff / Math.abs(expected)} > ${rel}`
    + `${abs ? `, absolute ${diff} > ${abs}` : ""})`);
}

/** The message of the JS Error that `fn` throws; fails when it throws nothing or a non-Error. */
export function errorOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, "errors are JS Error objects");
    return e.message;
  }
  assert.fail("expected an error");
}

/** cmprsk's `crr` stops at gtol = 1e-6 on the gradient: its coefficients
 * only that close (tests/reference/11_mgus2_competing), its robust SEs at
 * 1e-5 (as CRR_COEF_REL and CRR_SE_REL in Rust). */
export const CRR_COEF_REL = 1e-6;
export const CRR_SE_REL = 1e-5;

/** Paths of NaN or ±Infinity numbers in a result (JSON cannot carry them). */
export function nonFinite(value, path = "$", found = []) {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nonFinite(v, `${path}[${i}]`, found));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) nonFinite(v, `${path}.${k}`, found);
  }
  return found;
}
