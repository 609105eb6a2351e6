//! The survival fixtures' data.csv read simply (comma-separated, no quoting,
//! "NA" = missing), and the grouping of rows by a column as R's factor().
#![allow(dead_code)]

use crate::support;

pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn load(dataset: &str) -> Csv {
        let text = support::data_file(dataset, "data.csv");
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = lines
            .next()
            .unwrap()
            .split(',')
            .map(|s| s.trim_matches('"').to_string())
            .collect();
        let rows = lines
            .map(|l| {
                l.split(',')
                    .map(|s| s.trim_matches('"').to_string())
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    pub fn col(&self, name: &str) -> Vec<String> {
        let j = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        self.rows.iter().map(|r| r[j].clone()).collect()
    }

    pub fn num(&self, name: &str) -> Vec<f64> {
        self.col(name)
            .iter()
            .map(|v| v.parse::<f64>().unwrap_or_else(|_| panic!("{name}: {v}")))
            .collect()
    }

    /// Rows with no "NA" in any of `cols` (R's na.omit on those variables).
    pub fn complete(&self, cols: &[&str]) -> Csv {
        let idx: Vec<usize> = cols
            .iter()
            .map(|c| self.header.iter().position(|h| h == c).unwrap())
            .collect();
        Csv {
            header: self.header.clone(),
            rows: self
                .rows
                .iter()
                .filter(|r| idx.iter().all(|&j| r[j] != "NA"))
                .cloned()
                .collect(),
        }
    }
}

/// Factor levels of a column (numeric order when all values are numbers,
/// else alphabetical, as R's factor()) and each row's level code.
pub fn factor(values: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut levels: Vec<String> = values.to_vec();
    if levels.iter().all(|v| v.parse::<f64>().is_ok()) {
        levels.sort_by(|a, b| {
            a.parse::<f64>()
                .unwrap()
                .total_cmp(&b.parse::<f64>().unwrap())
        });
    } else {
        levels.sort();
    }
    levels.dedup();
    let codes = values
        .iter()
        .map(|v| levels.iter().position(|l| l == v).unwrap())
        .collect();
    (codes, levels)
}

/// A deterministic permutation of 0..n (LCG), for shuffling rows.
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = ((state >> 33) as usize) % (i + 1);
        p.swap(i, j);
    }
    p
}
