//! The user tasks of tests/bench/user_tasks.mjs (read, KM + log-rank, Cox
//! with concordance and PH test, the logistic model table) through the
//! analysis layer natively, for profiling with perf (the wasm API adds the
//! crossing into JS). Run: user_tasks_native FILE [read|km|cox|log] [REPEATS]
//! Prints the median wall time and, on Linux, the median CPU time of the
//! thread (steadier than wall time on a shared machine).
use serde_json::json;
use std::time::Instant;
use survcalc_analysis::{analyses, request, table};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    let only = args.get(2).cloned().unwrap_or_default();
    let reps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    let bytes = std::fs::read(path).unwrap();
    let opts = table::ReadOptions::default();
    let t = |name: &str, f: &mut dyn FnMut()| {
        if !only.is_empty() && only != name {
            return;
        }
        let (mut wall, mut cpu) = (vec![], vec![]);
        for _ in 0..reps {
            let (t0, c0) = (Instant::now(), thread_cpu_seconds());
            f();
            wall.push(t0.elapsed().as_secs_f64());
            cpu.push(thread_cpu_seconds().zip(c0).map(|(c1, c0)| c1 - c0));
        }
        wall.sort_by(f64::total_cmp);
        let mut cpu: Vec<f64> = cpu.into_iter().flatten().collect();
        cpu.sort_by(f64::total_cmp);
        match cpu.get(cpu.len() / 2) {
            Some(c) => println!("{name} {:.3} (cpu {c:.3})", wall[wall.len() / 2]),
            None => println!("{name} {:.3}", wall[wall.len() / 2]),
        }
    };
    t("read", &mut || {
        table::read_csv(&bytes, &opts).unwrap();
    });
    let tb = table::read_csv(&bytes, &opts).unwrap();
    let km = json!({"time": "time", "event": "status", "event_values": ["1"]});
    let kmg = json!({"time": "time", "event": "status", "event_values": ["1"], "group": "arm"});
    let cov = json!([{"column": "arm", "kind": "categorical"}, {"column": "age"}, {"column": "biomarker"}, {"column": "female"}, {"column": "score"}, {"column": "ecog"}]);
    let cox = json!({"time": "time", "event": "status", "event_values": ["1"], "covariates": cov});
    let lt = json!({"outcome": {"column": "response", "event_values": ["1"]}, "candidates": cov, "multivariable": ["arm", "age", "biomarker", "female", "score", "ecog"]});
    t("km", &mut || {
        for r in [&km, &kmg] {
            let req = request::from_value(r, "km").unwrap();
            std::hint::black_box(
                serde_json::to_value(analyses::km::run(&tb, &req).unwrap()).unwrap(),
            );
        }
    });
    t("cox", &mut || {
        let req = request::from_value(&cox, "cox").unwrap();
        std::hint::black_box(serde_json::to_value(analyses::cox::run(&tb, &req).unwrap()).unwrap());
    });
    t("log", &mut || {
        let req = request::from_value(&lt, "lt").unwrap();
        std::hint::black_box(
            serde_json::to_value(analyses::models::run(&tb, &req).unwrap()).unwrap(),
        );
    });
}

/// CPU time of the calling thread, from Linux's schedstat (nanoseconds).
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(text.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}
