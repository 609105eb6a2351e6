// Cases for the wasm-boundary fuzzer, each made from a seed: a malformed
// or awkward file, then a few calls of the public API with options a page
// or a script could pass (misspelled, wrong types, NaN and Infinity, huge
// lists, cycles, throwing getters, Proxies).

/** mulberry32: a small seeded generator (same seed, same case). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CELLS = ["0", "1", "2", "3.5", "-1", "12", "1e308", "1e309", "-1e308", "NaN", "inf", "", "NA", ".", "a", "b",
  "dead", "alive", "2021-03-15", "15/03/2021", "31/31/2020", "44000", "\"1,5\"", "=SUM(A1)", "+1", "@x", "102 ",
  "<script>alert(1)</script>", "99999999999999999999999999", "1600000000000", "é"];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function table(rand) {
  const nCols = 1 + Math.floor(rand() * 5);
  const names = ["time", "status", "group", "age", "id"].slice(0, nCols);
  const nRows = Math.floor(rand() * 40);
  const manyLevels = rand() < 0.15;
  let text = names.join(",") + "\n";
  for (let i = 0; i < nRows; i++) {
    text += names.map((n, j) => {
      if (manyLevels && j === 2) return `G${i}`;
      if (rand() < 0.5) return String(Math.floor(rand() * 30) + 1);
      return pick(rand, CELLS);
    }).join(",") + "\n";
  }
  return text;
}

/** Malformed files of the classic kinds, and random tables. */
function file(rand) {
  const kinds = [
    () => "",
    () => "\uFEFF",
    () => "time,status\n",
    () => "time,time\n1,2\n",
    () => ",status\n1,1\n",
    () => "time,status\n\"1,1\n2,0\n",
    () => "time,status\n1,1,1\n2\n",
    () => "time,status\r1,1\r2,0\r",
    () => "time,status\n1\u00001,1\n",
    () => "time,status\n1e309,1\n",
    () => "time,status\n99999999999999999999999,1\n",
    () => "time,status,date\n1,1,2021-02-30\n",
    () => "time,status\n5,1\n",
    () => "time,status\n5,0\n6,0\n7,0\n",
    () => "time,status,group\n5,1,a\n6,0,a\n",
    () => { let t = "time,status,group\n"; for (let i = 0; i < 2000; i++) t += `${i % 50 + 1},${i % 2},G${i % 1000}\n`; return t; },
    () => "=cmd|' /C calc'!A0,<b>x</b>\n=1+1,<i>y</i>\n",
    () => "time,status\n1600000000000,0\n",
    () => table(rand),
    () => table(rand),
    () => table(rand),
  ];
  return pick(rand, kinds)();
}

const METHODS = ["kaplanMeier", "cox", "modelTable", "baselineTable", "rates", "classify", "derive", "analysisSet",
  "exportCsv", "removeDerived", "exportClassification"];

function value(rand, columns) {
  return pick(rand, [
    () => pick(rand, columns.length ? columns : ["time"]),
    () => pick(rand, CELLS),
    () => pick(rand, [0, 1, -1, 0.95, 1.5, NaN, Infinity, -Infinity, 1e308, 2 ** 53, 1e-320]),
    () => [pick(rand, CELLS), pick(rand, [1, 2, "1"])],
    () => null,
    () => undefined,
    () => true,
    () => ({ column: pick(rand, columns.length ? columns : ["x"]) }),
    () => "x".repeat(100000),
    () => Array.from({ length: 100000 }, (_, i) => i),
  ])();
}

const KEYS = ["time", "event", "event_values", "censor_values", "group", "time_unit", "display_unit", "conf_level",
  "conf_type", "times", "rmst_tau", "rho", "strata", "trend", "pairwise", "landmark", "covariates", "ties", "robust",
  "cluster", "start", "time_varying", "time_split", "outcome", "candidates", "multivariable", "firth", "ci",
  "variables", "continuous_test", "success_values", "columns", "rules", "unit", "tie", "bogus", "version", "__proto__",
  "filter", "conditions", "name", "cut", "transform", "recode", "time_between"];

/** Options of one call: mostly plausible, sometimes hostile. */
function options(rand, columns) {
  const plausible = {
    time: "time", event: "status", event_values: ["1"], group: "group",
    covariates: [{ column: pick(rand, columns.length ? columns : ["age"]) }],
    outcome: { time: "time", event: "status", event_values: ["1"] },
    candidates: [{ column: "age" }, { column: "group", kind: "categorical" }],
    variables: columns.slice(0, 3), success_values: ["1"],
    columns: { start: "date", death: "date" },
    filter: rand() < 0.3 ? { name: "set", conditions: [{ column: pick(rand, columns.length ? columns : ["group"]), values: [pick(rand, CELLS)] }] } : null,
    conditions: [{ column: pick(rand, columns.length ? columns : ["age"]), at_least: pick(rand, [1, "2", NaN]) }],
    cut: rand() < 0.5 ? { column: pick(rand, columns.length ? columns : ["age"]), at: [pick(rand, [1, 10, -1, NaN])] } : null,
  };
  const o = rand() < 0.7 ? { ...plausible } : {};
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) o[pick(rand, KEYS)] = value(rand, columns);
  const hostile = rand();
  if (hostile < 0.05) {
    Object.defineProperty(o, "time", { enumerable: true, get() { throw new Error("getter says no"); } });
  } else if (hostile < 0.1) {
    return new Proxy(o, { get() { throw new Error("proxy says no"); }, ownKeys() { throw new Error("keys say no"); } });
  } else if (hostile < 0.13) {
    o.self = o; // a cycle: JSON.stringify throws
  } else if (hostile < 0.16) {
    return pick(rand, [42, "time", [1, 2], () => 1, Symbol("s"), 10n]);
  }
  return o;
}

/** The case of `seed`: a name and the calls to make, in order. */
export function makeCase(seed) {
  const rand = prng(seed);
  const text = file(rand);
  const columns = (text.split(/\r\n|\n|\r/)[0] ?? "").replace(/^\uFEFF/, "").split(",").filter(Boolean);
  const r = rand();
  const readOptions = r < 0.7 ? {} : r < 0.85
    ? { non_numbers_as_missing: [pick(rand, columns.length ? columns : ["x"])], decimal: pick(rand, ["auto", "comma", "point"]) }
    : options(rand, columns);
  const calls = [];
  const source = rand() < 0.9 ? text : pick(rand, [123, null, undefined, new Uint8Array([1, 2, 3]), { text }]);
  const progress = rand() < 0.2 ? () => { throw new Error("progress throws"); } : undefined;
  // The page's paths: text, bytes (UTF-8 or UTF-16 with a BOM), a sheet's cells.
  const how = rand();
  if (how < 0.6 || typeof source !== "string") {
    calls.push({ method: "fromCsv", makesDataset: true, run: (pkg) => pkg.Dataset.fromCsv(source, "fuzz.csv", readOptions, progress) });
  } else if (how < 0.85) {
    const bytes = rand() < 0.5
      ? new TextEncoder().encode(source)
      : new Uint8Array([0xff, 0xfe, ...new Uint8Array(new Uint16Array([...source].map((c) => c.charCodeAt(0))).buffer)]);
    calls.push({ method: "fileKind", run: (pkg) => pkg.fileKind(bytes) });
    calls.push({ method: "fromBytes", makesDataset: true, run: (pkg) => pkg.Dataset.fromBytes(bytes, "fuzz.txt", readOptions, progress) });
  } else {
    // Cells as the sheets package gives them: numbers as numbers, empty as null.
    const rows = source.split(/\r\n|\n|\r/).map((line, i) => ({
      row: i + 1 + (i > 2 ? 1 : 0),
      cells: line.split(",").map((v) => (v === "" ? null : Number.isFinite(Number(v)) && rand() < 0.8 ? Number(v) : v)),
    }));
    const merged = rand() < 0.2 ? [{ first_row: 1, last_row: 1 + Math.floor(rand() * 2), first_column: 1, last_column: 2 }] : [];
    calls.push({ method: "fromSheet", makesDataset: true, run: (pkg) => pkg.Dataset.fromSheet({ sheet: "Sheet1", rows, merged }, "fuzz.xlsx", readOptions) });
  }
  calls.push({ method: "summary", run: (_pkg, ds) => ds.summary() });
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const method = pick(rand, METHODS);
    const opts = options(rand, columns);
    calls.push({ method, run: (_pkg, ds) => ds[method](opts) });
  }
  if (rand() < 0.2) {
    const format = pick(rand, ["csv", "tsv", "html", 5, null, "xml"]);
    const t = rand() < 0.5 ? { header: ["a", "=b"], rows: [["1", "@2"]], numeric_columns: [0] } : value(rand, columns);
    calls.push({ method: "exportTable", run: (pkg) => pkg.exportTable(t, format) });
  }
  return { name: `seed ${seed}`, calls };
}
