//! Times `read_csv` on a generated ~100 MB clinical-style CSV.
//! Run: cargo run --release -p survcalc-devtools --example table_parse_speed [MB]

use std::time::Instant;
use survcalc_analysis::table::{read_csv_with_progress, ReadOptions};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn generate(target_bytes: usize, semicolon: bool) -> String {
    let (sep, dec) = if semicolon { (';', ',') } else { (',', '.') };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut s = String::with_capacity(target_bytes + 1024);
    let header = [
        "id", "time", "status", "age", "arm", "start", "score", "wt_loss", "note",
    ];
    s.push_str(&header.join(&sep.to_string()));
    s.push('\n');
    let arms = ["control", "drug A", "drug B"];
    let notes = ["", "none", "\"fever, cough\"", "rash", "NA"];
    let mut i = 0u64;
    while s.len() < target_bytes {
        i += 1;
        let time = rng.below(300_000) as f64 / 100.0;
        let score = rng.below(1_000_000_000) as f64 / 1e6 - 500.0;
        let (y, m, d) = (2015 + rng.below(8), 1 + rng.below(12), 1 + rng.below(28));
        let wt = if rng.below(10) == 0 {
            "NA".to_string()
        } else {
            rng.below(40).to_string()
        };
        let row = format!(
            "P{i:08}{sep}{}{sep}{}{sep}{}{sep}{}{sep}{y}-{m:02}-{d:02}{sep}{}{sep}{wt}{sep}{}\n",
            format!("{time}").replace('.', &dec.to_string()),
            rng.below(2),
            30 + rng.below(60),
            arms[rng.below(3) as usize],
            format!("{score:.6}").replace('.', &dec.to_string()),
            notes[rng.below(5) as usize],
        );
        s.push_str(&row);
    }
    s
}

/// CPU seconds of this process (user + system), from /proc on Linux, so
/// the figure is meaningful on a loaded machine; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit(')').next()?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    for semicolon in [false, true] {
        let text = generate(mb << 20, semicolon);
        let mut reports = 0;
        let cpu_start = cpu_seconds();
        let start = Instant::now();
        let table = read_csv_with_progress(text.as_bytes(), &ReadOptions::default(), |_, _| {
            reports += 1
        })
        .expect("generated CSV parses");
        let wall = start.elapsed().as_secs_f64();
        let cpu = cpu_start.zip(cpu_seconds()).map(|(a, b)| b - a);
        let secs = cpu.unwrap_or(wall);
        let kinds: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("{}={:?}", c.name, c.kind))
            .collect();
        println!(
            "{} {:.1} MB, {} rows: {:.3} s CPU ({:.3} s wall) = {:.0} MB/s of CPU ({} progress calls)\n  {}",
            if semicolon { "semicolon + decimal comma" } else { "comma" },
            text.len() as f64 / 1048576.0,
            table.n_rows(),
            secs,
            wall,
            text.len() as f64 / 1048576.0 / secs,
            reports,
            kinds.join(", ")
        );
    }
}
