//! Drawing entry points: the `plot` data of a report drawn by
//! survcalc-charts on a canvas (plotters-canvas) or as an SVG document for
//! download. A frame height of 0 means "as tall as the content needs".

use crate::convert::{data, js_error, to_js};
use plotters::prelude::IntoDrawingArea;
use survcalc_analysis::plot::{flow::FlowChart, forest::ForestPlot, km::KmPlot};
use survcalc_charts::{flow, forest, km, Frame};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whether a page's document is at hand (not in a worker or Node): the
/// report draws figures only there.
#[cfg(feature = "full")]
pub fn has_document() -> bool {
    web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()).is_some()
}

/// plotters measures text through the page's DOM (a span in <body>); without
/// one (a worker, Node) it would panic, so drawing is refused up front.
fn require_document() -> Result<(), JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .map(|_| ())
        .ok_or_else(|| js_error("Charts can only be drawn in a web page's main thread (text is measured in the page)."))
}

/// A plotters backend on `canvas`, resized to the frame (checked first:
/// drawing without a page would panic inside plotters).
fn canvas_backend(canvas: web_sys::HtmlCanvasElement, frame: &Frame) -> Result<plotters_canvas::CanvasBackend, JsError> {
    require_document()?;
    let no_canvas = || js_error("this browser cannot draw on a canvas");
    canvas
        .get_context("2d")
        .map_err(|_| no_canvas())?
        .ok_or_else(no_canvas)?
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .map_err(|_| no_canvas())?;
    canvas.set_width(frame.width);
    canvas.set_height(frame.height);
    plotters_canvas::CanvasBackend::with_canvas_object(canvas).ok_or_else(no_canvas)
}

fn drawing_failed(e: impl std::fmt::Display) -> JsError {
    js_error(format!("drawing failed: {e}"))
}

/// Draws a Kaplan–Meier plot (the `plot` field of a `kaplanMeier` result)
/// on a canvas whose pixel size is `frame.width` x `frame.height`.
#[wasm_bindgen(js_name = drawKaplanMeier)]
pub fn draw_kaplan_meier(canvas: web_sys::HtmlCanvasElement, plot: JsValue, frame: JsValue) -> Result<(), JsError> {
    let plot: KmPlot = data(&plot, "plot data")?;
    let frame: Frame = data(&frame, "frame")?;
    let backend = canvas_backend(canvas, &frame)?;
    km::draw(&backend.into_drawing_area(), &plot, &frame).map_err(drawing_failed)
}

/// The same plot as an SVG document, for download.
#[wasm_bindgen(js_name = kaplanMeierSvg)]
pub fn kaplan_meier_svg(plot: JsValue, frame: JsValue) -> Result<String, JsError> {
    let plot: KmPlot = data(&plot, "plot data")?;
    let frame: Frame = data(&frame, "frame")?;
    require_document()?;
    km::to_svg(&plot, &frame).map_err(js_error)
}

fn forest_input(plot: &JsValue, frame: &JsValue) -> Result<(ForestPlot, Frame), JsError> {
    let plot: ForestPlot = data(plot, "forest plot data")?;
    let mut frame: Frame = data(frame, "frame")?;
    if frame.width == 0 {
        frame.width = Frame::default().width;
    }
    if frame.height == 0 {
        frame.height = forest::preferred_height(&plot, &frame);
    }
    Ok((plot, frame))
}

/// Height in pixels that shows every row of the forest plot at `frame.width`.
#[wasm_bindgen(js_name = forestPlotHeight)]
pub fn forest_plot_height(plot: JsValue, frame: JsValue) -> Result<u32, JsError> {
    let (plot, frame) = forest_input(&plot, &frame)?;
    Ok(forest::preferred_height(&plot, &frame))
}

/// Draws a forest plot (the `plot` of a `cox` or `modelTable` result) on a
/// canvas of `frame.width` x `frame.height` pixels (height 0: natural height).
#[wasm_bindgen(js_name = drawForest)]
pub fn draw_forest(canvas: web_sys::HtmlCanvasElement, plot: JsValue, frame: JsValue) -> Result<(), JsError> {
    let (plot, frame) = forest_input(&plot, &frame)?;
    let backend = canvas_backend(canvas, &frame)?;
    forest::draw(&backend.into_drawing_area(), &plot, &frame).map_err(drawing_failed)
}

/// The forest plot as an SVG document, for download.
#[wasm_bindgen(js_name = forestSvg)]
pub fn forest_svg(plot: JsValue, frame: JsValue) -> Result<String, JsError> {
    let (plot, frame) = forest_input(&plot, &frame)?;
    require_document()?;
    forest::to_svg(&plot, &frame).map_err(js_error)
}

fn flow_input(chart: &JsValue, frame: &JsValue) -> Result<(FlowChart, Frame), JsError> {
    Ok((data(chart, "flow chart data")?, data(frame, "frame")?))
}

/// Height in pixels that fits the flow chart at `frame.width`.
#[wasm_bindgen(js_name = flowChartHeight)]
pub fn flow_chart_height(chart: JsValue, frame: JsValue) -> Result<u32, JsError> {
    let (chart, frame) = flow_input(&chart, &frame)?;
    Ok(flow::preferred_height(&chart, &frame))
}

/// Draws the flow chart (the `flow_chart` of a `classify` result) on a canvas.
#[wasm_bindgen(js_name = drawFlowChart)]
pub fn draw_flow_chart(canvas: web_sys::HtmlCanvasElement, chart: JsValue, frame: JsValue) -> Result<(), JsError> {
    let (chart, frame) = flow_input(&chart, &frame)?;
    let backend = canvas_backend(canvas, &frame)?;
    flow::draw(&backend.into_drawing_area(), &chart, &frame).map_err(drawing_failed)
}

/// The flow chart as an SVG document, for download.
#[wasm_bindgen(js_name = flowChartSvg)]
pub fn flow_chart_svg(chart: JsValue, frame: JsValue) -> Result<String, JsError> {
    let (chart, frame) = flow_input(&chart, &frame)?;
    require_document()?;
    flow::to_svg(&chart, &frame).map_err(js_error)
}

/// The Kaplan–Meier figure in words: `{label, text, table}`, its accessible
/// name, a sentence of what it shows and its numbers at each axis tick.
#[wasm_bindgen(js_name = kaplanMeierDescription)]
pub fn kaplan_meier_description(plot: JsValue) -> Result<JsValue, JsError> {
    let plot: KmPlot = data(&plot, "plot data")?;
    let description = survcalc_analysis::plot::describe::kaplan_meier(&plot);
    to_js(&description)
}
