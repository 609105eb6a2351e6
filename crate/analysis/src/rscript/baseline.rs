//! Table 1's p-values as R code: for each variable the test survcalc used
//! (chisq.test, fisher.test, kruskal.test, wilcox.test, oneway.test), on
//! the patients with a group, as gtsummary's rule chose it.

use super::{group_column, string, Script};
use crate::analyses::baseline::{self, BaselineRequest};
use crate::table::Table;

pub(super) fn script(
    s: &mut Script,
    r: &BaselineRequest,
    table: &Table,
    index: usize,
) -> Result<(), String> {
    let report = baseline::run(table, r)?;
    let t = &report.table;
    s.line(format!(
        "## Step {}: Table 1 by \"{}\": one test per variable",
        index + 1,
        r.group
    ));
    s.line("local({");
    s.line(format!("  g <- {}", group_column(table, &r.group, "d")?));
    s.line("  keep <- !is.na(g)");
    s.line("  g <- droplevels(g[keep])");
    for test in &t.tests {
        let raw = format!("d[[{}]][keep]", string(&test.variable));
        let path = format!("table.tests[variable={}].p", test.variable);
        let m = test.test.as_str();
        let call = if m.starts_with("Fisher") {
            if m.contains("simulated") {
                // A Monte Carlo p-value: R's random tables differ from survcalc's.
                s.line(format!(
                    "  # {}: {m}; R: fisher.test(table(g, v), simulate.p.value = TRUE, B = 10000)",
                    test.variable
                ));
                continue;
            }
            format!("fisher.test(table(g, {raw}))$p.value")
        } else if m.starts_with("Pearson") {
            format!(
                "suppressWarnings(chisq.test(table(g, {raw}), correct = {}))$p.value",
                if m.contains("Yates") { "TRUE" } else { "FALSE" }
            )
        } else if m.starts_with("Kruskal") {
            format!("kruskal.test(as.numeric({raw}), g)$p.value")
        } else if m.starts_with("Wilcoxon") {
            let (exact, correct) = if m.contains("exact") {
                ("TRUE", "TRUE")
            } else if m.contains("continuity") {
                ("FALSE", "TRUE")
            } else {
                ("FALSE", "FALSE")
            };
            format!("suppressWarnings(wilcox.test(as.numeric({raw}) ~ g, exact = {exact}, correct = {correct}))$p.value")
        } else if m.contains("t-test") {
            let equal = if m.contains("equal variances") && !m.contains("Welch") {
                "TRUE"
            } else {
                "FALSE"
            };
            format!("t.test(as.numeric({raw}) ~ g, var.equal = {equal})$p.value")
        } else if m.starts_with("One-way analysis of variance") {
            format!("oneway.test(as.numeric({raw}) ~ g, var.equal = TRUE)$p.value")
        } else if m.starts_with("One-way analysis of means") || m.starts_with("Welch") {
            format!("oneway.test(as.numeric({raw}) ~ g, var.equal = FALSE)$p.value")
        } else {
            s.line(format!(
                "  # {}: {m} (no R call written for it)",
                test.variable
            ));
            continue;
        };
        s.line(format!(
            "  cat({}, \"\\n\")",
            string(&format!("{}: {m}", test.variable))
        ));
        s.check(&path, &call);
    }
    s.line("})");
    Ok(())
}
