//! Speed of the Cox fit at scale: n = 1e6 rows, 7 covariates, Efron ties
//! with times rounded to 0.01 (many ties). Run with
//! `cargo run --release -p survcalc-devtools --example cox_speed [n]`.

use std::time::Instant;

/// CPU time of this thread in seconds (Linux), so that a busy shared
/// machine does not inflate the numbers; wall time elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
}
use survcalc_stats::cox::{fit, CoxData, CoxOptions, Ties};

/// Deterministic uniform(0, 1) stream (no rand dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn simulate(n: usize) -> CoxData {
    let mut r = Lcg(2024);
    let p = 7;
    let beta = [0.5, -0.3, 0.2, 0.01, -0.02, 0.4, 0.1];
    let mut cov: Vec<Vec<f64>> = (0..p).map(|_| Vec::with_capacity(n)).collect();
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    for _ in 0..n {
        let x = [
            (r.next() < 0.5) as u8 as f64,
            (r.next() < 0.3) as u8 as f64,
            (r.next() * 4.0).floor(),
            40.0 + 40.0 * r.next(),
            50.0 + 50.0 * r.next(),
            r.next() * 2.0 - 1.0,
            (r.next() < 0.1) as u8 as f64,
        ];
        let eta: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum::<f64>() - 0.5;
        let t = -r.next().ln() / eta.exp();
        let c = -r.next().ln() * 3.0;
        let obs = ((t.min(c) * 100.0).round() / 100.0).max(0.01);
        time.push(obs);
        event.push(t <= c);
        for (col, v) in cov.iter_mut().zip(x) {
            col.push(v);
        }
    }
    CoxData::right_censored(time, event, cov, (1..=p).map(|j| format!("x{j}")).collect())
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let data = simulate(n);
    let events = data.event.iter().filter(|&&e| e).count();
    let mut times = data.stop.clone();
    times.sort_by(f64::total_cmp);
    times.dedup();
    println!(
        "n = {n}, events = {events}, distinct times = {}",
        times.len()
    );
    for ties in [Ties::Efron, Ties::Breslow] {
        for rep in 0..3 {
            let t0 = Instant::now();
            let c0 = cpu_seconds();
            let f = fit(
                &data,
                &CoxOptions {
                    ties,
                    ..CoxOptions::default()
                },
            )
            .expect("fit");
            let dt = t0.elapsed().as_secs_f64();
            let cpu = c0.zip(cpu_seconds()).map_or(f64::NAN, |(a, b)| b - a);
            if rep == 2 {
                println!(
                    "{ties:?}: {cpu:.3} s CPU ({dt:.3} s wall), {} iterations, C = {:.4}, coef = {:?}",
                    f.iterations,
                    f.concordance.map_or(f64::NAN, |c| c.c),
                    f.coef.iter().map(|c| c.map(|v| (v * 1e4).round() / 1e4)).collect::<Vec<_>>()
                );
            }
        }
    }
}
