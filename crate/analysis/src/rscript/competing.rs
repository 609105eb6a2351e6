//! Competing risks as R code: cmprsk's `cuminc` (Aalen–Johansen cumulative
//! incidence with Gray's variance, Gray's test), survival's multi-state
//! `survfit` for the infinitesimal-jackknife standard error, and cmprsk's
//! `crr` for the Fine–Gray model (Fine & Gray 1999) on complete cases, with
//! the design survcalc used (taken from its report).

use super::km::{conf_type, time_expression};
use super::{design_columns, group_column, number, numbers, string, strings, Script};
use crate::analyses::competing::{self, CompetingRequest};
use crate::table::{ColumnKind, Table};
use survcalc_stats::competing::CifVariance;

/// R's `%in%` test of the event column against `values` (as numbers in a
/// number column, as survcalc compares them).
fn codes(table: &Table, column: &str, values: &[String]) -> Result<String, String> {
    let c = table.require(column).map_err(|e| e.to_string())?;
    let trimmed: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    Ok(match c.kind {
        ColumnKind::Number => numbers(
            &trimmed
                .iter()
                .filter_map(|v| v.replace(',', ".").parse().ok())
                .collect::<Vec<f64>>(),
        ),
        _ => strings(&trimmed),
    })
}

pub(super) fn script(
    s: &mut Script,
    r: &CompetingRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    // survcalc's own run: the censoring codes it settled on, its curves and the Fine–Gray design.
    let report = competing::run(table, r)?;
    let group = r.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
    let factor = match (r.time_unit, r.display_unit) {
        (Some(from), Some(to)) => from.days() / to.days(),
        _ => 1.0,
    };
    let event_column = table.require(&r.event).map_err(|e| e.to_string())?;
    let status = if event_column.kind == ColumnKind::Number {
        "as.numeric(dd$.status)"
    } else {
        "dd$.status"
    };
    // The censoring codes survcalc used: the request's, or every other value present.
    let censor: Vec<String> = match &r.censor_values {
        Some(v) => v.clone(),
        None => {
            let mut all =
                crate::summary::distinct_values(event_column, crate::summary::MAX_LISTED_VALUES)
                    .unwrap_or_default();
            let chosen: Vec<String> = r
                .event_values
                .iter()
                .chain(&r.competing_values)
                .map(|v| v.trim().to_string())
                .collect();
            all.retain(|v| !chosen.contains(v));
            all
        }
    };
    s.line(format!(
        "## Step {}: competing risks of \"{}\" ({}: {}; {}: {}){} (cmprsk's cuminc and crr)",
        index + 1,
        r.time,
        report.cause_labels[0],
        r.event_values.join(", "),
        report.cause_labels[1],
        r.competing_values.join(", "),
        group.map(|g| format!(" by \"{g}\"")).unwrap_or_default()
    ));
    s.line("local({");
    s.line(format!(
        "  dd <- data.frame(.time = {}, .status = d[[{}]])",
        time_expression(&r.time, factor),
        string(&r.event)
    ));
    s.line(format!(
        "  dd$.cause <- ifelse({status} %in% {}, 1L, ifelse({status} %in% {}, 2L, ifelse({status} %in% {}, 0L, NA)))",
        codes(table, &r.event, &r.event_values)?,
        codes(table, &r.event, &r.competing_values)?,
        codes(table, &r.event, &censor)?
    ));
    let mut complete = vec!["!is.na(dd$.time)", "!is.na(dd$.cause)"];
    if let Some(g) = group {
        s.line(format!("  dd$.group <- {}", group_column(table, g, "d")?));
        complete.push("!is.na(dd$.group)");
    } else {
        s.line("  dd$.group <- factor(rep(1, nrow(dd)))");
    }
    // Fine–Gray covariates as x1, x2, ...: kept for crr's complete cases, not for the curves.
    let terms = report
        .fine_gray
        .as_ref()
        .map(|f| f.design_terms.clone())
        .unwrap_or_default();
    design_columns(s, &terms);
    s.line(format!("  dd <- dd[{}, ]", complete.join(" & ")));
    s.line("  dd$.group <- droplevels(dd$.group)");
    s.line(format!(
        "  ci <- cuminc(dd$.time, dd$.cause, group = dd$.group, cencode = 0, rho = {})",
        number(r.rho)
    ));
    s.line("  print(ci)");
    s.check("n_used", "nrow(dd)");
    // Counts per group (the summary table), in survcalc's curve order.
    for (k, c) in report
        .fit
        .curves
        .iter()
        .enumerate()
        .filter(|(_, c)| c.cause == 1 && c.n > 0)
    {
        let rows = if group.is_some() {
            format!("dd$.group == {}", string(&c.label))
        } else {
            "TRUE".to_string()
        };
        s.line(format!("  g <- dd[{rows}, ]"));
        s.check(&format!("fit.curves[{k}].n"), "nrow(g)");
        s.check(&format!("fit.curves[{k}].events"), "sum(g$.cause == 1)");
        s.check(&format!("fit.curves[{k}].competing"), "sum(g$.cause == 2)");
        s.check(&format!("fit.curves[{k}].censored"), "sum(g$.cause == 0)");
    }
    // Gray's test of each cause (cuminc's Tests: rows are the causes).
    for (k, g) in report.gray_tests.iter().enumerate() {
        if g.test.stat.is_none() {
            continue;
        }
        let row = string(&g.test.cause.to_string());
        s.check(
            &format!("gray_tests[{k}].test.stat"),
            &format!("ci$Tests[{row}, \"stat\"]"),
        );
        s.check(
            &format!("gray_tests[{k}].test.p"),
            &format!("ci$Tests[{row}, \"pv\"]"),
        );
        s.check(
            &format!("gray_tests[{k}].test.df"),
            &format!("ci$Tests[{row}, \"df\"]"),
        );
    }
    if !report.at_times.is_empty() {
        // The curves as step functions: the value after the jumps at the last time at or before t.
        s.line("  at <- function(curve, t) { k <- which(curve$time <= t); if (length(k) == 0) 0 else curve[[2]][max(k)] }");
        s.line(format!("  z <- qnorm((1 + {}) / 2)", number(r.conf_level)));
        // Confidence limits as survfit's conf.type on F: log F·exp(±z·se/F), log-log, plain.
        s.line(format!(
            "  limits <- function(f, se) {{ ct <- {}",
            string(conf_type(r.conf_type))
        ));
        s.line("    if (f == 0) return(if (ct == \"plain\") c(0, 0) else c(NA, NA))");
        s.line("    if (ct == \"log\") pmin(1, f * exp(c(-1, 1) * z * se / f))");
        s.line("    else if (ct == \"log-log\") { if (f == 1) c(NA, NA) else exp(-exp(log(-log(f)) + c(-1, 1) * z * se / (f * log(f)))) }");
        s.line("    else pmax(0, pmin(1, f + c(-1, 1) * z * se))");
        s.line("  }");
    }
    for (k, a) in report.at_times.iter().enumerate() {
        let name = if group.is_some() {
            format!("{} {}", a.label, a.cause)
        } else {
            format!("1 {}", a.cause)
        };
        s.line(format!("  curve <- ci[[{}]]", string(&name)));
        let rows = if group.is_some() {
            format!("dd$.group == {}", string(&a.label))
        } else {
            "TRUE".to_string()
        };
        s.line(format!(
            "  ms <- survfit(Surv(.time, factor(.cause, 0:2, c(\"censored\", \"c1\", \"c2\"))) ~ 1, data = dd[{rows}, ])"
        ));
        s.line(format!(
            "  ms_sum <- summary(ms, times = {}, extend = TRUE)",
            numbers(&a.time)
        ));
        for (j, &t) in a.time.iter().enumerate() {
            let tt = number(t);
            s.check(
                &format!("at_times[{k}].estimate[{j}]"),
                &format!("at(curve, {tt})"),
            );
            s.line(format!(
                "  v <- at(list(time = curve$time, curve$var), {tt})"
            ));
            s.check(&format!("at_times[{k}].var_gray[{j}]"), "v");
            s.line(format!(
                "  se_ij <- ms_sum$std.err[{}, match(\"c{}\", ms$states)]",
                j + 1,
                a.cause
            ));
            s.check(&format!("at_times[{k}].se_ij[{j}]"), "se_ij");
            s.check(
                &format!("at_times[{k}].n_risk[{j}]"),
                &format!("sum(dd[{rows}, ]$.time >= {tt})"),
            );
            let se = match r.variance {
                CifVariance::Gray => "sqrt(max(v, 0))",
                CifVariance::InfinitesimalJackknife => "se_ij",
            };
            s.line(format!("  l <- limits(at(curve, {tt}), {se})"));
            s.check(&format!("at_times[{k}].lower[{j}]"), "l[1]");
            s.check(&format!("at_times[{k}].upper[{j}]"), "l[2]");
        }
    }
    if report.fine_gray.is_some() {
        let xs: Vec<String> = (1..=terms.len()).map(|k| format!("x{k}")).collect();
        s.line(format!(
            "  m <- dd[{}, ]",
            xs.iter()
                .map(|x| format!("!is.na(dd${x})"))
                .collect::<Vec<_>>()
                .join(" & ")
        ));
        s.line("  m <- droplevels(m)");
        s.line(format!(
            "  X <- model.matrix(~ {}, data = m)[, -1, drop = FALSE]",
            xs.join(" + ")
        ));
        s.line("  fg <- crr(m$.time, m$.cause, cov1 = X, failcode = 1, cencode = 0)");
        s.line("  print(summary(fg))");
        s.line("  b <- fg$coef; se <- sqrt(diag(fg$var))");
        s.line(format!("  z <- qnorm((1 + {}) / 2)", number(r.conf_level)));
        s.line("  for (j in seq_along(b)) {");
        for (field, expr) in [
            ("coef", "b[j]"),
            ("shr", "exp(b[j])"),
            ("se", "se[j]"),
            ("p", "2 * pnorm(-abs(b[j] / se[j]))"),
            ("shr_lower", "exp(b[j] - z * se[j])"),
            ("shr_upper", "exp(b[j] + z * se[j])"),
        ] {
            s.line(format!(
                "    survcalc_check(paste0(\"fine_gray.fit.{field}[\", j - 1, \"]\"), {expr})"
            ));
        }
        s.line("  }");
        s.check("fine_gray.fit.n", "fg$n");
        s.check("fine_gray.fit.n_events", "sum(m$.cause == 1)");
        s.check("fine_gray.fit.loglik", "fg$loglik");
        s.check("fine_gray.fit.loglik_null", "fg$loglik.null");
        s.line("  wald <- drop(t(b) %*% solve(fg$var) %*% b)");
        s.check("fine_gray.fit.wald_test.stat", "wald");
        s.check(
            "fine_gray.fit.wald_test.p",
            "pchisq(wald, length(b), lower.tail = FALSE)",
        );
    }
    s.line("})");
    Ok(())
}
