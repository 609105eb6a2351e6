//! Drawing entry points: the `plot` data of a report laid out by
//! survcalc-charts at its print size (a scene of marks in points), drawn on
//! a canvas at any pixel width or written as SVG. Nothing here measures
//! text (the layout uses Arial's widths), so SVG and scenes can be made in
//! a worker or in Node; only drawing needs a canvas. The export package
//! (crate/export) turns the same scene into PDF, PNG and TIFF.

use crate::convert::{data, js_error, to_js};
use survcalc_analysis::plot::{flow::FlowChart, forest::ForestPlot, km::KmPlot};
use survcalc_charts::scene::{Anchor, Mark, Scene};
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
    let width = if frame.width.is_finite() && frame.width >= 1.0 { frame.width } else { scene.width };
    Ok(width.min(20_000.0))
}

fn context(canvas: &web_sys::HtmlCanvasElement) -> Result<web_sys::CanvasRenderingContext2d, JsError> {
    let no_canvas = || js_error("this browser cannot draw on a canvas");
    canvas.get_context("2d").map_err(|_| no_canvas())?.ok_or_else(no_canvas)?.dyn_into().map_err(|_| no_canvas())
}

/// The scene drawn on `canvas`, resized to `width` device pixels and the
/// height that keeps the figure's proportions.
fn paint(canvas: &web_sys::HtmlCanvasElement, scene: &Scene, width: f64) -> Result<(), JsError> {
    let ctx = context(canvas)?;
    let scale = width / scene.width.max(1.0);
    canvas.set_width(width.round().max(1.0) as u32);
    canvas.set_height((scene.height * scale).round().max(1.0) as u32);
    ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0).map_err(|_| js_error("the canvas refused a transform"))?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, scene.width, scene.height);
    canvas.set_attribute("aria-label", &scene.title).ok();
    canvas.set_attribute("role", "img").ok();
    for mark in &scene.marks {
        match mark {
            Mark::Path { points, closed, fill, stroke } => {
                let Some((first, rest)) = points.split_first() else { continue };
                ctx.begin_path();
                ctx.move_to(first.0, first.1);
                for (x, y) in rest {
                    ctx.line_to(*x, *y);
                }
                if *closed {
                    ctx.close_path();
                }
                if let Some(f) = fill.filter(|f| f.opacity > 0.0) {
                    ctx.set_global_alpha(f.opacity.min(1.0));
                    ctx.set_fill_style_str(&f.colour.hex());
                    ctx.fill();
                    ctx.set_global_alpha(1.0);
                }
                if let Some(s) = stroke.as_ref().filter(|s| s.width > 0.0) {
                    ctx.set_stroke_style_str(&s.colour.hex());
                    ctx.set_line_width(s.width);
                    ctx.set_line_join("round");
                    let dash = js_sys::Array::new();
                    for d in &s.dash {
                        dash.push(&JsValue::from_f64(*d));
                    }
                    ctx.set_line_dash(&dash).ok();
                    ctx.stroke();
                }
            }
            Mark::Text { x, y, text, size, bold, anchor, colour, vertical } => {
                ctx.set_font(&format!("{}{}px {}", if *bold { "bold " } else { "" }, size, scene.font_family));
                ctx.set_text_align(match anchor {
                    Anchor::Start => "left",
                    Anchor::Middle => "center",
                    Anchor::End => "right",
                });
                ctx.set_text_baseline("alphabetic");
                ctx.set_fill_style_str(&colour.hex());
                if *vertical {
                    ctx.save();
                    ctx.translate(*x, *y).ok();
                    ctx.rotate(-std::f64::consts::FRAC_PI_2).ok();
                    ctx.fill_text(text, 0.0, 0.0).ok();
                    ctx.restore();
                } else {
                    ctx.fill_text(text, *x, *y).ok();
                }
            }
        }
    }
    Ok(())
}

fn km_scene(plot: &JsValue) -> Result<Scene, JsError> {
    Ok(km::scene(&data::<KmPlot>(plot, "plot data")?))
}
fn forest_scene(plot: &JsValue) -> Result<Scene, JsError> {
    Ok(forest::scene(&data::<ForestPlot>(plot, "forest plot data")?))
}
fn flow_scene(chart: &JsValue) -> Result<Scene, JsError> {
    Ok(flow::scene(&data::<FlowChart>(chart, "flow chart data")?))
}

/// The height in device pixels a figure takes when drawn `frame.width` wide.
fn height_at(scene: &Scene, frame: &JsValue) -> Result<u32, JsError> {
    let width = pixel_width(frame, scene)?;
    Ok((scene.height * width / scene.width.max(1.0)).round().max(1.0) as u32)
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
pub fn draw_scene(canvas: web_sys::HtmlCanvasElement, scene: JsValue, frame: JsValue) -> Result<(), JsError> {
    let scene: Scene = data(&scene, "figure")?;
    let width = pixel_width(&frame, &scene)?;
    paint(&canvas, &scene, width)
}

/// A scene as an SVG document (millimetres, text as text, the font named).
#[wasm_bindgen(js_name = sceneSvg)]
pub fn scene_svg(scene: JsValue) -> Result<String, JsError> {
    Ok(survcalc_charts::scene::to_svg(&data::<Scene>(&scene, "figure")?))
}

/// Draws a Kaplan–Meier plot (the `plot` field of a `kaplanMeier` result)
/// on a canvas `frame.width` device pixels wide.
#[wasm_bindgen(js_name = drawKaplanMeier)]
pub fn draw_kaplan_meier(canvas: web_sys::HtmlCanvasElement, plot: JsValue, frame: JsValue) -> Result<(), JsError> {
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
pub fn draw_forest(canvas: web_sys::HtmlCanvasElement, plot: JsValue, frame: JsValue) -> Result<(), JsError> {
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
pub fn draw_flow_chart(canvas: web_sys::HtmlCanvasElement, chart: JsValue, frame: JsValue) -> Result<(), JsError> {
    let scene = flow_scene(&chart)?;
    let width = pixel_width(&frame, &scene)?;
    paint(&canvas, &scene, width)
}

/// The flow chart as an SVG document at its print size.
#[wasm_bindgen(js_name = flowChartSvg)]
pub fn flow_chart_svg(chart: JsValue) -> Result<String, JsError> {
    Ok(survcalc_charts::scene::to_svg(&flow_scene(&chart)?))
}
