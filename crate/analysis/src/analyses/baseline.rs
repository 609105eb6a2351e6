//! Table 1 request: baseline characteristics by group with one p-value per
//! variable (crate::baseline, gtsummary's rules), the table laid out
//! for the page, and the CSV / tab-separated / HTML exports.

use crate::analysis_set::{self, AnalysisSet, Filter};
use crate::baseline::{
    self, BaselineOptions, BaselineRowKind, BaselineSpec, BaselineTable, BaselineVariable,
    BinaryRows, ContinuousSummary, ContinuousTest,
};
use crate::derive::formulas_text;
use crate::export::DecimalMark;
use crate::labels::{self, Labels};
use crate::presets::{self, PresetReport, PresetSetting, Program};
use crate::table::Table;
use crate::warning::Warning;
use serde::de::{self, value::MapAccessDeserializer, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A row variable: a column name alone (kind from the column type) or
/// `{ column, kind?, label? }`. Written back as it was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum VariableRequest {
    Column(String),
    Full(BaselineVariable),
}

/// By hand rather than `untagged`: serde's untagged enums buffer the value
/// and report only "did not match any variant"; here the object form is read
/// by `BaselineVariable`'s own visitor on the caller's map, so a misspelled
/// option inside it is still named, with a suggestion.
impl<'de> Deserialize<'de> for VariableRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ColumnOrOptions;

        impl<'de> Visitor<'de> for ColumnOrOptions {
            type Value = VariableRequest;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or an object with options (column, kind, label)")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<VariableRequest, E> {
                Ok(VariableRequest::Column(name.to_string()))
            }

            fn visit_u64<E: de::Error>(self, name: u64) -> Result<VariableRequest, E> {
                Ok(VariableRequest::Column(name.to_string()))
            }

            fn visit_i64<E: de::Error>(self, name: i64) -> Result<VariableRequest, E> {
                Ok(VariableRequest::Column(name.to_string()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<VariableRequest, A::Error> {
                BaselineVariable::deserialize(MapAccessDeserializer::new(map))
                    .map(VariableRequest::Full)
            }
        }

        deserializer.deserialize_any(ColumnOrOptions)
    }
}

impl VariableRequest {
    fn to_core(&self) -> BaselineVariable {
        match self {
            VariableRequest::Column(name) => BaselineVariable::new(name),
            VariableRequest::Full(v) => v.clone(),
        }
    }
}

/// Test of continuous variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuousTestChoice {
    /// Kruskal–Wallis (Wilcoxon rank sum for two groups), gtsummary's default.
    #[default]
    #[serde(alias = "rank", alias = "wilcoxon")]
    Kruskal,
    /// One-way ANOVA (equal-variance t-test for two groups).
    Anova,
    /// Welch's ANOVA (Welch's t-test for two groups).
    Welch,
}

impl From<ContinuousTestChoice> for ContinuousTest {
    fn from(c: ContinuousTestChoice) -> Self {
        match c {
            ContinuousTestChoice::Kruskal => ContinuousTest::Rank,
            ContinuousTestChoice::Anova => ContinuousTest::Anova,
            ContinuousTestChoice::Welch => ContinuousTest::Welch,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineRequest {
    /// Column defining the groups (the table's columns).
    pub group: String,
    pub variables: Vec<VariableRequest>,
    pub continuous_summary: ContinuousSummary,
    pub continuous_test: ContinuousTestChoice,
    /// Yates' continuity correction for 2 x 2 chi-squared tests (tableone).
    pub yates: bool,
    /// Fisher's exact test when an expected count is below this.
    pub expected_threshold: f64,
    /// Show the "Overall" column.
    pub overall: bool,
    /// The overall column after the groups (gtsummary: first).
    pub overall_last: bool,
    /// Two-valued variables on one row (n (%) of "yes") or a row per level.
    pub binary: BinaryRows,
    /// Decimal mark of the numbers; a comma also makes the CSV `;`-separated.
    pub decimal_mark: DecimalMark,
    pub percent_decimals: usize,
    /// Decimals of continuous summaries; `None`: chosen from the values.
    pub decimals: Option<usize>,
    /// Variable labels (column -> label), used for rows without a label of
    /// their own (`variables[].label` wins).
    pub labels: Labels,
    /// Only the patients of this analysis set.
    pub filter: Option<Filter>,
    /// Match another program's defaults: sets `yates` (overriding it) and
    /// reports what it set.
    pub preset: Option<Program>,
}

impl BaselineRequest {
    /// The request with a "match another program" preset applied: the
    /// settings the analysis runs with and the methods paragraph describes.
    pub fn resolved(&self) -> std::borrow::Cow<'_, Self> {
        match self.preset {
            None => std::borrow::Cow::Borrowed(self),
            Some(program) => std::borrow::Cow::Owned({
                BaselineRequest {
                    yates: presets::defaults(program).yates,
                    ..self.clone()
                }
            }),
        }
    }
}

impl Default for BaselineRequest {
    fn default() -> Self {
        let core = BaselineOptions::default();
        BaselineRequest {
            group: String::new(),
            variables: Vec::new(),
            continuous_summary: core.summary,
            continuous_test: ContinuousTestChoice::Kruskal,
            yates: core.continuity_correction,
            expected_threshold: core.expected_threshold,
            overall: core.overall,
            overall_last: core.overall_last,
            binary: core.binary,
            decimal_mark: core.decimal_mark,
            percent_decimals: core.percent_decimals,
            decimals: core.decimals,
            labels: Labels::new(),
            filter: None,
            preset: None,
        }
    }
}

/// One row as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineDisplayRow {
    pub kind: BaselineRowKind,
    /// 0: the variable's row (bold, carries the p-value, and the summary
    /// of a continuous or two-valued variable); 1: its levels and missing
    /// rows (indented).
    pub level: u8,
    /// Label, then the overall cell when shown (first, or last with
    /// `overall_last`) and one cell per group, as `header`.
    pub cells: Vec<String>,
    /// "0.028", "<0.001", "—" or "" (rows without a test).
    pub p: String,
    /// Footnote mark of the test behind `p`.
    pub mark: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineDisplay {
    /// "Variable", "<group> (n = …)" …, "Overall (n = …)", "p".
    pub header: Vec<String>,
    pub rows: Vec<BaselineDisplayRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisplayFootnote {
    pub mark: String,
    pub test: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineResult {
    /// The core table: groups, rows with counts and p-values, tests with
    /// their statistics, footnotes.
    pub table: BaselineTable,
    pub display: BaselineDisplay,
    pub footnotes: Vec<DisplayFootnote>,
    pub settings_text: String,
    pub csv: String,
    pub tsv: String,
    pub html: String,
    pub warnings: Vec<Warning>,
    /// The analysis set the patients were restricted to (`filter`).
    pub analysis_set: Option<AnalysisSet>,
    /// What a `preset` set, when one was chosen.
    pub preset: Option<PresetReport>,
}

fn settings_text(
    data: &Table,
    request: &BaselineRequest,
    table: &BaselineTable,
    set: Option<&AnalysisSet>,
) -> String {
    let mut parts: Vec<String> = set.iter().map(|s| s.text.clone()).collect();
    parts.push(format!(
        "Groups: {} ({} patients{}).",
        labels::label_of(&request.labels, &table.group_column),
        table.n,
        if table.n_missing_group > 0 {
            format!("; {} without a value left out", table.n_missing_group)
        } else {
            String::new()
        }
    ));
    parts.push(table.settings.clone());
    parts.push(
        if request.yates {
            "The expected-count rule is gtsummary's; Yates' correction is tableone's choice."
        } else {
            "The expected-count rule is gtsummary's; tableone would instead apply Yates' continuity correction to 2 × 2 tables."
        }
        .to_string(),
    );
    if request.continuous_summary == ContinuousSummary::MedianIqr {
        parts.push("Quartiles as R's quantile() (type 7).".to_string());
    }
    if request.continuous_test == ContinuousTestChoice::Kruskal && table.groups.len() == 2 {
        parts.push(
            "Wilcoxon p-values are exact for fewer than 50 patients per group without ties, else from the normal approximation with continuity correction (as R's wilcox.test)."
                .to_string(),
        );
    }
    parts.push("The p-values compare the groups; the overall column is not tested.".to_string());
    let variables: Vec<String> = request
        .variables
        .iter()
        .map(|v| v.to_core().column)
        .collect();
    let used = std::iter::once(request.group.as_str()).chain(variables.iter().map(String::as_str));
    parts.extend(formulas_text(data, used));
    parts.join(" ")
}

fn display(table: &BaselineTable) -> BaselineDisplay {
    // Overall first (gtsummary's add_overall()) unless asked last.
    let ordered = |groups: &[String], overall: &str| -> Vec<String> {
        match (&table.overall, table.overall_last) {
            (None, _) => groups.to_vec(),
            (Some(_), true) => groups
                .iter()
                .cloned()
                .chain([overall.to_string()])
                .collect(),
            (Some(_), false) => std::iter::once(overall.to_string())
                .chain(groups.iter().cloned())
                .collect(),
        }
    };
    let mut header = vec!["Variable".to_string()];
    let group_texts: Vec<String> = table.groups.iter().map(|g| g.text.clone()).collect();
    header.extend(ordered(
        &group_texts,
        table.overall.as_ref().map_or("", |o| o.text.as_str()),
    ));
    header.push("p".to_string());
    let rows = table
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.label.clone()];
            cells.extend(ordered(&r.cells, &r.overall));
            BaselineDisplayRow {
                kind: r.kind,
                level: if r.kind == BaselineRowKind::Variable {
                    0
                } else {
                    1
                },
                cells,
                p: r.p_text.clone(),
                mark: r.mark.clone(),
            }
        })
        .collect();
    BaselineDisplay { header, rows }
}

pub fn run(data: &Table, request: &BaselineRequest) -> Result<BaselineResult, String> {
    let resolved = request.resolved();
    let request: &BaselineRequest = &resolved;
    let preset = request
        .preset
        .map(|p| presets::report(p, &[PresetSetting::Table1Yates]));
    if request.group.trim().is_empty() {
        return Err(
            "Choose the column that defines the groups (e.g. treatment arm or resistance group)."
                .into(),
        );
    }
    let variables: Vec<BaselineVariable> = request
        .variables
        .iter()
        .map(VariableRequest::to_core)
        .map(|v| BaselineVariable {
            label: v
                .label
                .clone()
                .or_else(|| labels::given(&request.labels, &v.column).map(String::from)),
            ..v
        })
        .collect();
    let spec = BaselineSpec {
        group: request.group.clone(),
        variables,
    };
    let options = BaselineOptions {
        summary: request.continuous_summary,
        continuous_test: request.continuous_test.into(),
        expected_threshold: request.expected_threshold,
        continuity_correction: request.yates,
        percent_decimals: request.percent_decimals,
        decimals: request.decimals,
        overall: request.overall,
        overall_last: request.overall_last,
        binary: request.binary,
        decimal_mark: request.decimal_mark,
    };
    let selection = analysis_set::select_optional(data, request.filter.as_ref())?;
    let table = baseline::fit_within(data, &spec, &options, selection.as_ref())
        .map_err(|e| e.to_string())?;
    let set = analysis_set::set_of(&selection);
    let mut warnings = table.warnings.clone();
    if let Some(note) = set.as_ref().and_then(AnalysisSet::left_out_warning) {
        warnings.insert(0, note);
    }
    Ok(BaselineResult {
        display: display(&table),
        footnotes: table
            .footnotes
            .iter()
            .map(|f| DisplayFootnote {
                mark: f.mark.clone(),
                test: f.test.clone(),
            })
            .collect(),
        settings_text: settings_text(data, request, &table, set.as_ref())
            + &preset
                .as_ref()
                .map(|p| format!(" {}", p.text))
                .unwrap_or_default(),
        preset,
        csv: table.to_csv(),
        tsv: table.to_tsv(),
        html: table.to_html(),
        warnings,
        table,
        analysis_set: set,
    })
}
