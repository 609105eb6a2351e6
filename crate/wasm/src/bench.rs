//! `benchmark(task, n, repeats)`: times survcalc-devtools' benchmark tasks inside
//! wasm on the same synthetic data as the native benchmark
//! (crate/devtools/examples/bench.rs), for `make bench` (tests/bench/wasm.mjs).

use crate::convert::{js_error, to_js};
use serde::Serialize;
use survcalc_devtools::benchmark::{generate, parse_csv, run_task, to_csv, Task};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One measurement, in seconds.
#[derive(Debug, Clone, Serialize)]
struct Measurement {
    task: String,
    n: u32,
    repeats: u32,
    /// Median wall time (performance.now).
    median_s: f64,
    /// Median CPU time of the process (Node's process.cpuUsage); `null` in
    /// browsers.
    cpu_median_s: Option<f64>,
    /// A number from the result, to compare with the native run.
    checksum: f64,
}

/// Calls `global[object][method]()`; `None` when absent (no panics).
fn call_global(object: &str, method: &str) -> Option<JsValue> {
    let target = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(object)).ok()?;
    let function = js_sys::Reflect::get(&target, &JsValue::from_str(method))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    function.call0(&target).ok()
}

/// Wall clock in seconds: performance.now() (Node and browsers), else Date.
fn wall_seconds() -> f64 {
    call_global("performance", "now")
        .and_then(|v| v.as_f64())
        .unwrap_or_else(js_sys::Date::now)
        * 1e-3
}

/// Process CPU time in seconds (user + system), Node only.
fn cpu_seconds() -> Option<f64> {
    let usage = call_global("process", "cpuUsage")?;
    let field = |name: &str| {
        js_sys::Reflect::get(&usage, &JsValue::from_str(name))
            .ok()?
            .as_f64()
    };
    Some((field("user")? + field("system")?) * 1e-6)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let m = values.len() / 2;
    match (
        values.len() % 2,
        values.get(m),
        m.checked_sub(1).and_then(|i| values.get(i)),
    ) {
        (1, Some(mid), _) => *mid,
        (_, Some(hi), Some(lo)) => 0.5 * (hi + lo),
        _ => f64::NAN,
    }
}

/// Times `repeats` runs of `task` ("km", "logrank", "cox", "logistic" or
/// "parse") on `n` synthetic rows, after generating the data (and for
/// "parse" its CSV text) and one warm-up run, none of which is timed.
/// Returns `{task, n, repeats, median_s, cpu_median_s, checksum}`.
#[wasm_bindgen]
pub fn benchmark(task: &str, n: f64, repeats: f64) -> Result<JsValue, JsError> {
    // Numbers from JS are checked here: -1 must not become 4 billion rows.
    let count = |x: f64, most: f64, what: &str| {
        if x.fract() == 0.0 && (1.0..=most).contains(&x) {
            Ok(x as u32)
        } else {
            Err(js_error(format!(
                "benchmark needs {what} as a whole number from 1 to {most}, not {x}."
            )))
        }
    };
    let (n, repeats) = (
        count(n, 1e7, "the number of rows")?,
        count(repeats, 1e3, "the number of repeats")?,
    );
    let data = generate(n as usize);
    let mut run: Box<dyn FnMut() -> Result<f64, String>> = if task == "parse" {
        let csv = to_csv(&data);
        drop(data);
        Box::new(move || parse_csv(&csv))
    } else {
        let task = Task::from_name(task).ok_or_else(|| {
            js_error(format!(
                "Unknown benchmark task \"{task}\": use km, logrank, cox, logistic or parse."
            ))
        })?;
        Box::new(move || run_task(task, &data))
    };

    let checksum = run().map_err(js_error)?;
    let mut wall = Vec::with_capacity(repeats as usize);
    let mut cpu = Vec::with_capacity(repeats as usize);
    for _ in 0..repeats {
        let (w0, c0) = (wall_seconds(), cpu_seconds());
        run().map_err(js_error)?;
        wall.push(wall_seconds() - w0);
        if let (Some(a), Some(b)) = (c0, cpu_seconds()) {
            cpu.push(b - a);
        }
    }
    let cpu_median_s = if cpu.len() == wall.len() {
        Some(median(cpu))
    } else {
        None
    };
    to_js(&Measurement {
        task: task.to_string(),
        n,
        repeats,
        median_s: median(wall),
        cpu_median_s,
        checksum,
    })
}
