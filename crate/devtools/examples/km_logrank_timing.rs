//! Timing of Kaplan–Meier and log-rank at n = 1e6, 3 groups (issue 3 target:
//! log-rank well under 50 ms native). Run with
//! `cargo run --release -p survcalc-devtools --example km_logrank_timing`.

use std::time::Instant;
use survcalc_stats::km::{self, Grouping, KmOptions};
use survcalc_stats::logrank::{self, LogrankInput, LogrankOptions, PairwiseOptions};

/// Exponential survival and censoring times from a fixed LCG, group hazards
/// 1, 1.3, 1.6; `days` rounds to whole days (many ties) instead of continuous.
fn synthetic(n: usize, days: bool) -> (Vec<f64>, Vec<bool>, Vec<usize>) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut unif = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    let mut group = Vec::with_capacity(n);
    for i in 0..n {
        let g = i % 3;
        let death = -unif().ln() * 365.0 / (1.0 + 0.3 * g as f64);
        let censor = -unif().ln() * 730.0;
        let t = death.min(censor);
        time.push(if days { t.ceil() } else { t });
        event.push(death <= censor);
        group.push(g);
    }
    (time, event, group)
}

/// CPU time of this thread in ns (Linux), so a busy shared machine does not
/// inflate the numbers; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Best of `reps` runs: (wall ms, CPU ms).
fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> String {
    let mut wall = f64::INFINITY;
    let mut cpu = f64::INFINITY;
    for _ in 0..reps {
        let c0 = cpu_ns();
        let start = Instant::now();
        std::hint::black_box(f());
        wall = wall.min(start.elapsed().as_secs_f64() * 1e3);
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            cpu = cpu.min((b - a) as f64 / 1e6);
        }
    }
    format!("{wall:8.1} ms wall {cpu:8.1} ms CPU")
}

fn main() {
    let n = 1_000_000;
    let labels: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
    for days in [false, true] {
        let (time, event, group) = synthetic(n, days);
        let g = Grouping {
            codes: &group,
            labels: &labels,
        };
        let input = LogrankInput {
            time: &time,
            event: &event,
            groups: g,
            strata: None,
        };
        let both = KmOptions {
            include_overall: true,
            ..KmOptions::default()
        };
        let kind = if days {
            "whole days (ties)"
        } else {
            "continuous times"
        };
        println!("n = {n}, 3 groups, {kind}:");
        println!(
            "  km::fit overall + 3 groups   {}",
            best_of(5, || km::fit(&time, &event, Some(&g), &both).unwrap())
        );
        println!(
            "  logrank::fit rho = 0         {}",
            best_of(5, || logrank::fit(&input, &LogrankOptions::default())
                .unwrap())
        );
        let rho1 = LogrankOptions {
            rho: 1.0,
            gamma: 0.0,
        };
        println!(
            "  logrank::fit rho = 1         {}",
            best_of(5, || logrank::fit(&input, &rho1).unwrap())
        );
        println!(
            "  logrank::pairwise (3 pairs)  {}",
            best_of(5, || logrank::pairwise(&input, &PairwiseOptions::default())
                .unwrap())
        );
    }
}
