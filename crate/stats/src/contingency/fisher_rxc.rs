//! Exact two-sided p-value of Fisher's test for an r x c table: a network
//! algorithm after Mehta & Patel (1983, 1986; FEXACT, which R's
//! `fisher.test` runs), with exact instead of merged path weights.
//!
//! Columns are filled one at a time. A node is the multiset of row totals
//! still to fill (kept sorted, so permuted rows share a node); a path's
//! "past" is the score of the columns filled so far, where the score of a
//! table is S = sum of ln(x_ij!) and its probability is exp(K - S). A path is
//! settled without expanding it when even the most probable completion of its
//! node is at least as improbable as the observed table (all completions
//! count) or even the least probable one is more probable (none count). The
//! last two columns are summed in closed form row by row: given the other
//! cells, the pair of cells left in the two largest rows is hypergeometric,
//! so only its tails beyond the observed probability are summed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use statrs::function::factorial::ln_factorial;

/// FEXACT's tolerance on the log-probability comparison: a table counts when
/// ln P(table) <= ln P(observed) + 3.45254e-7 (R's fexact.c `tol`), so tables
/// tied with the observed one count despite rounding.
pub(super) const LOG_TOLERANCE: f64 = 3.45254e-7;

/// Paths reaching a node with scores this close are merged; their exact
/// weights are kept, only the decision uses the representative score.
const MERGE_TOLERANCE: f64 = 1e-9;

/// A tail sum stops once the rest (bounded geometrically, the terms being
/// log-concave) is below this fraction of what it has summed.
const TAIL_EPS: f64 = 1e-17;

/// Result of [`p_value`].
pub(super) struct ExactRxc {
    /// Two-sided p-value.
    pub p: f64,
}

/// The step or memory budget was used up before the p-value was known.
pub(super) struct StepLimitReached;

/// Memory the network may hold at once (node keys, bounds, paths and the
/// fillings of a column), in bytes. The step budget alone does not bound
/// memory: a 20 x 100 table filled 2.5-4 GiB within its steps, and a wasm
/// instance that runs out of memory aborts and loses the page's data.
const MAX_BYTES: u64 = 64 << 20;

/// Exact p-value of an r x c table without empty rows or columns (at least
/// 2 x 2, total small enough for a table of ln k!). Gives up with
/// [`StepLimitReached`] after `max_steps` steps rather than running on.
pub(super) fn p_value(table: &[Vec<u64>], max_steps: u64) -> Result<ExactRxc, StepLimitReached> {
    let n_rows = table.len();
    let n_cols = table.first().map_or(0, Vec::len);
    // Fewer rows keep the node keys short.
    let transpose = n_rows > n_cols;
    let (r, c) = if transpose {
        (n_cols, n_rows)
    } else {
        (n_rows, n_cols)
    };
    let cell = |i: usize, j: usize| -> u64 {
        let (a, b) = if transpose { (j, i) } else { (i, j) };
        table
            .get(a)
            .and_then(|row| row.get(b))
            .copied()
            .unwrap_or(0)
    };

    let mut rows: Vec<u32> = (0..r)
        .map(|i| (0..c).map(|j| cell(i, j)).sum::<u64>() as u32)
        .collect();
    let mut cols: Vec<u32> = (0..c)
        .map(|j| (0..r).map(|i| cell(i, j)).sum::<u64>() as u32)
        .collect();
    let n: u32 = rows.iter().sum();
    rows.sort_unstable();
    // Small columns first: few early branches; the largest column is never
    // enumerated (it is what is left).
    cols.sort_unstable();

    let lf: Vec<f64> = (0..=u64::from(n)).map(ln_factorial).collect();
    let lfu = |k: u32| lf[k as usize];
    let s_obs: f64 = (0..r)
        .flat_map(|i| (0..c).map(move |j| (i, j)))
        .map(|(i, j)| lf[cell(i, j) as usize])
        .sum();
    let k_const = rows.iter().map(|&x| lfu(x)).sum::<f64>()
        + cols.iter().map(|&x| lfu(x)).sum::<f64>()
        - lfu(n);

    let mut cols_lf_from = vec![0.0; c + 1];
    for j in (0..c).rev() {
        cols_lf_from[j] = cols_lf_from[j + 1] + lf[cols[j] as usize];
    }

    let mut net = Network {
        lf,
        cols,
        cols_lf_from,
        thr: s_obs - LOG_TOLERANCE,
        k_const,
        memo: (0..c).map(|_| FastMap::default()).collect(),
        steps: 0,
        limit: max_steps,
        bytes: 0,
        memo_bytes: vec![0; c],
        p: 0.0,
        scratch: Vec::new(),
    };
    net.run(rows)?;
    Ok(ExactRxc { p: net.p.min(1.0) })
}

/// Smallest and largest score of the completions of a node.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: f64,
    max: f64,
}

/// One stage of the network: nodes (sorted remaining row totals) with the
/// paths that reached them, as (past score, weight); a path's probability
/// mass is weight · exp(-score).
#[derive(Default)]
struct Stage {
    index: FastMap<Vec<u32>, usize>,
    nodes: Vec<NodePaths>,
}

impl Stage {
    fn push(&mut self, key: &[u32], score: f64, weight: f64) {
        let slot = match self.index.get(key) {
            Some(&slot) => slot,
            None => {
                self.index.insert(key.to_vec(), self.nodes.len());
                self.nodes.push((key.to_vec(), Vec::new()));
                self.nodes.len() - 1
            }
        };
        if let Some(node) = self.nodes.get_mut(slot) {
            node.1.push((score, weight));
        }
    }
}

/// A path into a node: (past score, weight).
type Path = (f64, f64);
/// A node's sorted remaining row totals and the paths that reached it.
type NodePaths = (Vec<u32>, Vec<Path>);

/// Sorts a node's paths by score and merges near-equal ones, keeping their
/// exact combined weight relative to the first.
fn merge_paths(paths: &mut Vec<Path>) {
    paths.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<Path> = Vec::with_capacity(paths.len());
    for &(score, weight) in paths.iter() {
        match out.last_mut() {
            Some(last) if score - last.0 <= MERGE_TOLERANCE => {
                last.1 += weight * (last.0 - score).exp()
            }
            _ => out.push((score, weight)),
        }
    }
    *paths = out;
}

struct Network {
    /// ln k! for k = 0..=n.
    lf: Vec<f64>,
    /// Column totals, ascending; stage j fills column j.
    cols: Vec<u32>,
    /// Sum of ln(col!) over columns j.. .
    cols_lf_from: Vec<f64>,
    /// A table counts when its score is >= thr.
    thr: f64,
    /// ln(prod row! prod col! / n!): P(table) = exp(k_const - score).
    k_const: f64,
    /// Score bounds of nodes with three or more columns left, per stage.
    memo: Vec<FastMap<Vec<u32>, Bounds>>,
    steps: u64,
    limit: u64,
    /// Estimated bytes held (see [`MAX_BYTES`]).
    bytes: u64,
    /// Bytes of each stage's memo, released when the stage is done.
    memo_bytes: Vec<u64>,
    p: f64,
    /// Reused by `two_col_min`.
    scratch: Vec<u32>,
}

impl Network {
    fn spend(&mut self, steps: u64) -> Result<(), StepLimitReached> {
        self.steps = self.steps.saturating_add(steps);
        if self.steps > self.limit {
            Err(StepLimitReached)
        } else {
            Ok(())
        }
    }

    /// Accounts for `bytes` more held in memory; past [`MAX_BYTES`] the
    /// computation gives up like a spent step budget.
    fn hold(&mut self, bytes: u64) -> Result<(), StepLimitReached> {
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > MAX_BYTES {
            Err(StepLimitReached)
        } else {
            Ok(())
        }
    }

    fn release(&mut self, bytes: u64) {
        self.bytes = self.bytes.saturating_sub(bytes);
    }

    /// Bytes of a node key of `r` rows in a map, with the map's overhead.
    fn key_bytes(r: usize) -> u64 {
        4 * r as u64 + 64
    }

    /// Holds the memory of a memo entry of stage `j`.
    fn hold_memo(&mut self, j: usize, r: usize) -> Result<(), StepLimitReached> {
        let bytes = Self::key_bytes(r);
        if let Some(m) = self.memo_bytes.get_mut(j) {
            *m += bytes;
        }
        self.hold(bytes)
    }

    fn lf(&self, k: u32) -> f64 {
        self.lf.get(k as usize).copied().unwrap_or(f64::NAN)
    }

    /// ln of the summed exp(-score) over all completions of a node at stage
    /// j: n_left! / (prod rows! prod cols!).
    fn log_mass(&self, j: usize, rows: &[u32]) -> f64 {
        let total: u32 = rows.iter().sum();
        self.lf(total)
            - rows.iter().map(|&x| self.lf(x)).sum::<f64>()
            - self.cols_lf_from.get(j).copied().unwrap_or(0.0)
    }

    fn run(&mut self, rows: Vec<u32>) -> Result<(), StepLimitReached> {
        let m = self.cols.len();
        let mut current = Stage::default();
        current.push(&rows, 0.0, 1.0);
        let mut keys: Vec<u32> = Vec::new();
        let mut scores: Vec<f64> = Vec::new();
        let mut current_bytes = 0;
        for j in 0..m.saturating_sub(2) {
            let mut next = Stage::default();
            let mut next_bytes = 0;
            let nodes = std::mem::take(&mut current.nodes);
            for (key, mut paths) in nodes {
                merge_paths(&mut paths);
                self.spend(paths.len() as u64 + 1)?;
                let b = self.bounds(j, &key)?;
                let log_mass = self.log_mass(j, &key);
                let mut open: Vec<Path> = Vec::new();
                for &(ps, w) in &paths {
                    if ps + b.min >= self.thr {
                        self.p += w * (self.k_const - ps + log_mass).exp();
                    } else if ps + b.max >= self.thr {
                        open.push((ps, w));
                    }
                }
                if open.is_empty() {
                    continue;
                }
                let col = self.cols.get(j).copied().unwrap_or(0);
                self.fillings(&key, col, &mut keys, &mut scores)?;
                let held = Self::fillings_bytes(&keys, &scores);
                let r = key.len();
                for (idx, &sx) in scores.iter().enumerate() {
                    let Some(child) = keys.get(idx * r..(idx + 1) * r) else {
                        continue;
                    };
                    let cb = self.bounds(j + 1, child)?;
                    let child_mass = self.log_mass(j + 1, child);
                    self.spend(open.len() as u64)?;
                    for &(ps, w) in &open {
                        let ps2 = ps + sx;
                        if ps2 + cb.min >= self.thr {
                            self.p += w * (self.k_const - ps2 + child_mass).exp();
                        } else if ps2 + cb.max >= self.thr {
                            // A path, and perhaps a new node's key.
                            self.hold(16 + Self::key_bytes(r))?;
                            next_bytes += 16 + Self::key_bytes(r);
                            next.push(child, ps2, w);
                        }
                    }
                }
                self.release(held);
            }
            // Bounds of this stage are not needed again.
            if let Some(memo) = self.memo.get_mut(j) {
                *memo = FastMap::default();
            }
            let memo_bytes = self.memo_bytes.get(j).copied().unwrap_or(0);
            self.release(memo_bytes + current_bytes);
            current = next;
            current_bytes = next_bytes;
        }
        let nodes = std::mem::take(&mut current.nodes);
        for (key, mut paths) in nodes {
            merge_paths(&mut paths);
            self.two_col_node(&key, &paths)?;
        }
        Ok(())
    }

    /// Exact score bounds of a node at stage j (two or more columns left),
    /// memoised per stage: in closed form with two columns left, else by
    /// dynamic programming over the node's children.
    fn bounds(&mut self, j: usize, rows: &[u32]) -> Result<Bounds, StepLimitReached> {
        if let Some(b) = self.memo.get(j).and_then(|memo| memo.get(rows)) {
            return Ok(*b);
        }
        if j + 2 >= self.cols.len() {
            // Cost of the vertex search and the greedy allocation.
            let r = rows.len() as u64;
            self.spend(if r > 6 { r * r } else { r * (1 << r) + r * r })?;
            let b = self.two_col_bounds(rows);
            self.hold_memo(j, rows.len())?;
            if let Some(memo) = self.memo.get_mut(j) {
                memo.insert(rows.to_vec(), b);
            }
            return Ok(b);
        }
        let mut keys = Vec::new();
        let mut scores = Vec::new();
        let col = self.cols.get(j).copied().unwrap_or(0);
        self.fillings(rows, col, &mut keys, &mut scores)?;
        let held = Self::fillings_bytes(&keys, &scores);
        let r = rows.len();
        let mut b = Bounds {
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        };
        for (idx, &sx) in scores.iter().enumerate() {
            let Some(child) = keys.get(idx * r..(idx + 1) * r) else {
                continue;
            };
            let cb = self.bounds(j + 1, child)?;
            b.min = b.min.min(sx + cb.min);
            b.max = b.max.max(sx + cb.max);
        }
        self.release(held);
        self.hold_memo(j, r)?;
        if let Some(memo) = self.memo.get_mut(j) {
            memo.insert(rows.to_vec(), b);
        }
        Ok(b)
    }

    /// Every filling of a column of total `col` into rows with the given
    /// remaining totals: the children's sorted row totals (stride r) and the
    /// column's score.
    fn fillings(
        &mut self,
        rows: &[u32],
        col: u32,
        keys: &mut Vec<u32>,
        scores: &mut Vec<f64>,
    ) -> Result<(), StepLimitReached> {
        keys.clear();
        scores.clear();
        let r = rows.len();
        if r == 0 {
            return Ok(());
        }
        let mut cap_after = vec![0u32; r];
        for i in (0..r - 1).rev() {
            cap_after[i] = cap_after[i + 1] + rows[i + 1];
        }
        let mut x = vec![0u32; r];
        // No more fillings than the steps and the memory left allow.
        let room = MAX_BYTES.saturating_sub(self.bytes) / (4 * r as u64 + 8);
        let mut budget = self.limit.saturating_sub(self.steps).min(room);
        let mut fill = Fill {
            lf: &self.lf,
            rows,
            cap_after: &cap_after,
            x: &mut x,
            keys,
            scores,
            budget: &mut budget,
        };
        let complete = fill.run(0, col, 0.0);
        let used = scores.len() as u64;
        self.spend(used)?;
        self.hold(Self::fillings_bytes(keys, scores))?;
        if complete {
            Ok(())
        } else {
            Err(StepLimitReached)
        }
    }

    /// Bytes held by a column's fillings.
    fn fillings_bytes(keys: &[u32], scores: &[f64]) -> u64 {
        4 * keys.len() as u64 + 8 * scores.len() as u64
    }

    /// Exact score bounds of a node with two columns left (free column
    /// total c, the other one what remains).
    fn two_col_bounds(&mut self, rows: &[u32]) -> Bounds {
        let c = self
            .cols
            .get(self.cols.len().saturating_sub(2))
            .copied()
            .unwrap_or(0);
        Bounds {
            min: self.two_col_min(rows, c),
            max: self.two_col_max(rows, c),
        }
    }

    /// Most probable completion: S = sum_i ln x_i! + ln (R_i - x_i)! is
    /// separable convex, and its increments ln(x+1) - ln(R_i - x) order as
    /// (x+1)/(R_i+1), so the optimum takes the c smallest of those ratios:
    /// start from all ratios <= c/(n+r) and add the < r units left greedily.
    fn two_col_min(&mut self, rows: &[u32], c: u32) -> f64 {
        let r = rows.len() as u64;
        let total: u64 = rows.iter().map(|&x| u64::from(x)).sum();
        let denom = total + r;
        let mut x = std::mem::take(&mut self.scratch);
        x.clear();
        x.extend(
            rows.iter()
                .map(|&ri| ((u64::from(c) * (u64::from(ri) + 1) / denom) as u32).min(ri)),
        );
        let mut placed: u32 = x.iter().sum();
        while placed < c {
            // Row with the smallest next ratio (x_i+1)/(R_i+1), compared
            // exactly by cross-multiplication.
            let mut best: Option<(usize, u64, u64)> = None;
            for (i, (&xi, &ri)) in x.iter().zip(rows).enumerate() {
                if xi >= ri {
                    continue;
                }
                let (num, den) = (u64::from(xi) + 1, u64::from(ri) + 1);
                if best.is_none_or(|(_, bn, bd)| num * bd < bn * den) {
                    best = Some((i, num, den));
                }
            }
            match best.and_then(|(b, _, _)| x.get_mut(b)) {
                Some(xb) => *xb += 1,
                None => break,
            }
            placed += 1;
        }
        let score = x
            .iter()
            .zip(rows)
            .map(|(&xi, &ri)| self.lf(xi) + self.lf(ri - xi))
            .sum();
        self.scratch = x;
        score
    }

    /// Least probable completion: a convex function is largest at a vertex
    /// of {sum x = c, 0 <= x <= R}, where every row but one goes wholly to
    /// one column; such a row scores ln R_i! whichever column it joins. With
    /// many rows the bound sum ln R_i! (exact when c is a subset sum) is used.
    fn two_col_max(&self, rows: &[u32], c: u32) -> f64 {
        let all: f64 = rows.iter().map(|&x| self.lf(x)).sum();
        let r = rows.len();
        if r > 6 {
            return all;
        }
        let mut best = f64::NEG_INFINITY;
        for (k, &rk) in rows.iter().enumerate() {
            for mask in 0u32..(1u32 << r) {
                if mask & (1 << k) != 0 {
                    continue;
                }
                let full: u64 = rows
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| mask & (1 << i) != 0)
                    .map(|(_, &v)| u64::from(v))
                    .sum();
                let Some(xk) = u64::from(c).checked_sub(full) else {
                    continue;
                };
                if xk > u64::from(rk) {
                    continue;
                }
                let xk = xk as u32;
                best = best.max(all - self.lf(rk) + self.lf(xk) + self.lf(rk - xk));
            }
        }
        if best.is_finite() {
            best
        } else {
            all
        }
    }

    /// Adds the counted mass of a node with two columns left for each path.
    fn two_col_node(&mut self, rows: &[u32], paths: &[Path]) -> Result<(), StepLimitReached> {
        let j = self.cols.len().saturating_sub(2);
        let c = self.cols.get(j).copied().unwrap_or(0);
        let b = self.bounds(j, rows)?;
        let log_mass = self.log_mass(j, rows);
        self.spend(paths.len() as u64 + 1)?;
        let mut open: Vec<Path> = Vec::new();
        for &(ps, w) in paths {
            if ps + b.min >= self.thr {
                self.p += w * (self.k_const - ps + log_mass).exp();
            } else if ps + b.max >= self.thr {
                open.push((ps, w));
            }
        }
        if open.is_empty() {
            return Ok(());
        }
        let budget = self.limit.saturating_sub(self.steps);
        let Some(mut pr) = PairRows::build(&self.lf, rows, c, log_mass, budget) else {
            return Err(StepLimitReached);
        };
        self.spend(pr.rows.len() as u64)?;
        // Several paths share the node: tabulate every row's tails once and
        // sweep the paths row by row.
        if open.len() >= MIN_PATHS_FOR_TAIL_TABLE && pr.tabulate_tails(&self.lf) {
            self.spend(pr.tails.as_ref().map_or(0, Vec::len) as u64)?;
            // Paths are sorted by past score, so thresholds fall.
            let ts: Vec<f64> = open.iter().map(|&(ps, _)| self.thr - ps).collect();
            let mut fractions = vec![0.0; open.len()];
            let steps = pr.sweep(&self.lf, &ts, &mut fractions);
            self.spend(steps)?;
            for (&(ps, w), fraction) in open.iter().zip(fractions) {
                self.p += w * (self.k_const - ps + log_mass).exp() * fraction;
            }
            return Ok(());
        }
        for &(ps, w) in &open {
            let (fraction, steps) = pr.counted_fraction(&self.lf, self.thr - ps);
            self.p += w * (self.k_const - ps + log_mass).exp() * fraction;
            self.spend(steps)?;
        }
        Ok(())
    }
}

/// Recursive enumeration of column fillings.
struct Fill<'a> {
    lf: &'a [f64],
    rows: &'a [u32],
    cap_after: &'a [u32],
    x: &'a mut [u32],
    keys: &'a mut Vec<u32>,
    scores: &'a mut Vec<f64>,
    budget: &'a mut u64,
}

impl Fill<'_> {
    /// Returns false when the budget ran out.
    fn run(&mut self, i: usize, remaining: u32, score: f64) -> bool {
        let last = self.rows.len() - 1;
        let lf = |k: u32| self.lf.get(k as usize).copied().unwrap_or(f64::NAN);
        if i == last {
            if *self.budget == 0 {
                return false;
            }
            *self.budget -= 1;
            self.x[i] = remaining;
            let start = self.keys.len();
            self.keys
                .extend(self.rows.iter().zip(self.x.iter()).map(|(&r, &x)| r - x));
            if let Some(slice) = self.keys.get_mut(start..) {
                slice.sort_unstable();
            }
            self.scores.push(score + lf(remaining));
            return true;
        }
        let lo = remaining.saturating_sub(self.cap_after[i]);
        let hi = remaining.min(self.rows[i]);
        for v in lo..=hi {
            self.x[i] = v;
            if !self.run(i + 1, remaining - v, score + lf(v)) {
                return false;
            }
        }
        true
    }
}

/// A node with two columns left, split into rows: for each filling of the
/// free column's cells in all but the two largest rows ("outer" cells), the
/// remaining pair is a hypergeometric variable a (cells of row p1 and p2).
struct PairRows {
    p1: u32,
    p2: u32,
    log_mass: f64,
    /// Sorted by `min_score`.
    rows: Vec<PairRow>,
    /// suffix_mass[i] = sum of rel_mass over rows[i..].
    suffix_mass: Vec<f64>,
    /// When tabulated: per row (from `PairRow::offset`), for a < mode the
    /// mass of lo..=a, for a > mode the mass of a..=hi (node-relative),
    /// each summed from the far end.
    tails: Option<Vec<f64>>,
}

#[derive(Clone, Copy)]
struct PairRow {
    /// Score of the outer cells (both columns).
    outer: f64,
    /// Free-column total left for the pair.
    s: u32,
    lo: u32,
    hi: u32,
    mode: u32,
    /// outer + pair score at the mode (the row's most probable completion).
    min_score: f64,
    /// outer + the larger end score (the row's least probable completion).
    max_score: f64,
    /// The row's share of the node's mass.
    rel_mass: f64,
    /// Start of this row in the tail table.
    offset: usize,
}

/// A node's rows are tabulated once at least this many paths need them.
const MIN_PATHS_FOR_TAIL_TABLE: usize = 4;

/// Largest tail table (in entries) kept in memory for one node.
const MAX_TAIL_TABLE: usize = 1 << 21;

impl PairRows {
    fn build(lf: &[f64], rows: &[u32], c: u32, log_mass: f64, budget: u64) -> Option<PairRows> {
        let r = rows.len();
        if r < 2 {
            return None;
        }
        let p1 = rows[r - 2];
        let p2 = rows[r - 1];
        let outer_rows = &rows[..r - 2];
        // cap_after[i]: what the rows after outer row i can still take.
        let mut cap_after = vec![p1 + p2; outer_rows.len()];
        for i in (0..outer_rows.len().saturating_sub(1)).rev() {
            cap_after[i] = cap_after[i + 1] + outer_rows[i + 1];
        }
        let mut pr = PairRows {
            p1,
            p2,
            log_mass,
            rows: Vec::new(),
            suffix_mass: Vec::new(),
            tails: None,
        };
        let mut budget = budget;
        if !pr.collect(lf, outer_rows, &cap_after, 0, c, 0.0, &mut budget) {
            return None;
        }
        pr.rows
            .sort_unstable_by(|a, b| a.min_score.total_cmp(&b.min_score));
        pr.suffix_mass = vec![0.0; pr.rows.len() + 1];
        for i in (0..pr.rows.len()).rev() {
            pr.suffix_mass[i] = pr.suffix_mass[i + 1] + pr.rows[i].rel_mass;
        }
        Some(pr)
    }

    #[allow(clippy::too_many_arguments)]
    fn collect(
        &mut self,
        lf: &[f64],
        outer_rows: &[u32],
        cap_after: &[u32],
        i: usize,
        remaining: u32,
        outer: f64,
        budget: &mut u64,
    ) -> bool {
        let lfu = |k: u32| lf.get(k as usize).copied().unwrap_or(f64::NAN);
        let (Some(&ri), Some(&cap)) = (outer_rows.get(i), cap_after.get(i)) else {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            self.push_row(lf, remaining, outer);
            return true;
        };
        let lo = remaining.saturating_sub(cap);
        let hi = remaining.min(ri);
        for v in lo..=hi {
            if !self.collect(
                lf,
                outer_rows,
                cap_after,
                i + 1,
                remaining - v,
                outer + lfu(v) + lfu(ri - v),
                budget,
            ) {
                return false;
            }
        }
        true
    }

    /// Pair score at a: ln a! (p1-a)! (s-a)! (p2-s+a)!.
    fn pair_score(&self, lf: &[f64], s: u32, a: u32) -> f64 {
        let lfu = |k: u32| lf.get(k as usize).copied().unwrap_or(f64::NAN);
        lfu(a) + lfu(self.p1 - a) + lfu(s - a) + lfu(self.p2 + a - s)
    }

    fn push_row(&mut self, lf: &[f64], s: u32, outer: f64) {
        let (p1, p2) = (self.p1, self.p2);
        let lo = s.saturating_sub(p2);
        let hi = s.min(p1);
        // Mode of the hypergeometric, then a local check against rounding.
        let guess =
            ((u64::from(s) + 1) * (u64::from(p1) + 1) / (u64::from(p1) + u64::from(p2) + 2)) as u32;
        let mut mode = guess.clamp(lo, hi);
        while mode > lo && self.pair_score(lf, s, mode - 1) < self.pair_score(lf, s, mode) {
            mode -= 1;
        }
        while mode < hi && self.pair_score(lf, s, mode + 1) < self.pair_score(lf, s, mode) {
            mode += 1;
        }
        let lfu = |k: u32| lf.get(k as usize).copied().unwrap_or(f64::NAN);
        let pp = p1 + p2;
        let row_log_mass = -outer + lfu(pp) - lfu(s) - lfu(pp - s) - lfu(p1) - lfu(p2);
        let ends = self.pair_score(lf, s, lo).max(self.pair_score(lf, s, hi));
        self.rows.push(PairRow {
            outer,
            s,
            lo,
            hi,
            mode,
            min_score: outer + self.pair_score(lf, s, mode),
            max_score: outer + ends,
            rel_mass: (row_log_mass - self.log_mass).exp(),
            offset: 0,
        });
    }

    /// Node-relative mass of the completion at a.
    fn term(&self, lf: &[f64], row: &PairRow, a: u32) -> f64 {
        (-(row.outer + self.pair_score(lf, row.s, a)) - self.log_mass).exp()
    }

    /// Ratio of the terms at a - 1 and a (downwards) or a + 1 and a.
    fn ratio(&self, row: &PairRow, a: u32, up: bool) -> f64 {
        let (p1, p2, s, af) = (
            f64::from(self.p1),
            f64::from(self.p2),
            f64::from(row.s),
            f64::from(a),
        );
        if up {
            (p1 - af) * (s - af) / ((af + 1.0) * (p2 - s + af + 1.0))
        } else {
            af * (p2 - s + af) / ((p1 - af + 1.0) * (s - af + 1.0))
        }
    }

    /// Fills the tail table, unless it would be too large.
    fn tabulate_tails(&mut self, lf: &[f64]) -> bool {
        let total: usize = self
            .rows
            .iter()
            .map(|row| (row.hi - row.lo) as usize + 1)
            .sum();
        if total > MAX_TAIL_TABLE {
            return false;
        }
        let mut table = vec![0.0; total];
        let mut offset = 0;
        let mut rows = std::mem::take(&mut self.rows);
        for row in rows.iter_mut() {
            row.offset = offset;
            let (lo, hi, mode) = (row.lo, row.hi, row.mode);
            let at = |a: u32| offset + (a - lo) as usize;
            // Terms outwards from the mode by ratios, re-anchored with exp
            // every 32 steps so rounding cannot build up.
            for (start, end, up) in [(mode, lo, false), (mode, hi, true)] {
                let mut a = start;
                let mut term = self.term(lf, row, a);
                let mut k = 0u32;
                while a != end {
                    term *= self.ratio(row, a, up);
                    a = if up { a + 1 } else { a - 1 };
                    k += 1;
                    if k.is_multiple_of(32) {
                        term = self.term(lf, row, a);
                    }
                    if let Some(slot) = table.get_mut(at(a)) {
                        *slot = term;
                    }
                }
            }
            // Cumulate from the far ends towards the mode.
            let mut sum = 0.0;
            for a in lo..mode {
                if let Some(slot) = table.get_mut(at(a)) {
                    sum += *slot;
                    *slot = sum;
                }
            }
            sum = 0.0;
            for a in (mode + 1..=hi).rev() {
                if let Some(slot) = table.get_mut(at(a)) {
                    sum += *slot;
                    *slot = sum;
                }
            }
            offset += (hi - lo) as usize + 1;
        }
        self.rows = rows;
        self.tails = Some(table);
        true
    }

    /// Counted shares of the node's mass for many thresholds at once (`ts`
    /// falling, tails tabulated): per row, the paths that count the whole
    /// row or none of it are ranges found by bisection; for the others the
    /// tail boundaries only move towards the mode as the threshold falls.
    fn sweep(&self, lf: &[f64], ts: &[f64], fractions: &mut [f64]) -> u64 {
        let Some(tails) = self.tails.as_ref() else {
            return 0;
        };
        let n = ts.len();
        // whole[i]: rows counted in full from path i on (difference array).
        let mut whole = vec![0.0; n + 1];
        let mut steps = 0u64;
        for row in &self.rows {
            let full_from = ts.partition_point(|&t| t > row.min_score);
            let partial_from = ts.partition_point(|&t| t > row.max_score);
            if let Some(slot) = whole.get_mut(full_from) {
                *slot += row.rel_mass;
            }
            steps += 1;
            let (s, lo, hi, mode) = (row.s, row.lo, row.hi, row.mode);
            let tail_at = |a: u32| {
                tails
                    .get(row.offset + (a - lo) as usize)
                    .copied()
                    .unwrap_or(0.0)
            };
            // Next candidates on each side, moving towards the mode.
            let (mut left, mut right) = (lo, hi);
            for i in partial_from..full_from.min(n) {
                let Some(&t) = ts.get(i) else { break };
                let tp = t - row.outer;
                while left < mode && self.pair_score(lf, s, left) >= tp {
                    left += 1;
                    steps += 1;
                }
                while right > mode && self.pair_score(lf, s, right) >= tp {
                    right -= 1;
                    steps += 1;
                }
                let mut share = 0.0;
                if left > lo {
                    share += tail_at(left - 1);
                }
                if right < hi {
                    share += tail_at(right + 1);
                }
                if let Some(f) = fractions.get_mut(i) {
                    *f += share;
                }
                steps += 1;
            }
        }
        let mut running = 0.0;
        for (f, w) in fractions.iter_mut().zip(&whole) {
            running += w;
            *f += running;
        }
        steps
    }

    /// Share of the node's mass in completions with score >= t, and the
    /// steps it took.
    fn counted_fraction(&self, lf: &[f64], t: f64) -> (f64, u64) {
        let split = self.rows.partition_point(|row| row.min_score < t);
        let mut fraction = self.suffix_mass.get(split).copied().unwrap_or(0.0);
        let mut steps = 1u64;
        for row in self.rows.get(..split).unwrap_or(&[]) {
            steps += 1;
            if row.max_score < t {
                continue;
            }
            let tp = t - row.outer;
            let (s, lo, hi, mode) = (row.s, row.lo, row.hi, row.mode);
            // Left tail: largest a < mode with score >= tp (scores fall
            // towards the mode), then outwards.
            if lo < mode && self.pair_score(lf, s, lo) >= tp {
                let (mut inside, mut outside) = (lo, mode);
                while outside - inside > 1 {
                    let mid = inside + (outside - inside) / 2;
                    if self.pair_score(lf, s, mid) >= tp {
                        inside = mid;
                    } else {
                        outside = mid;
                    }
                    steps += 1;
                }
                let (sum, used) = self.tail(lf, row, inside, false);
                fraction += sum;
                steps += used;
            }
            if hi > mode && self.pair_score(lf, s, hi) >= tp {
                let (mut outside, mut inside) = (mode, hi);
                while inside - outside > 1 {
                    let mid = outside + (inside - outside) / 2;
                    if self.pair_score(lf, s, mid) >= tp {
                        inside = mid;
                    } else {
                        outside = mid;
                    }
                    steps += 1;
                }
                let (sum, used) = self.tail(lf, row, inside, true);
                fraction += sum;
                steps += used;
            }
        }
        (fraction, steps)
    }

    /// Mass from `start` outwards (upwards when `up`), summed by the term
    /// ratio until the rest is negligible.
    fn tail(&self, lf: &[f64], row: &PairRow, start: u32, up: bool) -> (f64, u64) {
        let mut term = self.term(lf, row, start);
        let mut sum = term;
        let mut a = start;
        let mut steps = 1u64;
        while (up && a < row.hi) || (!up && a > row.lo) {
            let ratio = self.ratio(row, a, up);
            a = if up { a + 1 } else { a - 1 };
            term *= ratio;
            sum += term;
            steps += 1;
            // Ratios shrink outwards (log-concave terms): the rest is below
            // term * ratio / (1 - ratio).
            if term == 0.0 || (ratio < 1.0 && term * ratio / (1.0 - ratio) <= TAIL_EPS * sum) {
                break;
            }
        }
        (sum, steps)
    }
}

/// Multiplicative hash for the short integer keys of the network (the
/// standard library's SipHash is several times slower here).
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over all tables with the margins of `table`.
    fn brute_force(table: &[Vec<u64>]) -> f64 {
        let r = table.len();
        let c = table[0].len();
        let rows: Vec<u64> = table.iter().map(|row| row.iter().sum()).collect();
        let cols: Vec<u64> = (0..c)
            .map(|j| table.iter().map(|row| row[j]).sum())
            .collect();
        let n: u64 = rows.iter().sum();
        let lf = |k: u64| ln_factorial(k);
        let k_const = rows.iter().map(|&x| lf(x)).sum::<f64>()
            + cols.iter().map(|&x| lf(x)).sum::<f64>()
            - lf(n);
        let s_obs: f64 = table.iter().flatten().map(|&x| lf(x)).sum();
        let mut terms: Vec<f64> = Vec::new();
        let mut cells = vec![0u64; r * c];
        #[allow(clippy::too_many_arguments)]
        fn rec(
            i: usize,
            r: usize,
            c: usize,
            rows: &[u64],
            cols_left: &mut Vec<u64>,
            row_left: u64,
            cells: &mut Vec<u64>,
            visit: &mut dyn FnMut(&[u64]),
        ) {
            if i == r * c {
                visit(cells);
                return;
            }
            let (row, col) = (i / c, i % c);
            if col == c - 1 {
                if row_left <= cols_left[col] {
                    cells[i] = row_left;
                    cols_left[col] -= row_left;
                    let next_row_left = if row + 1 < r { rows[row + 1] } else { 0 };
                    rec(i + 1, r, c, rows, cols_left, next_row_left, cells, visit);
                    cols_left[col] += row_left;
                }
                return;
            }
            if row == r - 1 {
                let v = cols_left[col];
                if v > row_left {
                    return;
                }
                cells[i] = v;
                cols_left[col] -= v;
                rec(i + 1, r, c, rows, cols_left, row_left - v, cells, visit);
                cols_left[col] += v;
                return;
            }
            for v in 0..=row_left.min(cols_left[col]) {
                cells[i] = v;
                cols_left[col] -= v;
                rec(i + 1, r, c, rows, cols_left, row_left - v, cells, visit);
                cols_left[col] += v;
            }
        }
        let mut cols_left = cols.clone();
        rec(
            0,
            r,
            c,
            &rows,
            &mut cols_left,
            rows[0],
            &mut cells,
            &mut |t: &[u64]| {
                let s: f64 = t.iter().map(|&x| lf(x)).sum();
                if s >= s_obs - LOG_TOLERANCE {
                    terms.push((k_const - s).exp());
                }
            },
        );
        // Neumaier summation: many tied tables add the same tiny term, whose
        // rounding would otherwise pile up.
        let (mut sum, mut comp) = (0.0f64, 0.0f64);
        for &x in &terms {
            let t = sum + x;
            comp += if sum.abs() >= x.abs() {
                (sum - t) + x
            } else {
                (x - t) + sum
            };
            sum = t;
        }
        sum + comp
    }

    #[test]
    fn agrees_with_brute_force_on_small_tables() {
        let tables: Vec<Vec<Vec<u64>>> = vec![
            vec![vec![3, 1], vec![1, 3]],
            vec![vec![2, 0, 3], vec![1, 4, 0]],
            vec![vec![1, 2, 0, 3], vec![0, 1, 4, 1], vec![2, 2, 1, 0]],
            vec![vec![5, 0, 1], vec![0, 4, 2], vec![3, 1, 0], vec![1, 1, 1]],
            vec![vec![1, 1, 1, 1], vec![1, 1, 1, 1], vec![1, 1, 1, 1]],
            vec![vec![2, 2], vec![2, 2], vec![2, 2], vec![2, 2]],
            vec![
                vec![0, 3, 1, 2, 1],
                vec![4, 0, 0, 1, 2],
                vec![1, 1, 3, 0, 0],
                vec![1, 0, 1, 1, 3],
            ],
            vec![
                vec![7, 1, 3],
                vec![2, 6, 1],
                vec![3, 2, 8],
                vec![1, 1, 1],
                vec![0, 2, 3],
            ],
        ];
        for t in &tables {
            let got = p_value(t, u64::MAX).ok().map(|e| e.p).unwrap();
            let want = brute_force(t);
            assert!(
                (got - want).abs() <= 1e-12 * want.max(1e-300),
                "{t:?}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn gives_up_at_the_step_limit() {
        let t = vec![
            vec![30, 40, 50, 60],
            vec![45, 35, 55, 40],
            vec![50, 50, 40, 45],
        ];
        assert!(p_value(&t, 1000).is_err());
    }
}
