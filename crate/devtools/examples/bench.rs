//! Native timings for `make bench`: one JSON line per (task, n), the median
//! of k runs after one untimed warm-up, on the data of
//! `survcalc_devtools::benchmark` (tests/bench/wasm.mjs times the same in wasm).
//! `median_s` is wall time; `cpu_median_s` is this thread's CPU time (Linux),
//! which a busy shared machine inflates less.
//! Run: `cargo run -q --release -p survcalc-devtools --example bench [n ...] [task ...]`.

use std::time::Instant;
use survcalc_devtools::benchmark::{generate, parse_csv, run_task, to_csv, Task};

/// CPU time of this thread in seconds, from the scheduler's statistics.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let m = values.len() / 2;
    if values.len() % 2 == 1 {
        values[m]
    } else {
        0.5 * (values[m - 1] + values[m])
    }
}

/// Runs `f` once untimed, then `repeats` times; prints the JSON line.
fn measure(task: &str, n: usize, repeats: usize, mut f: impl FnMut() -> Result<f64, String>) {
    let checksum = match f() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{task} at n = {n} failed: {e}");
            return;
        }
    };
    let mut wall = Vec::with_capacity(repeats);
    let mut cpu = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let c0 = cpu_seconds();
        let t0 = Instant::now();
        let result = std::hint::black_box(f());
        wall.push(t0.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, cpu_seconds()) {
            cpu.push(b - a);
        }
        if let Err(e) = result {
            eprintln!("{task} at n = {n} failed: {e}");
            return;
        }
    }
    let cpu_median = if cpu.len() == repeats {
        Some(median(cpu))
    } else {
        None
    };
    let line = serde_json::json!({
        "impl": "native",
        "task": task,
        "n": n,
        "median_s": median(wall),
        "cpu_median_s": cpu_median,
        "checksum": checksum,
    });
    println!("{line}");
}

fn main() {
    // Arguments: sizes (e.g. 1e6) and task names select a subset.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args
        .iter()
        .filter_map(|a| a.parse::<f64>().ok())
        .map(|x| x as usize)
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        sizes
    };
    let named: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| a.parse::<f64>().is_err())
        .collect();
    let wanted = |task: &str| named.is_empty() || named.contains(&task);
    for n in sizes {
        let repeats = if n >= 1_000_000 { 5 } else { 7 };
        let data = generate(n);
        for (name, task) in [
            ("km", Task::Km),
            ("logrank", Task::Logrank),
            ("cox", Task::Cox),
            ("logistic", Task::Logistic),
        ] {
            if wanted(name) {
                measure(name, n, repeats, || run_task(task, &data));
            }
        }
        if wanted("parse") {
            let csv = to_csv(&data);
            drop(data);
            measure("parse", n, repeats, || parse_csv(&csv));
        }
    }
}
