// Opening exported figures with real readers, for the figure tests: Debian's
// librsvg (rsvg-convert) and poppler (pdftoppm, pdftotext), pngcheck and
// libtiff's tiffinfo, all installed by .ci/toolchain.sh in test mode; and
// the pieces of the files those tests check (PNG chunks, SVG sizes, PPM
// pixels).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./wasm.mjs";

export const scratch = () => mkdtempSync(join(tmpdir(), "survcalc-figure-"));

/** Runs a reader; a missing one fails the test with what to install. */
export function run(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, { encoding: options.encoding ?? "utf8", maxBuffer: 1 << 28 });
  } catch (error) {
    if (error.code === "ENOENT") {
      throw new Error(`${cmd} is not installed: run .ci/toolchain.sh test (Debian packages librsvg2-bin, poppler-utils, pngcheck, libtiff-tools).`);
    }
    throw error;
  }
}

/** The export package, as the page loads it on export. */
export async function loadExporter() {
  const dir = join(root, "www", "pkg-export");
  const pkg = await import(join(dir, "survcalc_export.js"));
  await pkg.default({ module_or_path: readFileSync(join(dir, "survcalc_export_bg.wasm")) });
  return pkg;
}

export const fonts = () => [
  new Uint8Array(readFileSync(join(root, "www", "fonts", "LiberationSans-Regular.ttf"))),
  new Uint8Array(readFileSync(join(root, "www", "fonts", "LiberationSans-Bold.ttf"))),
];

/** A PNG's chunk `name` (its data), or null. */
export function pngChunk(bytes, name) {
  let at = 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at + 8 <= bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === name) return bytes.subarray(at + 8, at + 8 + len);
    at += 12 + len;
  }
  return null;
}

/** Width and height of a PNG (IHDR). */
export function pngSize(bytes) {
  const ihdr = pngChunk(bytes, "IHDR");
  const view = new DataView(ihdr.buffer, ihdr.byteOffset, 8);
  return { width: view.getUint32(0), height: view.getUint32(4) };
}

/** Print size of an SVG: its width attribute in mm, its viewBox, and points per user unit. */
export function svgGeometry(svg) {
  const width = Number(svg.match(/<svg[^>]* width="([\d.]+)mm"/)[1]);
  const height = Number(svg.match(/<svg[^>]* height="([\d.]+)mm"/)[1]);
  const [, , vw, vh] = svg.match(/viewBox="([^"]+)"/)[1].split(/\s+/).map(Number);
  return { widthMm: width, heightMm: height, viewWidth: vw, viewHeight: vh, ptPerUnit: (width / 25.4) * 72 / vw };
}

/** Text sizes of an SVG in points at its print size. */
export function svgTextSizes(svg) {
  const { ptPerUnit } = svgGeometry(svg);
  return [...svg.matchAll(/<text [^>]*font-size="([\d.]+)"/g)].map((m) => Number(m[1]) * ptPerUnit);
}

/** A binary PPM (P6), as pdftoppm writes it: { width, height, rgb }. */
export function readPpm(bytes) {
  const header = [];
  let at = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[at]))) at++;
    let token = "";
    while (!/\s/.test(String.fromCharCode(bytes[at]))) token += String.fromCharCode(bytes[at++]);
    header.push(token);
  }
  at++;
  const [magic, w, h] = header;
  if (magic !== "P6") throw new Error(`not a binary PPM: ${magic}`);
  return { width: Number(w), height: Number(h), rgb: bytes.subarray(at, at + 3 * w * h) };
}

/** Renders a PDF page with poppler at `dpi`: the pixels. */
export function pdfPixels(pdfPath, dpi) {
  const dir = scratch();
  run("pdftoppm", ["-r", String(dpi), "-singlefile", pdfPath, join(dir, "page")]);
  return readPpm(new Uint8Array(readFileSync(join(dir, "page.ppm"))));
}

/** Renders an SVG with librsvg at `dpi`, through PDF so poppler gives the pixels. */
export function svgPixels(svgPath, dpi) {
  const dir = scratch();
  const pdf = join(dir, "svg.pdf");
  run("rsvg-convert", ["-f", "pdf", "-o", pdf, svgPath]);
  return pdfPixels(pdf, dpi);
}

/** Share of pixels whose colour differs by more than `tolerance` in any channel. */
export function differingShare(a, b, tolerance = 64) {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let differ = 0;
  const n = a.width * a.height;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      if (Math.abs(a.rgb[3 * i + c] - b.rgb[3 * i + c]) > tolerance) { differ++; break; }
    }
  }
  return differ / n;
}

/** Share of pixels that are not white (ink), to tell a blank image. */
export function inkShare(img) {
  let ink = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) if (img.rgb[3 * i] < 200 || img.rgb[3 * i + 1] < 200 || img.rgb[3 * i + 2] < 200) ink++;
  return ink / n;
}

export function write(dir, name, data) {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const unescapeXml = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The words of an SVG's <text> elements (plotters-svg puts each on its own line inside the element). */
export function svgTexts(svg) {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => unescapeXml(m[1].trim()));
}

/**
 * The strokes of an SVG as plotters-svg writes them (<line> and <polyline>):
 * { colour, width (pt), length (pt) }. Dashes are drawn as their pieces.
 */
export function svgStrokes(svg) {
  const { ptPerUnit } = svgGeometry(svg);
  const attr = (tag, name) => tag.match(new RegExp(` ${name}="([^"]*)"`))?.[1];
  return [...svg.matchAll(/<(line|polyline)\b[^>]*\/>/g)].map(([tag, kind]) => {
    const points = kind === "line"
      ? [[attr(tag, "x1"), attr(tag, "y1")], [attr(tag, "x2"), attr(tag, "y2")]].map((p) => p.map(Number))
      : attr(tag, "points").trim().split(/\s+/).map((p) => p.split(",").map(Number));
    let length = 0;
    for (let i = 1; i < points.length; i++) length += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
    return { colour: attr(tag, "stroke").toLowerCase(), width: Number(attr(tag, "stroke-width")) * ptPerUnit, length: length * ptPerUnit };
  });
}
