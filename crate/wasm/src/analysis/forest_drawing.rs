//! Drawing of the forest plots that the Cox and model-table requests
//! return (`plot` fields): on a canvas, or as an SVG document for export.
//! A frame height of 0 means "as tall as the rows need".

use crate::charts::forest::{self, ForestPlot};
use crate::charts::Frame;
use wasm_bindgen::prelude::*;

fn forest_input(plot: JsValue, frame: JsValue) -> Result<(ForestPlot, Frame), JsError> {
    let plot: ForestPlot = serde_wasm_bindgen::from_value(plot)
        .map_err(|e| crate::js_error(format!("Invalid forest plot data: {e}")))?;
    let mut frame: Frame = crate::from_js(frame, "frame")?;
    if frame.width == 0 {
        frame.width = Frame::default().width;
    }
    if frame.height == 0 {
        frame.height = plot.preferred_height(&frame);
    }
    Ok((plot, frame))
}

/// Height in pixels that shows every row of the forest plot at `frame.width`.
#[wasm_bindgen(js_name = forestPlotHeight)]
pub fn forest_plot_height(plot: JsValue, frame: JsValue) -> Result<u32, JsError> {
    let (plot, frame) = forest_input(plot, frame)?;
    Ok(plot.preferred_height(&frame))
}

/// Draws a forest plot (the `plot` of a `cox` or `modelTable` result) on a
/// canvas of `frame.width` x `frame.height` pixels (height 0: natural height).
#[wasm_bindgen(js_name = drawForest)]
pub fn draw_forest(canvas: web_sys::HtmlCanvasElement, plot: JsValue, frame: JsValue) -> Result<(), JsError> {
    let (plot, frame) = forest_input(plot, frame)?;
    let backend = crate::canvas_backend(canvas, &frame)?;
    use plotters::prelude::IntoDrawingArea;
    forest::draw(&backend.into_drawing_area(), &plot, &frame)
        .map_err(|e| crate::js_error(format!("drawing failed: {e}")))
}

/// The forest plot as an SVG document, for download.
#[wasm_bindgen(js_name = forestSvg)]
pub fn forest_svg(plot: JsValue, frame: JsValue) -> Result<String, JsError> {
    let (plot, frame) = forest_input(plot, frame)?;
    crate::require_document()?;
    forest::to_svg(&plot, &frame).map_err(crate::js_error)
}
