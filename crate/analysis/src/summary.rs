//! What the page shows right after a file is read: rows, columns with their
//! types and a preview, and a first guess at the survival columns (which the
//! user can change; a guess is only a starting point, never applied silently
//! to a result).

use serde::Serialize;
use crate::provenance::Derivation;
use crate::table::{Column, ColumnData, ColumnKind, Table};
use crate::warning::Warning;

/// Most distinct values listed for an event or group column.
pub const MAX_LISTED_VALUES: usize = 20;

#[derive(Debug, Serialize)]
pub struct DatasetSummary {
    pub name: String,
    pub n_rows: usize,
    pub delimiter_label: String,
    /// Generated data, as the reading options declared (not the name).
    pub synthetic: bool,
    pub columns: Vec<ColumnSummary>,
    pub suggestions: Suggestions,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
pub struct ColumnSummary {
    pub name: String,
    /// "number", "category", "date", "ambiguous_date" or "text".
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub type_label: String,
    /// For date columns: "year_month_day", "day_month_year", "month_day_year"
    /// or "excel_serial" (the value to declare the same type again).
    pub date_order: Option<crate::table::DateOrder>,
    /// Why the column has its type, for people (never parsed: the flags
    /// below say what the page needs).
    pub reason: String,
    /// Text or categories that are mostly dates (one cell has a typo).
    pub looks_like_dates: bool,
    /// How survcalc derived the column (classification); `None` for the
    /// file's own columns.
    pub derived: Option<Derivation>,
    pub n_missing: usize,
    /// The distinct values when there are at most MAX_LISTED_VALUES.
    pub values: Option<Vec<String>>,
    /// Can define groups (2 to MAX_LISTED_VALUES distinct values).
    pub groupable: bool,
    pub preview: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Suggestions {
    pub time: Option<String>,
    pub event: Option<String>,
    pub event_values: Vec<String>,
    pub group: Option<String>,
    pub time_unit: Option<&'static str>,
}

pub fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Number => "number",
        ColumnKind::Category => "category",
        ColumnKind::Date(_) => "date",
        ColumnKind::AmbiguousDate => "ambiguous_date",
        ColumnKind::Text => "text",
    }
}

fn type_label(kind: ColumnKind) -> String {
    match kind {
        ColumnKind::Number => "number".into(),
        ColumnKind::Category => "category".into(),
        ColumnKind::Date(order) => format!("date ({})", order.label()),
        ColumnKind::AmbiguousDate => "date? (day/month order unknown)".into(),
        ColumnKind::Text => "text".into(),
    }
}

/// The distinct non-missing values of a column in their natural order
/// (numbers by value, categories in level order), or `None` when there are
/// more than `limit`.
pub fn distinct_values(column: &Column, limit: usize) -> Option<Vec<String>> {
    match &column.data {
        ColumnData::Category { codes, levels } => {
            let mut used = vec![false; levels.len()];
            codes.iter().flatten().for_each(|&c| {
                if let Some(u) = used.get_mut(c as usize) {
                    *u = true;
                }
            });
            let present: Vec<String> =
                levels.iter().zip(&used).filter(|(_, u)| **u).map(|(l, _)| l.clone()).collect();
            (present.len() <= limit).then_some(present)
        }
        ColumnData::Number(values) => {
            let mut seen: Vec<(f64, usize)> = Vec::new();
            for (row, v) in values.iter().enumerate() {
                if let Some(x) = v {
                    if !seen.iter().any(|(s, _)| s == x) {
                        if seen.len() == limit {
                            return None;
                        }
                        seen.push((*x, row));
                    }
                }
            }
            seen.sort_by(|a, b| a.0.total_cmp(&b.0));
            Some(seen.iter().filter_map(|(_, row)| column.data.display(*row)).collect())
        }
        ColumnData::Text(values) => {
            let mut seen: Vec<&str> = Vec::new();
            for v in values.iter().flatten() {
                if !seen.contains(&v.as_str()) {
                    if seen.len() == limit {
                        return None;
                    }
                    seen.push(v);
                }
            }
            Some(seen.into_iter().map(str::to_string).collect())
        }
        ColumnData::Date(_) => None,
    }
}

/// A few values for people: the levels when there are few, else the first
/// values; numbers rounded to six significant digits (a derived time in
/// months has fifteen decimals), which a preview can afford.
fn preview(column: &Column, values: &Option<Vec<String>>) -> String {
    let shown = |row: usize| match &column.data {
        ColumnData::Number(v) => v.get(row).copied().flatten().map(crate::format::preview_number),
        data => data.display(row),
    };
    match values {
        Some(v) if v.len() <= 8 => match &column.data {
            ColumnData::Number(_) => v.iter().map(|x| x.parse::<f64>().map_or_else(|_| x.clone(), crate::format::preview_number)).collect::<Vec<_>>().join(", "),
            _ => v.join(", "),
        },
        _ => {
            let first: Vec<String> = (0..column.data.len()).filter_map(shown).take(4).collect();
            format!("{}, …", first.join(", "))
        }
    }
}

fn name_matches(name: &str, words: &[&str]) -> bool {
    let lower = name.to_lowercase();
    words.iter().any(|w| lower == *w || lower.split(|c: char| !c.is_alphanumeric()).any(|part| part == *w))
}

/// A starting point for the Kaplan–Meier form, from column names and values.
pub fn suggest(table: &Table, columns: &[ColumnSummary]) -> Suggestions {
    let time_words = ["time", "futime", "os", "ttp", "pfs", "months", "days", "survival", "followup", "follow"];
    // A time column with a stray text value is still suggested by name, so
    // the user sees the message naming that value's line.
    let time = columns
        .iter()
        .filter(|c| c.kind == "number")
        .find(|c| name_matches(&c.name, &time_words))
        .or_else(|| columns.iter().find(|c| c.kind == "text" && name_matches(&c.name, &time_words)))
        .or_else(|| columns.iter().find(|c| c.kind == "number" && c.values.is_none()))
        .map(|c| c.name.clone());
    let is_code_column = |c: &&ColumnSummary| c.values.as_ref().is_some_and(|v| (2..=3).contains(&v.len()));
    let event = columns
        .iter()
        .filter(is_code_column)
        .find(|c| name_matches(&c.name, &["status", "event", "death", "dead", "died", "censor", "fustat", "vital"]))
        .or_else(|| columns.iter().filter(is_code_column).find(|c| c.kind == "number"))
        .map(|c| c.name.clone());
    let event_values = event
        .as_ref()
        .and_then(|e| columns.iter().find(|c| &c.name == e))
        .and_then(|c| c.values.clone())
        .map(|values| guess_event_values(&values))
        .unwrap_or_default();
    let group = columns
        .iter()
        .filter(|c| c.groupable && Some(&c.name) != event.as_ref())
        .find(|c| ["group", "arm", "treatment", "rx", "trt", "x", "resistance_group"].contains(&c.name.to_lowercase().as_str()))
        .map(|c| c.name.clone());
    let time_unit = time.as_ref().and_then(|t| {
        let lower = t.to_lowercase();
        if lower.contains("month") {
            Some("months")
        } else if lower.contains("day") {
            Some("days")
        } else if lower.contains("week") {
            Some("weeks")
        } else if lower.contains("year") {
            Some("years")
        } else {
            None
        }
    });
    let _ = table;
    Suggestions { time, event, event_values, group, time_unit }
}

/// R's Surv convention: with 0/1 the event is 1; with 1/2 it is 2. Text:
/// words meaning death or an event.
pub fn guess_event_values(values: &[String]) -> Vec<String> {
    let has = |v: &str| values.iter().any(|x| x == v);
    if has("0") && has("1") {
        return vec!["1".into()];
    }
    if has("1") && has("2") && values.len() == 2 {
        return vec!["2".into()];
    }
    values
        .iter()
        .filter(|v| {
            let l = v.to_lowercase();
            ["dead", "death", "died", "deceased", "event", "yes", "progression", "progressed", "relapse", "true"]
                .iter()
                .any(|w| l == *w)
        })
        .cloned()
        .collect()
}

pub fn summarise(name: &str, table: &Table) -> DatasetSummary {
    let columns: Vec<ColumnSummary> = table
        .columns
        .iter()
        .map(|c| {
            let values = distinct_values(c, MAX_LISTED_VALUES);
            let groupable = !matches!(c.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate)
                && values.as_ref().is_some_and(|v| v.len() >= 2);
            ColumnSummary {
                name: c.name.clone(),
                kind: kind_name(c.kind),
                type_label: type_label(c.kind),
                date_order: match c.kind {
                    ColumnKind::Date(order) => Some(order),
                    _ => None,
                },
                reason: c.reason.clone(),
                looks_like_dates: c.looks_like_dates,
                derived: c.derived.clone(),
                n_missing: c.n_missing,
                preview: preview(c, &values),
                values,
                groupable,
            }
        })
        .collect();
    let suggestions = suggest(table, &columns);
    let delimiter_label = match table.delimiter {
        ',' => "comma-separated".to_string(),
        ';' => "semicolon-separated".to_string(),
        '\t' => "tab-separated".to_string(),
        d => format!("separated by '{d}'"),
    } + if table.decimal_comma { ", decimal comma" } else { "" };
    DatasetSummary {
        name: name.to_string(),
        n_rows: table.n_rows(),
        delimiter_label,
        synthetic: table.synthetic,
        columns,
        suggestions,
        warnings: table.warnings.clone(),
    }
}
