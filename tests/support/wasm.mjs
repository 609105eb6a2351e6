// Loads the built wasm package (www/pkg, the same files the page serves)
// into Node, for the API tests and the benchmark.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The package in `dir` (default: the page's www/pkg). */
export async function loadSurvcalc(dir = join(root, "www", "pkg")) {
  const pkg = await import(join(dir, "survcalc.js"));
  await pkg.default({ module_or_path: readFileSync(join(dir, "survcalc_bg.wasm")) });
  return pkg;
}

export function fixture(dataset, file = "data.csv") {
  return readFileSync(join(root, "tests", "reference", dataset, file), "utf8");
}

export function reference(dataset) {
  return JSON.parse(fixture(dataset, "reference.json"));
}

/** The spreadsheet package (www/pkg-sheets), which the page loads only for workbooks. */
export async function loadSheets(dir = join(root, "www", "pkg-sheets")) {
  const pkg = await import(join(dir, "survcalc_sheets.js"));
  await pkg.default({ module_or_path: readFileSync(join(dir, "survcalc_sheets_bg.wasm")) });
  return pkg;
}

/** A file of tests/fixtures/sheets, as bytes. */
export function sheetFixture(file) {
  return new Uint8Array(readFileSync(join(root, "tests", "fixtures", "sheets", file)));
}
