//! Harrell's concordance of a Cox linear predictor with its standard error,
//! as `coxph` reports it (survival 3.x `concordancefit(..., reverse = TRUE)`,
//! timewt "n"): pairs counted with Fenwick trees over the ranks of the
//! predictor in O(n log n), strata kept apart, (start, stop] risk sets
//! honoured, and the variance from the per-observation influence (infinitesimal
//! jackknife), summed within clusters when the fit has them.

// Sorted positions index several parallel arrays; range loops read best.
#![allow(clippy::needless_range_loop)]

use super::prepared::{ordered_bits, sort_pairs, Prepared};
use serde::Serialize;

/// Concordance of a fit. Counts are (weighted) numbers of pairs: concordant
/// when the earlier event has the higher risk score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Concordance {
    /// (concordant + tied_x / 2) / (concordant + discordant + tied_x).
    pub c: f64,
    pub se: f64,
    pub concordant: f64,
    pub discordant: f64,
    /// Comparable pairs with equal risk scores.
    pub tied_x: f64,
    /// Pairs of events at the same time (different risk scores).
    pub tied_y: f64,
    /// Pairs of events at the same time with equal risk scores.
    pub tied_xy: f64,
}

/// Ranks per block of the two-level tree: a block's node weights span a few
/// cache lines, and the Fenwick tree over blocks stays in cache.
const BLOCK: usize = 32;

/// The two weights the rank counts keep per entry (see [`RankCounts`]).
/// [`Unit`] when every case weight is 1 (exact integer counts, both slots
/// added in one operation), [`Weighted`] otherwise.
trait Pair: Copy + Default {
    /// A row of case weight `w` in slot 0 only.
    fn row(w: f64) -> Self;
    /// A death of case weight `w`, in both slots.
    fn death(w: f64) -> Self;
    fn plus(self, other: Self) -> Self;
    fn minus(self, other: Self) -> Self;
    fn split(self) -> [f64; 2];
    /// `(slot 0 of below, slot 1 of self)`.
    fn after(self, below: f64) -> Self;
}

/// Case weights: two doubles.
#[derive(Clone, Copy, Default)]
struct Weighted([f64; 2]);

impl Pair for Weighted {
    #[inline]
    fn row(w: f64) -> Self {
        Weighted([w, 0.0])
    }
    #[inline]
    fn death(w: f64) -> Self {
        Weighted([w, w])
    }
    #[inline]
    fn plus(self, o: Self) -> Self {
        Weighted([self.0[0] + o.0[0], self.0[1] + o.0[1]])
    }
    #[inline]
    fn minus(self, o: Self) -> Self {
        Weighted([self.0[0] - o.0[0], self.0[1] - o.0[1]])
    }
    #[inline]
    fn split(self) -> [f64; 2] {
        self.0
    }
    #[inline]
    fn after(self, below: f64) -> Self {
        Weighted([below, self.0[1]])
    }
}

/// Unit weights: two counts in one integer, slot 0 in the low 32 bits and
/// slot 1 in the high 32 bits. Sums and differences of such integers are
/// the sums and differences of both counts at once (integer addition is
/// linear), and they read back exactly while each count lies in
/// 0..2^32, which every count of rows does (n < 2^31); a removal is the
/// addition of -1, wrapping.
#[derive(Clone, Copy, Default)]
struct Unit(u64);

impl Pair for Unit {
    #[inline]
    fn row(_: f64) -> Self {
        Unit(1)
    }
    #[inline]
    fn death(_: f64) -> Self {
        Unit(1 | 1 << 32)
    }
    #[inline]
    fn plus(self, o: Self) -> Self {
        Unit(self.0.wrapping_add(o.0))
    }
    #[inline]
    fn minus(self, o: Self) -> Self {
        Unit(self.0.wrapping_sub(o.0))
    }
    #[inline]
    fn split(self) -> [f64; 2] {
        [f64::from(self.0 as u32), f64::from((self.0 >> 32) as u32)]
    }
    #[inline]
    fn after(self, below: f64) -> Self {
        Unit((self.0 & !u64::from(u32::MAX)) | below as u64)
    }
}

/// A Fenwick tree of [`Pair`]s: adding at an index and the sum of the
/// entries before one, each in about log2(len) steps.
struct Fenwick<P>(Vec<P>);

impl<P: Pair> Fenwick<P> {
    fn new(len: usize) -> Fenwick<P> {
        Fenwick(vec![P::default(); len])
    }

    #[inline(always)]
    fn add(&mut self, index: usize, w: P) {
        let mut i = index + 1;
        while i <= self.0.len() {
            self.0[i - 1] = self.0[i - 1].plus(w);
            i += i & i.wrapping_neg();
        }
    }

    /// The sum of the entries before `index`.
    #[inline(always)]
    fn before(&self, index: usize) -> P {
        let mut sum = P::default();
        let mut i = index;
        while i > 0 {
            sum = sum.plus(self.0[i - 1]);
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

/// Two weighted counting structures over ranks 0..m sharing one traversal:
/// slot 0 holds the rows in the risk set, slot 1 the deaths already passed
/// (R's `nwt/twt` and `dnwt/dtwt`). Two levels (a Fenwick tree over blocks
/// of `BLOCK` ranks, and the weights of each rank) so that an update or a
/// query touches one block of memory instead of ~log2(m) scattered nodes.
struct RankCounts<P> {
    node: Vec<P>,
    blocks: Fenwick<P>,
    total: P,
}

impl<P: Pair> RankCounts<P> {
    fn new(m: usize) -> RankCounts<P> {
        RankCounts {
            node: vec![P::default(); m],
            blocks: Fenwick::new(m.div_ceil(BLOCK)),
            total: P::default(),
        }
    }

    #[inline(always)]
    fn add(&mut self, r: usize, w: P) {
        self.node[r] = self.node[r].plus(w);
        self.total = self.total.plus(w);
        self.blocks.add(r / BLOCK, w);
    }

    /// For both slots: (greater, smaller, tied) weights relative to rank r,
    /// in the order of R's `walkup`.
    #[inline(always)]
    fn walk(&self, r: usize) -> [[f64; 3]; 2] {
        let mut below = self.blocks.before(r / BLOCK);
        // Four partial sums break the chain of dependent additions (exact
        // for unit weights; otherwise only the rounding order changes).
        let run = &self.node[r - r % BLOCK..r];
        let mut part = [P::default(); 4];
        let quads = run.chunks_exact(4);
        for &v in quads.remainder() {
            part[0] = part[0].plus(v);
        }
        for q in quads {
            for (acc, &v) in part.iter_mut().zip(q) {
                *acc = acc.plus(v);
            }
        }
        below = below.plus(part[0].plus(part[1]).plus(part[2].plus(part[3])));
        let tied = self.node[r];
        let greater = self.total.minus(below).minus(tied);
        let ([g0, g1], [b0, b1], [t0, t1]) = (greater.split(), below.split(), tied.split());
        [[g0, b0, t0], [g1, b1, t1]]
    }
}

/// Rank of each sorted position's linear predictor within its stratum
/// (equal values share a rank) and the number of ranks per stratum.
fn ranks(prep: &Prepared, lp: &[f64]) -> (Vec<u32>, Vec<usize>) {
    let n = prep.n;
    let mut pairs: Vec<(u64, u32)> = lp
        .iter()
        .enumerate()
        .map(|(pos, &v)| (ordered_bits(v), pos as u32))
        .collect();
    sort_pairs(&mut pairs);
    if prep.strata.len() > 1 {
        // Stable bucket pass: positions of stratum k lie in strata[k].
        let mut stratum_of = vec![0u32; n];
        for (k, &(b, e)) in prep.strata.iter().enumerate() {
            stratum_of[b..e].iter_mut().for_each(|s| *s = k as u32);
        }
        let mut next: Vec<usize> = prep.strata.iter().map(|&(b, _)| b).collect();
        let mut bucketed = vec![(0u64, 0u32); n];
        for &pair in &pairs {
            let k = stratum_of[pair.1 as usize] as usize;
            bucketed[next[k]] = pair;
            next[k] += 1;
        }
        pairs = bucketed;
    }
    // Equal keys <=> equal predictors (ordered_bits is one-to-one up to -0).
    let mut rank = vec![0u32; n];
    let mut sizes = Vec::with_capacity(prep.strata.len());
    for &(b, e) in &prep.strata {
        let mut m = 0u32;
        for k in b..e {
            if k > b && pairs[k].0 != pairs[k - 1].0 {
                m += 1;
            }
            rank[pairs[k].1 as usize] = m;
        }
        sizes.push(if e > b { m as usize + 1 } else { 0 });
    }
    (rank, sizes)
}

/// Pair counts and per-row influence, accumulated stratum by stratum.
struct Tally {
    /// Influence of each row on the concordant, discordant and tied-x counts
    /// (R's imat[, 1:3], in the unreversed sense: x predicts survival). A
    /// row's share from the deaths is (deaths passed when it leaves the risk
    /// set) - (deaths passed when it enters).
    inf: Vec<[f64; 3]>,
    count: [f64; 3],
    tied_y: f64,
    tied_xy: f64,
    /// Counting process: rows that left the risk set before the end.
    removed: Vec<bool>,
    /// Deaths at the current time as (rank, position), so that sorting them
    /// by rank compares inline keys (reused buffer).
    deaths: Vec<(u32, u32)>,
}

/// Walks stratum [begin, end) backwards in time with `m` distinct ranks.
fn tally_stratum<P: Pair>(
    prep: &Prepared,
    rank: &[u32],
    (begin, end): (usize, usize),
    m: usize,
    tally: &mut Tally,
) {
    let rank_of = |pos: usize| rank[pos] as usize;
    let Tally {
        inf,
        count,
        tied_y,
        tied_xy,
        removed,
        deaths,
    } = tally;
    let mut tree = RankCounts::<P>::new(m);
    let mut leave = begin;
    let mut i = begin;
    while i < end {
        let t = prep.stop[i];
        let mut g_end = i;
        while g_end < end && prep.stop[g_end] == t {
            g_end += 1;
        }
        deaths.clear();
        for pos in i..g_end {
            if prep.event[pos] {
                deaths.push((rank[pos], pos as u32));
            } else {
                let [_, [gr, sm, ti]] = tree.walk(rank_of(pos));
                inf[pos][0] -= sm;
                inf[pos][1] -= gr;
                inf[pos][2] -= ti;
                tree.add(rank_of(pos), P::row(prep.weight[pos]));
            }
        }
        if !deaths.is_empty() {
            if prep.counting {
                while leave < end {
                    let pos = prep.start_order[leave];
                    if prep.start[pos] < t {
                        break;
                    }
                    let [_, [gr, sm, ti]] = tree.walk(rank_of(pos));
                    inf[pos][0] += sm;
                    inf[pos][1] += gr;
                    inf[pos][2] += ti;
                    tree.add(rank_of(pos), P::default().minus(P::row(prep.weight[pos])));
                    removed[pos] = true;
                    leave += 1;
                }
            }
            // Deaths at this time, by rank: pairs among them are tied on
            // y (and on x too when the ranks agree); each death's entry
            // into the passed-deaths set includes all of them.
            deaths.sort_unstable();
            let group_w: f64 = deaths
                .iter()
                .map(|&(_, pos)| prep.weight[pos as usize])
                .sum();
            let group_w2: f64 = deaths
                .iter()
                .map(|&(_, pos)| prep.weight[pos as usize].powi(2))
                .sum();
            *tied_y += (group_w * group_w - group_w2) / 2.0;
            let mut k = 0;
            let mut below = 0.0;
            while k < deaths.len() {
                let r = deaths[k].0;
                let mut k2 = k;
                let (mut run_w, mut run_w2) = (0.0, 0.0);
                while k2 < deaths.len() && deaths[k2].0 == r {
                    let w = prep.weight[deaths[k2].1 as usize];
                    run_w += w;
                    run_w2 += w * w;
                    k2 += 1;
                }
                *tied_xy += (run_w * run_w - run_w2) / 2.0;
                let [[mgr, msm, mti], [dgr, dsm, dti]] = tree.walk(r as usize);
                for &(_, pos) in &deaths[k..k2] {
                    let pos = pos as usize;
                    let w = prep.weight[pos];
                    count[0] += w * mgr;
                    count[1] += w * msm;
                    count[2] += w * mti;
                    let f = &mut inf[pos];
                    f[0] += mgr - (dsm + below);
                    f[1] += msm - (dgr + group_w - below - run_w);
                    f[2] += mti - (dti + run_w);
                }
                below += run_w;
                k = k2;
            }
            for &(r, pos) in deaths.iter() {
                tree.add(r as usize, P::death(prep.weight[pos as usize]));
            }
        }
        i = g_end;
    }
    // All deaths of the stratum have passed: each row still in the risk
    // set gains the deaths ranked below, above and level with it. The
    // tree's risk-set slot is no longer needed, so it takes the weight of
    // the deaths ranked below each rank, and a pass in sorted order reads
    // it.
    let dead_total = tree.total.split()[1];
    let mut below = 0.0;
    for node in tree.node.iter_mut() {
        let dead = node.split()[1];
        *node = node.after(below);
        below += dead;
    }
    for pos in begin..end {
        if prep.counting && removed[pos] {
            continue;
        }
        let [below, tied] = tree.node[rank_of(pos)].split();
        let f = &mut inf[pos];
        f[0] += below;
        f[1] += dead_total - below - tied;
        f[2] += tied;
    }
}

/// [`concordance`] for right-censored rows with unit weights, no strata
/// and no clusters (the usual case), walking the rows in the order of
/// their linear predictor instead of their time. Each row's counts are
/// then sums over the rows already passed (smaller predictors) grouped by
/// time, whose distinct values are usually far fewer than the predictor's:
/// the counting tree is indexed by time and stays in cache, and the rows'
/// time ranks and events ride in the sort's payload, so that nothing is
/// read in a scattered order. The counts are integers, so they and each
/// row's influence are exactly those of the walk in time
/// ([`tally_stratum`]); only the variance's sum of squares is summed in a
/// different order.
fn concordance_in_predictor_order(prep: &Prepared, lp: &[f64]) -> Option<Concordance> {
    let n = prep.n;
    // Time ranks in sorted order (0 = the latest time), and per time rank:
    // the rows at later times (= the position where its rows begin), its
    // deaths, and the deaths at later times.
    let mut time_rank = Vec::with_capacity(n);
    let mut later_rows: Vec<u32> = Vec::new();
    let mut deaths_at: Vec<u32> = Vec::new();
    for pos in 0..n {
        if pos == 0 || prep.stop[pos] != prep.stop[pos - 1] {
            later_rows.push(pos as u32);
            deaths_at.push(0);
        }
        let t = later_rows.len() - 1;
        time_rank.push(t as u32);
        deaths_at[t] += u32::from(prep.event[pos]);
    }
    let times = later_rows.len();
    let mut later_deaths = Vec::with_capacity(times);
    let mut sum = 0.0;
    for &d in &deaths_at {
        later_deaths.push(sum);
        sum += f64::from(d);
    }
    let total_deaths = sum;
    let tied_y: f64 = deaths_at
        .iter()
        .map(|&d| f64::from(d) * (f64::from(d) - 1.0) / 2.0)
        .sum();

    const DEAD: u32 = 1 << 31;
    let mut pairs: Vec<(u64, u32)> = lp
        .iter()
        .zip(&time_rank)
        .zip(&prep.event)
        .map(|((&v, &t), &e)| (ordered_bits(v), t | if e { DEAD } else { 0 }))
        .collect();
    drop(time_rank);
    sort_pairs(&mut pairs);

    let mut tree = Fenwick::<Unit>::new(times);
    let mut at = vec![Unit::default(); times];
    let mut passed = Unit::default();
    // Per row (in predictor order): the deaths it is compared with, ranked
    // below, above and level with it, (R's influence, unreversed), and
    // for a death the rows at risk at its time below, above and level.
    let mut inf: Vec<[f64; 3]> = Vec::with_capacity(n);
    let mut count = [0.0; 3];
    let mut tied_xy = 0.0;
    // Counts below a run's predictor, then level with it.
    let mut below: Vec<[f64; 2]> = Vec::new();
    let mut run_deaths: Vec<u32> = Vec::new();
    // (deaths compared with, rows at risk) among the rows passed, for the
    // row of time rank t (a death when `dead`).
    let among_passed = |tree: &Fenwick<Unit>, at: &[Unit], passed: Unit, t: usize, dead: bool| {
        // Time ranks before t are the later times.
        let [rows_later, deaths_later] = tree.before(t).split();
        let [rows_here, deaths_here] = at[t].split();
        let deaths_passed = passed.split()[1];
        if dead {
            [
                deaths_passed - deaths_later - deaths_here,
                rows_later + (rows_here - deaths_here),
            ]
        } else {
            [deaths_passed - deaths_later, 0.0]
        }
    };
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        below.clear();
        for &(_, payload) in run {
            let (t, dead) = ((payload & !DEAD) as usize, payload & DEAD != 0);
            below.push(among_passed(&tree, &at, passed, t, dead));
        }
        for &(_, payload) in run {
            let (t, dead) = ((payload & !DEAD) as usize, payload & DEAD != 0);
            let w = if dead {
                Unit::death(1.0)
            } else {
                Unit::row(1.0)
            };
            tree.add(t, w);
            at[t] = at[t].plus(w);
            passed = passed.plus(w);
        }
        if run.len() > 1 {
            run_deaths.clear();
            run_deaths.extend(run.iter().filter(|p| p.1 & DEAD != 0).map(|p| p.1));
            run_deaths.sort_unstable();
            for same in run_deaths.chunk_by(|a, b| a == b) {
                let k = same.len() as f64;
                tied_xy += k * (k - 1.0) / 2.0;
            }
        }
        for (&(_, payload), lt) in run.iter().zip(&below) {
            let (t, dead) = ((payload & !DEAD) as usize, payload & DEAD != 0);
            let le = if run.len() > 1 {
                among_passed(&tree, &at, passed, t, dead)
            } else {
                *lt
            };
            let eq = [le[0] - lt[0], le[1] - lt[1]];
            let f = if dead {
                let deaths = total_deaths - later_deaths[t] - f64::from(deaths_at[t]);
                let at_risk = f64::from(later_rows[t])
                    + f64::from(
                        (later_rows.get(t + 1).copied().unwrap_or(n as u32) - later_rows[t])
                            - deaths_at[t],
                    );
                let (r_lt, r_eq) = (lt[1], eq[1]);
                let r_gt = at_risk - r_lt - r_eq;
                count[0] += r_gt;
                count[1] += r_lt;
                count[2] += r_eq;
                [r_gt + lt[0], r_lt + (deaths - lt[0] - eq[0]), r_eq + eq[0]]
            } else {
                let deaths = total_deaths - later_deaths[t];
                [lt[0], deaths - lt[0] - eq[0], eq[0]]
            };
            inf.push(f);
        }
    }
    from_counts(count, tied_y, tied_xy, |npair, somer| {
        inf.iter()
            .map(|f| somers_influence(f, npair, somer).powi(2))
            .sum()
    })
}

/// The concordance from the pair counts (in the unreversed sense) and the
/// variance of Somers' d, `variance(npair, somer)` (from the rows'
/// [`somers_influence`]); `None` when no pair is comparable.
fn from_counts(
    count: [f64; 3],
    tied_y: f64,
    tied_xy: f64,
    variance: impl FnOnce(f64, f64) -> f64,
) -> Option<Concordance> {
    let npair = count[0] + count[1] + count[2];
    if npair <= 0.0 {
        return None;
    }
    let somer = (count[0] - count[1]) / npair;
    let var_somer = variance(npair, somer);
    // coxph calls concordancefit with reverse = TRUE: a higher risk score
    // should go with an earlier event, so the roles of the counts swap.
    Some(Concordance {
        c: 1.0 - (somer + 1.0) / 2.0,
        se: (var_somer / 4.0).sqrt(),
        concordant: count[1],
        discordant: count[0],
        tied_x: count[2],
        tied_y: tied_y - tied_xy,
        tied_xy,
    })
}

/// A row's influence on Somers' d per unit of case weight (R's dfbeta),
/// from its pair counts `f`.
#[inline]
fn somers_influence(f: &[f64; 3], npair: f64, somer: f64) -> f64 {
    (f[0] - f[1]) / npair - somer / npair * (f[0] + f[1] + f[2])
}

/// `lp` is the linear predictor in sorted order; `clusters` maps data rows to
/// dense cluster numbers. `None` when no pair is comparable.
pub(crate) fn concordance(
    prep: &Prepared,
    lp: &[f64],
    clusters: Option<&(Vec<usize>, usize)>,
) -> Option<Concordance> {
    if prep.strata.len() == 1 && !prep.counting && !prep.weighted && clusters.is_none() {
        concordance_in_predictor_order(prep, lp)
    } else {
        concordance_in_time_order(prep, lp, clusters)
    }
}

/// [`concordance`] in general: strata, (start, stop] risk sets, case
/// weights and clusters, walking each stratum backwards in time with the
/// rows' counts kept by predictor rank ([`tally_stratum`]).
fn concordance_in_time_order(
    prep: &Prepared,
    lp: &[f64],
    clusters: Option<&(Vec<usize>, usize)>,
) -> Option<Concordance> {
    let n = prep.n;
    let (rank, sizes) = ranks(prep, lp);
    let mut tally = Tally {
        inf: vec![[0.0; 3]; n],
        count: [0.0; 3],
        tied_y: 0.0,
        tied_xy: 0.0,
        removed: if prep.counting {
            vec![false; n]
        } else {
            Vec::new()
        },
        deaths: Vec::new(),
    };
    for (&stratum, &m) in prep.strata.iter().zip(&sizes) {
        if prep.weighted {
            tally_stratum::<Weighted>(prep, &rank, stratum, m, &mut tally);
        } else {
            tally_stratum::<Unit>(prep, &rank, stratum, m, &mut tally);
        }
    }
    let Tally {
        inf,
        count,
        tied_y,
        tied_xy,
        ..
    } = tally;

    from_counts(count, tied_y, tied_xy, |npair, somer| {
        let dfbeta = |pos: usize| prep.weight[pos] * somers_influence(&inf[pos], npair, somer);
        match clusters {
            Some((cluster_of, k)) => {
                let mut sums = vec![0.0; *k];
                for pos in 0..n {
                    sums[cluster_of[prep.order[pos]]] += dfbeta(pos);
                }
                sums.iter().map(|s| s * s).sum::<f64>()
            }
            None => (0..n).map(|pos| dfbeta(pos).powi(2)).sum::<f64>(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cox::CoxData;

    fn run(
        data: &CoxData,
        lp: &[f64],
        clusters: Option<&(Vec<usize>, usize)>,
    ) -> Option<Concordance> {
        let prep = Prepared::new(data);
        let lp_sorted: Vec<f64> = prep.order.iter().map(|&i| lp[i]).collect();
        concordance(&prep, &lp_sorted, clusters)
    }

    #[test]
    fn four_deaths_by_hand() {
        // Times 1..4, all events, risk scores 4, 3, 1, 2: of the 6 pairs only
        // (3, 4) has the earlier death with the lower score.
        let d = CoxData::right_censored(vec![1.0, 2.0, 3.0, 4.0], vec![true; 4], vec![], vec![]);
        let c = run(&d, &[4.0, 3.0, 1.0, 2.0], None).unwrap();
        assert_eq!(
            (c.concordant, c.discordant, c.tied_x, c.tied_y, c.tied_xy),
            (5.0, 1.0, 0.0, 0.0, 0.0)
        );
        assert!((c.c - 5.0 / 6.0).abs() < 1e-15);
    }

    /// O(n^2) pair enumeration: counts and the influence-based SE.
    fn brute(data: &CoxData, lp: &[f64], cluster: Option<&[usize]>) -> Concordance {
        let n = data.n();
        let w = |i: usize| data.weights.as_ref().map_or(1.0, |w| w[i]);
        let st = |i: usize| data.strata.as_ref().map_or(0, |s| s[i]);
        let start = |i: usize| data.start.as_ref().map_or(f64::NEG_INFINITY, |s| s[i]);
        let mut count = [0.0; 3];
        let mut inf = vec![[0.0; 3]; n];
        let (mut ty, mut txy) = (0.0, 0.0);
        for j in 0..n {
            if !data.event[j] {
                continue;
            }
            let t = data.stop[j];
            for i in 0..n {
                if i == j || st(i) != st(j) {
                    continue;
                }
                if data.event[i] && data.stop[i] == t {
                    if i < j {
                        if lp[i] == lp[j] {
                            txy += w(i) * w(j);
                        } else {
                            ty += w(i) * w(j);
                        }
                    }
                    continue;
                }
                if !(start(i) < t && t <= data.stop[i]) {
                    continue;
                }
                // Unreversed types: 0 = later subject has larger score.
                let k = if lp[i] > lp[j] {
                    0
                } else if lp[i] < lp[j] {
                    1
                } else {
                    2
                };
                count[k] += w(i) * w(j);
                inf[i][k] += w(j);
                inf[j][k] += w(i);
            }
        }
        let npair = count[0] + count[1] + count[2];
        let somer = (count[0] - count[1]) / npair;
        let dfb: Vec<f64> = (0..n)
            .map(|i| {
                w(i) * ((inf[i][0] - inf[i][1]) / npair
                    - somer / npair * (inf[i][0] + inf[i][1] + inf[i][2]))
            })
            .collect();
        let var = match cluster {
            Some(cl) => {
                let k = cl.iter().max().unwrap() + 1;
                let mut s = vec![0.0; k];
                for i in 0..n {
                    s[cl[i]] += dfb[i];
                }
                s.iter().map(|v| v * v).sum::<f64>()
            }
            None => dfb.iter().map(|v| v * v).sum::<f64>(),
        };
        Concordance {
            c: 1.0 - (somer + 1.0) / 2.0,
            se: (var / 4.0).sqrt(),
            concordant: count[1],
            discordant: count[0],
            tied_x: count[2],
            tied_y: ty,
            tied_xy: txy,
        }
    }

    fn lcg(s: &mut u64) -> f64 {
        *s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn predictor_order_gives_the_counts_of_the_walk_in_time() {
        // Heavy ties in both time and predictor, runs of tied deaths.
        let mut s = 99u64;
        for case in 0..30 {
            let n = 2 + (lcg(&mut s) * 300.0) as usize;
            let times = 1.0 + (lcg(&mut s) * 20.0).floor();
            let levels = 1.0 + (lcg(&mut s) * 30.0).floor();
            let stop: Vec<f64> = (0..n)
                .map(|_| 1.0 + (lcg(&mut s) * times).floor())
                .collect();
            let event: Vec<bool> = (0..n).map(|_| lcg(&mut s) < 0.7).collect();
            let lp: Vec<f64> = (0..n)
                .map(|_| (lcg(&mut s) * levels).floor() / 3.0)
                .collect();
            let d = CoxData::right_censored(stop, event, vec![], vec![]);
            let prep = Prepared::new(&d);
            let lp_sorted: Vec<f64> = prep.order.iter().map(|&i| lp[i]).collect();
            let by_rank = concordance_in_predictor_order(&prep, &lp_sorted);
            let by_time = concordance_in_time_order(&prep, &lp_sorted, None);
            match (by_rank, by_time) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    let counts = |c: Concordance| {
                        [
                            c.c,
                            c.concordant,
                            c.discordant,
                            c.tied_x,
                            c.tied_y,
                            c.tied_xy,
                        ]
                    };
                    assert_eq!(counts(a), counts(b), "case {case}");
                    assert!(
                        (a.se - b.se).abs() <= 1e-12 * b.se,
                        "case {case}: {a:?} {b:?}"
                    );
                }
                (a, b) => panic!("case {case}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn unit_counts_read_back_both_slots_through_removals() {
        // Slot 0 going to zero (a removal borrows from slot 1's bits in
        // the node, and gives them back when the counts are read as sums).
        let removal = Unit::default().minus(Unit::row(1.0));
        let mut node = Unit::death(1.0)
            .plus(Unit::row(1.0))
            .plus(removal)
            .plus(removal);
        assert_eq!(node.split(), [0.0, 1.0]);
        node = node.plus(Unit::row(1.0));
        assert_eq!(node.split(), [1.0, 1.0]);
        let many = (0..100_000).fold(Unit::default(), |a, _| a.plus(Unit::death(1.0)));
        assert_eq!(many.minus(Unit::row(1.0)).split(), [99_999.0, 100_000.0]);
        assert_eq!(many.after(7.0).split(), [7.0, 100_000.0]);
        let mut tree = RankCounts::<Unit>::new(100);
        let mut wide = RankCounts::<Weighted>::new(100);
        for r in [3, 40, 40, 99, 0, 64, 3] {
            tree.add(r, Unit::death(1.0));
            wide.add(r, Weighted::death(1.0));
            tree.add((r * 7) % 100, Unit::row(1.0));
            wide.add((r * 7) % 100, Weighted::row(1.0));
        }
        tree.add(40, removal);
        wide.add(40, Weighted::default().minus(Weighted::row(1.0)));
        for r in 0..100 {
            assert_eq!(tree.walk(r), wide.walk(r), "rank {r}");
        }
    }

    #[test]
    fn matches_pair_enumeration_with_ties_strata_weights_and_start_times() {
        let mut s = 12345u64;
        for case in 0..40 {
            let n = 5 + (lcg(&mut s) * 40.0) as usize;
            let counting = case % 2 == 1;
            let stop: Vec<f64> = (0..n).map(|_| 1.0 + (lcg(&mut s) * 8.0).floor()).collect();
            let start: Vec<f64> = stop
                .iter()
                .map(|t| ((lcg(&mut s) * t).floor()).min(t - 1.0))
                .collect();
            let event: Vec<bool> = (0..n).map(|_| lcg(&mut s) < 0.6).collect();
            let lp: Vec<f64> = (0..n).map(|_| (lcg(&mut s) * 4.0).floor()).collect();
            let mut d = CoxData::right_censored(stop, event, vec![], vec![]);
            if counting {
                d.start = Some(start);
            }
            if case % 3 == 0 {
                d.strata = Some((0..n).map(|_| (lcg(&mut s) * 3.0) as u32).collect());
            }
            if case % 4 == 0 {
                d.weights = Some((0..n).map(|_| 0.5 + lcg(&mut s)).collect());
            }
            let cl: Vec<usize> = (0..n).map(|_| (lcg(&mut s) * 5.0) as usize).collect();
            let dense = (cl.clone(), cl.iter().max().unwrap() + 1);
            let clusters = if case % 5 == 0 { Some(&dense) } else { None };
            let b = brute(&d, &lp, clusters.map(|c| c.0.as_slice()));
            let Some(c) = run(&d, &lp, clusters) else {
                assert!(b.concordant + b.discordant + b.tied_x == 0.0);
                continue;
            };
            let close = |a: f64, e: f64| (a - e).abs() <= 1e-12 * e.abs().max(1.0);
            assert!(
                close(c.concordant, b.concordant),
                "case {case}: {c:?} vs {b:?}"
            );
            assert!(
                close(c.discordant, b.discordant),
                "case {case}: {c:?} vs {b:?}"
            );
            assert!(close(c.tied_x, b.tied_x), "case {case}: {c:?} vs {b:?}");
            assert!(close(c.tied_y, b.tied_y), "case {case}: {c:?} vs {b:?}");
            assert!(close(c.tied_xy, b.tied_xy), "case {case}: {c:?} vs {b:?}");
            assert!(
                close(c.c, b.c) && close(c.se, b.se),
                "case {case}: {c:?} vs {b:?}"
            );
        }
    }
}
