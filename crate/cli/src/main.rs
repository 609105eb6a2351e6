//! `survcalc run ANALYSIS.survcalc.json DATA.csv --out DIR`: the page's
//! analyses on the command line, for scheduled reruns (next year's export)
//! and for files too large for a browser tab. Writes into DIR the tables
//! as the page downloads them (CSV), the figures (SVG), report.html, the
//! data as exported and analysis.R that reproduces the numbers in R.
//! Nothing leaves the computer here either.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use survcalc_analysis::analysis_file::AnalysisFile;
use survcalc_analysis::table::read_csv;

const USAGE: &str = "Usage: survcalc run ANALYSIS.survcalc.json DATA.csv --out DIR

Reruns the analyses saved from the survcalc page (\"Save analysis\") on a data
file and writes into DIR every table (CSV, as the page downloads them), every
figure (SVG), report.html (with the Statistical analysis paragraph), the data
as survcalc read it (data.csv) and analysis.R, which reproduces the numbers
with R's survival package.";

struct Args {
    analysis: PathBuf,
    data: PathBuf,
    out: PathBuf,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut out = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--out" | "-o" => {
                i += 1;
                out = Some(PathBuf::from(args.get(i).ok_or("--out needs a directory")?));
            }
            "-h" | "--help" => return Err(String::new()),
            a if a.starts_with('-') => return Err(format!("Unknown option {a}.")),
            a => positional.push(a.to_string()),
        }
        i += 1;
    }
    match positional.as_slice() {
        [cmd, analysis, data] if cmd == "run" => Ok(Args {
            analysis: analysis.into(),
            data: data.into(),
            out: out.ok_or("Say where to write the results: --out DIR")?,
        }),
        _ => Err("Expected: run ANALYSIS.survcalc.json DATA.csv --out DIR".to_string()),
    }
}

fn run(args: &Args) -> Result<usize, String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("Cannot read {}: {e}", p.display()));
    let session = AnalysisFile::from_json(&String::from_utf8_lossy(&read(&args.analysis)?))
        .map_err(|e| e.to_string())?;
    let mut table =
        read_csv(&read(&args.data)?, &session.dataset.read_options).map_err(|e| e.to_string())?;
    let output = survcalc_report::run(&session, &mut table, survcalc_report::Figures::All);
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("Cannot create {}: {e}", args.out.display()))?;
    let write = |name: &str, content: &str| {
        let path = args.out.join(name);
        std::fs::write(&path, content).map_err(|e| format!("Cannot write {}: {e}", path.display()))
    };
    let mut failed = 0;
    for step in &output.steps {
        match &step.error {
            Some(e) => {
                eprintln!("step {} ({}): not run: {e}", step.number, step.analysis);
                failed += 1;
            }
            None => {
                for f in step.csv.iter().chain(&step.figures) {
                    write(&f.name, &f.content)?;
                }
            }
        }
    }
    write("report.html", &survcalc_report::html(&output))?;
    for f in survcalc_report::r_files(&session, &table, "data.csv")? {
        write(&f.name, &f.content)?;
    }
    Ok(failed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(n) => {
            eprintln!(
                "{n} step(s) could not be run on this data; the others were written to {}.",
                args.out.display()
            );
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
