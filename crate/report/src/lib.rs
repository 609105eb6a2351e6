//! survcalc-report: a saved session (the analysis file) rerun on a data
//! file, and what the page shows written out: every table as the CSV the
//! page downloads (byte for byte), every figure as SVG, the R script that
//! reproduces the numbers, and one self-contained HTML report (figures
//! inline as SVG, no external request, prints cleanly to PDF) with the
//! Statistical analysis paragraph. Used by the command line
//! (crate/cli) and, through the wasm binding, by the page.
//!
//! A step that no longer fits the data (a column missing, a level gone)
//! is listed with its message and the other steps still run.

pub mod docx;

use serde::Serialize;
use survcalc_analysis::analyses::{
    baseline, cohort, competing, cox, km, models, rates, subgroup, DisplayTable,
};
use survcalc_analysis::analysis_file::{AnalysisFile, AnalysisStep};
use survcalc_analysis::export::{dataset_csv, html_escape, DataExportRequest};
use survcalc_analysis::methods::{methods, MethodsText};
use survcalc_analysis::table::Table;
use survcalc_analysis::{rscript, warning::Warning};

/// A file a step produces: its name (without a directory) and content.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutputFile {
    pub name: String,
    pub content: String,
}

/// What one step gave: a report's tables, figures and texts, or the
/// reason it could not run on this data.
#[derive(Debug, Clone, Serialize)]
pub struct StepOutput {
    /// 1-based step number, as in the analysis file.
    pub number: usize,
    pub analysis: &'static str,
    pub title: String,
    /// `None` when the step ran.
    pub error: Option<String>,
    pub tables: Vec<(String, DisplayTable)>,
    /// Tables as the page downloads them (CSV).
    pub csv: Vec<OutputFile>,
    pub figures: Vec<OutputFile>,
    /// Each figure's scene (parallel to `figures`), for pictures drawn at
    /// print size (the Word report's PNGs).
    #[serde(skip)]
    pub scenes: Vec<survcalc_charts::scene::Scene>,
    /// Test results, n, settings: what the page prints under the figure.
    pub texts: Vec<String>,
    pub warnings: Vec<String>,
}

/// A session rerun.
#[derive(Debug, Clone, Serialize)]
pub struct SessionOutput {
    pub file_name: String,
    pub steps: Vec<StepOutput>,
    pub methods: MethodsText,
}

fn warning_texts(w: &[Warning]) -> Vec<String> {
    w.iter().map(Warning::message).collect()
}

fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s.split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figures {
    /// Every figure as SVG.
    All,
    /// None: tables and texts only (the caller draws the figures itself).
    None,
}

impl StepOutput {
    fn figure(&mut self, name: String, scene: survcalc_charts::scene::Scene) {
        self.figures.push(OutputFile {
            name,
            content: survcalc_charts::scene::to_svg(&scene),
        });
        self.scenes.push(scene);
    }
}

fn run_step(number: usize, step: &AnalysisStep, table: &mut Table, figures: Figures) -> StepOutput {
    let mut out = StepOutput {
        number,
        analysis: step.kind(),
        title: String::new(),
        error: None,
        tables: Vec::new(),
        csv: Vec::new(),
        figures: Vec::new(),
        scenes: Vec::new(),
        texts: Vec::new(),
        warnings: Vec::new(),
    };
    let prefix = format!("{number:02}_{}", step.kind());
    let result: Result<(), String> = (|| {
        match step {
            AnalysisStep::Classify(r) => {
                out.title = "Patients and resistance groups".into();
                let c = cohort::run(table, r)?;
                if figures == Figures::All {
                    out.figure(
                        format!("{prefix}_flow.svg"),
                        survcalc_charts::flow::scene(&c.flow_chart),
                    );
                }
                out.texts.push(
                    c.flow_lines
                        .iter()
                        .map(|l| l.trim())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                out.texts.extend(c.rules.iter().cloned());
                out.warnings = warning_texts(&c.warnings);
            }
            AnalysisStep::Derive(r) => {
                let d = survcalc_analysis::derive::derive(table, r)?;
                out.title = format!("Derived column: {}", d.column);
                out.texts.push(d.formula.clone());
                out.warnings = warning_texts(&d.warnings);
            }
            AnalysisStep::KaplanMeier(r) => {
                out.title = format!(
                    "Kaplan–Meier: {}{}",
                    r.time,
                    r.group
                        .as_deref()
                        .filter(|g| !g.trim().is_empty())
                        .map(|g| format!(" by {g}"))
                        .unwrap_or_default()
                );
                let k = km::run(table, r)?;
                if figures == Figures::All {
                    out.figure(format!("{prefix}.svg"), survcalc_charts::km::scene(&k.plot));
                }
                let mut tables = vec![("Summary", &k.summary_table)];
                tables.extend(k.at_times_table.as_ref().map(|t| ("Survival at times", t)));
                tables.extend(
                    k.rmst_table
                        .as_ref()
                        .map(|t| ("Restricted mean survival time", t)),
                );
                tables.extend(
                    k.pairwise_table
                        .as_ref()
                        .map(|t| ("Pairwise comparisons", t)),
                );
                let hazard_ratios =
                    hazard_ratio_table(&k.hazard_ratios, r.conf_level, &r.figure.group_labels);
                tables.extend(hazard_ratios.as_ref().map(|t| ("Hazard ratios (Cox)", t)));
                for (name, t) in tables {
                    out.csv.push(OutputFile {
                        name: format!("{prefix}_{}.csv", slug(name)),
                        content: t.to_csv(),
                    });
                    out.tables.push((name.to_string(), t.clone()));
                }
                out.texts.extend(k.test_text.iter().cloned());
                out.texts.extend(k.trend_text.iter().cloned());
                out.texts.extend(k.rmst_difference_text.iter().cloned());
                out.texts.push(k.follow_up_text.clone());
                out.texts.push(k.settings_text.clone());
                out.warnings = warning_texts(&k.warnings);
            }
            AnalysisStep::Cox(r) => {
                out.title = format!("Cox regression: {}", r.time);
                let c = cox::run(table, r)?;
                if figures == Figures::All {
                    out.figure(
                        format!("{prefix}_forest.svg"),
                        survcalc_charts::forest::scene(&c.plot),
                    );
                }
                out.csv.push(OutputFile {
                    name: format!("{prefix}_hazard_ratios.csv"),
                    content: c.hr_table.to_csv(),
                });
                out.tables
                    .push(("Hazard ratios".into(), c.hr_table.clone()));
                if let Some(z) = &c.zph_table {
                    out.csv.push(OutputFile {
                        name: format!("{prefix}_ph_test.csv"),
                        content: z.to_csv(),
                    });
                    out.tables
                        .push(("Test of proportional hazards".into(), z.clone()));
                }
                out.texts.push(c.n_text.clone());
                out.texts.extend(c.tests_text.iter().cloned());
                out.texts.push(c.zph_text.clone());
                out.texts.push(c.settings_text.clone());
                out.warnings = warning_texts(&c.warnings);
            }
            AnalysisStep::ModelTable(r) => {
                let m = models::run(table, r)?;
                out.title = format!(
                    "Univariate and multivariable models ({}s)",
                    m.table.estimate_name
                );
                if figures == Figures::All {
                    out.figure(
                        format!("{prefix}_forest.svg"),
                        survcalc_charts::forest::scene(&m.plot),
                    );
                }
                out.csv.push(OutputFile {
                    name: format!("{prefix}.csv"),
                    content: m.csv.clone(),
                });
                out.tables.push(("Models".into(), m.display_table.clone()));
                out.texts.push(m.n_text.clone());
                out.texts.push(m.selection_text.clone());
                // When the rule chose the model, the two say the same thing.
                if m.multivariable_text != m.selection_text {
                    out.texts.push(m.multivariable_text.clone());
                }
                out.texts.extend(m.model_fit_text.iter().cloned());
                out.texts.push(m.settings_text.clone());
                out.warnings = warning_texts(&m.warnings);
            }
            AnalysisStep::BaselineTable(r) => {
                out.title = format!("Table 1 by {}", r.group);
                let b = baseline::run(table, r)?;
                out.csv.push(OutputFile {
                    name: format!("{prefix}.csv"),
                    content: b.csv.clone(),
                });
                out.tables.push((
                    "Table 1".into(),
                    DisplayTable {
                        header: b.display.header.clone(),
                        rows: b
                            .display
                            .rows
                            .iter()
                            .map(|row| {
                                let mut cells = row.cells.clone();
                                cells.push(format!(
                                    "{}{}",
                                    row.p,
                                    row.mark
                                        .as_deref()
                                        .map(|m| format!(" ({m})"))
                                        .unwrap_or_default()
                                ));
                                cells
                            })
                            .collect(),
                        numeric_columns: Vec::new(),
                    },
                ));
                out.texts.extend(
                    b.footnotes
                        .iter()
                        .map(|f| format!("({}) {}", f.mark, f.test)),
                );
                out.texts.push(b.settings_text.clone());
                out.warnings = warning_texts(&b.warnings);
            }
            AnalysisStep::Rates(r) => {
                out.title = format!("Rates: {} = {}", r.outcome, r.success_values.join(" or "));
                let x = rates::run(table, r)?;
                out.csv.push(OutputFile {
                    name: format!("{prefix}.csv"),
                    content: x.csv.clone(),
                });
                out.tables.push(("Rates".into(), x.table.clone()));
                out.texts.extend(x.test_text.iter().cloned());
                out.texts.push(x.settings_text.clone());
                out.warnings = warning_texts(&x.warnings);
            }
            AnalysisStep::CompetingRisks(r) => {
                out.title = format!("Competing risks: {}", r.time);
                let c = competing::run(table, r)?;
                if figures == Figures::All {
                    out.figure(format!("{prefix}.svg"), survcalc_charts::km::scene(&c.plot));
                }
                let mut tables = vec![("Cumulative incidence", &c.summary_table)];
                tables.extend(
                    c.at_times_table
                        .as_ref()
                        .map(|t| ("Cumulative incidence at times", t)),
                );
                tables.extend(
                    c.fine_gray
                        .as_ref()
                        .map(|f| ("Fine-Gray subdistribution hazard ratios", &f.shr_table)),
                );
                for (name, t) in tables {
                    out.csv.push(OutputFile {
                        name: format!("{prefix}_{}.csv", slug(name)),
                        content: t.to_csv(),
                    });
                    out.tables.push((name.to_string(), t.clone()));
                }
                out.texts.extend(c.test_text.iter().cloned());
                if let Some(f) = &c.fine_gray {
                    out.texts.push(f.n_text.clone());
                    out.texts.extend(f.tests_text.iter().cloned());
                }
                out.texts.push(c.settings_text.clone());
                out.warnings = warning_texts(&c.warnings);
            }
            AnalysisStep::Subgroups(r) => {
                let x = subgroup::run(table, r)?;
                out.title = format!("Subgroups: {}", x.comparison);
                if figures == Figures::All {
                    out.figure(
                        format!("{prefix}_forest.svg"),
                        survcalc_charts::forest::scene(&x.plot),
                    );
                }
                out.csv.push(OutputFile {
                    name: format!("{prefix}.csv"),
                    content: x.table.to_csv(),
                });
                out.tables.push(("Subgroups".into(), x.table.clone()));
                out.texts.push(x.settings_text.clone());
                out.warnings = warning_texts(&x.warnings);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        out.error = Some(e);
    }
    out
}

/// The hazard ratios printed on a Kaplan–Meier figure, as a table (the
/// figure's words are hard to read from the back of a room): each group
/// against the reference, Wald CI and p, each group named as in the
/// figure's legend (`figure.group_labels`).
fn hazard_ratio_table(
    ratios: &[km::GroupHazardRatio],
    conf_level: f64,
    names: &survcalc_analysis::labels::Labels,
) -> Option<DisplayTable> {
    use survcalc_analysis::format;
    if ratios.is_empty() {
        return None;
    }
    let rows = ratios
        .iter()
        .map(|h| {
            let estimate = match (h.hr, h.lower, h.upper) {
                (Some(e), Some(l), Some(u)) => format::estimate_ci(e, l, u, 2),
                _ => "not estimable".to_string(),
            };
            let name = |group: &str| survcalc_analysis::labels::label_of(names, group).to_string();
            vec![
                name(&h.group),
                name(&h.reference),
                estimate,
                format::p_value_or_dash(h.p),
            ]
        })
        .collect();
    Some(DisplayTable {
        header: vec![
            "Group".into(),
            "Reference".into(),
            format!("HR ({})", format::ci_label(conf_level)),
            "p".into(),
        ],
        rows,
        numeric_columns: vec![2, 3],
    })
}

/// Reruns every step of `session` on `table` (which classification steps
/// extend with their columns, as in the page).
pub fn run(session: &AnalysisFile, table: &mut Table, figures: Figures) -> SessionOutput {
    let steps = session
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| run_step(i + 1, s, table, figures))
        .collect();
    SessionOutput {
        file_name: session.dataset.file_name.clone(),
        steps,
        methods: methods(session),
    }
}

/// One step of a walkthrough (docs/walkthrough.md) with the "try it"
/// changes `tries` made, run on a copy of `table`: the results of the step's
/// own requests, in order (the shared setup, the classification, runs first
/// and is not shown, unless it failed: then its error is the step's).
pub fn lesson_step(
    lesson: &survcalc_analysis::walkthrough::Walkthrough,
    index: usize,
    tries: &[usize],
    table: &Table,
) -> Result<Vec<StepOutput>, survcalc_analysis::walkthrough::WalkthroughError> {
    let (session, hidden) = lesson.step_session(index, tries)?;
    let mut table = table.clone();
    let output = run(&session, &mut table, Figures::All);
    let (setup, own) = output.steps.split_at(hidden.min(output.steps.len()));
    if let Some(failed) = setup.iter().find(|s| s.error.is_some()) {
        return Ok(vec![failed.clone()]);
    }
    let mut results: Vec<StepOutput> = own
        .iter()
        .cloned()
        .map(|mut s| {
            s.number -= hidden;
            s
        })
        .collect();
    let own_requests = &session.steps[hidden..];
    // Right after the landmark's result, before whatever the step shows next.
    let after_landmark = own_requests
        .iter()
        .position(|s| matches!(s, AnalysisStep::KaplanMeier(r) if r.landmark.is_some()))
        .map_or(results.len(), |i| (i + 1).min(results.len()));
    if let Some(comparison) = landmark_comparison(own_requests, &table, after_landmark + 1) {
        results.insert(after_landmark, comparison);
        for (i, r) in results.iter_mut().enumerate() {
            r.number = i + 1;
        }
    }
    Ok(results)
}

/// When a step shows the same Kaplan–Meier comparison from time zero and
/// from a landmark (the immortal-time trap), the two side by side in words:
/// who the landmark left out, group by group, and each hazard ratio before
/// and after, so the lesson's text can point at numbers the engine worded.
fn landmark_comparison(
    requests: &[AnalysisStep],
    table: &Table,
    number: usize,
) -> Option<StepOutput> {
    use survcalc_analysis::format;
    let km_requests: Vec<&km::KmRequest> = requests
        .iter()
        .filter_map(|s| {
            if let AnalysisStep::KaplanMeier(r) = s {
                Some(r)
            } else {
                None
            }
        })
        .collect();
    let from_start = km_requests
        .iter()
        .find(|r| r.landmark.is_none() && r.group.is_some())?;
    let from_landmark = km_requests.iter().find(|r| {
        r.landmark.is_some()
            && r.time == from_start.time
            && r.event == from_start.event
            && r.group == from_start.group
            && r.filter == from_start.filter
    })?;
    let start = km::run(table, from_start).ok()?;
    let after = km::run(table, from_landmark).ok()?;
    let summary = after.landmark.as_ref()?;
    let unit = from_start
        .display_unit
        .or(from_start.time_unit)
        .map(|u| format!(" {}", u.label()))
        .unwrap_or_default();
    let n_of = |k: &km::KmResult, label: &str| {
        k.fit
            .curves
            .iter()
            .find(|c| c.group.is_some() && c.label == label)
            .map_or(0, |c| c.n)
    };
    let groups: Vec<(&str, usize, usize)> = start
        .fit
        .curves
        .iter()
        .filter(|c| c.group.is_some())
        .map(|c| (c.label.as_str(), c.n, n_of(&after, &c.label)))
        .collect();
    let left_out = summary.n_excluded_event + summary.n_excluded_censored;
    let mut texts = vec![format!(
        "The landmark at {}{unit} leaves out {left_out} of {} patients ({} died, {} were censored before it): {}.",
        format::time_number(summary.time),
        start.n_used,
        summary.n_excluded_event,
        summary.n_excluded_censored,
        groups.iter().map(|(g, before, after)| format!("{g} {before} → {after}")).collect::<Vec<_>>().join(", ")
    )];
    let lost: Vec<&str> = groups
        .iter()
        .filter(|(_, b, a)| a < b)
        .map(|(g, _, _)| *g)
        .collect();
    let kept: Vec<&str> = groups
        .iter()
        .filter(|(_, b, a)| a == b)
        .map(|(g, _, _)| *g)
        .collect();
    if !lost.is_empty() && !kept.is_empty() {
        texts.push(format!(
            "Only {} lost patients: nobody in {} died or left follow-up before the landmark, because the group's definition \
             requires it. Measured from treatment start, that early time is counted as time at risk in which no death could \
             happen (immortal time), so those groups look better than they are, and the difference looks larger.",
            lost.join(" and "),
            kept.join(" or ")
        ));
    }
    let hr = |h: &km::GroupHazardRatio| match (h.hr, h.lower, h.upper) {
        (Some(e), Some(l), Some(u)) => format!("HR {}", format::estimate_ci(e, l, u, 2)),
        _ => "HR not estimable".to_string(),
    };
    for h in &start.hazard_ratios {
        if let Some(a) = after
            .hazard_ratios
            .iter()
            .find(|a| a.group == h.group && a.reference == h.reference)
        {
            texts.push(format!(
                "{} vs {}: {} from treatment start; {} from the landmark.",
                h.group,
                h.reference,
                hr(h),
                hr(a)
            ));
        }
    }
    Some(StepOutput {
        number,
        analysis: "comparison",
        title: "From treatment start and from the landmark, side by side".into(),
        error: None,
        tables: Vec::new(),
        csv: Vec::new(),
        figures: Vec::new(),
        scenes: Vec::new(),
        texts,
        warnings: Vec::new(),
    })
}

/// The data as survcalc holds it after the session (classification
/// columns included), for the R script; and the script itself.
pub fn r_files(
    session: &AnalysisFile,
    table: &Table,
    data_name: &str,
) -> Result<Vec<OutputFile>, String> {
    Ok(vec![
        OutputFile {
            name: data_name.to_string(),
            content: dataset_csv(table, &DataExportRequest::default())?,
        },
        OutputFile {
            name: "analysis.R".to_string(),
            content: rscript::for_session(session, table, data_name)?,
        },
    ])
}

const STYLE: &str = "body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}h3{font-size:1rem}\
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}\
th{border-bottom:2px solid #555}td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0}figure svg{max-width:100%;height:auto}\
.warning{background:#fff6e0;border-left:4px solid #c77d00;padding:.4rem .7rem;margin:.4rem 0}.error{background:#fde8e8;border-left:4px solid #b00020;padding:.4rem .7rem}\
.note{color:#444;font-size:.9rem}@media print{h2{break-before:auto}figure,table{break-inside:avoid}}";

fn table_html(t: &DisplayTable) -> String {
    let mut out = String::from("<table><thead><tr>");
    for h in &t.header {
        out.push_str(&format!("<th scope=\"col\">{}</th>", html_escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (j, c) in row.iter().enumerate() {
            let class = if t.numeric_columns.contains(&j) {
                " class=\"num\""
            } else {
                ""
            };
            out.push_str(&format!("<td{class}>{}</td>", html_escape(c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The report: one HTML file with everything inline.
pub fn html(output: &SessionOutput) -> String {
    let mut h = String::new();
    h.push_str("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    h.push_str(&format!(
        "<title>survcalc report: {}</title><style>{STYLE}</style></head><body>",
        html_escape(&output.file_name)
    ));
    h.push_str(&format!(
        "<h1>Survival analysis report</h1><p class=\"note\">Data: {} · survcalc {}</p>",
        html_escape(&output.file_name),
        env!("CARGO_PKG_VERSION")
    ));
    h.push_str("<h2>Statistical analysis</h2>");
    h.push_str(&format!(
        "<p>{}</p>",
        html_escape(&output.methods.paragraph)
    ));
    for step in &output.steps {
        h.push_str(&format!(
            "<h2>{}. {}</h2>",
            step.number,
            html_escape(&step.title)
        ));
        if let Some(e) = &step.error {
            h.push_str(&format!(
                "<p class=\"error\">This step could not be run on this data: {}</p>",
                html_escape(e)
            ));
            continue;
        }
        for f in &step.figures {
            // plotters escapes the text it writes into the SVG.
            h.push_str(&format!("<figure>{}</figure>", f.content));
        }
        for (name, t) in &step.tables {
            h.push_str(&format!("<h3>{}</h3>{}", html_escape(name), table_html(t)));
        }
        for t in &step.texts {
            h.push_str(&format!("<p class=\"note\">{}</p>", html_escape(t)));
        }
        for w in &step.warnings {
            h.push_str(&format!("<p class=\"warning\">{}</p>", html_escape(w)));
        }
    }
    if !output.methods.references.is_empty() {
        h.push_str("<h2>References</h2><ol>");
        for r in &output.methods.references {
            let text = r.split_once(". ").map_or(r.as_str(), |(_, t)| t);
            h.push_str(&format!("<li>{}</li>", html_escape(text)));
        }
        h.push_str("</ol>");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use survcalc_analysis::table::{read_csv, ReadOptions};

    #[test]
    fn the_hazard_ratio_table_names_the_groups_as_the_legend_does() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/reference/02_lung/data.csv"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let table = read_csv(text.as_bytes(), &ReadOptions::default()).unwrap();
        let mut request = km::KmRequest {
            time: "time".into(),
            event: "status".into(),
            event_values: vec!["2".into()],
            group: Some("sex".into()),
            ..km::KmRequest::default()
        };
        request.figure.group_labels = [
            ("1".to_string(), "Male".to_string()),
            ("2".to_string(), "Female".to_string()),
        ]
        .into();
        let k = km::run(&table, &request).unwrap();
        let t = hazard_ratio_table(
            &k.hazard_ratios,
            request.conf_level,
            &request.figure.group_labels,
        )
        .unwrap();
        let legend: Vec<&str> = k.plot.curves.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(legend, ["Male", "Female"]);
        // One row, Female against Male, with the figure's numbers.
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0][..2], ["Female", "Male"]);
        let plain =
            hazard_ratio_table(&k.hazard_ratios, request.conf_level, &Default::default()).unwrap();
        assert_eq!(plain.rows[0][..2], ["2", "1"]);
        assert_eq!(plain.rows[0][2..], t.rows[0][2..]);
    }
}
