//! Cox regression as R code: `coxph` with the same ties, strata, (start,
//! stop] rows, cluster and robust variance, then `cox.zph`. The design
//! (which covariates are categorical, their reference and level order) is
//! the one survcalc used, taken from its report, so R fits the same model.

use super::km::{event_indicator, time_expression};
use super::{design_columns, number, string, Script};
use crate::analyses::cox::{self, CoxRequest};
use crate::table::Table;
use survcalc_stats::cox::{Ties, ZphTransform};

fn zph_transform(t: ZphTransform) -> &'static str {
    match t {
        ZphTransform::Km => "km",
        ZphTransform::Identity => "identity",
        ZphTransform::Rank => "rank",
        ZphTransform::Log => "log",
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(super) fn script(
    s: &mut Script,
    r: &CoxRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    if r.time_varying
        .as_ref()
        .is_some_and(|t| !t.column.trim().is_empty())
        || r.time_split.is_some()
    {
        s.line(format!(
            "## Step {}: Cox regression with a time-varying status or a time split: its R code (tmerge / survSplit) \
             is printed in survcalc's settings text; this version does not write it here.",
            index + 1
        ));
        return Ok(());
    }
    // The model survcalc fitted: its covariates' kinds, levels and references.
    let report = cox::run(table, r)?;
    let terms = &report.design_terms;
    let ties = match r.ties {
        Ties::Efron => "efron",
        Ties::Breslow => "breslow",
    };
    let start = non_empty(&r.start);
    let strata = non_empty(&r.strata);
    let cluster = non_empty(&r.cluster);
    let robust = r.robust || cluster.is_some();
    s.line(format!(
        "## Step {}: Cox regression of \"{}\" on {} (coxph, ties = \"{ties}\"{})",
        index + 1,
        r.time,
        terms
            .iter()
            .map(|t| format!("\"{}\"", t.column))
            .collect::<Vec<_>>()
            .join(", "),
        if robust { ", robust variance" } else { "" }
    ));
    s.line("local({");
    s.line(format!(
        "  dd <- data.frame(.time = {}, .status = d[[{}]])",
        time_expression(&r.time, 1.0),
        string(&r.event)
    ));
    let mut complete = vec![
        "!is.na(dd$.time)".to_string(),
        "!is.na(dd$.status)".to_string(),
    ];
    if let Some(st) = start {
        s.line(format!("  dd$.start <- as.numeric(d[[{}]])", string(st)));
        complete.push("!is.na(dd$.start)".into());
    }
    // Covariates as x1, x2, ... (any column name works), in survcalc's order.
    let mut rhs = design_columns(s, terms);
    complete.extend(rhs.iter().map(|x| format!("!is.na(dd${x})")));
    if let Some(st) = strata {
        s.line(format!("  dd$.strata <- d[[{}]]", string(st)));
        complete.push("!is.na(dd$.strata)".into());
        rhs.push("strata(.strata)".into());
    }
    if let Some(c) = cluster {
        s.line(format!("  dd$.cluster <- d[[{}]]", string(c)));
        rhs.push("cluster(.cluster)".into());
    }
    s.line(format!("  dd <- dd[{}, ]", complete.join(" & ")));
    s.line(format!(
        "  dd$.event <- {}",
        event_indicator(table, &r.event, &r.event_values, "dd$.status")?
    ));
    let surv = if start.is_some() {
        "Surv(.start, .time, .event)"
    } else {
        "Surv(.time, .event)"
    };
    s.line(format!(
        "  fit <- coxph({surv} ~ {}, data = dd, ties = \"{ties}\"{})",
        if rhs.is_empty() {
            "1".to_string()
        } else {
            rhs.join(" + ")
        },
        if robust && cluster.is_none() {
            ", robust = TRUE"
        } else {
            ""
        }
    ));
    s.line(format!(
        "  print(summary(fit, conf.int = {}))",
        number(r.conf_level)
    ));
    s.line("  b <- coef(fit)");
    s.line(format!(
        "  se <- sqrt(diag({}))",
        if robust { "fit$naive.var" } else { "fit$var" }
    ));
    s.line(format!("  z <- qnorm((1 + {}) / 2)", number(r.conf_level)));
    s.line("  for (j in seq_along(b)) {");
    for (field, expr) in [
        ("coef", "b[j]"),
        ("hr", "exp(b[j])"),
        ("se", "se[j]"),
        ("p", "2 * pnorm(-abs(b[j] / se[j]))"),
        ("hr_lower", "exp(b[j] - z * se[j])"),
        ("hr_upper", "exp(b[j] + z * se[j])"),
    ] {
        s.line(format!(
            "    survcalc_check(paste0(\"fit.{field}[\", j - 1, \"]\"), {expr})"
        ));
    }
    if robust {
        s.line("    rse <- sqrt(diag(fit$var))[j]");
        s.line("    survcalc_check(paste0(\"fit.robust.se[\", j - 1, \"]\"), rse)");
        s.line("    survcalc_check(paste0(\"fit.robust.p[\", j - 1, \"]\"), 2 * pnorm(-abs(b[j] / rse)))");
    }
    s.line("  }");
    s.check("fit.n", "fit$n");
    s.check("fit.nevent", "fit$nevent");
    s.check("fit.lr_test.stat", "2 * diff(fit$loglik)");
    s.check("fit.score_test.stat", "fit$score");
    if !robust {
        s.check("fit.wald_test.stat", "fit$wald.test");
    }
    s.check("fit.concordance.c", "fit$concordance[[\"concordance\"]]");
    s.line(format!(
        "  zph <- cox.zph(fit, transform = \"{}\")",
        zph_transform(r.zph_transform)
    ));
    s.line("  print(zph)");
    s.line("  k <- nrow(zph$table)");
    s.line("  for (i in seq_len(k - 1)) {");
    s.line(
        "    survcalc_check(paste0(\"zph.terms[\", i - 1, \"].chisq\"), zph$table[i, \"chisq\"])",
    );
    s.line("    survcalc_check(paste0(\"zph.terms[\", i - 1, \"].p\"), zph$table[i, \"p\"])");
    s.line("  }");
    s.check("zph.global.chisq", "zph$table[k, \"chisq\"]");
    s.check("zph.global.p", "zph$table[k, \"p\"]");
    s.line("})");
    Ok(())
}
