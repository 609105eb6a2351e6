// Figure options and figure files, for every figure of the page. The
// options become the `figure` object of the analysis request (Rust checks
// and applies them; see docs/api.md); the files are written from the
// figure's scene (laid out by Rust at print size): SVG by the main package,
// PNG / TIFF from a canvas drawn at the pixel size the dpi asks for, PDF by
// the export package, which is imported only here, on the first export.
import { charts } from "./charts.js";
import { el } from "./dom.js";

const SIZES = [
  ["single_column", "Single column (85 mm)"],
  ["one_and_half_column", "1.5 columns (120 mm)"],
  ["double_column", "Double column (175 mm)"],
];
const PALETTES = [
  ["okabe_ito", "Okabe–Ito (colour-blind safe)"], ["greyscale", "Greyscale (dashed lines)"],
  ["nejm", "NEJM style"], ["lancet", "Lancet style"], ["jama", "JAMA style"], ["jco", "JCO style"], ["npg", "NPG style"],
];

function select(id, label, choices, value) {
  const s = el("select", { id });
  for (const [v, text] of choices) s.append(el("option", { value: v, selected: v === value }, text));
  return [el("label", {}, label, s), s];
}
function input(id, label, attrs = {}) {
  const i = el("input", { id, ...attrs });
  return [el("label", {}, label, i), i];
}
function check(id, label, checked) {
  const i = el("input", { type: "checkbox", id, checked });
  return [el("label", { class: "check" }, i, label), i];
}
const text = (i) => (i.value.trim() === "" ? null : i.value.trim());
/** The inverse of `text` / `number`: null shows as an empty field. */
const show = (i, v) => { i.value = v == null ? "" : String(v); };
/** A select shows `v` if it offers it (an unknown value leaves it as it is). */
const choose = (s, v) => { if (v != null && [...s.options].some((o) => o.value === String(v))) s.value = String(v); };
/** The inverse of `pairs`: { a: "A" } as "a = A". */
const pairsText = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k} = ${v}`).join("; ");
const number = (i) => (i.value.trim() === "" ? null : Number(i.value));

/**
 * Controls of one figure's options. `kind`: "km", "forest" or "flow";
 * `prefix` names the controls' ids; `onChange()` reruns the analysis.
 * Returns { element, value(), set(figure) } where value() is the request's
 * `figure` and set() shows one.
 */
export function figureOptions(kind, prefix, onChange) {
  const rows = [];
  const [sizeLabel, size] = select(`${prefix}-fig-size`, "Width", SIZES, kind === "forest" ? "double_column" : "one_and_half_column");
  const [heightLabel, height] = input(`${prefix}-fig-height`, "Height (mm)", { type: "number", min: 30, max: 500, step: "any", placeholder: "auto", size: 5 });
  const [fontLabel, font] = select(`${prefix}-fig-font`, "Font", [["arial", "Arial"], ["helvetica", "Helvetica"]], "arial");
  const [fontSizeLabel, fontSize] = input(`${prefix}-fig-font-size`, "Text (pt)", { type: "number", min: 6, max: 24, step: 0.5, value: 8, size: 4 });
  const [dpiLabel, dpi] = select(`${prefix}-fig-dpi`, "PNG/TIFF resolution", [["300", "300 dpi"], ["600", "600 dpi"], ["1200", "1200 dpi"]], "600");
  const [titleLabel, title] = input(`${prefix}-fig-title`, "Title", { type: "text", placeholder: "none (use the caption)", size: 18 });
  rows.push(sizeLabel, heightLabel, fontLabel, fontSizeLabel, dpiLabel, titleLabel);
  const controls = [size, height, font, fontSize, dpi, title];
  const output = () => ({
    preset: size.value,
    height: number(height),
    font_family: font.value,
    font_size: number(fontSize) ?? 8,
    dpi: Number(dpi.value),
  });

  const setOutput = (o = {}) => {
    choose(size, o.preset);
    show(height, o.height);
    choose(font, o.font_family);
    show(fontSize, o.font_size ?? 8);
    choose(dpi, o.dpi);
  };

  let value;
  let set;
  if (kind === "flow") {
    value = () => ({ output: output(), title: text(title) });
    set = (f) => { setOutput(f.output); show(title, f.title); };
  } else {
    const [paletteLabel, palette] = select(`${prefix}-fig-palette`, "Colours", PALETTES, "okabe_ito");
    const [linesLabel, lines] = select(`${prefix}-fig-lines`, "Lines", [["", "solid (dashed in greyscale)"], ["by_group", "dashed by group"], ["solid", "solid"]], "");
    rows.push(paletteLabel, linesLabel);
    controls.push(palette, lines);
    const style = () => ({ palette: palette.value, line_types: lines.value || null });
    const setStyle = (st = {}) => { choose(palette, st.palette); lines.value = st.line_types ?? ""; };
    if (kind === "km") {
      const [xLabelLabel, xLabel] = input(`${prefix}-fig-x-label`, "x-axis title", { type: "text", placeholder: "Time (months)", size: 14 });
      const [yLabelLabel, yLabel] = input(`${prefix}-fig-y-label`, "y-axis title", { type: "text", placeholder: "from the endpoint", size: 16 });
      const [scaleLabel, scale] = select(`${prefix}-fig-y-scale`, "Survival as", [["percent", "percent"], ["probability", "probability"]], "percent");
      const [legendLabel, legend] = select(`${prefix}-fig-legend`, "Legend", [["inside", "inside"], ["top", "above"], ["right", "right"], ["none", "none"]], "inside");
      const [tableLabel, table] = select(`${prefix}-fig-risk`, "Table under the plot", [
        ["at_risk", "number at risk"], ["at_risk_censored", "at risk (censored)"], ["kmunicate", "KMunicate: at risk, censored, events"], ["none", "none"]], "at_risk");
      const [ciLabel, ci] = select(`${prefix}-fig-ci`, "Confidence intervals", [["none", "none"], ["band", "band"], ["lines", "dashed lines"]], "none");
      const [breaksLabel, breaks] = input(`${prefix}-fig-breaks`, "Tick every", { type: "number", min: 0, step: "any", placeholder: "auto", size: 4 });
      const [xMaxLabel, xMax] = input(`${prefix}-fig-x-max`, "Axis ends at", { type: "number", min: 0, step: "any", placeholder: "auto", size: 4 });
      const [labelsLabel, labels] = input(`${prefix}-fig-group-labels`, "Group names", { type: "text", placeholder: "value = name; …", size: 22 });
      const [medianLabel, median] = check(`${prefix}-fig-median`, "Median lines", false);
      const [censorLabel, censor] = check(`${prefix}-fig-censor`, "Censor marks", true);
      const [pLabel, p] = check(`${prefix}-fig-p`, "Log-rank p", true);
      const [hrLabel, hr] = check(`${prefix}-fig-hr`, "Hazard ratios", true);
      rows.push(xLabelLabel, yLabelLabel, scaleLabel, legendLabel, tableLabel, ciLabel, breaksLabel, xMaxLabel, labelsLabel,
        medianLabel, censorLabel, pLabel, hrLabel);
      controls.push(xLabel, yLabel, scale, legend, table, ci, breaks, xMax, labels, median, censor, p, hr);
      value = () => ({
        output: output(), style: style(), title: text(title), x_label: text(xLabel), y_label: text(yLabel),
        y_scale: scale.value, legend: legend.value, risk_table: table.value, ci: ci.value,
        x_breaks: number(breaks), x_max: number(xMax), group_labels: pairs(labels.value),
        median_lines: median.checked, censor_marks: censor.checked, show_p: p.checked, show_hr: hr.checked,
      });
      set = (f) => {
        setOutput(f.output); setStyle(f.style); show(title, f.title); show(xLabel, f.x_label); show(yLabel, f.y_label);
        choose(scale, f.y_scale); choose(legend, f.legend); choose(table, f.risk_table); choose(ci, f.ci);
        show(breaks, f.x_breaks); show(xMax, f.x_max); labels.value = pairsText(f.group_labels);
        if (f.median_lines != null) median.checked = f.median_lines;
        if (f.censor_marks != null) censor.checked = f.censor_marks;
        if (f.show_p != null) p.checked = f.show_p;
        if (f.show_hr != null) hr.checked = f.show_hr;
      };
    } else {
      const [xLabelLabel, xLabel] = input(`${prefix}-fig-x-label`, "Axis title", { type: "text", placeholder: "Hazard ratio (log scale)", size: 16 });
      const [leftLabel, left] = input(`${prefix}-fig-favours-left`, "Left of 1 favours", { type: "text", size: 12 });
      const [rightLabel, right] = input(`${prefix}-fig-favours-right`, "Right of 1 favours", { type: "text", size: 12 });
      const [countsLabel, counts] = check(`${prefix}-fig-counts`, "n and events columns", true);
      const [weightLabel, weight] = check(`${prefix}-fig-weights`, "Squares sized by precision", false);
      const [labelsLabel, labels] = input(`${prefix}-fig-row-labels`, "Row labels", { type: "text", placeholder: "label = new label; …", size: 22 });
      rows.push(xLabelLabel, leftLabel, rightLabel, countsLabel, weightLabel, labelsLabel);
      controls.push(xLabel, left, right, counts, weight, labels);
      value = () => ({
        output: output(), style: style(), title: text(title), x_label: text(xLabel),
        favours: text(left) && text(right) ? [text(left), text(right)] : [],
        show_counts: counts.checked, weight_squares: weight.checked, row_labels: pairs(labels.value),
      });
      set = (f) => {
        setOutput(f.output); setStyle(f.style); show(title, f.title); show(xLabel, f.x_label);
        show(left, f.favours?.[0]); show(right, f.favours?.[1]);
        if (f.show_counts != null) counts.checked = f.show_counts;
        if (f.weight_squares != null) weight.checked = f.weight_squares;
        labels.value = pairsText(f.row_labels);
      };
    }
  }
  for (const c of controls) c.addEventListener("change", onChange);
  const element = el("details", { class: "figure-options", id: `${prefix}-fig-options` },
    el("summary", {}, "Figure options (size, font, labels, style)"), el("div", { class: "settings" }, rows));
  /**
   * The controls show a request's `figure` (the inverse of value()); no
   * change event is sent: the caller reruns the analysis once, after its
   * whole form is set.
   */
  const setFigure = (f) => { if (f) set(f); };
  return { element, value, set: setFigure };
}

/** "a = A; b = B" as { a: "A", b: "B" }. */
function pairs(textValue) {
  const out = {};
  for (const part of textValue.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

let exportPackage;
/** The export package, imported and started on first use. */
async function exporter() {
  if (!exportPackage) {
    exportPackage = import("../pkg-export/survcalc_export.js").then(async (m) => {
      await m.default({ module_or_path: new URL("../pkg-export/survcalc_export_bg.wasm", import.meta.url) });
      return m;
    });
  }
  return exportPackage;
}

const fontBytes = (name) => fetch(new URL(`../fonts/${name}`, import.meta.url)).then((r) => {
  if (!r.ok) throw new Error(`The font ${name} could not be loaded.`);
  return r.arrayBuffer();
}).then((b) => new Uint8Array(b));

/** Pixels of the scene drawn `dpi` per inch at its print size. */
async function pixels(scene, dpi) {
  const { drawScene } = await charts();
  const canvas = document.createElement("canvas");
  drawScene(canvas, scene, { width: Math.round((scene.width / 72) * dpi) });
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  return { data: new Uint8Array(data.buffer), width: canvas.width, height: canvas.height };
}

/**
 * The figure file: `format` "svg", "pdf", "png" or "tiff"; `dpi` for the
 * raster formats. Resolves to a Blob.
 */
export async function figureFile(scene, format, dpi = 600) {
  if (format === "svg") return new Blob([(await charts()).sceneSvg(scene)], { type: "image/svg+xml" });
  const m = await exporter();
  if (format === "pdf") {
    const [regular, bold] = await Promise.all([fontBytes("LiberationSans-Regular.ttf"), fontBytes("LiberationSans-Bold.ttf")]);
    return new Blob([m.scenePdf(scene, regular, bold)], { type: "application/pdf" });
  }
  const { data, width, height } = await pixels(scene, dpi);
  if (format === "png") return new Blob([m.pngWithDpi(data, width, height, dpi)], { type: "image/png" });
  if (format === "tiff") return new Blob([m.tiffWithDpi(data, width, height, dpi)], { type: "image/tiff" });
  throw new Error(`Unknown figure format "${format}".`);
}

/**
 * Download buttons for a figure, after a "Download figure:" label: PNG,
 * TIFF, SVG, PDF. `getScene()` returns
 * (or resolves to) the figure's scene, `dpi()` the resolution, `base` the file name stem;
 * `ids` maps a format to the button's id (the page's tests click them).
 */
export function exportButtons({ getScene, dpi, base, download, onError, ids = {}, what = "figure" }) {
  const buttons = [["png", "PNG"], ["tiff", "TIFF"], ["svg", "SVG"], ["pdf", "PDF"]].map(([format, label]) => {
    // The visible text is part of the accessible name (WCAG 2.5.3).
    const b = el("button", { type: "button", class: "secondary", id: ids[format], "aria-label": `Download the ${what} as ${label}` }, label);
    b.addEventListener("click", async () => {
      try {
        const scene = await getScene();
        if (!scene) return;
        download(await figureFile(scene, format, dpi()), `${base}.${format === "tiff" ? "tif" : format}`);
      } catch (error) {
        onError?.(error);
      }
    });
    return b;
  });
  return [el("span", { class: "figure-actions-label", "aria-hidden": "true" }, "Download figure:"), ...buttons];
}
