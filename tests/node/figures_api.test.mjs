// Figures as journals receive them, opened by real readers: the SVG by
// librsvg, the PDF by poppler (pixels and text), PNG and TIFF by pngcheck
// and tiffinfo; sizes, dpi and point sizes as asked; greyscale lines told
// apart by their dashes; the table under the KM plot equal to R's
// summary(survfit, times =) and the hazard ratio on it equal to the Cox fit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, COEF_REL } from "../support/check.mjs";
import {
  scratch, run, loadExporter, fonts, pngChunk, pngSize, svgGeometry, svgTextSizes, pdfPixels, svgPixels,
  differingShare, inkShare, write, svgTexts, svgStrokes,
} from "../support/figures.mjs";

const survcalc = await loadSurvcalc();
// Figures are drawn by the page's drawing module (survcalc_charts).
const charts = await loadSurvcalc(undefined, "survcalc_charts");
const exporter = await loadExporter();
const lung = () => survcalc.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
const lungKm = (figure = {}) => ({ time: "time", event: "status", event_values: ["2"], group: "sex", time_unit: "days", figure });

test("risk table numbers equal R's summary(survfit(Surv(time, status) ~ sex), times = c(180, 365, 730))", () => {
  const ds = lung();
  const r = ds.kaplanMeier(lungKm({ x_ticks: [180, 365, 730], risk_table: "kmunicate" }));
  ds.free();
  assert.deepEqual(r.plot.ticks, [0, 180, 365, 730]);
  const strata = reference("02_lung").km.by_sex.strata;
  const cumulated = (v) => v.reduce((acc, x) => [...acc, (acc.at(-1) ?? 0) + x], []);
  for (const [i, key] of ["sex=1", "sex=2"].entries()) {
    const R = strata[key].at_times;
    const curve = r.plot.curves[i];
    const n = r.fit.curves.find((c) => c.label === String(i + 1)).n;
    // At time 0 all are at risk, none censored or dead (no time 0 in lung).
    assert.deepEqual(curve.at_risk, [n, ...R.n_risk], `${key} at risk`);
    assert.deepEqual(curve.events, [0, ...cumulated(R.n_event_cum_interval)], `${key} events`);
    assert.deepEqual(curve.censored, [0, ...cumulated(R.n_censor_interval)], `${key} censored`);
  }
  // And the figure prints them: KMunicate rows per group.
  const texts = svgTexts(charts.kaplanMeierSvg(r.plot));
  for (const label of ["At risk", "Censored", "Events"]) assert.equal(texts.filter((t) => t === label).length, 2, label);
  assert.ok(texts.includes("109")); // sex 1: 49 + 36 + 24 events by day 730
});

test("the hazard ratio on the KM figure is the Cox model's", () => {
  const ds = lung();
  const km = ds.kaplanMeier(lungKm({ group_labels: { 1: "Male", 2: "Female" } }));
  const cox = ds.cox({ time: "time", event: "status", event_values: ["2"], covariates: [{ column: "sex", kind: "categorical" }] });
  ds.free();
  const [hr] = km.hazard_ratios;
  assert.equal(hr.group, "2");
  assert.equal(hr.reference, "1");
  close(hr.hr, cox.fit.hr[0], COEF_REL, "HR");
  close(hr.lower, cox.fit.hr_lower[0], COEF_REL, "lower");
  close(hr.upper, cox.fit.hr_upper[0], COEF_REL, "upper");
  const printed = `Female vs Male: HR ${hr.hr.toFixed(2)} (95% CI ${hr.lower.toFixed(2)}–${hr.upper.toFixed(2)})`;
  assert.ok(km.plot.annotation_lines.includes(printed), km.plot.annotation_lines.join(" | "));
  assert.ok(svgTexts(charts.kaplanMeierSvg(km.plot)).includes(printed));
  // The tables beside the figure name the groups as its legend does.
  assert.deepEqual(km.plot.curves.map((c) => c.label), ["Male", "Female"]);
  assert.deepEqual(km.summary_table.rows.map((r) => r[0]), ["All patients", "Male", "Female"]);
});

test("no text below 6 pt at 85 or 175 mm; the SVG is in mm with the font named", () => {
  const ds = lung();
  for (const preset of ["single_column", "double_column"]) {
    for (const risk_table of ["at_risk_censored", "kmunicate"]) {
      const r = ds.kaplanMeier(lungKm({ output: { preset, font_size: 6 }, risk_table, x_breaks: 60 }));
      const svg = charts.kaplanMeierSvg(r.plot);
      const g = svgGeometry(svg);
      assert.equal(g.widthMm, preset === "single_column" ? 85 : 175);
      assert.match(svg, /font-family="Arial, Helvetica, 'Liberation Sans', sans-serif"/);
      const sizes = svgTextSizes(svg);
      assert.ok(sizes.length > 20);
      // The file's sizes and viewBox are written to 3 decimals: 1e-6 pt of rounding.
      assert.ok(Math.min(...sizes) >= 6 - 1e-6, `${preset} ${risk_table}: ${Math.min(...sizes)} pt`);
    }
  }
  ds.free();
});

test("greyscale: each group's curve has its own dash pattern in the SVG", () => {
  const ds = survcalc.Dataset.fromCsv(fixture("03_veteran"), "veteran.csv", {});
  const r = ds.kaplanMeier({ time: "time", event: "status", event_values: ["1"], group: "celltype", figure: { style: { palette: "greyscale" } } });
  ds.free();
  const svg = charts.kaplanMeierSvg(r.plot);
  // The curves and their legend samples: strokes of the curve width (1 pt),
  // by colour. plotters' backends have no dash patterns, so a dashed line
  // is drawn as its dashes; a pattern shows as the lengths its pieces keep
  // repeating (the last piece of a line may be cut short).
  const byColour = new Map();
  for (const s of svgStrokes(svg).filter((s) => Math.abs(s.width - 1) < 0.01)) {
    byColour.set(s.colour, [...(byColour.get(s.colour) ?? []), s.length]);
  }
  assert.equal(byColour.size, 4, `four cell types: ${[...byColour.keys()]}`);
  const pattern = (lengths) => {
    const counts = new Map();
    for (const l of lengths) counts.set(l.toFixed(1), (counts.get(l.toFixed(1)) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n >= 3).map(([l]) => l).sort();
    return repeated.length ? repeated.join(" ") : "solid";
  };
  const patterns = [...byColour.values()].map(pattern);
  assert.equal(new Set(patterns).size, 4, JSON.stringify(patterns));
  // Grey only: red = green = blue.
  for (const c of byColour.keys()) assert.ok(c.slice(1, 3) === c.slice(3, 5) && c.slice(3, 5) === c.slice(5, 7), c);
});

test("SVG and PDF open in librsvg and poppler, at the asked size, with the figure's text", () => {
  const dir = scratch();
  const ds = lung();
  const r = ds.kaplanMeier(lungKm({ output: { preset: "single_column" }, risk_table: "kmunicate", median_lines: true, ci: "band" }));
  ds.free();
  const scene = charts.kaplanMeierScene(r.plot);
  const svgPath = write(dir, "km.svg", charts.sceneSvg(scene));
  // librsvg: 85 mm at 600 dpi is 2008 px wide.
  run("rsvg-convert", ["-d", "600", "-p", "600", "-o", `${dir}/km.png`, svgPath]);
  const png = new Uint8Array(readFileSync(`${dir}/km.png`));
  assert.equal(pngSize(png).width, 2008);
  // PDF: poppler reads it, its page is the figure's size, its text is text.
  const pdfPath = write(dir, "km.pdf", exporter.scenePdf(scene, ...fonts()));
  const info = run("pdfinfo", [pdfPath]);
  const [, w, h] = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  close(Number(w), scene.width, 1e-3, "page width");
  close(Number(h), scene.height, 1e-3, "page height");
  assert.match(info, /Title:\s+Kaplan–Meier curves/);
  const words = run("pdftotext", ["-layout", pdfPath, "-"]);
  for (const t of ["Survival (%)", "At risk", "Censored", "Events", "Log-rank p", "HR", "Time (days)"]) {
    assert.ok(words.includes(t), `pdftotext misses "${t}":\n${words}`);
  }
  // The PDF and the SVG show the same figure: poppler's pixels of both differ in a few percent at most.
  const fromPdf = pdfPixels(pdfPath, 150);
  const fromSvg = svgPixels(svgPath, 150);
  assert.ok(inkShare(fromPdf) > 0.02, "the PDF is not blank");
  const share = differingShare(fromPdf, fromSvg);
  assert.ok(share < 0.03, `PDF and SVG differ in ${(100 * share).toFixed(2)}% of pixels`);
});

test("PNG and TIFF carry the pixel size and dpi asked for, as pngcheck and tiffinfo read them", () => {
  const dir = scratch();
  // Pixels as the page hands them over (RGBA), here from poppler's rendering of the PDF.
  const ds = lung();
  const scene = charts.kaplanMeierScene(ds.kaplanMeier(lungKm({ output: { preset: "single_column" } })).plot);
  ds.free();
  const pdfPath = write(dir, "km.pdf", exporter.scenePdf(scene, ...fonts()));
  const img = pdfPixels(pdfPath, 600);
  assert.equal(img.width, 2008, "85 mm at 600 dpi");
  const rgba = new Uint8Array(4 * img.width * img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    rgba.set(img.rgb.subarray(3 * i, 3 * i + 3), 4 * i);
    rgba[4 * i + 3] = 255;
  }
  const png = exporter.pngWithDpi(rgba, img.width, img.height, 600);
  const phys = pngChunk(png, "pHYs");
  assert.equal(new DataView(phys.buffer, phys.byteOffset).getUint32(0), 23622);
  assert.match(run("pngcheck", ["-v", write(dir, "km.png", png)]), /pHYs[\s\S]*23622 ?x ?23622 pixels\/meter \(600 dpi\)/);
  assert.deepEqual(pngSize(png), { width: img.width, height: img.height });

  const tiffPath = write(dir, "km.tif", exporter.tiffWithDpi(rgba, img.width, img.height, 600));
  const tiff = run("tiffinfo", [tiffPath]);
  assert.match(tiff, new RegExp(`Image Width: ${img.width} Image Length: ${img.height}`));
  assert.match(tiff, /Resolution: 600, 600 pixels\/inch/);
  assert.match(tiff, /Compression Scheme: LZW/);
  // tiffinfo decodes the strips too (-D): the file is whole.
  run("tiffinfo", ["-D", tiffPath]);
});

test("forest plots and the flow chart export the same way", () => {
  const dir = scratch();
  const ds = lung();
  const cox = ds.cox({
    time: "time", event: "status", event_values: ["2"],
    covariates: [{ column: "age" }, { column: "sex", kind: "categorical" }, { column: "ph.ecog", kind: "categorical" }],
    figure: { favours: ["Lower hazard", "Higher hazard"], row_labels: { age: "Age, per year" }, output: { preset: "double_column" } },
  });
  ds.free();
  assert.deepEqual(cox.plot.count_columns, ["n", "Events"]);
  // The rows of sex's levels: those under its header, up to the next header.
  const at = cox.plot.rows.findIndex((row) => row.is_header && row.label === "sex");
  const end = cox.plot.rows.findIndex((row, i) => i > at && row.is_header);
  const sexRows = cox.plot.rows.slice(at + 1, end);
  assert.equal(sexRows.length, 2);
  // Cells are text (a subgroup plot prints "events/n"), here whole numbers.
  assert.equal(sexRows.reduce((a, row) => a + Number(row.counts[0]), 0), cox.n_used);
  assert.equal(sexRows.reduce((a, row) => a + Number(row.counts[1]), 0), cox.n_events);
  const scene = charts.forestScene(cox.plot);
  const svg = charts.sceneSvg(scene);
  assert.equal(svgGeometry(svg).widthMm, 175);
  assert.ok(Math.min(...svgTextSizes(svg)) >= 6 - 1e-6);
  const pdfPath = write(dir, "forest.pdf", exporter.scenePdf(scene, ...fonts()));
  const words = run("pdftotext", [pdfPath, "-"]);
  for (const t of ["Age, per year", "Lower hazard", "Higher hazard", "Events", "HR (95% CI)"]) assert.ok(words.includes(t), `missing ${t}`);
  const share = differingShare(pdfPixels(pdfPath, 120), svgPixels(write(dir, "forest.svg", svg), 120));
  assert.ok(share < 0.03, `forest PDF and SVG differ in ${(100 * share).toFixed(2)}% of pixels`);
});
