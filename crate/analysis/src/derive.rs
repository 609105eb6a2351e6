//! Derived variables: new columns computed from the table's columns, each
//! with its formula kept as provenance (`Column.derived`) and stated next to
//! every result that uses it. As R users write them:
//! - a cut into labelled groups, `cut(x, c(-Inf, 400, Inf), right = FALSE)`
//!   (the same patients as `I(x >= 400)`), with the side that holds each cut
//!   point stated;
//! - a transform: `log(x)`, `log2(x)`, `log10(x)`, `x / k` (effects per k
//!   units), `scale(x)` (standardised with the column's mean and SD, n − 1);
//! - a recode of a category's levels (merge, rename, reorder, choose the
//!   reference, turn some into missing), as `factor(x, levels, labels)`;
//! - the time between two date columns in days, weeks, months (days /
//!   30.4375) or years (days / 365.25).
//!
//! A derived column is added to the table and never replaces one: a name in
//! use gets the next free `name_2`, `name_3`, ... with a typed note. Only
//! user-derived columns can be removed again ([`remove`]).

use crate::analysis_set::{numbers, require};
use crate::dates::TimeUnit;
use crate::provenance::{Derivation, DerivedColumn};
use crate::request::did_you_mean;
use crate::table::{categorical_column, Column, ColumnData, ColumnKind, Table};
use crate::warning::Warning;
use serde::{Deserialize, Serialize};

/// Lines listed in a note about rows.
const LISTED_LINES: usize = 5;

/// One derived column: its name and exactly one of the four derivations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeriveRequest {
    /// The new column's name; empty: one made from the formula
    /// ("afp_ge_400", "log_bili").
    pub name: String,
    pub cut: Option<Cut>,
    pub transform: Option<Transform>,
    pub recode: Option<Recode>,
    pub time_between: Option<TimeBetween>,
}

/// Which group a value equal to a cut point falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutPointIn {
    /// The group above it: "< 400" and "≥ 400" (R's `cut(right = FALSE)`).
    #[default]
    Upper,
    /// The group below it: "≤ 400" and "> 400" (R's `cut()` default).
    Lower,
}

/// A number cut at thresholds into ordered, labelled categories (the
/// lowest group first, so it is the reference of a regression).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cut {
    pub column: String,
    /// The cut points, ascending (one for two groups).
    pub at: Vec<f64>,
    pub cut_point_in: CutPointIn,
    /// One label per group, lowest first; empty: "< 400", "≥ 400".
    pub labels: Vec<String>,
}

/// The function of a transform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransformFunction {
    /// Natural logarithm (R's `log`); every value must be positive.
    #[default]
    Log,
    Log2,
    Log10,
    /// The value divided by `per`: effects per `per` units.
    PerUnits,
    /// (x − mean) / SD over the column's values, as R's `scale(x)`.
    Standardise,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Transform {
    pub column: String,
    pub function: TransformFunction,
    /// The units of `per_units` (10: per 10 years of age).
    pub per: Option<f64>,
}

/// Levels merged into one, or one level renamed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LevelMap {
    /// Levels of the column.
    pub from: Vec<String>,
    /// Their new label.
    pub to: String,
}

/// The levels of a category (or of a number or text column, one level per
/// value) recoded. Levels not named keep their label.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recode {
    pub column: String,
    pub levels: Vec<LevelMap>,
    /// New labels in the order wanted; labels not listed follow in their
    /// present order.
    pub order: Vec<String>,
    /// The new label to put first (a regression's reference level).
    pub reference: Option<String>,
    /// Levels of the column that become missing ("unknown").
    pub missing: Vec<String>,
}

/// The time from one date column to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeBetween {
    pub from: String,
    pub to: String,
    pub unit: TimeUnit,
}

impl Default for TimeBetween {
    fn default() -> Self {
        TimeBetween {
            from: String::new(),
            to: String::new(),
            unit: TimeUnit::Months,
        }
    }
}

/// What a derive request added.
#[derive(Debug, Clone, Serialize)]
pub struct DeriveResult {
    /// The new column's name (another than asked for when that was taken).
    pub column: String,
    /// "cut", "transform", "recode" or "time_between".
    pub kind: &'static str,
    /// The formula in words, as settings texts state it.
    pub formula: String,
    /// The categories of a cut or recode, in order (empty for numbers).
    pub levels: Vec<String>,
    pub n_missing: usize,
    pub warnings: Vec<Warning>,
}

/// What a remove request took out.
#[derive(Debug, Clone, Serialize)]
pub struct RemoveResult {
    pub column: String,
    /// Columns derived from it, which stay (their values are kept).
    pub used_by: Vec<String>,
}

/// The first free name among `requested`, `requested_2`, ...: a column
/// whose name is taken is never replaced (unless `replaceable` says so,
/// for the classification's own columns). Returns the name, whether it
/// replaces a column, and the note when it differs from `requested`.
pub fn free_name(
    table: &Table,
    requested: &str,
    replaceable: impl Fn(&Column) -> bool,
) -> (String, bool, Option<Warning>) {
    let mut name = requested.to_string();
    let mut k = 1;
    loop {
        match table.column(&name) {
            None => break,
            Some(existing) if replaceable(existing) => {
                let note = (name != requested).then(|| Warning::ColumnRenamed {
                    requested: requested.to_string(),
                    given: name.clone(),
                });
                return (name, true, note);
            }
            Some(_) => {
                k += 1;
                name = format!("{requested}_{k}");
            }
        }
    }
    let note = (name != requested).then(|| Warning::ColumnRenamed {
        requested: requested.to_string(),
        given: name.clone(),
    });
    (name, false, note)
}

/// The column a derivation computes, before it is named.
struct Derived {
    kind: DerivedColumn,
    default_name: String,
    formula: String,
    data: ColumnData,
    sources: Vec<String>,
    keeps_time_origin: bool,
    warnings: Vec<Warning>,
}

/// Adds the column `request` describes to `table` (see the module doc).
pub fn derive(table: &mut Table, request: &DeriveRequest) -> Result<DeriveResult, String> {
    let chosen = [
        request.cut.is_some().then_some("cut"),
        request.transform.is_some().then_some("transform"),
        request.recode.is_some().then_some("recode"),
        request.time_between.is_some().then_some("time_between"),
    ];
    let chosen: Vec<&str> = chosen.into_iter().flatten().collect();
    let derived = match (chosen.as_slice(), request) {
        ([_], DeriveRequest { cut: Some(c), .. }) => cut(table, c)?,
        (
            [_],
            DeriveRequest {
                transform: Some(t), ..
            },
        ) => transform(table, t)?,
        (
            [_],
            DeriveRequest {
                recode: Some(r), ..
            },
        ) => recode(table, r)?,
        (
            [_],
            DeriveRequest {
                time_between: Some(t),
                ..
            },
        ) => time_between(table, t)?,
        ([], _) => {
            return Err(
                "Say how to derive the new column: cut, transform, recode or time_between."
                    .to_string(),
            )
        }
        (many, _) => {
            return Err(format!(
            "One derived column is made one way; this request has {}. Send one request per column.",
            many.join(" and ")
        ))
        }
    };
    let requested = request.name.trim();
    let requested = if requested.is_empty() {
        derived.default_name.as_str()
    } else {
        requested
    };
    let (name, _, renamed) = free_name(table, requested, |_| false);
    let mut warnings = derived.warnings;
    for w in &mut warnings {
        if let Warning::NegativeTimeBetween { column, .. } = w {
            column.clone_from(&name);
        }
    }
    if let Some(note) = renamed {
        warnings.insert(0, note);
    }
    let source_derivations: Vec<Option<&Derivation>> = derived
        .sources
        .iter()
        .map(|s| table.column(s).and_then(|c| c.derived.as_ref()))
        .collect();
    let provenance = Derivation::user_defined(
        derived.kind,
        derived.formula.clone(),
        &source_derivations,
        derived.sources.clone(),
        derived.keeps_time_origin,
    );
    let n_missing = (0..derived.data.len())
        .filter(|&r| derived.data.is_missing(r))
        .count();
    let (kind, levels) = match &derived.data {
        ColumnData::Category { levels, .. } => (ColumnKind::Category, levels.clone()),
        _ => (ColumnKind::Number, Vec::new()),
    };
    table.columns.push(Column {
        name: name.clone(),
        kind,
        reason: format!("derived: {}", derived.formula),
        declared: false,
        n_missing,
        data: derived.data,
        looks_like_dates: false,
        derived: Some(provenance),
        reading: Default::default(),
    });
    let kind_name = match derived.kind {
        DerivedColumn::Cut => "cut",
        DerivedColumn::Transform => "transform",
        DerivedColumn::Recode => "recode",
        _ => "time_between",
    };
    Ok(DeriveResult {
        column: name,
        kind: kind_name,
        formula: derived.formula,
        levels,
        n_missing,
        warnings,
    })
}

/// Removes a column the user derived; the file's columns and the
/// classification's stay (re-classifying replaces those).
pub fn remove(table: &mut Table, name: &str) -> Result<RemoveResult, String> {
    let column = require(table, name, "Removing a derived column")?;
    match &column.derived {
        Some(d) if d.column.user_defined() => {}
        Some(_) => {
            return Err(format!(
                "Column \"{}\" comes from the classification of endpoints and resistance groups; classify again to change it.",
                column.name
            ))
        }
        None => return Err(format!("Column \"{}\" is from the file; only derived columns can be removed.", column.name)),
    }
    let name = column.name.clone();
    let used_by = table
        .columns
        .iter()
        .filter(|c| {
            c.derived
                .as_ref()
                .is_some_and(|d| d.sources.contains(&name))
        })
        .map(|c| c.name.clone())
        .collect();
    table.columns.retain(|c| c.name != name);
    Ok(RemoveResult {
        column: name,
        used_by,
    })
}

/// The formulas of the user-derived columns among `columns`, for a
/// settings text: "Derived columns: afp_ge_400 = ...; log_bili = log(bili)."
pub fn formulas_text<'a>(
    table: &Table,
    columns: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut parts = Vec::new();
    for name in columns {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let Some(column) = table.column(name) else {
            continue;
        };
        if let Some(d) = column.derived.as_ref().filter(|d| d.column.user_defined()) {
            parts.push(format!("{} = {}", column.name, d.description));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "Derived column{}: {}.",
            if parts.len() == 1 { "" } else { "s" },
            parts.join("; ")
        )
    })
}

/// A number as written in formulas and labels ("400", "0.5").
fn number_text(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cut(table: &Table, spec: &Cut) -> Result<Derived, String> {
    let column = require(table, &spec.column, "Cut")?;
    let name = column.name.clone();
    if spec.at.is_empty() {
        return Err(format!(
            "Cut of \"{name}\": give at least one cut point (e.g. 400)."
        ));
    }
    if let Some(bad) = spec.at.iter().find(|x| !x.is_finite()) {
        return Err(format!(
            "Cut of \"{name}\": the cut point {bad} is not a finite number."
        ));
    }
    if spec.at.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!(
            "Cut of \"{name}\": give the cut points in ascending order, each once ({}).",
            spec.at
                .iter()
                .map(|x| number_text(*x))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let values = numbers(table, column, "a cut point")?;
    let upper = spec.cut_point_in == CutPointIn::Upper;
    let at: Vec<String> = spec.at.iter().map(|x| number_text(*x)).collect();
    let k = at.len();
    let default_labels: Vec<String> = (0..=k)
        .map(|g| match (g, upper) {
            (0, true) => format!("< {}", at[0]),
            (0, false) => format!("≤ {}", at[0]),
            (g, true) if g == k => format!("≥ {}", at[k - 1]),
            (g, false) if g == k => format!("> {}", at[k - 1]),
            (g, true) => format!("{} to < {}", at[g - 1], at[g]),
            (g, false) => format!("> {} to ≤ {}", at[g - 1], at[g]),
        })
        .collect();
    let labels: Vec<String> = if spec.labels.is_empty() {
        default_labels
    } else {
        let labels: Vec<String> = spec.labels.iter().map(|l| l.trim().to_string()).collect();
        if labels.len() != k + 1 {
            return Err(format!(
                "Cut of \"{name}\": {} cut point{} make {} groups, so give {} labels (lowest group first), not {}.",
                k,
                if k == 1 { "" } else { "s" },
                k + 1,
                k + 1,
                labels.len()
            ));
        }
        if labels.iter().any(String::is_empty) {
            return Err(format!("Cut of \"{name}\": a group label is empty."));
        }
        if let Some((_, l)) = labels
            .iter()
            .enumerate()
            .find(|(i, l)| labels[..*i].contains(l))
        {
            return Err(format!(
                "Cut of \"{name}\": the label \"{l}\" is given twice; each group needs its own."
            ));
        }
        labels
    };
    let codes: Vec<Option<u32>> = values
        .iter()
        .map(|v| {
            v.filter(|x| !x.is_nan()).map(|x| {
                let above = spec
                    .at
                    .iter()
                    .filter(|&&c| if upper { x >= c } else { x > c })
                    .count();
                above as u32
            })
        })
        .collect();
    let side = if upper { "upper" } else { "lower" };
    let holds = |c: usize| {
        labels
            .get(if upper { c + 1 } else { c })
            .cloned()
            .unwrap_or_default()
    };
    let cut_points = if k == 1 {
        format!("{} itself in \"{}\"", at[0], holds(0))
    } else {
        format!("each cut point in the {side} group")
    };
    let r_call = format!(
        "cut({name}, c(-Inf, {}, Inf){})",
        at.join(", "),
        if upper { ", right = FALSE" } else { "" }
    );
    let formula = format!(
        "{name} cut at {} into {} ({cut_points}; R: {r_call})",
        at.join(", "),
        quoted(&labels)
    );
    let default_name = match (k, upper) {
        (1, true) => format!("{name}_ge_{}", at[0]),
        (1, false) => format!("{name}_gt_{}", at[0]),
        _ => format!("{name}_groups"),
    };
    Ok(Derived {
        kind: DerivedColumn::Cut,
        default_name,
        formula,
        data: ColumnData::Category {
            codes,
            levels: labels,
        },
        sources: vec![name],
        keeps_time_origin: false,
        warnings: Vec::new(),
    })
}

fn transform(table: &Table, spec: &Transform) -> Result<Derived, String> {
    let column = require(table, &spec.column, "Transform")?;
    let name = column.name.clone();
    if spec.per.is_some() && spec.function != TransformFunction::PerUnits {
        return Err(format!(
            "Transform of \"{name}\": \"per\" goes with the function \"per_units\" only."
        ));
    }
    let values = numbers(table, column, "a transform")?;
    let not_positive = |what: &str| -> Result<(), String> {
        if let Some(row) = values
            .iter()
            .position(|v| v.is_some_and(|x| x.is_nan() || x <= 0.0))
        {
            return Err(format!(
                "Column \"{name}\", line {}: \"{}\" is not positive, and {what} needs positive values (R gives -Inf or NaN). Leave such cells empty, or transform a column without them.",
                table.line_of(row).unwrap_or(0),
                column.data.display(row).unwrap_or_default()
            ));
        }
        Ok(())
    };
    let (out, formula, default_name, keeps_time_origin): (Vec<Option<f64>>, String, String, bool) =
        match spec.function {
            TransformFunction::Log => {
                not_positive("the logarithm")?;
                (
                    values.iter().map(|v| v.map(f64::ln)).collect(),
                    format!("log({name}), the natural logarithm"),
                    format!("log_{name}"),
                    false,
                )
            }
            TransformFunction::Log2 => {
                not_positive("the logarithm")?;
                (
                    values.iter().map(|v| v.map(f64::log2)).collect(),
                    format!("log2({name})"),
                    format!("log2_{name}"),
                    false,
                )
            }
            TransformFunction::Log10 => {
                not_positive("the logarithm")?;
                (
                    values.iter().map(|v| v.map(f64::log10)).collect(),
                    format!("log10({name})"),
                    format!("log10_{name}"),
                    false,
                )
            }
            TransformFunction::PerUnits => {
                let per = spec.per.ok_or_else(|| format!("Transform of \"{name}\": give \"per\", the units (e.g. 10 for effects per 10 units)."))?;
                if !per.is_finite() || per == 0.0 {
                    return Err(format!("Transform of \"{name}\": \"per\" must be a number other than 0, not {per}."));
                }
                let k = number_text(per);
                (
                    values.iter().map(|v| v.map(|x| x / per)).collect(),
                    format!("{name} / {k} (effects per {k} units of {name})"),
                    format!("{name}_per_{k}"),
                    true,
                )
            }
            TransformFunction::Standardise => {
                let present: Vec<f64> = values
                    .iter()
                    .flatten()
                    .copied()
                    .filter(|x| x.is_finite())
                    .collect();
                let n = present.len();
                if n < 2 {
                    return Err(format!("Column \"{name}\" has fewer than two values, so it cannot be standardised."));
                }
                let mean = present.iter().sum::<f64>() / n as f64;
                let sd = (present.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64)
                    .sqrt();
                if !(sd > 0.0) {
                    return Err(format!("Column \"{name}\" has the same value in every row, so it cannot be standardised."));
                }
                (
                values.iter().map(|v| v.map(|x| (x - mean) / sd)).collect(),
                format!(
                    "({name} − {}) / {}, standardised with the mean and SD of its {n} values (R: scale({name}))",
                    crate::format::number(mean, 4),
                    crate::format::number(sd, 4)
                ),
                format!("{name}_std"),
                false,
            )
            }
        };
    Ok(Derived {
        kind: DerivedColumn::Transform,
        default_name,
        formula,
        data: ColumnData::Number(out),
        sources: vec![name],
        keeps_time_origin,
        warnings: Vec::new(),
    })
}

fn recode(table: &Table, spec: &Recode) -> Result<Derived, String> {
    let column = require(table, &spec.column, "Recode")?;
    let name = column.name.clone();
    if matches!(column.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate) {
        return Err(format!("Column \"{name}\" holds dates; recoding works on categories. Derive a time between dates instead."));
    }
    let source = categorical_column(table, &name).map_err(|e| e.to_string())?;
    let find = |level: &str| -> Result<usize, String> {
        let level = level.trim();
        source.levels.iter().position(|l| l == level).ok_or_else(|| {
            let listed: Vec<&str> = source.levels.iter().map(String::as_str).collect();
            let hint = did_you_mean(level, &listed).map(|b| format!(" Did you mean \"{b}\"?")).unwrap_or_default();
            format!("Recode of \"{name}\": the column has no level \"{level}\".{hint} Its levels: {}.", quoted(&source.levels))
        })
    };
    // The new label of each old level (None: missing).
    let mut label_of: Vec<Option<String>> = source.levels.iter().cloned().map(Some).collect();
    let mut assigned = vec![false; source.levels.len()];
    let mut steps = Vec::new();
    for map in &spec.levels {
        let to = map.to.trim().to_string();
        if to.is_empty() {
            return Err(format!("Recode of \"{name}\": a new label is empty; name it, or list the levels under \"missing\"."));
        }
        if map.from.is_empty() {
            return Err(format!(
                "Recode of \"{name}\": say which levels become \"{to}\"."
            ));
        }
        let mut from = Vec::new();
        for level in &map.from {
            let k = find(level)?;
            if assigned[k] {
                return Err(format!(
                    "Recode of \"{name}\": the level \"{}\" is recoded twice.",
                    source.levels[k]
                ));
            }
            assigned[k] = true;
            label_of[k] = Some(to.clone());
            from.push(source.levels[k].clone());
        }
        steps.push(if from.len() == 1 {
            format!("{} → \"{to}\"", quoted(&from))
        } else {
            format!("{} merged as \"{to}\"", quoted(&from))
        });
    }
    let mut made_missing = Vec::new();
    for level in &spec.missing {
        let k = find(level)?;
        if assigned[k] {
            return Err(format!(
                "Recode of \"{name}\": the level \"{}\" is both recoded and made missing.",
                source.levels[k]
            ));
        }
        assigned[k] = true;
        label_of[k] = None;
        made_missing.push(source.levels[k].clone());
    }
    if !made_missing.is_empty() {
        steps.push(format!("{} made missing", quoted(&made_missing)));
    }
    // New levels in order of their first old level, then as asked.
    let mut levels: Vec<String> = Vec::new();
    for label in label_of.iter().flatten() {
        if !levels.contains(label) {
            levels.push(label.clone());
        }
    }
    if levels.is_empty() {
        return Err(format!(
            "Recode of \"{name}\": every level would be missing."
        ));
    }
    let unknown_label = |label: &str, option: &str| {
        let listed: Vec<&str> = levels.iter().map(String::as_str).collect();
        let hint = did_you_mean(label, &listed)
            .map(|b| format!(" Did you mean \"{b}\"?"))
            .unwrap_or_default();
        format!("Recode of \"{name}\": \"{option}\" names \"{label}\", which is not one of the new levels.{hint} New levels: {}.", quoted(&levels))
    };
    let mut ordered: Vec<String> = Vec::new();
    for label in &spec.order {
        let label = label.trim();
        if !levels.iter().any(|l| l == label) {
            return Err(unknown_label(label, "order"));
        }
        if ordered.iter().any(|l| l == label) {
            return Err(format!(
                "Recode of \"{name}\": \"{label}\" is listed twice in \"order\"."
            ));
        }
        ordered.push(label.to_string());
    }
    for l in &levels {
        if !ordered.contains(l) {
            ordered.push(l.clone());
        }
    }
    if let Some(reference) = spec
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let k = ordered
            .iter()
            .position(|l| l == reference)
            .ok_or_else(|| unknown_label(reference, "reference"))?;
        let r = ordered.remove(k);
        ordered.insert(0, r);
    }
    let new_code: Vec<Option<u32>> = label_of
        .iter()
        .map(|l| {
            l.as_ref()
                .and_then(|l| ordered.iter().position(|o| o == l))
                .map(|k| k as u32)
        })
        .collect();
    let codes: Vec<Option<u32>> = source
        .codes
        .iter()
        .map(|c| c.and_then(|c| new_code.get(c as usize).copied().flatten()))
        .collect();
    let mut formula = format!("{name} recoded");
    if !steps.is_empty() {
        formula.push_str(&format!(": {}", steps.join("; ")));
    }
    formula.push_str(&format!(
        "; levels {} (reference \"{}\")",
        quoted(&ordered),
        ordered.first().cloned().unwrap_or_default()
    ));
    Ok(Derived {
        kind: DerivedColumn::Recode,
        default_name: format!("{name}_recoded"),
        formula,
        data: ColumnData::Category {
            codes,
            levels: ordered,
        },
        sources: vec![name],
        keeps_time_origin: false,
        warnings: Vec::new(),
    })
}

fn date_values<'a>(
    table: &'a Table,
    name: &str,
    role: &str,
) -> Result<(&'a Column, &'a [Option<crate::dates::Date>]), String> {
    let column = require(table, name, role)?;
    match (&column.data, column.kind) {
        (ColumnData::Date(v), _) => Ok((column, v)),
        (_, ColumnKind::AmbiguousDate) => Err(format!(
            "Column \"{}\" holds dates whose day/month order the values do not show; choose it in the Data card first.",
            column.name
        )),
        _ => Err(format!(
            "Column \"{}\" holds {}, not dates; a time between dates needs two date columns{}.",
            column.name,
            column.kind.describe(),
            if column.looks_like_dates { " (most of its cells look like dates: declare its date format in the Data card to see which is not)" } else { "" }
        )),
    }
}

fn time_between(table: &Table, spec: &TimeBetween) -> Result<Derived, String> {
    let (from, from_values) = date_values(table, &spec.from, "Time between dates, \"from\"")?;
    let (to, to_values) = date_values(table, &spec.to, "Time between dates, \"to\"")?;
    if from.name == to.name {
        return Err(format!(
            "Time between dates: \"from\" and \"to\" are both \"{}\"; choose two date columns.",
            from.name
        ));
    }
    let unit = spec.unit;
    let mut negative = (0usize, Vec::new());
    let values: Vec<Option<f64>> = from_values
        .iter()
        .zip(to_values)
        .enumerate()
        .map(|(row, (f, t))| match (f, t) {
            (Some(f), Some(t)) => {
                let days = f.days_until(*t);
                if days < 0 {
                    negative.0 += 1;
                    if negative.1.len() < LISTED_LINES {
                        negative.1.push(table.line_of(row).unwrap_or(0));
                    }
                }
                Some(unit.from_days(f64::from(days)))
            }
            _ => None,
        })
        .collect();
    let conversion = match unit {
        TimeUnit::Days => String::new(),
        TimeUnit::Weeks => " (days / 7)".to_string(),
        TimeUnit::Months => " (days / 30.4375)".to_string(),
        TimeUnit::Years => " (days / 365.25)".to_string(),
    };
    let name = format!("{}_to_{}_{}", from.name, to.name, unit.label());
    let formula = format!(
        "{} from {} to {}{conversion}",
        unit.label(),
        from.name,
        to.name
    );
    let mut warnings = Vec::new();
    if negative.0 > 0 {
        warnings.push(Warning::NegativeTimeBetween {
            column: name.clone(),
            from: from.name.clone(),
            to: to.name.clone(),
            count: negative.0,
            lines: negative.1,
        });
    }
    Ok(Derived {
        kind: DerivedColumn::TimeBetween,
        default_name: name,
        formula,
        data: ColumnData::Number(values),
        sources: vec![from.name.clone(), to.name.clone()],
        keeps_time_origin: false,
        warnings,
    })
}
