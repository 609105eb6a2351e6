//! Kaplan–Meier as R code: `survfit` per group and overall, `survdiff`,
//! `summary(fit, times = )`, `print(fit, rmean = )`, reverse Kaplan–Meier.

use super::{group_column, number, numbers, string, strings, Script};
use crate::analyses::km::KmRequest;
use crate::table::{ColumnKind, Table};
use survcalc_stats::km::ConfType;

/// R's `conf.type` for survcalc's transform.
pub(super) fn conf_type(c: ConfType) -> &'static str {
    match c {
        ConfType::Log => "log",
        ConfType::LogLog => "log-log",
        ConfType::Plain => "plain",
    }
}

/// `.event`: 1 where the event column holds one of `values` (compared as
/// numbers in a number column, as survcalc does), from `status` (`dd$.status`).
pub(super) fn event_indicator(
    table: &Table,
    event: &str,
    values: &[String],
    status: &str,
) -> Result<String, String> {
    let column = table.require(event).map_err(|e| e.to_string())?;
    let trimmed: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    Ok(match column.kind {
        ColumnKind::Number => {
            let parsed: Vec<f64> = trimmed
                .iter()
                .filter_map(|v| v.replace(',', ".").parse().ok())
                .collect();
            format!("as.integer(as.numeric({status}) %in% {})", numbers(&parsed))
        }
        _ => format!("as.integer({status} %in% {})", strings(&trimmed)),
    })
}

/// The time column in the displayed unit (survcalc multiplies by the same factor).
pub(super) fn time_expression(column: &str, factor: f64) -> String {
    if factor == 1.0 {
        format!("as.numeric(d[[{}]])", string(column))
    } else {
        format!("as.numeric(d[[{}]]) * {}", string(column), number(factor))
    }
}

pub(super) fn script(
    s: &mut Script,
    r: &KmRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    let group = r.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
    let strata = r.strata.as_deref().map(str::trim).filter(|g| !g.is_empty());
    let factor = match (r.time_unit, r.display_unit) {
        (Some(from), Some(to)) => from.days() / to.days(),
        _ => 1.0,
    };
    let ct = conf_type(r.conf_type);
    let level = number(r.conf_level);
    s.line(format!(
        "## Step {}: Kaplan–Meier of \"{}\"{} (survfit, conf.type = \"{ct}\", conf.int = {level})",
        index + 1,
        r.time,
        group.map(|g| format!(" by \"{g}\"")).unwrap_or_default()
    ));
    s.line("local({");
    s.line(format!(
        "  dd <- data.frame(.time = {}, .status = d[[{}]])",
        time_expression(&r.time, factor),
        string(&r.event)
    ));
    let mut complete = vec!["!is.na(dd$.time)", "!is.na(dd$.status)"];
    if let Some(g) = group {
        s.line(format!("  dd$.group <- {}", group_column(table, g, "d")?));
        complete.push("!is.na(dd$.group)");
    }
    if let Some(st) = strata {
        s.line(format!("  dd$.strata <- {}", group_column(table, st, "d")?));
    }
    s.line(format!("  dd <- dd[{}, ]", complete.join(" & ")));
    s.line(format!(
        "  dd$.event <- {}",
        event_indicator(table, &r.event, &r.event_values, "dd$.status")?
    ));
    if let Some(l) = r.landmark {
        s.line(format!(
            "  # Landmark at {}: patients event-free and followed beyond it, time from it.",
            number(l)
        ));
        s.line(format!("  dd <- dd[dd$.time > {l}, ]", l = number(l)));
        s.line(format!("  dd$.time <- dd$.time - {}", number(l)));
        if group.is_some() {
            s.line("  dd$.group <- droplevels(dd$.group)");
        }
    }
    let fit_args = format!("data = dd, conf.type = \"{ct}\", conf.int = {level}");
    s.line(format!(
        "  all <- survfit(Surv(.time, .event) ~ 1, {fit_args})"
    ));
    s.line("  print(all)");
    // The overall curve is "all" in the fit and "All patients" in the tables.
    curve_checks(s, "all", "\"all\"", "\"All patients\"", r)?;
    if group.is_some() {
        s.line(format!(
            "  fit <- survfit(Surv(.time, .event) ~ .group, {fit_args})"
        ));
        s.line("  print(fit)");
        s.line("  for (k in seq_along(fit$strata)) {");
        s.line("    g <- sub(\"^\\\\.group=\", \"\", names(fit$strata)[k])");
        s.line("    one <- fit[k]");
        curve_checks(s, "one", "g", "g", r)?;
        s.line("  }");
        let strata_term = if strata.is_some() {
            " + strata(.strata)"
        } else {
            ""
        };
        s.line(format!(
            "  sd <- survdiff(Surv(.time, .event) ~ .group{strata_term}, data = dd, rho = {})",
            number(r.rho)
        ));
        s.line("  print(sd)");
        s.check("logrank.chisq", "sd$chisq");
        // With strata, exp is groups x strata: a group counts when expected > 0 overall.
        s.line("  expected <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp");
        s.check(
            "logrank.p",
            "pchisq(sd$chisq, sum(expected > 0) - 1, lower.tail = FALSE)",
        );
    }
    s.line(format!(
        "  fu <- survfit(Surv(.time, 1 - .event) ~ 1, {fit_args})"
    ));
    s.line("  ft <- summary(fu)$table");
    s.line("  cat(\"Median follow-up (reverse Kaplan–Meier):\\n\"); print(ft[c(\"median\", grep(\"CL$\", names(ft), value = TRUE))])");
    s.check("follow_up.median", "ft[\"median\"]");
    s.check("follow_up.lower", "ft[grep(\"LCL$\", names(ft))]");
    s.check("follow_up.upper", "ft[grep(\"UCL$\", names(ft))]");
    s.line("})");
    Ok(())
}

/// Checks of one curve `fit` (an R variable): n, events, median and its CI
/// under `fit_label`, survival at times and RMST under `table_label`.
fn curve_checks(
    s: &mut Script,
    fit: &str,
    fit_label: &str,
    table_label: &str,
    r: &KmRequest,
) -> Result<(), String> {
    let path = |label: &str, rest: &str| {
        format!("paste0(\"{}\", {label}, \"]{rest}\")", "fit.curves[label=")
    };
    s.line(format!("  tb <- summary({fit})$table"));
    for (field, r_expr) in [
        (".n", "tb[\"n.start\"]"),
        (".events", "tb[\"events\"]"),
        (".median.quantile", "tb[\"median\"]"),
        (".median.lower", "tb[grep(\"LCL$\", names(tb))]"),
        (".median.upper", "tb[grep(\"UCL$\", names(tb))]"),
    ] {
        s.line(format!(
            "  survcalc_check({}, {r_expr})",
            path(fit_label, field)
        ));
    }
    let mut times: Vec<f64> = r
        .times
        .iter()
        .copied()
        .filter(|t| t.is_finite() && *t >= 0.0)
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    if !times.is_empty() {
        s.line(format!(
            "  at <- summary({fit}, times = {}, extend = TRUE)",
            numbers(&times)
        ));
        for (field, r_field) in [
            ("surv", "surv"),
            ("n_risk", "n.risk"),
            ("lower", "lower"),
            ("upper", "upper"),
        ] {
            s.line(format!(
                "  for (j in seq_along(at$time)) survcalc_check(paste0(\"survival_at_times[label=\", {table_label}, \"].{field}[\", j - 1, \"]\"), at${r_field}[j])"
            ));
        }
    }
    if let Some(tau) = r.rmst_tau.filter(|t| t.is_finite() && *t > 0.0) {
        s.line(format!(
            "  rm <- summary({fit}, rmean = {})$table",
            number(tau)
        ));
        s.line(format!("  survcalc_check(paste0(\"rmst[label=\", {table_label}, \"].estimate\"), rm[\"rmean\"])"));
        s.line(format!(
            "  survcalc_check(paste0(\"rmst[label=\", {table_label}, \"].se\"), rm[\"se(rmean)\"])"
        ));
    }
    Ok(())
}
