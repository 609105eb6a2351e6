// The short pass of the wasm-boundary fuzzer that `make test` runs (a fixed
// seed range, bounded in time); `make fuzz` runs it for as long as asked.
import test from "node:test";
import assert from "node:assert/strict";
import { fuzzBoundary } from "../fuzz/boundary.mjs";

test("the wasm API survives 600 malformed files and hostile option objects", async () => {
  const f = await fuzzBoundary({ first: 1, count: 600, seconds: 40, timeoutMs: 10000 });
  assert.ok(f.cases >= 300, `only ${f.cases} cases ran in the time`);
  assert.deepEqual(f.crashes, [], "a case killed the wasm instance");
  assert.deepEqual(f.hangs, [], "a case ran over 10 s");
  assert.deepEqual(f.nonFinite, [], "NaN or Infinity reached JS");
  assert.deepEqual(f.goodChanged, [], "a known-good request changed after a case");
  // The cases must reach the analyses, not only fail at the options.
  assert.ok(f.calls - f.errors > f.cases, `${f.calls} calls, ${f.errors} errors`);
});
