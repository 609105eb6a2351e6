//! Writes the synthetic teaching cohort (see `survcalc_devtools::synthetic`) as CSV.
//!
//! Usage: `cargo run -p survcalc-devtools --example generate_synthetic_cohort [PATH]`
//! (default: `www/examples/synthetic_hcc_cohort.csv` in the repository). The
//! folder is created if needed. The cohort is invented: no row is a patient.

use std::path::PathBuf;

use survcalc_devtools::synthetic::{generate, SyntheticOptions};

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../www/examples/synthetic_hcc_cohort.csv")
        });
    let cohort = generate(&SyntheticOptions::default());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("cannot create {}: {e}", dir.display());
            std::process::exit(1);
        }
    }
    if let Err(e) = std::fs::write(&path, cohort.to_csv()) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    println!(
        "wrote {} synthetic patients (seed {}) to {}",
        cohort.patients.len(),
        cohort.seed,
        path.display()
    );
}
