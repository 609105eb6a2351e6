//! Writes the benchmark's data set of n rows as CSV (time rounded to 0.01,
//! about 30% censored, a 3-level arm, five numeric covariates, a 0/1
//! response), the file every program times in `make bench`'s user-level
//! comparison (tests/bench/user_tasks.mjs).
//! Run: `cargo run -q --release -p survcalc-devtools --example bench_csv -- N PATH`.

use survcalc_devtools::benchmark::{generate, to_csv};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(path)) = (
        args.first().and_then(|s| s.parse::<f64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: bench_csv N PATH");
        std::process::exit(2);
    };
    let data = generate(n as usize);
    if let Err(e) = std::fs::write(path, to_csv(&data)) {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    }
}
