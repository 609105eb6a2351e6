//! Baseline covariates. The analysed groups get exactly the counts of Table 1
//! of Cui et al. 2025 (so univariate odds ratios match the paper), shuffled,
//! with a few clinical links kept: HBsAg only in HBV patients, macrovascular
//! invasion and extrahepatic spread only (and always) in BCLC C, prior
//! therapies only in pretreated patients, prior TKI only in later lines.
//! Excluded patients are drawn with the pooled frequencies of the three groups.

use super::prng::{exp, SplitMix64};
use super::Combination;

/// Table 1 counts of one group ("yes" counts unless named otherwise).
pub(super) struct Table1Counts {
    pub n: usize,
    pub age_60_or_more: usize,
    pub male: usize,
    pub hbv: usize,
    pub hbsag: usize,
    pub hcv: usize,
    pub ecog_1: usize,
    pub child_pugh_b: usize,
    pub macrovascular_invasion: usize,
    pub extrahepatic_spread: usize,
    /// BCLC A, B, C.
    pub bclc: [usize; 3],
    /// AFP >= 400, < 400 (the rest missing).
    pub afp: [usize; 2],
    /// DCP >= 400, < 400 (the rest missing).
    pub dcp: [usize; 2],
    pub first_line: usize,
    pub treatment_naive: usize,
    pub lrt: usize,
    /// ICI alone, + lenvatinib, + bevacizumab, + sorafenib, + other.
    pub combination: [usize; 5],
    /// CR, PR, SD, PD.
    pub best_response: [usize; 4],
    pub prior_surgery: usize,
    pub prior_lrt: usize,
    pub prior_tki: usize,
    /// Treatment-related adverse events (text of the paper).
    pub trae_any: usize,
    /// Grade 3-4 TRAEs: not reported by the paper (its Table S2); invented.
    pub trae_grade3_4: usize,
}

pub(super) const PRIMARY: Table1Counts = Table1Counts {
    n: 229,
    age_60_or_more: 48,
    male: 201,
    hbv: 220,
    hbsag: 216,
    hcv: 3,
    ecog_1: 77,
    child_pugh_b: 29,
    macrovascular_invasion: 108,
    extrahepatic_spread: 76,
    bclc: [15, 65, 149],
    afp: [112, 117],
    dcp: [156, 72],
    first_line: 190,
    treatment_naive: 96,
    lrt: 169,
    combination: [56, 120, 4, 39, 10],
    best_response: [0, 7, 35, 187],
    prior_surgery: 88,
    prior_lrt: 118,
    prior_tki: 38,
    trae_any: 70,
    trae_grade3_4: 16,
};

pub(super) const SECONDARY: Table1Counts = Table1Counts {
    n: 141,
    age_60_or_more: 42,
    male: 121,
    hbv: 132,
    hbsag: 123,
    hcv: 5,
    ecog_1: 48,
    child_pugh_b: 6,
    macrovascular_invasion: 53,
    extrahepatic_spread: 47,
    bclc: [20, 39, 82],
    afp: [46, 95],
    dcp: [74, 66],
    first_line: 119,
    treatment_naive: 59,
    lrt: 110,
    combination: [22, 98, 2, 12, 7],
    best_response: [6, 34, 101, 0],
    prior_surgery: 55,
    prior_lrt: 71,
    prior_tki: 20,
    trae_any: 66,
    trae_grade3_4: 14,
};

pub(super) const DURABLE: Table1Counts = Table1Counts {
    n: 126,
    age_60_or_more: 24,
    male: 108,
    hbv: 117,
    hbsag: 110,
    hcv: 6,
    ecog_1: 31,
    child_pugh_b: 5,
    macrovascular_invasion: 53,
    extrahepatic_spread: 29,
    bclc: [27, 25, 74],
    afp: [57, 65],
    dcp: [74, 46],
    first_line: 110,
    treatment_naive: 81,
    lrt: 111,
    combination: [13, 86, 16, 6, 5],
    best_response: [2, 58, 66, 0],
    prior_surgery: 32,
    prior_lrt: 40,
    prior_tki: 16,
    trae_any: 58,
    trae_grade3_4: 12,
};

/// Baseline characteristics of one patient.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Baseline {
    pub age: i32,
    pub male: bool,
    pub hbv: bool,
    pub hbsag: bool,
    pub hcv: bool,
    pub ecog: u8,
    pub child_pugh_b: bool,
    /// 0 = A, 1 = B, 2 = C.
    pub bclc: u8,
    pub macrovascular_invasion: bool,
    pub extrahepatic_spread: bool,
    pub afp: Option<f64>,
    pub dcp: Option<f64>,
    pub first_line: bool,
    pub treatment_naive: bool,
    pub prior_surgery: bool,
    pub prior_lrt: bool,
    pub prior_tki: bool,
    pub lrt: bool,
    pub combination: Combination,
    pub trae_any: bool,
    pub trae_grade3_4: bool,
    /// Index into CR, PR, SD, PD for the analysed groups.
    pub best_response: Option<usize>,
}

/// `k` trues among `n`, in random order.
fn exact_flags(rng: &mut SplitMix64, n: usize, k: usize) -> Vec<bool> {
    let mut v: Vec<bool> = (0..n).map(|i| i < k).collect();
    rng.shuffle(&mut v);
    v
}

/// Level indices with exactly `counts[level]` of each, in random order;
/// padded with `None` up to `n` (missing values).
fn exact_levels(rng: &mut SplitMix64, n: usize, counts: &[usize]) -> Vec<Option<usize>> {
    let mut v: Vec<Option<usize>> = Vec::with_capacity(n);
    for (level, count) in counts.iter().enumerate() {
        v.extend(std::iter::repeat_n(Some(level), *count));
    }
    v.resize(n, None);
    v.truncate(n);
    rng.shuffle(&mut v);
    v
}

const COMBINATIONS: [Combination; 5] = [
    Combination::IciAlone,
    Combination::Lenvatinib,
    Combination::Bevacizumab,
    Combination::Sorafenib,
    Combination::Other,
];

fn age(rng: &mut SplitMix64, sixty_or_more: bool) -> i32 {
    if sixty_or_more {
        rng.int_between(60, 75)
    } else {
        (51.0 + 6.5 * rng.normal()).round().clamp(24.0, 59.0) as i32
    }
}

/// A marker value in µg/L (AFP) or mAU/mL (DCP), log-uniform on the side of
/// 400 it must fall, with one decimal.
fn marker(rng: &mut SplitMix64, high: bool, top_log10: f64) -> f64 {
    let (lo, hi) = if high { (2.62, top_log10) } else { (0.3, 2.58) };
    let log10 = lo + (hi - lo) * rng.uniform();
    (exp(log10 * std::f64::consts::LN_10) * 10.0).round() / 10.0
}

/// Exact Table 1 baselines for one analysed group, in random order.
pub(super) fn exact_group(rng: &mut SplitMix64, c: &Table1Counts) -> Vec<Baseline> {
    let n = c.n;
    let age60 = exact_flags(rng, n, c.age_60_or_more);
    let male = exact_flags(rng, n, c.male);
    let hbv = exact_flags(rng, n, c.hbv);
    let hcv = exact_flags(rng, n, c.hcv);
    let ecog1 = exact_flags(rng, n, c.ecog_1);
    let child_b = exact_flags(rng, n, c.child_pugh_b);
    let bclc = exact_levels(rng, n, &c.bclc);
    let afp = exact_levels(rng, n, &c.afp);
    let dcp = exact_levels(rng, n, &c.dcp);
    let naive = exact_flags(rng, n, c.treatment_naive);
    let lrt = exact_flags(rng, n, c.lrt);
    let combination = exact_levels(rng, n, &c.combination);
    let bor = exact_levels(rng, n, &c.best_response);
    let trae = exact_flags(rng, n, c.trae_any);

    // HBsAg among HBV carriers.
    let mut hbsag = vec![false; n];
    let mut carriers: Vec<usize> = (0..n).filter(|&i| hbv[i]).collect();
    rng.shuffle(&mut carriers);
    for &i in carriers.iter().take(c.hbsag) {
        hbsag[i] = true;
    }

    // MVI and EHS only in BCLC C; EHS first covers C patients without MVI so
    // that every C patient has one of them.
    let mut mvi = vec![false; n];
    let mut ehs = vec![false; n];
    let mut stage_c: Vec<usize> = (0..n).filter(|&i| bclc[i] == Some(2)).collect();
    rng.shuffle(&mut stage_c);
    for &i in stage_c.iter().take(c.macrovascular_invasion) {
        mvi[i] = true;
    }
    let mut ehs_order: Vec<usize> = stage_c.iter().copied().filter(|&i| !mvi[i]).collect();
    let mut with_mvi: Vec<usize> = stage_c.iter().copied().filter(|&i| mvi[i]).collect();
    rng.shuffle(&mut with_mvi);
    ehs_order.extend(with_mvi);
    for &i in ehs_order.iter().take(c.extrahepatic_spread) {
        ehs[i] = true;
    }

    // Prior therapies only in pretreated patients; later lines are
    // pretreated, prior TKI only in later lines, and every pretreated patient
    // has at least one prior therapy (LRT first to those without TKI).
    let mut pretreated: Vec<usize> = (0..n).filter(|&i| !naive[i]).collect();
    rng.shuffle(&mut pretreated);
    let later_lines = n - c.first_line;
    let mut first_line = vec![true; n];
    let mut prior_tki = vec![false; n];
    for (rank, &i) in pretreated.iter().enumerate() {
        if rank < later_lines {
            first_line[i] = false;
            if rank < c.prior_tki {
                prior_tki[i] = true;
            }
        }
    }
    let mut prior_lrt = vec![false; n];
    let mut prior_surgery = vec![false; n];
    let mut lrt_order: Vec<usize> = pretreated
        .iter()
        .copied()
        .filter(|&i| !prior_tki[i])
        .collect();
    rng.shuffle(&mut lrt_order);
    let mut tki_patients: Vec<usize> = pretreated
        .iter()
        .copied()
        .filter(|&i| prior_tki[i])
        .collect();
    rng.shuffle(&mut tki_patients);
    lrt_order.extend(tki_patients);
    for &i in lrt_order.iter().take(c.prior_lrt) {
        prior_lrt[i] = true;
    }
    let uncovered: Vec<usize> = pretreated
        .iter()
        .copied()
        .filter(|&i| !prior_lrt[i] && !prior_tki[i])
        .collect();
    let mut rest: Vec<usize> = pretreated
        .iter()
        .copied()
        .filter(|&i| prior_lrt[i] || prior_tki[i])
        .collect();
    rng.shuffle(&mut rest);
    for &i in uncovered.iter().chain(rest.iter()).take(c.prior_surgery) {
        prior_surgery[i] = true;
    }

    let mut trae_severe = vec![false; n];
    let mut with_trae: Vec<usize> = (0..n).filter(|&i| trae[i]).collect();
    rng.shuffle(&mut with_trae);
    for &i in with_trae.iter().take(c.trae_grade3_4) {
        trae_severe[i] = true;
    }

    (0..n)
        .map(|i| Baseline {
            age: age(rng, age60[i]),
            male: male[i],
            hbv: hbv[i],
            hbsag: hbsag[i],
            hcv: hcv[i],
            ecog: u8::from(ecog1[i]),
            child_pugh_b: child_b[i],
            bclc: bclc[i].unwrap_or(2) as u8,
            macrovascular_invasion: mvi[i],
            extrahepatic_spread: ehs[i],
            afp: afp[i].map(|level| marker(rng, level == 0, 5.0)),
            dcp: dcp[i].map(|level| marker(rng, level == 0, 4.7)),
            first_line: first_line[i],
            treatment_naive: naive[i],
            prior_surgery: prior_surgery[i],
            prior_lrt: prior_lrt[i],
            prior_tki: prior_tki[i],
            lrt: lrt[i],
            combination: combination[i]
                .and_then(|k| COMBINATIONS.get(k).copied())
                .unwrap_or(Combination::IciAlone),
            trae_any: trae[i],
            trae_grade3_4: trae_severe[i],
            best_response: bor[i],
        })
        .collect()
}

/// Pooled share of the three analysed groups.
fn pooled(f: impl Fn(&Table1Counts) -> usize) -> f64 {
    let groups = [&PRIMARY, &SECONDARY, &DURABLE];
    let total: usize = groups.iter().map(|g| g.n).sum();
    groups.iter().map(|g| f(g)).sum::<usize>() as f64 / total as f64
}

/// A baseline for an excluded patient, drawn with pooled frequencies and the
/// same clinical links. The best response is set by the caller.
pub(super) fn pooled_patient(rng: &mut SplitMix64) -> Baseline {
    let naive = rng.bernoulli(pooled(|c| c.treatment_naive));
    let first_line = naive || rng.bernoulli(0.7);
    let bclc = rng.weighted_index(&[
        pooled(|c| c.bclc[0]),
        pooled(|c| c.bclc[1]),
        pooled(|c| c.bclc[2]),
    ]) as u8;
    let (mvi, ehs) = if bclc == 2 {
        let mvi = rng.bernoulli(0.65);
        (mvi, !mvi || rng.bernoulli(0.3))
    } else {
        (false, false)
    };
    let hbv = rng.bernoulli(pooled(|c| c.hbv));
    let prior_tki = !first_line && rng.bernoulli(0.95);
    let prior_lrt = !naive && (!prior_tki || rng.bernoulli(0.4));
    let prior_surgery = !naive && (!prior_lrt && !prior_tki || rng.bernoulli(0.6));
    let trae_any = rng.bernoulli(pooled(|c| c.trae_any));
    let combination = COMBINATIONS
        .get(rng.weighted_index(&[
            pooled(|c| c.combination[0]),
            pooled(|c| c.combination[1]),
            pooled(|c| c.combination[2]),
            pooled(|c| c.combination[3]),
            pooled(|c| c.combination[4]),
        ]))
        .copied()
        .unwrap_or(Combination::IciAlone);
    let afp_missing = rng.bernoulli(0.02);
    let afp_high = rng.bernoulli(pooled(|c| c.afp[0]));
    let afp = if afp_missing {
        None
    } else {
        Some(marker(rng, afp_high, 5.0))
    };
    let dcp_missing = rng.bernoulli(0.03);
    let dcp_high = rng.bernoulli(pooled(|c| c.dcp[0]));
    let dcp = if dcp_missing {
        None
    } else {
        Some(marker(rng, dcp_high, 4.7))
    };
    let sixty = rng.bernoulli(pooled(|c| c.age_60_or_more));
    Baseline {
        age: age(rng, sixty),
        male: rng.bernoulli(pooled(|c| c.male)),
        hbv,
        hbsag: hbv && rng.bernoulli(0.95),
        hcv: rng.bernoulli(pooled(|c| c.hcv)),
        ecog: u8::from(rng.bernoulli(pooled(|c| c.ecog_1) + 0.05)),
        child_pugh_b: rng.bernoulli(pooled(|c| c.child_pugh_b) + 0.03),
        bclc,
        macrovascular_invasion: mvi,
        extrahepatic_spread: ehs,
        afp,
        dcp,
        first_line,
        treatment_naive: naive,
        prior_surgery,
        prior_lrt,
        prior_tki,
        lrt: rng.bernoulli(pooled(|c| c.lrt)),
        combination,
        trae_any,
        trae_grade3_4: trae_any && rng.bernoulli(0.22),
        best_response: None,
    }
}
