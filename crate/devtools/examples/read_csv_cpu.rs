//! CPU time of `read_csv` on a file (issue 16's reading step), with a digest
//! of the table so that a faster reader can be checked to read the same.
//! Run: cargo run --release -p survcalc-devtools --example read_csv_cpu -- PATH [REPEATS]

use std::hash::{Hash, Hasher};
use std::time::Instant;
use survcalc_analysis::table::{read_csv, ColumnData, ReadOptions};

/// CPU seconds of this process (user + system) from /proc; the reader is
/// single-threaded, so this is its thread's time on a loaded machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: read_csv_cpu PATH [REPEATS]");
    let repeats: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(path).expect("readable file");
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeats {
        let (c0, w0) = (cpu_seconds(), Instant::now());
        let table = read_csv(&bytes, &ReadOptions::default()).expect("a table");
        let (cpu, wall) = (cpu_seconds() - c0, w0.elapsed().as_secs_f64());
        times.push((cpu, wall));
        last = Some(table);
    }
    // The digest of the last table, outside the timed part.
    let mut digest = 0u64;
    if let Some(table) = last {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        table.lines.hash(&mut h);
        for c in &table.columns {
            c.name.hash(&mut h);
            format!("{:?} {} {}", c.kind, c.reason, c.n_missing).hash(&mut h);
            match &c.data {
                ColumnData::Number(v) => v.iter().for_each(|x| x.map(f64::to_bits).hash(&mut h)),
                ColumnData::Category { codes, levels } => (codes, levels).hash(&mut h),
                ColumnData::Date(v) => format!("{v:?}").hash(&mut h),
                ColumnData::Text(v) => v.hash(&mut h),
            }
        }
        digest = h.finish();
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let cpus: Vec<String> = times.iter().map(|t| format!("{:.3}", t.0)).collect();
    println!(
        "read_csv {path}: cpu s (sorted) {} ; median wall {:.3} s ; digest {digest:016x}",
        cpus.join(" "),
        times[times.len() / 2].1
    );
}
