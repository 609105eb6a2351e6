// Files as bytes through both wasm packages, as the page's worker reads
// them: UTF-16 text, workbooks written by LibreOffice and openpyxl (their
// cells read by the sheets package, then into the main engine's table),
// the layouts and files that are refused with a message, and the reading
// choices (non-numbers as missing, decimal commas) across the boundary.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, loadSheets, sheetFixture, root } from "../support/wasm.mjs";

let survcalc;
let sheets;
before(async () => {
  survcalc = await loadSurvcalc();
  sheets = await loadSheets();
});

const amlCsv = () => readFileSync(join(root, "www", "examples", "aml.csv"), "utf8");
const patientsCsv = () => readFileSync(join(root, "tests", "fixtures", "sheets", "patients.csv"), "utf8");
const amlKm = { time: "time", event: "status", event_values: ["1"], group: "x" };
const patientsKm = { time: "months", event: "status", event_values: ["1"], group: "arm" };

function km(dataset, options) {
  try {
    return dataset.kaplanMeier(options);
  } finally {
    dataset.free();
  }
}

test("a UTF-16LE file with a byte-order mark (Excel's Unicode text) reads like its UTF-8 text", () => {
  const text = amlCsv().replaceAll(",", "\t");
  const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from(text, "utf16le")]);
  assert.equal(survcalc.fileKind(utf16).kind, "text");
  const dataset = survcalc.Dataset.fromBytes(utf16, "aml.txt");
  const summary = dataset.summary();
  assert.equal(summary.n_rows, 23);
  assert.equal(summary.delimiter_label, "tab-separated");
  assert.deepEqual(km(dataset, amlKm), km(survcalc.Dataset.fromCsv(amlCsv(), "aml.csv"), amlKm));
  // An ArrayBuffer works too; anything else is a message, not a trap.
  survcalc.Dataset.fromBytes(utf16.buffer, "aml.txt").free();
  assert.throws(() => survcalc.Dataset.fromBytes("time,status\n1,1\n", "x.csv"), /needs the file's bytes/);
  assert.throws(() => survcalc.fileKind(123), /needs the file's bytes/);
});

test("workbooks from LibreOffice and openpyxl give the same Kaplan–Meier as their CSV", () => {
  const reference = km(survcalc.Dataset.fromCsv(patientsCsv(), "patients.csv"), patientsKm);
  for (const file of ["workbook.xlsx", "workbook.xls", "workbook.ods", "openpyxl.xlsx"]) {
    const bytes = sheetFixture(file);
    const kind = survcalc.fileKind(bytes);
    assert.equal(kind.spreadsheet, true, file);
    const names = sheets.sheetNames(bytes);
    assert.equal(names[1], "Patients", file);
    const cells = sheets.readSheet(bytes, "Patients");
    assert.equal(cells.rows[0].row, 1);
    assert.deepEqual(cells.rows[1].cells.slice(0, 3), ["P01", "A", "2020-01-23"], file);
    const dataset = survcalc.Dataset.fromSheet(cells, file);
    const summary = dataset.summary();
    assert.equal(summary.sheet, "Patients");
    assert.equal(summary.delimiter_label, "sheet \"Patients\"");
    assert.equal(summary.n_rows, 12);
    assert.equal(summary.columns.find((c) => c.name === "start").type_label, "date (year-month-day)");
    assert.equal(summary.columns.find((c) => c.name === "afp").n_missing, 2);
    assert.deepEqual(km(dataset, patientsKm), reference, file);
  }
  // The same cells as JSON text.
  const json = JSON.stringify(sheets.readSheet(sheetFixture("workbook.xlsx"), "Patients"));
  assert.deepEqual(km(survcalc.Dataset.fromSheet(json, "workbook.xlsx"), patientsKm), reference);
  for (const file of ["aml.xlsx", "aml.xls", "aml.ods"]) {
    const cells = sheets.readSheet(sheetFixture(file), null);
    assert.deepEqual(km(survcalc.Dataset.fromSheet(cells, file), amlKm), km(survcalc.Dataset.fromCsv(amlCsv(), "aml.csv"), amlKm), file);
  }
});

test("workbooks and files that cannot be read say why and what to do", () => {
  assert.throws(() => sheets.readSheet(sheetFixture("password.xlsx"), null), /protected by a password/);
  assert.equal(survcalc.fileKind(sheetFixture("password.xlsx")).kind, "encrypted_office");
  assert.throws(() => survcalc.Dataset.fromSheet(sheets.readSheet(sheetFixture("merged_header.xlsx"), null), "m.xlsx"),
    /the header cell "labs" is merged across C1:E1/);
  assert.throws(() => survcalc.Dataset.fromSheet(sheets.readSheet(sheetFixture("two_header_rows.xlsx"), null), "t.xlsx"),
    /rows 1 and 2 both look like header rows/);
  assert.throws(() => survcalc.Dataset.fromSheet(sheets.readSheet(sheetFixture("workbook.ods"), "Empty"), "w.ods"),
    /Sheet "Empty" is empty/);
  assert.throws(() => sheets.readSheet(sheetFixture("workbook.xlsx"), "Data"), /no sheet named "Data"/);
  assert.throws(() => sheets.readSheet(123, null), /must be given as bytes/);
  const whole = sheetFixture("workbook.xlsx");
  assert.throws(() => sheets.readSheet(whole.slice(0, whole.length >> 1), null), /could not be read/);
  for (const [file, format] of [["patients.sav", /an SPSS data file \(\.sav\)/], ["patients.dta", /a Stata data file \(\.dta\)/]]) {
    const bytes = sheetFixture(file);
    assert.equal(survcalc.fileKind(bytes).spreadsheet, false);
    assert.throws(() => survcalc.Dataset.fromBytes(bytes, file), format);
  }
  // The same instances still answer.
  assert.equal(sheets.sheetNames(sheetFixture("aml.xlsx")).length, 1);
  km(survcalc.Dataset.fromCsv(amlCsv(), "aml.csv"), amlKm);
});

test("reading choices cross the boundary: non-numbers as missing, decimal commas", () => {
  const ages = "id,age\n" + Array.from({ length: 10 }, (_, i) => `${i + 1},${i === 3 ? "unknown" : 50 + i}`).join("\n") + "\n";
  const bytes = new TextEncoder().encode(ages);
  let dataset = survcalc.Dataset.fromBytes(bytes, "ages.csv");
  const flagged = dataset.summary().columns[1].reading.non_numbers;
  dataset.free();
  assert.deepEqual(flagged, { count: 1, cells: [{ line: 5, value: "unknown", problem: "not_a_number" }], read_as_missing: false });
  dataset = survcalc.Dataset.fromBytes(bytes, "ages.csv", { non_numbers_as_missing: ["age"] });
  const summary = dataset.summary();
  dataset.free();
  assert.equal(summary.columns[1].type, "number");
  assert.equal(summary.columns[1].n_missing, 1);
  assert.equal(summary.warnings[0].code, "non_numbers_read_as_missing");
  assert.deepEqual(summary.warnings[0].cells, [{ line: 5, value: "unknown" }]);

  const quoted = new TextEncoder().encode("time,status,bili\n" + Array.from({ length: 12 }, (_, i) => `${i + 1},${i % 2},"${i},${i + 1}"`).join("\n") + "\n");
  dataset = survcalc.Dataset.fromBytes(quoted, "bili.csv");
  assert.equal(dataset.summary().columns[2].reading.other_decimal_mark.value, "0,1");
  dataset.free();
  dataset = survcalc.Dataset.fromBytes(quoted, "bili.csv", { decimal: "comma" });
  const bili = dataset.summary().columns[2];
  dataset.free();
  assert.equal(bili.type, "number");
  assert.equal(bili.preview.startsWith("0.1, 1.2, 2.3"), true, bili.preview);
});
