//! Options of the figures a journal takes as they come out: print size in
//! mm or inches with the usual column widths, font and its size in points
//! at that size, resolution of raster exports, palettes and line types that
//! survive greyscale print, and per figure kind the survminer / Prism
//! choices (Kaplan–Meier) or the forest-plot columns. They are part of each
//! request (`figure`), so a saved analysis file redraws the same figure.
//! Journals' artwork rules behind the defaults: 85 / 120 / 175 mm columns
//! (Elsevier, Springer), text 6–8 pt minimum at print size, lines ≥ 0.25 pt,
//! line art at 600–1200 dpi or vector.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Journal column widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizePreset {
    /// 85 mm.
    SingleColumn,
    /// 120 mm.
    OneAndHalfColumn,
    /// 175 mm.
    DoubleColumn,
}

impl SizePreset {
    pub fn width_mm(self) -> f64 {
        match self {
            SizePreset::SingleColumn => 85.0,
            SizePreset::OneAndHalfColumn => 120.0,
            SizePreset::DoubleColumn => 175.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthUnit {
    #[default]
    Mm,
    In,
}

/// The font named in exported files. Both are drawn with the same widths
/// (Helvetica, Arial and Liberation Sans share their metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FontFamily {
    #[default]
    Arial,
    Helvetica,
}

impl FontFamily {
    /// The CSS / SVG `font-family` list: the named font first, then its
    /// metric-compatible twins, so every reader lays text out alike.
    pub fn css(self) -> &'static str {
        match self {
            FontFamily::Arial => "Arial, Helvetica, 'Liberation Sans', sans-serif",
            FontFamily::Helvetica => "Helvetica, Arial, 'Liberation Sans', sans-serif",
        }
    }
}

/// Smallest text journals accept at print size (points).
pub const MIN_FONT_PT: f64 = 6.0;
/// Thinnest line that prints reliably (points).
pub const MIN_LINE_PT: f64 = 0.25;

/// Size, font and resolution of a figure, the same for every figure kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FigureOutput {
    /// A journal column width; ignored when `width` is given. Absent: the
    /// figure kind's own default (Kaplan–Meier and flow chart 120 mm,
    /// forest plots 175 mm).
    pub preset: Option<SizePreset>,
    /// Width in `unit`.
    pub width: Option<f64>,
    /// Height in `unit`; absent: what the figure needs at its width.
    pub height: Option<f64>,
    pub unit: LengthUnit,
    pub font_family: FontFamily,
    /// Base text size in points at print size (tick labels, risk table);
    /// titles are a little larger, nothing is smaller.
    pub font_size: f64,
    /// Pixels per inch of PNG and TIFF exports (written into the file).
    pub dpi: u32,
}

impl Default for FigureOutput {
    fn default() -> Self {
        FigureOutput {
            preset: None,
            width: None,
            height: None,
            unit: LengthUnit::Mm,
            font_family: FontFamily::Arial,
            font_size: 8.0,
            dpi: 600,
        }
    }
}

const PT_PER_MM: f64 = 72.0 / 25.4;

impl FigureOutput {
    fn pt(&self, v: f64) -> f64 {
        match self.unit {
            LengthUnit::Mm => v * PT_PER_MM,
            LengthUnit::In => v * 72.0,
        }
    }

    /// Width in points, with `default` the figure kind's preset.
    pub fn width_pt(&self, default: SizePreset) -> f64 {
        match self.width {
            Some(w) => self.pt(w),
            None => self.preset.unwrap_or(default).width_mm() * PT_PER_MM,
        }
    }

    pub fn height_pt(&self) -> Option<f64> {
        self.height.map(|h| self.pt(h))
    }

    /// The options that cannot make a figure, named by their path under
    /// `figure.output` (`prefix`).
    pub fn check(&self, prefix: &str) -> Result<(), String> {
        let unit = match self.unit {
            LengthUnit::Mm => "mm",
            LengthUnit::In => "in",
        };
        let (lo, hi) = match self.unit {
            LengthUnit::Mm => (30.0, 500.0),
            LengthUnit::In => (1.2, 20.0),
        };
        for (name, v) in [("width", self.width), ("height", self.height)] {
            if let Some(v) = v {
                if !(v.is_finite() && (lo..=hi).contains(&v)) {
                    return Err(format!(
                        "Option \"{prefix}.{name}\" must be between {lo} and {hi} {unit}; {} is not.",
                        crate::format::given(v)
                    ));
                }
            }
        }
        if !(self.font_size.is_finite() && (MIN_FONT_PT..=24.0).contains(&self.font_size)) {
            return Err(format!(
                "Option \"{prefix}.font_size\" must be between {MIN_FONT_PT} and 24 points (journals ask for at least 6 pt at print size); {} is not.",
                crate::format::given(self.font_size)
            ));
        }
        if !(72..=2400).contains(&self.dpi) {
            return Err(format!(
                "Option \"{prefix}.dpi\" must be between 72 and 2400 (journals ask 300 for photographs, 600 for combinations, 1200 for line art); {} is not.",
                self.dpi
            ));
        }
        Ok(())
    }
}

/// Colours of the groups, in group order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Palette {
    /// Okabe & Ito (2008): distinguishable with colour-vision deficiencies.
    #[default]
    OkabeIto,
    /// Black and greys, with lines told apart by dash patterns.
    Greyscale,
    /// Journal-style palettes as ggsci names them.
    Nejm,
    Lancet,
    Jama,
    Jco,
    Npg,
}

impl Palette {
    pub fn colours(self) -> &'static [&'static str] {
        match self {
            Palette::OkabeIto => &[
                "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
            ],
            Palette::Greyscale => &["#000000", "#5F5F5F", "#8C8C8C", "#303030", "#A8A8A8"],
            Palette::Nejm => &[
                "#BC3C29", "#0072B5", "#E18727", "#20854E", "#7876B1", "#6F99AD", "#FFDC91",
                "#EE4C97",
            ],
            Palette::Lancet => &[
                "#00468B", "#ED0000", "#42B540", "#0099B4", "#925E9F", "#FDAF91", "#AD002A",
                "#ADB6B6",
            ],
            Palette::Jama => &[
                "#374E55", "#DF8F44", "#00A1D5", "#B24745", "#79AF97", "#6A6599", "#80796B",
            ],
            Palette::Jco => &[
                "#0073C2", "#EFC000", "#868686", "#CD534C", "#7AA6DC", "#003C67", "#8F7700",
            ],
            Palette::Npg => &[
                "#E64B35", "#4DBBD5", "#00A087", "#3C5488", "#F39B7F", "#8491B4", "#91D1C2",
                "#DC0000",
            ],
        }
    }
}

/// Whether groups differ by dash pattern as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineTypes {
    Solid,
    /// Solid, dashed, dotted, dash-dot, long dash, ...: readable in greyscale.
    ByGroup,
}

/// Dash patterns (on, off, ... in multiples of the line width) by group.
pub const DASHES: [&[f64]; 6] = [
    &[],
    &[4.0, 2.0],
    &[1.0, 1.6],
    &[5.0, 1.6, 1.0, 1.6],
    &[8.0, 2.5],
    &[2.5, 1.6],
];

/// Colour and dash of each series: the palette (or the colours given), and
/// dash patterns when asked for or when the palette is greyscale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FigureStyle {
    pub palette: Palette,
    /// "#rrggbb" per series in order, taking the place of the palette's.
    pub colours: Vec<String>,
    /// Absent: by group with the greyscale palette, solid otherwise.
    pub line_types: Option<LineTypes>,
    /// Curve width in points.
    pub line_width: f64,
}

impl Default for FigureStyle {
    fn default() -> Self {
        FigureStyle {
            palette: Palette::OkabeIto,
            colours: Vec::new(),
            line_types: None,
            line_width: 1.0,
        }
    }
}

/// A colour and dash pattern resolved for one series.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SeriesStyle {
    /// "#rrggbb".
    pub colour: String,
    /// Dash pattern in points (empty: solid).
    pub dash: Vec<f64>,
}

fn is_hex_colour(s: &str) -> bool {
    let s = s.trim();
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

impl FigureStyle {
    pub fn check(&self, prefix: &str) -> Result<(), String> {
        if let Some(bad) = self.colours.iter().find(|c| !is_hex_colour(c)) {
            return Err(format!("Option \"{prefix}.colours\": \"{bad}\" is not a colour written as #rrggbb (e.g. \"#0072B2\")."));
        }
        if !(self.line_width.is_finite() && (MIN_LINE_PT..=6.0).contains(&self.line_width)) {
            return Err(format!(
                "Option \"{prefix}.line_width\" must be between {MIN_LINE_PT} and 6 points (thinner lines vanish in print); {} is not.",
                crate::format::given(self.line_width)
            ));
        }
        Ok(())
    }

    pub fn dashed(&self) -> bool {
        match self.line_types {
            Some(t) => t == LineTypes::ByGroup,
            None => self.palette == Palette::Greyscale,
        }
    }

    /// The style of series `i`.
    pub fn series(&self, i: usize) -> SeriesStyle {
        let palette = self.palette.colours();
        let colour = match self.colours.get(i) {
            Some(c) => c.trim().to_uppercase(),
            None => palette[i % palette.len()].to_string(),
        };
        let dash = if self.dashed() {
            DASHES[i % DASHES.len()]
                .iter()
                .map(|d| d * self.line_width.max(0.5))
                .collect()
        } else {
            Vec::new()
        };
        SeriesStyle { colour, dash }
    }
}

/// Where the legend goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegendPosition {
    /// Inside the plot, where it hides the least of the curves.
    #[default]
    Inside,
    Top,
    Right,
    None,
}

/// How the confidence intervals are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CiStyle {
    #[default]
    None,
    /// A shaded band.
    Band,
    /// Dashed lines at the limits (Prism's style; prints in greyscale).
    Lines,
}

/// The table under a Kaplan–Meier plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskTableLayout {
    None,
    /// Number at risk at each tick.
    #[default]
    AtRisk,
    /// "At risk (censored)" at each tick: censored so far in brackets.
    AtRiskCensored,
    /// KMunicate (Morris et al. 2019): at risk, censored and events so far,
    /// a row each, per group.
    Kmunicate,
}

/// Scale of the survival axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurvivalScale {
    /// 0 to 1.
    Probability,
    /// 0 to 100%.
    #[default]
    Percent,
}

/// What the curve estimates, for the default axis label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointName {
    OverallSurvival,
    ProgressionFreeSurvival,
    /// Time to progression (deaths censored): "Free from progression".
    TimeToProgression,
    PostProgressionSurvival,
    DiseaseFreeSurvival,
    EventFreeSurvival,
    /// "Survival".
    Survival,
}

impl EndpointName {
    pub fn axis_label(self) -> &'static str {
        match self {
            EndpointName::OverallSurvival => "Overall survival",
            EndpointName::ProgressionFreeSurvival => "Progression-free survival",
            EndpointName::TimeToProgression => "Free from progression",
            EndpointName::PostProgressionSurvival => "Post-progression survival",
            EndpointName::DiseaseFreeSurvival => "Disease-free survival",
            EndpointName::EventFreeSurvival => "Event-free survival",
            EndpointName::Survival => "Survival",
        }
    }
}

/// The Kaplan–Meier figure (`figure` of a Kaplan–Meier request): the union
/// of survminer's `ggsurvplot`, ggsurvfit and GraphPad Prism's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KmFigure {
    pub output: FigureOutput,
    pub style: FigureStyle,
    /// Above the plot; none by default (journals put it in the caption).
    pub title: Option<String>,
    pub x_label: Option<String>,
    /// Absent: from `endpoint` (or the time column's derivation), with
    /// "(%)" on the percent scale.
    pub y_label: Option<String>,
    pub endpoint: Option<EndpointName>,
    pub y_scale: SurvivalScale,
    pub legend: LegendPosition,
    /// Heading of the legend and of the risk table's group column; absent: none.
    pub legend_title: Option<String>,
    /// Printed name of each group, by the group's value in the data.
    pub group_labels: BTreeMap<String, String>,
    /// Groups in this order (legend, colours, risk table, the reference of
    /// the hazard ratios first); groups not named follow in data order.
    pub group_order: Vec<String>,
    /// Tick every this many time units (displayed unit); absent: chosen
    /// from the range (3, 6 or 12 months, ...).
    pub x_breaks: Option<f64>,
    /// Ticks at these times (overrides `x_breaks`); 0 is always one.
    pub x_ticks: Vec<f64>,
    /// The axis ends here (curves are cut); absent: the last tick past
    /// the longest follow-up.
    pub x_max: Option<f64>,
    /// Dotted lines down from S = 0.5 to each median reached.
    pub median_lines: bool,
    pub ci: CiStyle,
    pub censor_marks: bool,
    pub risk_table: RiskTableLayout,
    /// The group test's p on the plot.
    pub show_p: bool,
    /// The Cox hazard ratio (CI) of each group against the first.
    pub show_hr: bool,
}

impl Default for KmFigure {
    fn default() -> Self {
        KmFigure {
            output: FigureOutput::default(),
            style: FigureStyle::default(),
            title: None,
            x_label: None,
            y_label: None,
            endpoint: None,
            y_scale: SurvivalScale::Percent,
            legend: LegendPosition::Inside,
            legend_title: None,
            group_labels: BTreeMap::new(),
            group_order: Vec::new(),
            x_breaks: None,
            x_ticks: Vec::new(),
            x_max: None,
            median_lines: false,
            ci: CiStyle::None,
            censor_marks: true,
            risk_table: RiskTableLayout::AtRisk,
            show_p: true,
            show_hr: true,
        }
    }
}

impl KmFigure {
    pub fn check(&self) -> Result<(), String> {
        self.output.check("figure.output")?;
        self.style.check("figure.style")?;
        if let Some(b) = self.x_breaks {
            if !(b.is_finite() && b > 0.0) {
                return Err(format!(
                    "Option \"figure.x_breaks\" must be a positive time; {} is not.",
                    crate::format::given(b)
                ));
            }
        }
        if let Some(t) = self.x_ticks.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
            return Err(format!(
                "Option \"figure.x_ticks\" takes times ≥ 0; {} is not.",
                crate::format::given(*t)
            ));
        }
        if self.x_ticks.len() > 40 {
            return Err(format!(
                "Option \"figure.x_ticks\" takes at most 40 ticks; {} given.",
                self.x_ticks.len()
            ));
        }
        if let Some(m) = self.x_max {
            if !(m.is_finite() && m > 0.0) {
                return Err(format!(
                    "Option \"figure.x_max\" must be a positive time; {} is not.",
                    crate::format::given(m)
                ));
            }
        }
        Ok(())
    }
}

/// A forest plot (`figure` of Cox and model-table requests).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForestFigure {
    pub output: FigureOutput,
    /// Colour of the squares and lines (first colour of the palette or `colours`).
    pub style: FigureStyle,
    /// Above the figure; none by default.
    pub title: Option<String>,
    /// x-axis label; absent: "Hazard ratio" / "Odds ratio".
    pub x_label: Option<String>,
    /// Printed text of a row, by its label as the report gives it
    /// ("sex", "C vs B", a covariate's column name).
    pub row_labels: BTreeMap<String, String>,
    /// Labels under the axis, left and right of 1: `["Favours treatment",
    /// "Favours control"]`; none by default.
    pub favours: Vec<String>,
    /// Columns of patients and events (Cox) or cases (logistic) per row.
    pub show_counts: bool,
    /// Squares sized by the inverse variance of the log estimate.
    pub weight_squares: bool,
}

impl Default for ForestFigure {
    fn default() -> Self {
        ForestFigure {
            output: FigureOutput::default(),
            style: FigureStyle::default(),
            title: None,
            x_label: None,
            row_labels: BTreeMap::new(),
            favours: Vec::new(),
            show_counts: true,
            weight_squares: false,
        }
    }
}

impl ForestFigure {
    pub fn check(&self) -> Result<(), String> {
        self.output.check("figure.output")?;
        self.style.check("figure.style")?;
        if !(self.favours.is_empty() || self.favours.len() == 2) {
            return Err(format!(
                "Option \"figure.favours\" takes two labels, [left of 1, right of 1]; {} given.",
                self.favours.len()
            ));
        }
        Ok(())
    }
}

/// The flow chart (`figure` of a classification request).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowFigure {
    pub output: FigureOutput,
    /// Above the chart; none by default.
    pub title: Option<String>,
}

impl FlowFigure {
    pub fn check(&self) -> Result<(), String> {
        self.output.check("figure.output")
    }
}

/// A figure's print settings as the charts need them (in the plot data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrintSpec {
    /// Points (1/72 in).
    pub width: f64,
    /// Points; `None`: the figure's natural height at its width.
    pub height: Option<f64>,
    pub font_family: FontFamily,
    pub font_size: f64,
    pub dpi: u32,
    pub line_width: f64,
}

impl Default for PrintSpec {
    fn default() -> Self {
        PrintSpec::new(&FigureOutput::default(), SizePreset::OneAndHalfColumn, 1.0)
    }
}

impl PrintSpec {
    pub fn new(output: &FigureOutput, default: SizePreset, line_width: f64) -> PrintSpec {
        PrintSpec {
            width: output.width_pt(default),
            height: output.height_pt(),
            font_family: output.font_family,
            font_size: output.font_size,
            dpi: output.dpi,
            line_width,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_units_give_points() {
        let o = FigureOutput::default();
        assert!((o.width_pt(SizePreset::SingleColumn) - 85.0 * 72.0 / 25.4).abs() < 1e-12);
        let inches = FigureOutput {
            width: Some(3.5),
            unit: LengthUnit::In,
            ..o.clone()
        };
        assert_eq!(inches.width_pt(SizePreset::DoubleColumn), 252.0);
        let preset = FigureOutput {
            preset: Some(SizePreset::DoubleColumn),
            ..o
        };
        assert!((preset.width_pt(SizePreset::SingleColumn) - 175.0 * 72.0 / 25.4).abs() < 1e-12);
    }

    #[test]
    fn print_rules_are_enforced() {
        let small = FigureOutput {
            font_size: 5.5,
            ..FigureOutput::default()
        };
        assert!(small
            .check("figure.output")
            .unwrap_err()
            .contains("figure.output.font_size"));
        let thin = FigureStyle {
            line_width: 0.1,
            ..FigureStyle::default()
        };
        assert!(thin.check("figure.style").is_err());
        let bad = FigureStyle {
            colours: vec!["red".into()],
            ..FigureStyle::default()
        };
        assert!(bad.check("figure.style").unwrap_err().contains("#rrggbb"));
        // Infinity is quoted as the user wrote it, not as Rust's "inf".
        let endless = FigureOutput {
            font_size: f64::INFINITY,
            ..FigureOutput::default()
        };
        assert!(endless
            .check("figure.output")
            .unwrap_err()
            .ends_with("; Infinity is not."));
    }

    #[test]
    fn greyscale_lines_differ_by_dash() {
        let grey = FigureStyle {
            palette: Palette::Greyscale,
            ..FigureStyle::default()
        };
        let dashes: Vec<Vec<f64>> = (0..4).map(|i| grey.series(i).dash).collect();
        for (i, a) in dashes.iter().enumerate() {
            for b in &dashes[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert!(FigureStyle::default().series(1).dash.is_empty());
    }
}
