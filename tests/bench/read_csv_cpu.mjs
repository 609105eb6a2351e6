// CPU time of reading the benchmark CSV through the wasm API (issue 16):
// process.cpuUsage around each Dataset.fromCsv, so the figure holds on a
// loaded machine (wall time is printed too). A benchmark, not a test.
// Run: node tests/bench/read_csv_cpu.mjs [n=1000000] [repeats=7] [pkg dir]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const n = Number(process.argv[2] ?? 1e6);
const repeats = Number(process.argv[3] ?? 7);
const survcalc = await loadSurvcalc(process.argv[4] ?? join(root, "www", "pkg"));
const text = readFileSync(join(root, "target", "bench-data", `bench_${n}.csv`), "utf8");
survcalc.Dataset.fromCsv(text, "bench.csv", {}).free();
const cpu = [], wall = [];
for (let i = 0; i < repeats; i++) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  survcalc.Dataset.fromCsv(text, "bench.csv", {}).free();
  const c = process.cpuUsage(c0);
  wall.push((performance.now() - t0) / 1000);
  cpu.push((c.user + c.system) / 1e6);
}
const sorted = (xs) => [...xs].sort((a, b) => a - b).map((x) => Number(x.toFixed(3)));
console.log(JSON.stringify({ task: "read_csv", n, cpu_s: sorted(cpu), wall_s: sorted(wall) }));
