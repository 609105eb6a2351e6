//! The model matrix of a regression from table columns, as R's
//! `model.matrix` with treatment contrasts after `na.omit`: numeric terms
//! enter as they are, a categorical term with k levels as k - 1 indicator
//! columns against a reference level (default: the first level, as R).
//!
//! Shared by Cox and logistic regression ([`survcalc_stats::cox::CoxData`],
//! [`survcalc_stats::logistic::LogisticInput`]); the outcome helpers in [`outcome`]
//! give the rows a design starts from. Choices:
//! - A row is used only when every term has a value (R's `na.omit` over all
//!   columns of the model); rows left out are counted per column with the
//!   first few file lines.
//! - Levels without a patient among the rows used are left out (R's
//!   `drop.unused.levels` in `glm`), with a warning.
//! - A term with one value among the rows used is an error: its effect
//!   cannot be estimated (R would fail, or report NA).

mod error;
pub mod outcome;

pub use error::DesignError;
pub use outcome::{
    binary_outcome, binary_outcome_among, survival_outcome, survival_outcome_among, BinaryOutcome,
    BinaryOutcomeSpec, SurvivalOutcome, SurvivalOutcomeSpec,
};

use crate::table::{
    categorical_column, numeric_values, Column, ColumnData, ColumnKind, Table, TableError,
};
/// Rows left out because a column has no value there (also the facts of
/// the warnings that say so).
pub use crate::warning::MissingValues;
use crate::warning::Warning;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use survcalc_stats::cox::ModelTerm;

/// File lines listed per column of missing values.
pub(crate) const LISTED_LINES: usize = 5;

/// How a column enters the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    /// One column: the value itself (effect per unit).
    Numeric,
    /// One indicator column per non-reference level.
    Categorical,
}

/// A covariate chosen by the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TermSpec {
    pub column: String,
    /// `None`: numeric for number columns, categorical for category and
    /// text columns.
    pub kind: Option<TermKind>,
    /// Reference level of a categorical term; `None`: the first level.
    pub reference: Option<String>,
}

impl TermSpec {
    /// A term whose kind follows the column type.
    pub fn new(column: &str) -> TermSpec {
        TermSpec {
            column: column.to_string(),
            kind: None,
            reference: None,
        }
    }

    /// A numeric term.
    pub fn numeric(column: &str) -> TermSpec {
        TermSpec {
            kind: Some(TermKind::Numeric),
            ..TermSpec::new(column)
        }
    }

    /// A categorical term with the default reference (first level).
    pub fn categorical(column: &str) -> TermSpec {
        TermSpec {
            kind: Some(TermKind::Categorical),
            ..TermSpec::new(column)
        }
    }

    /// The same term with `reference` as reference level (makes it categorical).
    pub fn with_reference(self, reference: &str) -> TermSpec {
        TermSpec {
            kind: Some(TermKind::Categorical),
            reference: Some(reference.to_string()),
            ..self
        }
    }
}

/// One term of a built design and the design columns it spans (the unit of
/// a whole-term test, a `cox.zph` row and a forest-plot group).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignTerm {
    pub column: String,
    pub kind: TermKind,
    /// Indices into [`Design::columns`].
    pub columns: Vec<usize>,
    /// Categorical: the levels present among the rows used, in level order
    /// (the reference included). Empty for numeric terms.
    pub levels: Vec<String>,
    /// Patients per level among the rows used (parallel to `levels`).
    pub level_counts: Vec<usize>,
    /// Design column of each level; `None` for the reference.
    pub level_columns: Vec<Option<usize>>,
    pub reference: Option<String>,
}

/// A model matrix and where its rows and columns came from.
#[derive(Debug, Clone, Serialize)]
pub struct Design {
    /// Column-major: `columns[j][i]` is design column j of used row i.
    pub columns: Vec<Vec<f64>>,
    /// Readable column names: "age", "celltype: smallcell vs squamous".
    pub names: Vec<String>,
    /// R's coefficient names: "age", "celltypesmallcell".
    pub r_names: Vec<String>,
    pub terms: Vec<DesignTerm>,
    /// Table row index of each used row (`table.line_of(rows[i])`).
    pub rows: Vec<usize>,
    /// Position of each used row in the candidate rows passed to
    /// [`build_design`] (to pick the matching outcome values).
    pub positions: Vec<usize>,
    /// Candidate rows passed in.
    pub n_candidates: usize,
    /// Candidate rows left out for a missing value in any term.
    pub n_dropped: usize,
    /// Missing values per term column (only columns with some).
    pub missing: Vec<MissingValues>,
    pub warnings: Vec<Warning>,
}

impl Design {
    /// Rows used.
    pub fn n(&self) -> usize {
        self.rows.len()
    }

    /// Number of design columns.
    pub fn p(&self) -> usize {
        self.columns.len()
    }

    /// The terms as [`survcalc_stats::cox::cox_zph`] wants them.
    pub fn model_terms(&self) -> Vec<ModelTerm> {
        self.terms
            .iter()
            .map(|t| ModelTerm {
                name: t.column.clone(),
                columns: t.columns.clone(),
            })
            .collect()
    }

    /// The values of a per-candidate vector at the rows used (`values` is
    /// parallel to the candidate rows given to [`build_design`]).
    pub fn pick<T: Clone>(&self, values: &[T]) -> Result<Vec<T>, DesignError> {
        // Every candidate row used (no covariate missing): the positions
        // are 0..n, and the values are copied whole.
        if self.n_dropped == 0 && self.positions.len() == values.len() {
            return Ok(values.to_vec());
        }
        // Checked first, then copied without a fallible step per row (the
        // collect through Result ran an order of magnitude slower at this
        // crate's size optimisation).
        if let Some(&p) = self.positions.iter().find(|&&p| p >= values.len()) {
            return Err(DesignError::RowOutOfRange {
                row: p,
                n_rows: values.len(),
            });
        }
        Ok(self
            .positions
            .iter()
            .filter_map(|&p| values.get(p).cloned())
            .collect())
    }

    /// The term built from `column`.
    pub fn term(&self, column: &str) -> Option<&DesignTerm> {
        self.terms.iter().find(|t| t.column == column)
    }
}

/// Every row of the table, as candidate rows for [`build_design`].
pub fn all_rows(table: &Table) -> Vec<usize> {
    (0..table.n_rows()).collect()
}

/// Values of one term, before rows are chosen (borrowed from the table
/// when it holds them as they are: each model reads every row once).
enum TermValues<'a> {
    Numeric {
        values: Cow<'a, [Option<f64>]>,
        /// Rows of the whole column without a value.
        missing: usize,
    },
    Categorical {
        codes: Cow<'a, [Option<u32>]>,
        levels: Vec<String>,
    },
}

impl TermValues<'_> {
    fn is_missing(&self, row: usize) -> bool {
        match self {
            TermValues::Numeric { values, .. } => !matches!(values.get(row), Some(Some(_))),
            TermValues::Categorical { codes, .. } => !matches!(codes.get(row), Some(Some(_))),
        }
    }
}

/// The kind a column gets when the user did not say.
pub fn default_kind(kind: ColumnKind) -> TermKind {
    match kind {
        ColumnKind::Number => TermKind::Numeric,
        _ => TermKind::Categorical,
    }
}

/// Whether an undeclared text column is mostly numbers (more than half of
/// its values): a number column with typos, which the user should correct
/// (or declare as a category) rather than see as one level per value.
pub(crate) fn looks_numeric(table: &Table, column: &Column) -> bool {
    let ColumnData::Text(values) = &column.data else {
        return false;
    };
    if column.declared {
        return false;
    }
    let (mut numbers, mut present) = (0usize, 0usize);
    for v in values.iter().flatten() {
        present += 1;
        let t = v.trim();
        let parsed = if table.decimal_comma {
            t.replace(',', ".").parse::<f64>()
        } else {
            t.parse::<f64>()
        };
        if parsed.is_ok_and(f64::is_finite) {
            numbers += 1;
        }
    }
    present > 0 && 2 * numbers > present
}

fn term_values<'a>(table: &'a Table, spec: &TermSpec) -> Result<TermValues<'a>, DesignError> {
    let column = table.require(&spec.column)?;
    if matches!(column.kind, ColumnKind::Date(_) | ColumnKind::AmbiguousDate) {
        return Err(DesignError::DateColumn {
            column: column.name.clone(),
        });
    }
    let kind = spec.kind.unwrap_or(if spec.reference.is_some() {
        TermKind::Categorical
    } else if looks_numeric(table, column) {
        // A number column with a stray word: name the word rather than
        // turning the column into hundreds of categories.
        TermKind::Numeric
    } else {
        default_kind(column.kind)
    });
    match kind {
        TermKind::Numeric => {
            let values = numeric_values(table, &column.name).map_err(|e| match e {
                TableError::NotANumber {
                    column,
                    line,
                    value,
                } => DesignError::NotANumber {
                    column,
                    line,
                    value,
                },
                TableError::WrongColumnType { column, .. } => DesignError::DateColumn { column },
                other => DesignError::from(other),
            })?;
            // One pass (in survcalc_stats, compiled for speed) finds both a
            // value that is not finite and whether any is missing.
            let (not_finite, missing) = survcalc_stats::rows::number_facts(&values);
            if let Some(row) = not_finite {
                return Err(DesignError::NotFinite {
                    column: column.name.clone(),
                    line: table.line_of(row).unwrap_or(0),
                    value: column.data.display(row).unwrap_or_default(),
                });
            }
            Ok(TermValues::Numeric { values, missing })
        }
        TermKind::Categorical => {
            // A category column's codes are what `categorical_column` would copy.
            if let ColumnData::Category { codes, levels } = &column.data {
                return Ok(TermValues::Categorical {
                    codes: Cow::Borrowed(codes),
                    levels: levels.clone(),
                });
            }
            let cat = categorical_column(table, &column.name).map_err(|e| match e {
                TableError::WrongColumnType { column, .. } => DesignError::DateColumn { column },
                other => DesignError::from(other),
            })?;
            Ok(TermValues::Categorical {
                codes: Cow::Owned(cat.codes),
                levels: cat.levels,
            })
        }
    }
}

/// Builds the model matrix of `terms` over the candidate `rows` (table row
/// indices, e.g. the rows where the outcome is known), leaving out rows
/// with a missing value in any term.
pub fn build_design(
    table: &Table,
    terms: &[TermSpec],
    rows: &[usize],
) -> Result<Design, DesignError> {
    if terms.is_empty() {
        return Err(DesignError::NoTerms);
    }
    for (i, t) in terms.iter().enumerate() {
        if terms[..i].iter().any(|u| u.column == t.column) {
            return Err(DesignError::DuplicateTerm {
                column: t.column.clone(),
            });
        }
    }
    let n_rows = table.n_rows();
    if let Some(&bad) = rows.iter().find(|&&r| r >= n_rows) {
        return Err(DesignError::RowOutOfRange { row: bad, n_rows });
    }
    let mut values = Vec::with_capacity(terms.len());
    for spec in terms {
        values.push(term_values(table, spec)?);
    }

    // na.omit over all terms, tallying the missing values per column.
    let mut missing: Vec<MissingValues> = terms
        .iter()
        .map(|t| MissingValues {
            column: t.column.clone(),
            count: 0,
            lines: Vec::new(),
        })
        .collect();
    // Usually no term misses a value: the rows are then taken as they are
    // (one check per term and row, no per-row bookkeeping; in
    // survcalc_stats, compiled for speed rather than size).
    let complete = values.iter().all(|v| match v {
        TermValues::Numeric { values, missing } => {
            *missing == 0 || survcalc_stats::rows::all_present(values, rows)
        }
        TermValues::Categorical { codes, .. } => survcalc_stats::rows::all_coded(codes, rows),
    });
    let mut used = Vec::with_capacity(rows.len());
    let mut positions = Vec::with_capacity(rows.len());
    if complete {
        used.extend_from_slice(rows);
        positions.extend(0..rows.len());
    }
    let incomplete: &[usize] = if complete { &[] } else { rows };
    for (pos, &row) in incomplete.iter().enumerate() {
        let mut complete = true;
        for (v, m) in values.iter().zip(missing.iter_mut()) {
            if v.is_missing(row) {
                complete = false;
                m.count += 1;
                if m.lines.len() < LISTED_LINES {
                    m.lines.push(table.line_of(row).unwrap_or(0));
                }
            }
        }
        if complete {
            used.push(row);
            positions.push(pos);
        }
    }
    missing.retain(|m| m.count > 0);
    let n = used.len();
    if n == 0 {
        return Err(DesignError::NoCompleteRows {
            n_candidates: rows.len(),
            columns: terms.iter().map(|t| t.column.clone()).collect(),
        });
    }

    let mut design = Design {
        columns: Vec::new(),
        names: Vec::new(),
        r_names: Vec::new(),
        terms: Vec::with_capacity(terms.len()),
        rows: used,
        positions,
        n_candidates: rows.len(),
        n_dropped: rows.len() - n,
        missing,
        warnings: Vec::new(),
    };
    for (spec, v) in terms.iter().zip(values) {
        let column = table.require(&spec.column)?;
        match v {
            TermValues::Numeric { values, .. } => {
                add_numeric(&mut design, &column.name, &column.data, &values)?
            }
            TermValues::Categorical { codes, levels } => {
                let decimal_comma = if table.decimal_comma {
                    None
                } else {
                    crate::table::decimal_comma_example(&levels)
                };
                if let Some(value) = decimal_comma {
                    design.warnings.push(Warning::DecimalCommaNumbers {
                        column: column.name.clone(),
                        value: value.to_string(),
                    });
                } else if column.kind == ColumnKind::Text {
                    design.warnings.push(Warning::FreeTextAsCategory {
                        column: column.name.clone(),
                        levels: levels.len(),
                    });
                }
                add_categorical(
                    &mut design,
                    &column.name,
                    spec.reference.as_deref(),
                    &codes,
                    &levels,
                )?;
            }
        }
    }
    if !design.missing.is_empty() {
        design.warnings.insert(
            0,
            Warning::MissingCovariateValues {
                n_dropped: design.n_dropped,
                n_candidates: design.n_candidates,
                columns: design.missing.clone(),
            },
        );
    }
    Ok(design)
}

fn add_numeric(
    design: &mut Design,
    name: &str,
    data: &ColumnData,
    values: &[Option<f64>],
) -> Result<(), DesignError> {
    // Gathered by a survcalc_stats kernel (compiled for speed, not size).
    let col: Vec<f64> = survcalc_stats::rows::values_at(values, &design.rows);
    let first = col.first().copied().unwrap_or(f64::NAN);
    if col.iter().all(|&x| x == first) {
        let row = design.rows.first().copied().unwrap_or(0);
        return Err(DesignError::SingleValue {
            column: name.to_string(),
            value: data.display(row).unwrap_or_default(),
            n: design.n(),
        });
    }
    let j = design.columns.len();
    design.columns.push(col);
    design.names.push(name.to_string());
    design.r_names.push(name.to_string());
    design.terms.push(DesignTerm {
        column: name.to_string(),
        kind: TermKind::Numeric,
        columns: vec![j],
        levels: Vec::new(),
        level_counts: Vec::new(),
        level_columns: Vec::new(),
        reference: None,
    });
    Ok(())
}

/// Most levels a categorical covariate may have: each level is a
/// coefficient, and a column with hundreds (a patient id, a free-text
/// field) is never what the model means; such a fit took minutes.
pub const MAX_LEVELS: usize = 50;

fn add_categorical(
    design: &mut Design,
    name: &str,
    reference: Option<&str>,
    codes: &[Option<u32>],
    levels: &[String],
) -> Result<(), DesignError> {
    let n = design.n();
    // The per-row passes run in survcalc_stats (compiled for speed).
    let counts = survcalc_stats::rows::code_counts(codes, &design.rows, levels.len());
    let present = counts.iter().filter(|&&c| c > 0).count();
    // Over MAX_LEVELS, or an identifier: more than 10 levels with nearly
    // one per patient.
    if present > MAX_LEVELS || (present > 10 && 10 * present >= 9 * n) {
        return Err(DesignError::TooManyLevels {
            column: name.to_string(),
            levels: present,
            n,
        });
    }
    let reference_code = match reference {
        None => None,
        Some(wanted) => {
            let wanted = wanted.trim();
            let code = levels.iter().position(|l| l == wanted).ok_or_else(|| {
                DesignError::UnknownReference {
                    column: name.to_string(),
                    reference: wanted.to_string(),
                    levels: levels.to_vec(),
                }
            })?;
            if counts.get(code).copied().unwrap_or(0) == 0 {
                return Err(DesignError::ReferenceNotAnalysed {
                    column: name.to_string(),
                    reference: wanted.to_string(),
                    n,
                });
            }
            Some(code)
        }
    };
    let present: Vec<usize> = (0..levels.len()).filter(|&c| counts[c] > 0).collect();
    let level_name = |c: usize| levels.get(c).cloned().unwrap_or_default();
    if present.len() < 2 {
        return Err(DesignError::SingleValue {
            column: name.to_string(),
            value: present.first().map(|&c| level_name(c)).unwrap_or_default(),
            n,
        });
    }
    let unused: Vec<String> = (0..levels.len())
        .filter(|&c| counts[c] == 0)
        .map(level_name)
        .collect();
    if !unused.is_empty() {
        design.warnings.push(Warning::UnusedLevels {
            column: name.to_string(),
            levels: unused,
            n,
        });
    }
    let reference_code = reference_code.unwrap_or(present[0]);
    let reference_name = level_name(reference_code);

    // Indicator column per non-reference level, filled in one pass.
    let mut column_of = vec![None; levels.len()];
    let first_column = design.columns.len();
    let mut term_columns = Vec::with_capacity(present.len() - 1);
    for &c in present.iter().filter(|&&c| c != reference_code) {
        let j = first_column + term_columns.len();
        column_of[c] = Some(j);
        term_columns.push(j);
        design
            .names
            .push(format!("{name}: {} vs {reference_name}", level_name(c)));
        design.r_names.push(format!("{name}{}", level_name(c)));
    }
    let indicator_of: Vec<Option<usize>> = column_of
        .iter()
        .map(|c| c.map(|j| j - first_column))
        .collect();
    design.columns.extend(survcalc_stats::rows::indicators(
        codes,
        &design.rows,
        &indicator_of,
        term_columns.len(),
    ));
    design.terms.push(DesignTerm {
        column: name.to_string(),
        kind: TermKind::Categorical,
        columns: term_columns,
        levels: present.iter().map(|&c| level_name(c)).collect(),
        level_counts: present.iter().map(|&c| counts[c]).collect(),
        level_columns: present.iter().map(|&c| column_of[c]).collect(),
        reference: Some(reference_name),
    });
    Ok(())
}
