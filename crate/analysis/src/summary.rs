//! What the page shows right after a file is read: rows, columns with their
//! types and a preview, and a first guess at the survival columns (which the
//! user can change; a guess is only a starting point, never applied silently
//! to a result).

use crate::provenance::Derivation;
use crate::table::{Column, ColumnData, ColumnKind, ReadingNotes, Table};
use crate::warning::Warning;
use serde::Serialize;

/// Most distinct values listed for an event or group column.
pub const MAX_LISTED_VALUES: usize = 20;

#[derive(Debug, Serialize)]
pub struct DatasetSummary {
    pub name: String,
    pub n_rows: usize,
    /// The sheet read, for a spreadsheet; `None` for a CSV file.
    pub sheet: Option<String>,
    pub delimiter_label: String,
    /// Numbers were read with a decimal comma: the page writes its tables
    /// with one too (Table 1's `decimal_mark`) unless the user says otherwise.
    pub decimal_comma: bool,
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
    /// What reading found in the cells: non-numbers, separators (flags for
    /// the page to offer "treat as missing", "read with decimal commas").
    pub reading: ReadingNotes,
    /// An event-like column (named as one, or suggested) with three or
    /// more codes (0/1/2: competing events?): which codes are events and
    /// which censored must be asked, never assumed.
    pub several_event_codes: bool,
}

/// How a suggested column was found. The page runs an analysis on load
/// only when time, event and event values are all [`Unambiguous`]; a
/// [`Suggestion`] is shown as one, and the page asks.
///
/// [`Unambiguous`]: SuggestionBasis::Unambiguous
/// [`Suggestion`]: SuggestionBasis::Suggestion
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionBasis {
    /// The column names identify it: the only time-named column, its event
    /// column by name (the only event-named one, or `os_event` next to
    /// `os_months`), codes 0/1 or 1/2 (R's Surv convention), a column named
    /// group, arm or treatment.
    Unambiguous,
    /// A starting point only: several columns fit the name, or only the
    /// values do.
    Suggestion,
}

/// How each suggestion was found (`None` where nothing is suggested).
#[derive(Debug, Default, Serialize)]
pub struct SuggestionBases {
    pub time: Option<SuggestionBasis>,
    pub event: Option<SuggestionBasis>,
    pub event_values: Option<SuggestionBasis>,
    pub group: Option<SuggestionBasis>,
}

#[derive(Debug, Default, Serialize)]
pub struct Suggestions {
    pub time: Option<String>,
    pub event: Option<String>,
    pub event_values: Vec<String>,
    pub group: Option<String>,
    pub time_unit: Option<&'static str>,
    pub basis: SuggestionBases,
    /// Time, event and event values are all identified by the names and
    /// codes: a survival analysis may be shown on load. Otherwise the page
    /// shows the suggestions as suggestions and asks.
    pub unambiguous: bool,
}

/// Most codes an event-like column is expected to have.
const MAX_EVENT_CODES: usize = 6;

/// Whether a column looks like an event indicator with three or more codes.
fn several_event_codes(name: &str, values: &Option<Vec<String>>) -> bool {
    let Some(values) = values else { return false };
    if !(3..=MAX_EVENT_CODES).contains(&values.len()) {
        return false;
    }
    let small_codes = values.iter().all(|v| v.parse::<u8>().is_ok_and(|c| c <= 9));
    name_matches(name, &EVENT_WORDS)
        || (small_codes && values.iter().any(|v| v == "0"))
            && name_matches(
                name,
                &[
                    "cause", "outcome", "fail", "failure", "endpoint", "cens", "state", "type",
                ],
            )
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
            // The per-row passes are survcalc_stats::rows kernels (built for speed).
            let used = survcalc_stats::rows::codes_used(codes, levels.len());
            let present: Vec<String> = levels
                .iter()
                .zip(&used)
                .filter(|(_, u)| **u)
                .map(|(l, _)| l.clone())
                .collect();
            (present.len() <= limit).then_some(present)
        }
        ColumnData::Number(values) => {
            let mut rows = survcalc_stats::rows::first_distinct(values, limit)?;
            let value = |row: usize| values.get(row).copied().flatten().unwrap_or(f64::NAN);
            rows.sort_by(|&a, &b| value(a).total_cmp(&value(b)));
            Some(
                rows.into_iter()
                    .filter_map(|row| column.data.display(row))
                    .collect(),
            )
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
        ColumnData::Number(v) => v
            .get(row)
            .copied()
            .flatten()
            .map(crate::format::preview_number),
        data => data.display(row),
    };
    match values {
        Some(v) if v.len() <= 8 => match &column.data {
            ColumnData::Number(_) => v
                .iter()
                .map(|x| {
                    x.parse::<f64>()
                        .map_or_else(|_| x.clone(), crate::format::preview_number)
                })
                .collect::<Vec<_>>()
                .join(", "),
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
    words.iter().any(|w| {
        lower == *w
            || lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|part| part == *w)
    })
}

const TIME_WORDS: [&str; 10] = [
    "time", "futime", "os", "ttp", "pfs", "months", "days", "survival", "followup", "follow",
];
const EVENT_WORDS: [&str; 9] = [
    "status", "event", "death", "dead", "died", "censor", "censored", "fustat", "vital",
];
const GROUP_NAMES: [&str; 5] = ["group", "arm", "treatment", "rx", "trt"];

/// The part of a time column's name before its time word: "os" of
/// "os_months", for its partner "os_event".
fn name_stem(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let parts: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [stem, .., last] if ["months", "days", "weeks", "years", "time"].contains(last) => {
            Some((*stem).to_string())
        }
        _ => None,
    }
}

/// A starting point for the Kaplan–Meier form, from column names and
/// values, each said to be unambiguous or only a suggestion (see
/// [`SuggestionBasis`]).
pub fn suggest(table: &Table, columns: &[ColumnSummary]) -> Suggestions {
    use SuggestionBasis::{Suggestion, Unambiguous};
    let basis = |unique: bool| if unique { Unambiguous } else { Suggestion };
    // A time column with a stray text value is still suggested by name, so
    // the user sees the message naming that value's line.
    let named_times: Vec<&ColumnSummary> = columns
        .iter()
        .filter(|c| (c.kind == "number" || c.kind == "text") && name_matches(&c.name, &TIME_WORDS))
        // "os_event" names an event of OS, not a time.
        .filter(|c| !name_matches(&c.name, &EVENT_WORDS))
        .collect();
    let time = named_times
        .iter()
        .find(|c| c.kind == "number")
        .or(named_times.first())
        .copied();
    let time_basis = time.map(|_| basis(named_times.len() == 1));

    let is_code_column = |c: &&ColumnSummary| {
        c.values
            .as_ref()
            .is_some_and(|v| (2..=3).contains(&v.len()))
    };
    let stem = time.and_then(|t| name_stem(&t.name));
    let partner = stem.as_ref().and_then(|stem| {
        columns.iter().filter(is_code_column).find(|c| {
            let lower = c.name.to_lowercase();
            ["event", "status", "dead", "death"]
                .iter()
                .any(|w| lower == format!("{stem}_{w}") || lower == format!("{stem}.{w}"))
        })
    });
    let named_events: Vec<&ColumnSummary> = columns
        .iter()
        .filter(is_code_column)
        .filter(|c| name_matches(&c.name, &EVENT_WORDS))
        .collect();
    // Several event-named columns that say the same of every patient (lung's
    // status 1/2 and its recode event 0/1) leave nothing to choose.
    let indicator = |c: &ColumnSummary| -> Option<Vec<Option<bool>>> {
        let values = c.values.as_ref().filter(|v| v.len() == 2)?;
        let events = guess_event_values(values);
        let column = table.column(&c.name)?;
        (events.len() == 1).then(|| {
            (0..table.n_rows())
                .map(|r| column.data.display(r).map(|v| events.contains(&v)))
                .collect()
        })
    };
    let agree = || {
        let first = named_events.first().and_then(|c| indicator(c));
        first.is_some() && named_events.iter().all(|c| indicator(c) == first)
    };
    let (event, event_basis) = match (partner, named_events.first()) {
        (Some(p), _) => (Some(p), Some(Unambiguous)),
        (None, Some(first)) => (
            Some(*first),
            Some(basis(named_events.len() == 1 || agree())),
        ),
        (None, None) => (None, None),
    };
    // Three or more codes: which are events is the user's to say.
    let event_values = event
        .filter(|c| !c.several_event_codes)
        .and_then(|c| c.values.as_ref())
        .map(|v| guess_event_values(v))
        .unwrap_or_default();
    // R's Surv reads 0/1 and 1/2 without being told; two words such as
    // alive/dead too. A third code (competing events?) or a column named
    // "censor..." (which value is the event?) is for the user to say.
    let values_basis = event.filter(|_| !event_values.is_empty()).map(|c| {
        let two_codes = c.values.as_ref().is_some_and(|v| v.len() == 2);
        basis(two_codes && event_values.len() == 1 && !c.name.to_lowercase().contains("censor"))
    });

    let group = columns
        .iter()
        .filter(|c| c.groupable && Some(&c.name) != event.map(|e| &e.name))
        .find(|c| {
            GROUP_NAMES.contains(&c.name.to_lowercase().as_str())
                || ["x", "resistance_group"].contains(&c.name.to_lowercase().as_str())
        });
    let group_basis = group.map(|g| basis(GROUP_NAMES.contains(&g.name.to_lowercase().as_str())));
    let time_unit = time.and_then(|t| {
        let lower = t.name.to_lowercase();
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
    let unambiguous = [time_basis, event_basis, values_basis]
        .iter()
        .all(|b| *b == Some(Unambiguous));
    Suggestions {
        time: time.map(|c| c.name.clone()),
        event: event.map(|c| c.name.clone()),
        event_values,
        group: group.map(|c| c.name.clone()),
        time_unit,
        basis: SuggestionBases {
            time: time_basis,
            event: event_basis,
            event_values: values_basis,
            group: group_basis,
        },
        unambiguous,
    }
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
            [
                "dead",
                "death",
                "died",
                "deceased",
                "event",
                "yes",
                "progression",
                "progressed",
                "relapse",
                "true",
            ]
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
                several_event_codes: several_event_codes(&c.name, &values),
                reading: c.reading.clone(),
                values,
                groupable,
            }
        })
        .collect();
    let suggestions = suggest(table, &columns);
    let delimiter_label = match (&table.sheet, table.delimiter) {
        (Some(sheet), _) => format!("sheet \"{sheet}\""),
        (None, delimiter) => delimiter_label(delimiter),
    } + if table.decimal_comma {
        ", decimal comma"
    } else {
        ""
    };
    DatasetSummary {
        name: name.to_string(),
        n_rows: table.n_rows(),
        sheet: table.sheet.clone(),
        delimiter_label,
        decimal_comma: table.decimal_comma,
        synthetic: table.synthetic,
        columns,
        suggestions,
        warnings: table.warnings.clone(),
    }
}

fn delimiter_label(delimiter: char) -> String {
    match delimiter {
        ',' => "comma-separated".to_string(),
        ';' => "semicolon-separated".to_string(),
        '\t' => "tab-separated".to_string(),
        d => format!("separated by '{d}'"),
    }
}
