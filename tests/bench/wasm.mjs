// Wasm timings for `make bench`: the same tasks and data as the native
// benchmark (crate/devtools/examples/bench.rs), timed inside wasm by the
// package's `benchmark` export (built with the `bench` feature into
// target/bench-pkg, never shipped); one JSON line per (task, n).
// Run after `node .ci/build-wasm.mjs --bench`: node tests/bench/wasm.mjs [n ...]
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc(join(root, "target", "bench-pkg"));
const args = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = args.length ? args : [1e4, 1e5, 1e6];
const tasks = ["km", "logrank", "cox", "logistic", "parse"];

for (const n of sizes) {
  const repeats = n >= 1e6 ? 5 : 7;
  for (const task of tasks) {
    try {
      const m = survcalc.benchmark(task, n, repeats);
      console.log(JSON.stringify({
        impl: "wasm", task, n, median_s: m.median_s, cpu_median_s: m.cpu_median_s, checksum: m.checksum,
      }));
    } catch (e) {
      console.error(`${task} at n = ${n} failed: ${e.message}`);
      process.exitCode = 1;
    }
  }
}
