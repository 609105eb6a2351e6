//! Subgroup analysis as R code: `coxph` (or `glm(family = binomial)`) of the
//! treatment in all patients and within each subgroup level alone, and per
//! subgroup variable the likelihood-ratio test of treatment × subgroup,
//! `anova(fit(y ~ trt + sub), fit(y ~ trt * sub))`, on the patients with the
//! subgroup known. Kinds, references and level orders are survcalc's, read
//! from its report.

use super::km::event_indicator;
use super::{design_columns, group_column, number, numbers, string, strings, Script};
use crate::analyses::models::OutcomeType;
use crate::analyses::subgroup::{self, SubgroupRequest};
use crate::table::{ColumnKind, Table};
use survcalc_stats::cox::Ties;

/// Whether the request's outcome is a survival one (Cox) rather than yes/no (logistic).
pub(super) fn is_survival(r: &SubgroupRequest) -> bool {
    r.outcome
        .kind
        .unwrap_or(if r.outcome.time.trim().is_empty() {
            OutcomeType::Binary
        } else {
            OutcomeType::Survival
        })
        == OutcomeType::Survival
}

/// `c(...)` of the codes, as numbers in a number column (as survcalc compares them).
fn codes(table: &Table, column: &str, values: &[String]) -> Result<String, String> {
    let c = table.require(column).map_err(|e| e.to_string())?;
    let v: Vec<String> = values
        .iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    Ok(match c.kind {
        ColumnKind::Number => numbers(
            &v.iter()
                .filter_map(|x| x.replace(',', ".").parse().ok())
                .collect::<Vec<f64>>(),
        ),
        _ => strings(&v),
    })
}

pub(super) fn script(
    s: &mut Script,
    r: &SubgroupRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    let report = subgroup::run(table, r)?;
    let o = &r.outcome;
    let survival = is_survival(r);
    s.line(format!(
        "## Step {}: {} of the treatment \"{}\" ({}) by subgroup ({})",
        index + 1,
        if survival {
            "hazard ratio"
        } else {
            "odds ratio"
        },
        r.treatment.column,
        report.comparison,
        if survival { "coxph" } else { "glm, binomial" }
    ));
    s.line("local({");
    let mut complete = vec!["!is.na(dd$.y)".to_string()];
    if survival {
        let event = table.require(&o.event).map_err(|e| e.to_string())?;
        let status = if event.kind == ColumnKind::Number {
            "as.numeric(dd$.status)"
        } else {
            "dd$.status"
        };
        s.line(format!(
            "  dd <- data.frame(.time = as.numeric(d[[{}]]), .status = d[[{}]])",
            string(&o.time),
            string(&o.event)
        ));
        match &o.censor_values {
            // Named censoring codes: rows with any other code are left out, as in survcalc.
            Some(censor) => s.line(format!(
                "  dd$.y <- ifelse({status} %in% {}, 1L, ifelse({status} %in% {}, 0L, NA))",
                codes(table, &o.event, &o.event_values)?,
                codes(table, &o.event, censor)?
            )),
            None => s.line(format!(
                "  dd$.y <- ifelse(is.na(dd$.status), NA, {})",
                event_indicator(table, &o.event, &o.event_values, "dd$.status")?
            )),
        }
        complete.push("!is.na(dd$.time)".into());
        if let Some(st) = o.strata.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
            s.line(format!("  dd$.strata <- d[[{}]]", string(st)));
            complete.push("!is.na(dd$.strata)".into());
        }
    } else {
        let values = codes(table, &o.column, &o.event_values)?;
        let column = table.require(&o.column).map_err(|e| e.to_string())?;
        let raw = if column.kind == ColumnKind::Number {
            format!("as.numeric(d[[{}]])", string(&o.column))
        } else {
            format!("d[[{}]]", string(&o.column))
        };
        s.line(format!("  raw <- {raw}"));
        if o.non_event_values.is_empty() {
            s.line(format!(
                "  dd <- data.frame(.y = ifelse(is.na(raw), NA, as.integer(raw %in% {values})))"
            ));
        } else {
            s.line(format!(
                "  dd <- data.frame(.y = ifelse(raw %in% {values}, 1L, ifelse(raw %in% {}, 0L, NA)))",
                codes(table, &o.column, &o.non_event_values)?
            ));
        }
    }
    // The treatment (x1) and adjustment covariates (x2, ...), as survcalc coded them.
    let xs = design_columns(s, &report.design_terms);
    complete.extend(xs.iter().map(|x| format!("!is.na(dd${x})")));
    for (i, v) in report.subgroups.iter().enumerate() {
        s.line(format!(
            "  dd$.s{} <- {}",
            i + 1,
            group_column(table, &v.variable, "d")?
        ));
    }
    s.line(format!("  dd <- dd[{}, ]", complete.join(" & ")));
    let lhs = if survival { "Surv(.time, .y)" } else { ".y" };
    let strata = if survival && o.strata.as_deref().is_some_and(|x| !x.trim().is_empty()) {
        " + strata(.strata)"
    } else {
        ""
    };
    let ties = if r.ties == Ties::Efron {
        "efron"
    } else {
        "breslow"
    };
    // One model; NULL when R cannot fit it (one arm only in a subgroup: survcalc says "not estimable").
    s.line("  fit_model <- function(rhs, m) {");
    s.line("    m <- droplevels(m)");
    s.line(format!(
        "    f <- as.formula(paste(\"{lhs} ~\", rhs, \"{strata}\"))"
    ));
    if survival {
        s.line(format!(
            "    tryCatch(coxph(f, data = m, ties = \"{ties}\"), error = function(e) NULL)"
        ));
    } else {
        s.line("    tryCatch(glm(f, family = binomial, data = m, control = glm.control(epsilon = 1e-14, maxit = 100)), error = function(e) NULL)");
    }
    s.line("  }");
    s.line(format!(
        "  loglik <- function(fit) {}",
        if survival {
            "fit$loglik[2]"
        } else {
            "as.numeric(logLik(fit))"
        }
    ));
    s.line(format!("  z <- qnorm((1 + {}) / 2)", number(r.conf_level)));
    let j = if survival { 1 } else { 2 };
    s.line("  treatment_effect <- function(m, path) {");
    s.line("    survcalc_check(paste0(path, \".n\"), nrow(m))");
    s.line("    survcalc_check(paste0(path, \".events\"), sum(m$.y))");
    s.line(format!(
        "    fit <- fit_model({}, m)",
        string(&xs.join(" + "))
    ));
    s.line(format!("    b <- if (is.null(fit)) NA else coef(fit)[{j}]"));
    s.line(format!(
        "    se <- if (is.null(fit) || is.na(b)) NA else sqrt(vcov(fit)[{j}, {j}])"
    ));
    s.line("    survcalc_check(paste0(path, \".estimate\"), exp(b))");
    s.line("    survcalc_check(paste0(path, \".lower\"), exp(b - z * se))");
    s.line("    survcalc_check(paste0(path, \".upper\"), exp(b + z * se))");
    s.line("    survcalc_check(paste0(path, \".p\"), 2 * pnorm(-abs(b / se)))");
    for (a, arm) in report.overall.arms.iter().enumerate() {
        s.line(format!(
            "    survcalc_check(paste0(path, \".arms[{a}].n\"), sum(m$x1 == {}))",
            string(&arm.arm)
        ));
        s.line(format!(
            "    survcalc_check(paste0(path, \".arms[{a}].events\"), sum(m$.y[m$x1 == {}]))",
            string(&arm.arm)
        ));
    }
    s.line("    if (!is.null(fit)) print(summary(fit)$coefficients)");
    s.line("  }");
    s.line("  cat(\"All patients\\n\")");
    s.line("  treatment_effect(dd, \"overall\")");
    let adjust: String = xs.iter().skip(1).map(|x| format!(" + {x}")).collect();
    for (i, v) in report.subgroups.iter().enumerate() {
        let sub = format!(".s{}", i + 1);
        s.line(format!(
            "  # {}: each level alone, then the interaction test",
            v.variable
        ));
        s.line(format!("  ds <- dd[!is.na(dd${sub}), ]"));
        for (k, level) in v.levels.iter().enumerate() {
            s.line(format!(
                "  cat({})",
                string(&format!("{} = {}\n", v.variable, level.level))
            ));
            s.line(format!(
                "  treatment_effect(ds[ds${sub} == {}, ], \"subgroups[{i}].levels[{k}]\")",
                string(&level.level)
            ));
        }
        if v.interaction.is_some() {
            s.line(format!("  main <- fit_model(\"x1 + {sub}{adjust}\", ds)"));
            s.line(format!("  inter <- fit_model(\"x1 * {sub}{adjust}\", ds)"));
            s.line("  print(anova(main, inter, test = \"Chisq\"))");
            s.line("  stat <- max(0, 2 * (loglik(inter) - loglik(main)))");
            s.line("  df <- sum(!is.na(coef(inter))) - sum(!is.na(coef(main)))");
            s.check(&format!("subgroups[{i}].interaction.n"), "nrow(ds)");
            s.check(
                &format!("subgroups[{i}].interaction.loglik_main"),
                "loglik(main)",
            );
            s.check(
                &format!("subgroups[{i}].interaction.loglik_interaction"),
                "loglik(inter)",
            );
            s.check(&format!("subgroups[{i}].interaction.stat"), "stat");
            s.check(&format!("subgroups[{i}].interaction.df"), "df");
            s.check(
                &format!("subgroups[{i}].interaction.p"),
                "pchisq(stat, df, lower.tail = FALSE)",
            );
        }
    }
    s.line("})");
    Ok(())
}
