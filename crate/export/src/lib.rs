//! Figure files a journal takes: PDF as vector graphics with the text kept
//! as text (Liberation Sans, metric-compatible with Arial and Helvetica,
//! embedded as a subset of the glyphs used, with a ToUnicode map so the
//! words can be searched and copied), and PNG and TIFF with their pixel
//! density recorded in the file (PNG's pHYs chunk; TIFF's XResolution,
//! YResolution and ResolutionUnit tags), since journals check it.
//!
//! A separate wasm package (loaded on export only): the page draws the
//! figure's scene on a canvas at the pixel size asked for and hands the
//! pixels here; PDFs are written from the scene itself.

pub mod pdf;
pub mod raster;

use wasm_bindgen::prelude::*;

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// A scene (`kaplanMeierScene`, `forestScene`, `flowChartScene` of the main
/// package) as a PDF document of the figure's print size. `regular` and
/// `bold` are the bytes of LiberationSans-Regular.ttf and -Bold.ttf.
#[wasm_bindgen(js_name = scenePdf)]
pub fn scene_pdf(scene: JsValue, regular: &[u8], bold: &[u8]) -> Result<Vec<u8>, JsError> {
    let scene: survcalc_charts::scene::Scene = serde_wasm_bindgen::from_value(scene)
        .map_err(|e| js_error(format!("Invalid figure: {e}")))?;
    pdf::write(&scene, &pdf::Fonts { regular, bold }).map_err(js_error)
}

/// RGBA pixels (a canvas' `getImageData().data`) as a PNG recording `dpi`.
#[wasm_bindgen(js_name = pngWithDpi)]
pub fn png_with_dpi(rgba: &[u8], width: u32, height: u32, dpi: u32) -> Result<Vec<u8>, JsError> {
    raster::png(rgba, width, height, dpi).map_err(js_error)
}

/// RGBA pixels as an LZW-compressed RGB TIFF recording `dpi`.
#[wasm_bindgen(js_name = tiffWithDpi)]
pub fn tiff_with_dpi(rgba: &[u8], width: u32, height: u32, dpi: u32) -> Result<Vec<u8>, JsError> {
    raster::tiff(rgba, width, height, dpi).map_err(js_error)
}
