//! Timing of the logistic fitters on a 1e5-row, 10-term model (the speed
//! target is < 0.2 s in wasm). Run with
//! `cargo run --release -p survcalc-devtools --example logistic_speed`.

use std::time::Instant;
use survcalc_stats::logistic::{self, CiMethod, LogisticInput, LogisticMethod, LogisticOptions};

/// xorshift64*: deterministic pseudo-random numbers without a dependency.
struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// CPU time of this thread in ns (Linux), so that timings on a loaded
/// machine are not inflated by waiting for a core.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    let n = 100_000;
    let p = 10;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let true_beta: Vec<f64> = (0..p).map(|j| 0.3 - 0.07 * j as f64).collect();
    let columns: Vec<Vec<f64>> = (0..p)
        .map(|j| {
            (0..n)
                .map(|_| {
                    if j % 3 == 0 {
                        (rng.uniform() < 0.3) as u8 as f64
                    } else {
                        rng.normal()
                    }
                })
                .collect()
        })
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| {
            let eta: f64 = -0.5 + (0..p).map(|j| columns[j][i] * true_beta[j]).sum::<f64>();
            (rng.uniform() < 1.0 / (1.0 + (-eta).exp())) as u8 as f64
        })
        .collect();
    let names: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
    let input = LogisticInput {
        y: &y,
        trials: None,
        columns: &columns,
        term_names: &names,
    };
    for (label, method, ci) in [
        ("ML, Wald CI", LogisticMethod::Ml, CiMethod::Wald),
        ("ML, profile CI", LogisticMethod::Ml, CiMethod::Profile),
        ("Firth, Wald CI", LogisticMethod::Firth, CiMethod::Wald),
        (
            "Firth, profile CI",
            LogisticMethod::Firth,
            CiMethod::Profile,
        ),
    ] {
        let options = LogisticOptions {
            method,
            ci,
            ..Default::default()
        };
        let reps = 5;
        let mut best = f64::INFINITY;
        let mut best_cpu = f64::INFINITY;
        let mut fit = None;
        for _ in 0..reps {
            let (t, c) = (Instant::now(), cpu_ns());
            fit = Some(logistic::fit(&input, &options).expect("fit"));
            best = best.min(t.elapsed().as_secs_f64());
            if let (Some(c0), Some(c1)) = (c, cpu_ns()) {
                best_cpu = best_cpu.min((c1 - c0) as f64 * 1e-9);
            }
        }
        let fit = fit.expect("fit");
        println!(
            "{label:18} n = {n}, {p} terms + intercept: wall {:8.2} ms, cpu {:8.2} ms (best of {reps}), iterations {}, warnings {}",
            best * 1e3,
            best_cpu * 1e3,
            fit.iterations,
            fit.warnings.len()
        );
    }
}
