//! Drawing entry points: the `plot` data of a report laid out by
//! survcalc-charts at its print size (a scene of marks in points), painted
//! on a canvas at any pixel width by plotters-canvas or written as SVG by
//! plotters-svg. Nothing here measures text widths (the layout uses
//! Arial's), so SVG and scenes can be made in a worker or in Node; only
//! drawing needs a canvas. The export package
//! (crate/export) turns the same scene into PDF, PNG and TIFF.

use crate::convert::{data, js_error, to_js};
use plotters_canvas::CanvasBackend;
use survcalc_analysis::plot::{flow::FlowChart, forest::ForestPlot, km::KmPlot};
use survcalc_charts::render::{self, Target};
use survcalc_charts::scene::Scene;
use survcalc_charts::{flow, forest, km};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What the page may ask for: a pixel width (device pixels). Read leniently.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Frame {
    width: f64,
}

fn pixel_width(frame: &JsValue, scene: &Scene) -> Result<f64, JsError> {
    let frame: Frame = data(frame, "frame")?;
    // 1 px per point unless asked (a 120 mm figure is 340 px wide).
    let width = if frame.width.is_finite() && frame.width >= 1.0 {
        frame.width
    } else {
        scene.width
    };
    Ok(width.min(20_000.0))
}

fn context(
    canvas: &web_sys::HtmlCanvasElement,
) -> Result<web_sys::CanvasRenderingContext2d, JsError> {
    let no_canvas = || js_error("this browser cannot draw on a canvas");
    canvas
        .get_context("2d")
        .map_err(|_| no_canvas())?
        .ok_or_else(no_canvas)?
        .dyn_into()
        .map_err(|_| no_canvas())
}

/// Distance from the top of the em box (where plotters-canvas anchors
/// text, `textBaseline = "top"`) to the alphabetic baseline, in ems, for
/// the figure's font as this browser has it: the cap height of "H" seen
/// from both lines. The layout places text by its baseline, so this keeps
/// the canvas' text where SVG and PDF put it.
fn top_to_baseline_em(ctx: &web_sys::CanvasRenderingContext2d, family: &str) -> f64 {
    const PROBE: f64 = 100.0;
    ctx.set_font(&format!("{PROBE}px {family}"));
    ctx.set_text_baseline("alphabetic");
    let from_baseline = ctx
        .measure_text("H")
        .map(|m| m.actual_bounding_box_ascent());
    ctx.set_text_baseline("top");
    let from_top = ctx
        .measure_text("H")
        .map(|m| m.actual_bounding_box_ascent());
    match (from_baseline, from_top) {
        (Ok(b), Ok(t)) => (b - t) / PROBE,
        // Not finite: the painter falls back to plotters-svg's 0.76 em.
        _ => f64::NAN,
    }
}

/// The scene drawn on `canvas` by plotters-canvas, the canvas resized to
/// `width` device pixels and the height that keeps the figure's proportions.
fn paint(canvas: &web_sys::HtmlCanvasElement, scene: &Scene, width: f64) -> Result<(), JsError> {
    let ctx = context(canvas)?;
    let target = Target::pixels(width, scene.width, f64::NAN);
    let (w, h) = target.size(scene.width, scene.height);
    // Resizing also resets the context (transform, styles).
    canvas.set_width(w);
    canvas.set_height(h);
    let target = Target::pixels(
        width,
        scene.width,
        top_to_baseline_em(&ctx, &scene.font_family),
    );
    canvas.set_attribute("aria-label", &scene.title).ok();
    canvas.set_attribute("role", "img").ok();
    let mut backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| js_error("this browser cannot draw on a canvas"))?;
    render::paint(scene, &mut backend, &target)
        .map_err(|e| js_error(format!("The figure could not be drawn ({e}).")))
}

fn km_scene(plot: &JsValue) -> Result<Scene, JsError> {
    Ok(km::scene(&data::<KmPlot>(plot, "plot data")?))
}
fn forest_scene(plot: &JsValue) -> Result<Scene, JsError> {
    Ok(forest::scene(&data::<ForestPlot>(
        plot,
        "forest plot data",
    )?))
}
fn flow_scene(chart: &JsValue) -> Result<Scene, JsError> {
    Ok(flow::scene(&data::<FlowChart>(chart, "flow chart data")?))
}

/// The height in device pixels a figure takes when drawn `frame.width` wide.
fn height_at(scene: &Scene, frame: &JsValue) -> Result<u32, JsError> {
    let width = pixel_width(frame, scene)?;
    Ok((scene.height * width / scene.width.max(1.0))
        .round()
        .max(1.0) as u32)
}

/// A figure laid out at its print size: `{ width, height (points),
/// font_family, title, marks }`, for `drawScene`, `sceneSvg` and the
/// export package.
#[wasm_bindgen(js_name = kaplanMeierScene)]
pub fn kaplan_meier_scene(plot: JsValue) -> Result<JsValue, JsError> {
    to_js(&km_scene(&plot)?)
}

#[wasm_bindgen(js_name = forestScene)]
pub fn forest_scene_js(plot: JsValue) -> Result<JsValue, JsError> {
    to_js(&forest_scene(&plot)?)
}

#[wasm_bindgen(js_name = flowChartScene)]
pub fn flow_chart_scene(chart: JsValue) -> Result<JsValue, JsError> {
    to_js(&flow_scene(&chart)?)
}

/// Draws a scene on a canvas `frame.width` device pixels wide (its height
/// follows the figure's proportions).
#[wasm_bindgen(js_name = drawScene)]
pub fn draw_scene(
    canvas: web_sys::HtmlCanvasElement,
    scene: JsValue,
    frame: JsValue,
) -> Result<(), JsError> {
    let scene: Scene = data(&scene, "figure")?;
    let width = pixel_width(&frame, &scene)?;
    paint(&canvas, &scene, width)
}

/// A scene as an SVG document (millimetres, text as text, the font named).
#[wasm_bindgen(js_name = sceneSvg)]
pub fn scene_svg(scene: JsValue) -> Result<String, JsError> {
    Ok(survcalc_charts::scene::to_svg(&data::<Scene>(
        &scene, "figure",
    )?))
}

/// Draws a Kaplan–Meier plot (the `plot` field of a `kaplanMeier` result)
/// on a canvas `frame.width` device pixels wide.
#[wasm_bindgen(js_name = drawKaplanMeier)]
pub fn draw_kaplan_meier(
    canvas: web_sys::HtmlCanvasElement,
    plot: JsValue,
    frame: JsValue,
) -> Result<(), JsError> {
    let scene = km_scene(&plot)?;
    let width = pixel_width(&frame, &scene)?;
    paint(&canvas, &scene, width)
}

/// The Kaplan–Meier plot as an SVG document at its print size.
#[wasm_bindgen(js_name = kaplanMeierSvg)]
pub fn kaplan_meier_svg(plot: JsValue) -> Result<String, JsError> {
    Ok(survcalc_charts::scene::to_svg(&km_scene(&plot)?))
}

/// Height in device pixels of the forest plot drawn `frame.width` wide.
#[wasm_bindgen(js_name = forestPlotHeight)]
pub fn forest_plot_height(plot: JsValue, frame: JsValue) -> Result<u32, JsError> {
    height_at(&forest_scene(&plot)?, &frame)
}

/// Draws a forest plot (the `plot` of a `cox` or `modelTable` result) on a
/// canvas `frame.width` device pixels wide.
#[wasm_bindgen(js_name = drawForest)]
pub fn draw_forest(
    canvas: web_sys::HtmlCanvasElement,
    plot: JsValue,
    frame: JsValue,
) -> Result<(), JsError> {
    let scene = forest_scene(&plot)?;
    let width = pixel_width(&frame, &scene)?;
    paint(&canvas, &scene, width)
}

/// The forest plot as an SVG document at its print size.
#[wasm_bindgen(js_name = forestSvg)]
pub fn forest_svg(plot: JsValue) -> Result<String, JsError> {
    Ok(survcalc_charts::scene::to_svg(&forest_scene(&plot)?))
}

/// Height in device pixels of the flow chart drawn `frame.width` wide.
#[wasm_bindgen(js_name = flowChartHeight)]
pub fn flow_chart_height(chart: JsValue, frame: JsValue) -> Result<u32, JsError> {
    height_at(&flow_scene(&chart)?, &frame)
}

/// Draws the flow chart (the `flow_chart` of a `classify` result) on a canvas.
#[wasm_bindgen(js_name = drawFlowChart)]
pub fn draw_flow_chart(
    canvas: web_sys::HtmlCanvasElement,
    chart: JsValue,
    frame: JsValue,
) -> Result<(), JsError> {
    let scene = flow_scene(&chart)?;
    let width = pixel_width(&frame, &scene)?;
    paint(&canvas, &scene, width)
}

/// The flow chart as an SVG document at its print size.
#[wasm_bindgen(js_name = flowChartSvg)]
pub fn flow_chart_svg(chart: JsValue) -> Result<String, JsError> {
    Ok(survcalc_charts::scene::to_svg(&flow_scene(&chart)?))
}

/// The Kaplan–Meier figure in words: `{label, text, table}`, its accessible
/// name, a sentence of what it shows and its numbers at each axis tick.
#[wasm_bindgen(js_name = kaplanMeierDescription)]
pub fn kaplan_meier_description(plot: JsValue) -> Result<JsValue, JsError> {
    let plot: KmPlot = data(&plot, "plot data")?;
    to_js(&survcalc_analysis::plot::describe::kaplan_meier(&plot))
}
