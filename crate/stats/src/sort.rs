//! Shared sorts for the code off the hot path. Every closure passed to
//! `sort_by` gets its own multi-kilobyte compiled copy of the sort, and the
//! wasm had 76 of them (130 KB); these two are compiled once. The hot sorts
//! (Kaplan–Meier's and the Cox fit's) keep their own specialised code.

use std::cmp::Ordering;

/// Stable sort of indices through a comparator object.
#[inline(never)]
pub fn indices_by(idx: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    idx.sort_by(|&a, &b| cmp(a, b));
}

/// Sorts doubles by `total_cmp`.
#[inline(never)]
pub fn floats(v: &mut [f64]) {
    v.sort_unstable_by(f64::total_cmp);
}
