//! The short fuzz pass of `make test`: every input of the saved corpus
//! (tests/fuzz/corpus: what libFuzzer found interesting, crashes once
//! fixed included) and a fixed-seed run of random inputs, through the same
//! harness as `make fuzz`. A panic is a failure; so is a run over its time.

use std::time::{Duration, Instant};
use survcalc_devtools::fuzz::{exercise, Outcome};

fn corpus_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz/corpus")
}

/// Any single input must finish in this time (libFuzzer's -timeout in `make fuzz`).
const PER_INPUT: Duration = Duration::from_secs(10);

fn timed(data: &[u8], name: &str) -> Outcome {
    let start = Instant::now();
    let outcome = exercise(data);
    assert!(
        start.elapsed() < PER_INPUT,
        "{name} took {:?}",
        start.elapsed()
    );
    outcome
}

#[test]
fn the_saved_corpus_runs_without_a_panic_or_a_hang() {
    let mut n = 0;
    let mut reports = 0;
    for entry in std::fs::read_dir(corpus_dir()).expect("tests/fuzz/corpus") {
        let path = entry.unwrap().path();
        if path.is_file() {
            let data = std::fs::read(&path).unwrap();
            reports += timed(&data, &path.display().to_string()).reports;
            n += 1;
        }
    }
    eprintln!("corpus: {n} inputs, {reports} reports");
    assert!(n >= 1, "the corpus is empty");
}

#[test]
fn a_fixed_seed_pass_runs_without_a_panic_or_a_hang() {
    // SplitMix64 bytes from a fixed seed: the same inputs on every run.
    let mut state: u64 = 0x5EED_F022;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let budget = Duration::from_secs(20);
    let start = Instant::now();
    let (mut inputs, mut total) = (0, Outcome::default());
    while start.elapsed() < budget && inputs < 5000 {
        let len = 16 + (next() % 1024) as usize;
        let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let o = timed(&data, &format!("fixed-seed input {inputs}"));
        total.analyses_run += o.analyses_run;
        total.reports += o.reports;
        inputs += 1;
    }
    eprintln!(
        "fixed seed: {inputs} inputs, {} analyses run, {} reports",
        total.analyses_run, total.reports
    );
    // The harness must reach the analyses, not stop at the request reader.
    assert!(total.analyses_run > inputs / 4, "{total:?} of {inputs}");
}
