//! The drawing calls the forest plot and the flow chart were written with
//! (shapes, strokes, fills, anchored text), turned into scene marks.

use crate::scene::{Anchor, Fill, Font, Rgb, Scene, Stroke, VAlign};

/// The few shapes the forest plot draws, as scene marks.
pub(crate) enum Shape {
    Line(Vec<(f64, f64)>, Stroke),
    Filled(Vec<(f64, f64)>, Fill),
}
pub(crate) struct PathElement;
impl PathElement {
    pub(crate) fn new(points: Vec<(f64, f64)>, stroke: Stroke) -> Shape {
        Shape::Line(points, stroke)
    }
}
pub(crate) struct Polygon;
impl Polygon {
    pub(crate) fn new(points: Vec<(f64, f64)>, fill: Fill) -> Shape {
        Shape::Filled(points, fill)
    }
}
pub(crate) struct Rectangle;
impl Rectangle {
    pub(crate) fn new([(x0, y0), (x1, y1)]: [(f64, f64); 2], fill: Fill) -> Shape {
        Shape::Filled(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill)
    }
}
pub(crate) trait Paint {
    fn stroke_width(self, width: f64) -> Stroke;
    fn filled(self) -> Fill;
}
impl Paint for Rgb {
    fn stroke_width(self, width: f64) -> Stroke {
        Stroke::solid(self, width)
    }
    fn filled(self) -> Fill {
        Fill::solid(self)
    }
}
pub(crate) trait Canvas {
    fn draw(&mut self, shape: &Shape);
    fn text_at(&mut self, text: &str, font: Font, anchor: Anchor, valign: VAlign, x: f64, y: f64);
}
impl Canvas for Scene {
    fn draw(&mut self, shape: &Shape) {
        match shape {
            Shape::Line(points, stroke) => self.line(points.clone(), stroke.clone()),
            Shape::Filled(points, fill) => self.polygon(points.clone(), Some(*fill), None),
        }
    }
    fn text_at(&mut self, text: &str, font: Font, anchor: Anchor, valign: VAlign, x: f64, y: f64) {
        self.text(x, y, text, font, anchor, valign);
    }
}
