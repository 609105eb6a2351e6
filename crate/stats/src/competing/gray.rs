//! Gray's (1988) k-sample test of equal cumulative incidence of one cause,
//! as cmprsk 2.2's `cuminc` computes it (Fortran `crstm`/`crst`): the score
//! of the first k - 1 groups with weight (1 - F(t-))^rho and its variance,
//! summed over strata; the statistic s' V^-1 s is chi-square on k - 1 df.

use super::{order_by_time, validate, CompetingError};
use crate::distributions::chi_square_upper;
use crate::km::Grouping;
use crate::linalg::{Cholesky, SymMatrix};
use serde::Serialize;

/// Gray's test of one cause between the groups.
#[derive(Debug, Clone, Serialize)]
pub struct GrayTest {
    pub cause: usize,
    /// `None` when the variance matrix is singular (cmprsk reports -1).
    pub stat: Option<f64>,
    pub df: usize,
    pub p: Option<f64>,
    pub rho: f64,
}

/// Gray's test of `cause_of_interest` across `groups` (at least two labels
/// with patients), stratified by `strata` when given.
pub fn gray_test(
    time: &[f64],
    cause: &[usize],
    n_causes: usize,
    cause_of_interest: usize,
    groups: &Grouping,
    strata: Option<&[usize]>,
    rho: f64,
) -> Result<GrayTest, CompetingError> {
    validate(time, cause, n_causes, Some(groups))?;
    if cause_of_interest == 0 || cause_of_interest > n_causes {
        return Err(CompetingError::InvalidCauseOfInterest {
            cause: cause_of_interest,
            n_causes,
        });
    }
    if let Some(s) = strata {
        if s.len() != time.len() {
            return Err(CompetingError::LengthMismatch {
                column: "strata",
                expected: time.len(),
                found: s.len(),
            });
        }
    }
    // cmprsk drops groups without patients before coding them 1..ng.
    let mut present = vec![false; groups.labels.len()];
    for &c in groups.codes {
        present[c] = true;
    }
    let mut recode = vec![0usize; groups.labels.len()];
    let mut ng = 0;
    for (old, p) in present.iter().enumerate() {
        if *p {
            recode[old] = ng;
            ng += 1;
        }
    }
    let df = ng.saturating_sub(1);
    if ng < 2 {
        return Ok(GrayTest {
            cause: cause_of_interest,
            stat: None,
            df,
            p: None,
            rho,
        });
    }
    // m: 0 censored, 1 the cause of interest, 2 another cause.
    let m: Vec<u8> = cause
        .iter()
        .map(|&c| {
            if c == 0 {
                0
            } else if c == cause_of_interest {
                1
            } else {
                2
            }
        })
        .collect();
    let g: Vec<usize> = groups.codes.iter().map(|&c| recode[c]).collect();
    let n_strata = strata.map_or(1, |s| s.iter().copied().max().map_or(1, |x| x + 1));
    let ng1 = ng - 1;
    let mut s = vec![0.0; ng1];
    let mut v = SymMatrix::zeros(ng1);
    for stratum in 0..n_strata {
        let rows = (0..time.len()).filter(|&i| strata.is_none_or(|st| st[i] == stratum));
        let order = order_by_time(time, rows);
        if order.is_empty() {
            continue;
        }
        let (st, vt) = stratum_score(time, &m, &g, &order, ng, rho);
        for i in 0..ng1 {
            s[i] += st[i];
            for j in 0..=i {
                v.add(i, j, vt.get(i, j));
            }
        }
    }
    // cmprsk inverts by QR and reports -1 when V is not of full rank.
    let stat = Cholesky::new(&v, crate::linalg::CHOLESKY_TOLERANCE)
        .filter(|c| c.rank() == ng1)
        .map(|c| {
            let x = c.solve(&s);
            s.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>()
        });
    Ok(GrayTest {
        cause: cause_of_interest,
        stat,
        df,
        p: stat.map(|x| chi_square_upper(x, df as f64)),
        rho,
    })
}

/// cmprsk's `crst` for one stratum: the scores of groups 0..ng-1 and their
/// variance matrix.
fn stratum_score(
    time: &[f64],
    m: &[u8],
    g: &[usize],
    order: &[usize],
    ng: usize,
    rho: f64,
) -> (Vec<f64>, SymMatrix) {
    let ng1 = ng - 1;
    let n = order.len();
    let mut rs = vec![0usize; ng];
    for &i in order {
        rs[g[i]] += 1;
    }
    let mut s = vec![0.0; ng1];
    let mut v = vec![vec![0.0; ng1]; ng1];
    let mut f1m = vec![0.0; ng];
    let mut f1 = vec![0.0; ng];
    let mut skmm = vec![1.0; ng];
    let mut skm = vec![1.0; ng];
    let mut v3 = vec![0.0; ng];
    let mut v2 = vec![vec![0.0; ng]; ng1];
    let mut c = vec![vec![0.0; ng]; ng];
    let mut a = vec![vec![0.0; ng]; ng];
    let mut fm = 0.0_f64;
    let mut f;
    let mut ll = 0;
    while ll < n {
        let t = time[order[ll]];
        let mut lu = ll;
        while lu + 1 < n && time[order[lu + 1]] <= t {
            lu += 1;
        }
        let mut d = vec![[0usize; 3]; ng];
        for &i in &order[ll..=lu] {
            d[g[i]][m[i] as usize] += 1;
        }
        let nd1: usize = d.iter().map(|x| x[1]).sum();
        let nd2: usize = d.iter().map(|x| x[2]).sum();
        if nd1 > 0 || nd2 > 0 {
            let mut tr = 0.0;
            let mut tq = 0.0;
            for i in 0..ng {
                if rs[i] == 0 {
                    continue;
                }
                let r = rs[i] as f64;
                let td = (d[i][1] + d[i][2]) as f64;
                skm[i] = skmm[i] * (r - td) / r;
                f1[i] = f1m[i] + (skmm[i] * d[i][1] as f64) / r;
                tr += r / skmm[i];
                tq += r * (1.0 - f1m[i]) / skmm[i];
            }
            f = fm + nd1 as f64 / tr;
            let fb = (1.0 - fm).powf(rho);
            let nd1f = nd1 as f64;
            for i in 0..ng {
                for j in i..ng {
                    a[i][j] = 0.0;
                }
                if rs[i] == 0 {
                    continue;
                }
                let t1 = rs[i] as f64 / skmm[i];
                a[i][i] = fb * t1 * (1.0 - t1 / tr);
                if a[i][i] != 0.0 {
                    c[i][i] += a[i][i] * nd1f / (tr * (1.0 - fm));
                }
                for j in (i + 1)..ng {
                    if rs[j] == 0 {
                        continue;
                    }
                    a[i][j] = -fb * t1 * rs[j] as f64 / (skmm[j] * tr);
                    if a[i][j] != 0.0 {
                        c[i][j] += a[i][j] * nd1f / (tr * (1.0 - fm));
                    }
                }
            }
            for i in 1..ng {
                for j in 0..i {
                    a[i][j] = a[j][i];
                    c[i][j] = c[j][i];
                }
            }
            for i in 0..ng1 {
                if rs[i] == 0 {
                    continue;
                }
                s[i] +=
                    fb * (d[i][1] as f64 - nd1f * rs[i] as f64 * (1.0 - f1m[i]) / (skmm[i] * tq));
            }
            if nd1 > 0 {
                for k in 0..ng {
                    if rs[k] == 0 {
                        continue;
                    }
                    let t4 = if skm[k] > 0.0 {
                        1.0 - (1.0 - f) / skm[k]
                    } else {
                        1.0
                    };
                    let t5 = if nd1 > 1 {
                        1.0 - (nd1f - 1.0) / (tr * skmm[k] - 1.0)
                    } else {
                        1.0
                    };
                    let t3 = t5 * skmm[k] * nd1f / (tr * rs[k] as f64);
                    v3[k] += t4 * t4 * t3;
                    for i in 0..ng1 {
                        let t1 = a[i][k] - t4 * c[i][k];
                        v2[i][k] += t1 * t4 * t3;
                        for j in 0..=i {
                            let t2 = a[j][k] - t4 * c[j][k];
                            v[i][j] += t1 * t2 * t3;
                        }
                    }
                }
            }
            if nd2 > 0 {
                for k in 0..ng {
                    if skm[k] <= 0.0 || d[k][2] == 0 {
                        continue;
                    }
                    let t4 = (1.0 - f) / skm[k];
                    let d2 = d[k][2] as f64;
                    let t5 = if d[k][2] > 1 {
                        1.0 - (d2 - 1.0) / (rs[k] as f64 - 1.0)
                    } else {
                        1.0
                    };
                    let t6 = rs[k] as f64;
                    let t3 = t5 * ((skmm[k] * skmm[k]) * d2) / (t6 * t6);
                    v3[k] += t4 * t4 * t3;
                    for i in 0..ng1 {
                        let t1 = t4 * c[i][k];
                        v2[i][k] -= t1 * t4 * t3;
                        for j in 0..=i {
                            let t2 = t4 * c[j][k];
                            v[i][j] += t1 * t2 * t3;
                        }
                    }
                }
            }
        } else {
            f = fm;
        }
        if lu + 1 >= n {
            break;
        }
        for &i in &order[ll..=lu] {
            rs[g[i]] -= 1;
        }
        fm = f;
        f1m.clone_from(&f1);
        skmm.clone_from(&skm);
        ll = lu + 1;
    }
    let mut out = SymMatrix::zeros(ng1);
    for i in 0..ng1 {
        for j in 0..=i {
            let mut x = v[i][j];
            for k in 0..ng {
                x += c[i][k] * c[j][k] * v3[k];
                x += c[i][k] * v2[j][k];
                x += c[j][k] * v2[i][k];
            }
            out.set(i, j, x);
        }
    }
    (s, out)
}
