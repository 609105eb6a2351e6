// Figures in the browser: the canvas (plotters-canvas), Chromium's own
// rendering of the SVG (plotters-svg) and librsvg's show the same figure;
// the page's PNG, TIFF and PDF buttons give files of the size, dpi and text
// asked for, as pngcheck, tiffinfo and poppler read them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openPage, artifacts, loadExample } from "../support/browser.mjs";
import { scratch, run, write, pngChunk, pngSize, svgPixels, differingShare, inkShare } from "../support/figures.mjs";

let session;
before(async () => { session = await openPage(); });
after(async () => { await session?.close(); });

/** The part of two images both cover (their heights may differ by a rounded pixel). */
function overlap(a, b) {
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  const crop = (img) => {
    const rgb = new Uint8Array(3 * width * height);
    for (let y = 0; y < height; y++) rgb.set(img.rgb.subarray(3 * y * img.width, 3 * (y * img.width + width)), 3 * y * width);
    return { width, height, rgb };
  };
  return [crop(a), crop(b)];
}

test("the canvas, Chromium's SVG and librsvg's SVG show the same figure", async (t) => {
  const { page } = session;
  await loadExample(page, "lung.csv", "#km-results");
  // At print resolution: at screen resolution the two rasterisers' glyph
  // edges, not the figure, make most of the difference.
  const dpi = 300;
  // In the page, with the page's own module: the lung KM figure by sex,
  // drawn on a canvas at 300 dpi and its SVG drawn by Chromium at the same size.
  const drawn = await page.evaluate(async (dpi) => {
    // The analysis module (the worker's) gives the plot data; the drawing
    // module (the page's) draws it, as on the page.
    const full = await import("./pkg/survcalc.js");
    await full.default();
    const m = await import("./pkg/survcalc_charts.js");
    await m.default();
    const text = await (await fetch("examples/lung.csv")).text();
    const ds = full.Dataset.fromCsv(text, "lung.csv", {});
    const r = ds.kaplanMeier({
      time: "time", event: "status", event_values: ["2"], group: "sex", time_unit: "days",
      figure: { output: { preset: "single_column" }, risk_table: "kmunicate", ci: "band", median_lines: true },
    });
    ds.free();
    const scene = m.kaplanMeierScene(r.plot);
    const canvas = document.createElement("canvas");
    m.drawScene(canvas, scene, { width: Math.round((scene.width / 72) * dpi) });
    const rgb = (c) => {
      const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
      // RGB as base64 (a few MB of pixels cross to Node quickly that way).
      let binary = "";
      for (let i = 0; i < data.length; i += 4) binary += String.fromCharCode(data[i], data[i + 1], data[i + 2]);
      return { width: c.width, height: c.height, rgb: btoa(binary) };
    };
    const svg = m.sceneSvg(scene);
    const image = new Image();
    image.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    await image.decode();
    const other = document.createElement("canvas");
    other.width = canvas.width;
    other.height = canvas.height;
    const ctx = other.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, other.width, other.height);
    ctx.drawImage(image, 0, 0, other.width, other.height);
    return { svg, canvas: rgb(canvas), chromium: rgb(other) };
  }, dpi);
  const pixels = (img) => ({ ...img, rgb: new Uint8Array(Buffer.from(img.rgb, "base64")) });
  const canvas = pixels(drawn.canvas);
  const chromium = pixels(drawn.chromium);
  assert.equal(canvas.width, Math.round((85 / 25.4) * dpi), "85 mm at 300 dpi");
  assert.ok(inkShare(canvas) > 0.02, "the canvas is not blank");
  const dir = scratch();
  const librsvg = svgPixels(write(dir, "km.svg", drawn.svg), dpi);
  // For a look: the canvas and librsvg's rendering as PPM files.
  const ppm = (img) => Buffer.concat([Buffer.from(`P6 ${img.width} ${img.height} 255\n`), Buffer.from(img.rgb)]);
  write(artifacts, "km-canvas-300dpi.ppm", ppm(canvas));
  write(artifacts, "km-librsvg-300dpi.ppm", ppm(librsvg));
  write(artifacts, "km-chromium-svg-300dpi.ppm", ppm(chromium));
  const shares = {
    chromium: differingShare(canvas, chromium),
    librsvg: differingShare(...overlap(canvas, librsvg)),
  };
  for (const [reader, share] of Object.entries(shares)) {
    t.diagnostic(`canvas vs ${reader}: ${(100 * share).toFixed(2)}% of pixels differ`);
    assert.ok(share < 0.03, `canvas and ${reader}'s SVG differ in ${(100 * share).toFixed(2)}% of pixels`);
  }
});

test("the page's PNG, TIFF and PDF buttons give the size, dpi and text asked for", async () => {
  const { page } = session;
  await page.selectOption("#km-group", "sex");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("All patients"));
  // 85 mm at 300 dpi.
  await page.click("#km-fig-options summary");
  await page.selectOption("#km-fig-size", "single_column");
  await page.selectOption("#km-fig-dpi", "300");
  await page.selectOption("#km-fig-risk", "kmunicate");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("All patients"));
  const dir = scratch();
  const save = async (id, name) => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(id)]);
    assert.equal(download.suggestedFilename(), name);
    return write(dir, name, readFileSync(await download.path()));
  };

  const pngPath = await save("#km-png", "kaplan-meier.png");
  const png = new Uint8Array(readFileSync(pngPath));
  assert.equal(pngSize(png).width, Math.round((85 / 25.4) * 300));
  assert.match(run("pngcheck", ["-v", pngPath]), /pHYs[\s\S]*11811 ?x ?11811 pixels\/meter \(300 dpi\)/);
  assert.ok(pngChunk(png, "IDAT"));

  const tiffPath = await save("#km-tiff", "kaplan-meier.tif");
  const tiff = run("tiffinfo", [tiffPath]);
  assert.match(tiff, new RegExp(`Image Width: ${pngSize(png).width} Image Length: ${pngSize(png).height}`));
  assert.match(tiff, /Resolution: 300, 300 pixels\/inch/);

  const pdfPath = await save("#km-pdf", "kaplan-meier.pdf");
  const info = run("pdfinfo", [pdfPath]);
  const [, w] = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  assert.ok(Math.abs(Number(w) - (85 / 25.4) * 72) < 0.01, `page width ${w} pt`);
  const words = run("pdftotext", ["-layout", pdfPath, "-"]);
  for (const t of ["At risk", "Censored", "Events", "Log-rank p"]) assert.ok(words.includes(t), `the PDF misses "${t}"`);
  assert.match(run("pdffonts", [pdfPath]), /\+LiberationSans\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  await page.locator("#km-card").screenshot({ path: join(artifacts, "km-figure-options.png") });
  assert.deepEqual(session.consoleErrors, []);
});

test("group names set in the figure options rename the groups in the legend and in the tables beside it", async () => {
  const { page } = session;
  await page.selectOption("#km-group", "sex");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("All patients"));
  const firstCells = (id) => page.$$eval(`${id} tbody tr`, (rows) => rows.map((r) => r.cells[0]?.textContent.trim()));
  assert.deepEqual(await firstCells("#km-summary"), ["All patients", "1", "2"]);
  // Open, whether or not the test before left it open.
  await page.$eval("#km-fig-options", (details) => { details.open = true; });
  await page.fill("#km-fig-group-labels", "1 = Male; 2 = Female");
  await page.dispatchEvent("#km-fig-group-labels", "change");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("Female"));
  assert.deepEqual(await firstCells("#km-summary"), ["All patients", "Male", "Female"]);
  // The figure's own data table (its legend's names) agrees.
  const figureData = await page.textContent("#km-figure-data");
  assert.ok(figureData.includes("Male") && figureData.includes("Female"), figureData);
  assert.deepEqual(session.consoleErrors, []);
});
