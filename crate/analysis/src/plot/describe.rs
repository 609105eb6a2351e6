//! Figures in words, for people who cannot see them: a short label (a
//! screen reader's name of the figure), a sentence of what it shows, and
//! the figure's numbers as a table to read next to it (WCAG 1.1.1: a text
//! alternative with the same information). The numbers are the plot data's
//! own: the survival step function read at each axis tick, and the numbers
//! at risk the figure prints under the axis.

use super::km::{KmPlot, KmPlotCurve};
use crate::export::DisplayTable;
use crate::format;
use serde::Serialize;

/// A figure's text alternative.
#[derive(Debug, Clone, Serialize)]
pub struct FigureDescription {
    /// The figure's accessible name ("Kaplan–Meier plot of …").
    pub label: String,
    /// What it shows, in a sentence or two.
    pub text: String,
    /// Its numbers, one row per axis tick.
    pub table: DisplayTable,
}

/// The curve's estimate just after `t` (right-continuous step function,
/// 1 before the first event) with its limits; `None` past the end of its
/// follow-up, where the figure draws nothing.
fn at_time(curve: &KmPlotCurve, t: f64) -> Option<(f64, Option<f64>, Option<f64>)> {
    if t > curve.max_time {
        return None;
    }
    let steps = curve.time.iter().take_while(|&&x| x <= t).count();
    Some(match steps.checked_sub(1) {
        None => (1.0, Some(1.0), Some(1.0)),
        Some(i) => (
            curve.surv.get(i).copied().unwrap_or(f64::NAN),
            curve.lower.get(i).copied().flatten(),
            curve.upper.get(i).copied().flatten(),
        ),
    })
}

fn label_of(curve: &KmPlotCurve) -> &str {
    if curve.label.is_empty() {
        "All patients"
    } else {
        &curve.label
    }
}

/// The Kaplan–Meier figure in words and numbers.
pub fn kaplan_meier(plot: &KmPlot) -> FigureDescription {
    let curves = plot.curves.len();
    let label = format!(
        "{}: {} against {}, {curves} curve{}",
        // Figures carry no title unless asked for one (journals set it).
        if plot.title.trim().is_empty() {
            "Kaplan–Meier figure"
        } else {
            plot.title.as_str()
        },
        plot.y_label.to_lowercase(),
        plot.x_label,
        format::plural(curves)
    );
    let per_curve: Vec<String> = plot
        .curves
        .iter()
        .map(|c| {
            let start = c
                .at_risk
                .first()
                .map(|n| format!("{n} at risk at the start"))
                .unwrap_or_default();
            // The last tick the curve reaches: where its survival ends up.
            let end = plot
                .ticks
                .iter()
                .rev()
                .find_map(|&t| at_time(c, t).map(|(s, _, _)| (t, s)));
            match end {
                Some((t, s)) => {
                    format!(
                        "{}: {start}, survival {} at time {}",
                        label_of(c),
                        format::number(s, 2),
                        format::time_number(t)
                    )
                }
                None => format!("{}: {start}", label_of(c)),
            }
        })
        .collect();
    let mut text = format!("{}.", per_curve.join("; "));
    if let Some(a) = &plot.annotation {
        text = format!("{text} {a}.");
    }

    let mut header = vec![plot.x_label.clone()];
    for c in &plot.curves {
        header.push(format!("{}: survival (CI)", label_of(c)));
        header.push(format!("{}: at risk", label_of(c)));
    }
    let limit = |x: Option<f64>| x.map_or_else(|| "NR".to_string(), |v| format::number(v, 3));
    let rows = plot
        .ticks
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let mut row = vec![format::time_number(t)];
            for c in &plot.curves {
                row.push(match at_time(c, t) {
                    Some((s, lower, upper)) => format!(
                        "{} ({}–{})",
                        format::number(s, 3),
                        limit(lower),
                        limit(upper)
                    ),
                    None => "—".to_string(),
                });
                row.push(
                    c.at_risk
                        .get(i)
                        .map_or_else(|| "—".to_string(), u64::to_string),
                );
            }
            row
        })
        .collect();
    let numeric_columns = (0..=2 * curves).collect();
    FigureDescription {
        label,
        text,
        table: DisplayTable {
            header,
            rows,
            numeric_columns,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(label: &str) -> KmPlotCurve {
        KmPlotCurve {
            label: label.into(),
            time: vec![2.0, 5.0],
            surv: vec![0.75, 0.5],
            lower: vec![Some(0.5), None],
            upper: vec![Some(0.9), Some(0.8)],
            max_time: 6.0,
            censor_time: vec![6.0],
            censor_surv: vec![0.5],
            at_risk: vec![4, 3, 1, 0],
            ..KmPlotCurve::default()
        }
    }

    #[test]
    fn reads_the_step_function_at_each_tick() {
        let plot = KmPlot {
            title: "Kaplan–Meier estimate by arm".into(),
            x_label: "Time (months)".into(),
            y_label: "Survival probability".into(),
            ticks: vec![0.0, 2.0, 4.0, 8.0],
            curves: vec![curve("A"), curve("")],
            show_ci: false,
            annotation: Some("Log-rank p = 0.50".into()),
            risk_table: true,
            ..KmPlot::default()
        };
        let d = kaplan_meier(&plot);
        assert_eq!(
            d.label,
            "Kaplan–Meier estimate by arm: survival probability against Time (months), 2 curves"
        );
        assert_eq!(
            d.text,
            "A: 4 at risk at the start, survival 0.75 at time 4; \
             All patients: 4 at risk at the start, survival 0.75 at time 4. Log-rank p = 0.50."
        );
        assert_eq!(d.table.header[1], "A: survival (CI)");
        assert_eq!(d.table.header[4], "All patients: at risk");
        // At a jump the curve already has its new value (right-continuous).
        assert_eq!(d.table.rows[0][1], "1.000 (1.000–1.000)");
        assert_eq!(d.table.rows[1][1], "0.750 (0.500–0.900)");
        assert_eq!(d.table.rows[2][2], "1");
        // Past the end of follow-up the figure draws nothing.
        assert_eq!(d.table.rows[3][1], "—");
        assert_eq!(d.table.rows[3][2], "0");
    }
}
