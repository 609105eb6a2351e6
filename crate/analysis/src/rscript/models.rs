//! Univariate-then-multivariable tables as R code: `glm(family = binomial)`
//! (or brglm2's Firth fit) or `coxph`, one model per factor and then the
//! chosen factors together. The factors' kinds, references and level
//! orders are survcalc's, read from its report.

use super::km::event_indicator;
use super::{number, numbers, string, strings, Script};
use crate::analyses::models::{self, ModelTableRequest, OutcomeType};
use crate::design::TermKind;
use crate::model_table::{ModelKind, RowKind};
use crate::table::{ColumnKind, Table};
use survcalc_stats::cox::Ties;
use survcalc_stats::logistic::CiMethod;

/// How each factor enters R: `(column, R expression, levels with the reference first)`.
struct Factor {
    column: String,
    kind: TermKind,
    /// Categorical: reference first, then the other levels in survcalc's order.
    levels: Vec<String>,
}

pub(super) fn script(
    s: &mut Script,
    r: &ModelTableRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    let report = models::run(table, r)?;
    let t = &report.table;
    let o = &r.outcome;
    let kind = o.kind.unwrap_or(if o.time.trim().is_empty() {
        OutcomeType::Binary
    } else {
        OutcomeType::Survival
    });
    // Factors in the table's order, with their levels as survcalc coded them.
    let mut factors: Vec<Factor> = Vec::new();
    for u in &t.univariate {
        let rows: Vec<_> = t.rows.iter().filter(|row| row.term == u.term).collect();
        let reference = rows
            .iter()
            .find(|row| row.kind == RowKind::Reference)
            .and_then(|row| row.level.clone());
        let mut levels: Vec<String> = reference.into_iter().collect();
        levels.extend(
            rows.iter()
                .filter(|row| row.kind == RowKind::Level)
                .filter_map(|row| row.level.clone()),
        );
        factors.push(Factor {
            column: u.term.clone(),
            kind: u.kind,
            levels,
        });
    }
    let (estimate, link) = match t.model {
        ModelKind::Logistic => ("OR", "logistic"),
        ModelKind::Cox => ("HR", "Cox"),
    };
    s.line(format!(
        "## Step {}: univariate and multivariable {link} models ({estimate}s)",
        index + 1
    ));
    s.line("local({");
    match kind {
        OutcomeType::Binary => {
            let column = table.require(&o.column).map_err(|e| e.to_string())?;
            let as_number = column.kind == ColumnKind::Number;
            let values = |v: &[String]| -> String {
                let v: Vec<String> = v
                    .iter()
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect();
                if as_number {
                    numbers(
                        &v.iter()
                            .filter_map(|x| x.parse().ok())
                            .collect::<Vec<f64>>(),
                    )
                } else {
                    strings(&v)
                }
            };
            let raw = if as_number {
                format!("as.numeric(d[[{}]])", string(&o.column))
            } else {
                format!("d[[{}]]", string(&o.column))
            };
            s.line(format!("  raw <- {raw}"));
            if o.non_event_values.is_empty() {
                s.line(format!(
                    "  y <- ifelse(is.na(raw), NA, as.integer(raw %in% {}))",
                    values(&o.event_values)
                ));
            } else {
                s.line(format!(
                    "  y <- ifelse(raw %in% {}, 1L, ifelse(raw %in% {}, 0L, NA))",
                    values(&o.event_values),
                    values(&o.non_event_values)
                ));
            }
            s.line("  dd <- data.frame(.y = y)");
        }
        OutcomeType::Survival => {
            s.line(format!(
                "  dd <- data.frame(.time = as.numeric(d[[{}]]), .status = d[[{}]])",
                string(&o.time),
                string(&o.event)
            ));
            s.line(format!(
                "  dd$.y <- ifelse(is.na(dd$.status), NA, {})",
                event_indicator(table, &o.event, &o.event_values, "dd$.status")?
            ));
            s.line("  dd$.y[is.na(dd$.time)] <- NA");
        }
    }
    for (k, f) in factors.iter().enumerate() {
        let raw = format!("d[[{}]]", string(&f.column));
        match f.kind {
            TermKind::Numeric => s.line(format!(
                "  dd$x{} <- as.numeric({raw})  # {}",
                k + 1,
                f.column
            )),
            TermKind::Categorical => s.line(format!(
                "  dd$x{} <- factor({raw}, levels = {})  # {}, reference \"{}\"",
                k + 1,
                strings(&f.levels),
                f.column,
                f.levels.first().cloned().unwrap_or_default()
            )),
        }
    }
    s.line("  dd <- dd[!is.na(dd$.y), ]");
    let lhs = match kind {
        OutcomeType::Binary => ".y".to_string(),
        OutcomeType::Survival => "Surv(.time, .y)".to_string(),
    };
    let ties = match r.ties {
        Ties::Efron => "efron",
        Ties::Breslow => "breslow",
    };
    let fitter = |formula: &str| -> String {
        match (t.model, r.firth) {
            (ModelKind::Cox, _) => format!("coxph({formula}, data = m, ties = \"{ties}\")"),
            (ModelKind::Logistic, false) => format!("glm({formula}, family = binomial, data = m, control = glm.control(epsilon = 1e-14, maxit = 100))"),
            (ModelKind::Logistic, true) => format!("glm({formula}, family = binomial, data = m, method = brglm2::brglmFit, type = \"AS_mean\")"),
        }
    };
    // Coefficients of a fit in the order survcalc's rows name them.
    let intercept = usize::from(t.model == ModelKind::Logistic);
    s.line(format!("  z <- qnorm((1 + {}) / 2)", number(r.conf_level)));
    s.line("  cells <- function(fit, j, path) {");
    s.line("    b <- coef(fit)[j]; se <- sqrt(diag(vcov(fit)))[j]");
    s.line("    survcalc_check(paste0(path, \".estimate\"), exp(b))");
    if !r.firth && r.ci == CiMethod::Wald {
        s.line("    survcalc_check(paste0(path, \".lower\"), exp(b - z * se))");
        s.line("    survcalc_check(paste0(path, \".upper\"), exp(b + z * se))");
    }
    if !r.firth {
        s.line("    survcalc_check(paste0(path, \".p\"), 2 * pnorm(-abs(b / se)))");
    }
    s.line("  }");
    let row_index = |term: &str, level: Option<&str>| -> Option<usize> {
        t.rows.iter().position(|row| {
            row.term == term
                && matches!(row.kind, RowKind::Numeric | RowKind::Level)
                && row.level.as_deref() == level
        })
    };
    for (k, f) in factors.iter().enumerate() {
        let x = format!("x{}", k + 1);
        s.line(format!("  m <- dd[!is.na(dd${x}), ]"));
        if f.kind == TermKind::Categorical {
            s.line(format!("  m${x} <- droplevels(m${x})"));
        }
        s.line(format!("  fit <- {}", fitter(&format!("{lhs} ~ {x}"))));
        s.line(format!(
            "  cat(\"Univariate: {}\\n\"); print(summary(fit)$coefficients)",
            f.column.replace('"', "'")
        ));
        emit_cells(s, f, "univariate", intercept, 0, &row_index);
    }
    if let Some(m) = &t.multivariable {
        let chosen: Vec<(usize, &Factor)> = factors
            .iter()
            .enumerate()
            .filter(|(_, f)| m.terms.contains(&f.column))
            .collect();
        let xs: Vec<String> = chosen.iter().map(|(k, _)| format!("x{}", k + 1)).collect();
        s.line(format!(
            "  m <- dd[{}, ]",
            xs.iter()
                .map(|x| format!("!is.na(dd${x})"))
                .collect::<Vec<_>>()
                .join(" & ")
        ));
        s.line("  m <- droplevels(m)");
        s.line(format!(
            "  fit <- {}",
            fitter(&format!("{lhs} ~ {}", xs.join(" + ")))
        ));
        s.line("  cat(\"Multivariable:\\n\"); print(summary(fit)$coefficients)");
        let mut offset = 0;
        for (_, f) in &chosen {
            emit_cells(s, f, "multivariable", intercept, offset, &row_index);
            offset += match f.kind {
                TermKind::Numeric => 1,
                TermKind::Categorical => f.levels.len().saturating_sub(1),
            };
        }
    }
    s.line("})");
    Ok(())
}

/// The checks of one factor's rows in one model: its coefficients start
/// at `offset` (after the intercept, if any).
fn emit_cells(
    s: &mut Script,
    f: &Factor,
    model: &str,
    intercept: usize,
    offset: usize,
    row_index: &dyn Fn(&str, Option<&str>) -> Option<usize>,
) {
    match f.kind {
        TermKind::Numeric => {
            if let Some(i) = row_index(&f.column, None) {
                s.line(format!(
                    "  cells(fit, {}, \"table.rows[{i}].{model}\")",
                    intercept + offset + 1
                ));
            }
        }
        TermKind::Categorical => {
            for (l, level) in f.levels.iter().enumerate().skip(1) {
                if let Some(i) = row_index(&f.column, Some(level)) {
                    s.line(format!(
                        "  cells(fit, {}, \"table.rows[{i}].{model}\")",
                        intercept + offset + l
                    ));
                }
            }
        }
    }
}
