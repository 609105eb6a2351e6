//! Rates as R code: `binom.test` (Clopper–Pearson) and
//! `prop.test(correct = FALSE)` (Wilson) per group and overall, and the
//! groups compared by `chisq.test` or `fisher.test` as survcalc chose.

use super::{group_column, number, numbers, string, strings, Script};
use crate::analyses::rates::{self, RatesRequest};
use crate::table::{ColumnKind, Table};
use survcalc_stats::contingency::BaselineTestKind;

pub(super) fn script(
    s: &mut Script,
    r: &RatesRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    let report = rates::run(table, r)?;
    let column = table.require(&r.outcome).map_err(|e| e.to_string())?;
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
    let group = r.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
    s.line(format!(
        "## Step {}: rate of {} in \"{}\"",
        index + 1,
        r.success_values.join(" or "),
        r.outcome
    ));
    s.line("local({");
    let raw = if as_number {
        format!("as.numeric(d[[{}]])", string(&r.outcome))
    } else {
        format!("d[[{}]]", string(&r.outcome))
    };
    s.line(format!("  v <- {raw}"));
    s.line(format!(
        "  keep <- !is.na(v) & !(v %in% {})",
        values(&r.exclude_values)
    ));
    if let Some(g) = group {
        s.line(format!("  g <- {}", group_column(table, g, "d")?));
        s.line("  keep <- keep & !is.na(g)");
    }
    s.line(format!(
        "  success <- v[keep] %in% {}",
        values(&r.success_values)
    ));
    let level = number(r.conf_level);
    s.line("  rate <- function(x, n, path) {");
    s.line(format!(
        "    cp <- binom.test(x, n, conf.level = {level})$conf.int"
    ));
    s.line(format!("    wi <- suppressWarnings(prop.test(x, n, conf.level = {level}, correct = FALSE))$conf.int"));
    s.line("    cat(path, \": \", x, \" / \", n, \"\\n\", sep = \"\")");
    s.line("    survcalc_check(paste0(path, \".x\"), x); survcalc_check(paste0(path, \".n\"), n)");
    s.line("    survcalc_check(paste0(path, \".clopper_pearson.lower\"), cp[1]); survcalc_check(paste0(path, \".clopper_pearson.upper\"), cp[2])");
    s.line("    survcalc_check(paste0(path, \".wilson.lower\"), wi[1]); survcalc_check(paste0(path, \".wilson.upper\"), wi[2])");
    s.line("  }");
    s.line("  rate(sum(success), length(success), \"overall\")");
    if group.is_some() {
        s.line("  g <- droplevels(g[keep])");
        s.line("  for (lv in levels(g)) rate(sum(success[g == lv]), sum(g == lv), paste0(\"groups[label=\", lv, \"]\"))");
        match report.test.as_ref().map(|t| t.test) {
            Some(BaselineTestKind::ChiSquare) => {
                s.check(
                    "test.p",
                    "suppressWarnings(chisq.test(table(g, success), correct = FALSE))$p.value",
                );
            }
            Some(BaselineTestKind::Fisher)
                if report
                    .test
                    .as_ref()
                    .is_some_and(|t| t.fisher.as_ref().is_some_and(|f| f.replicates.is_none())) =>
            {
                s.check("test.p", "fisher.test(table(g, success))$p.value");
            }
            _ => {}
        }
    }
    s.line("})");
    Ok(())
}
