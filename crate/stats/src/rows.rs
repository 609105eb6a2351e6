//! The rows a survival analysis uses, in one pass over the table's columns.
//!
//! Choosing the rows is plain bookkeeping (is the time there and valid, is
//! the status an event, a censoring or neither, is the group there), but it
//! runs over every row of every request. It lives here, beside the kernels,
//! so that it is compiled at their optimisation level: in the analysis
//! layer, which is built for size, the per-row calls are not inlined and
//! the pass took longer than sorting the times. The analysis layer words
//! what this finds (column names, 1-based lines, values); this module only
//! names rows by their index.
//!
//! Deliberately not generic: a generic function is compiled in the crate
//! that calls it, at that crate's optimisation level.

/// How each row's status is read.
#[derive(Debug, Clone, Copy)]
pub enum StatusColumn<'a> {
    /// A numeric column: a value in `events` is an event, in `censors` a
    /// censoring; any other value is neither (an error).
    Numbers {
        values: &'a [Option<f64>],
        events: &'a [f64],
        censors: &'a [f64],
    },
    /// Codes into a list of levels, each an event (`Some(true)`), a
    /// censoring (`Some(false)`) or neither (`None`, an error).
    Codes {
        codes: &'a [Option<u32>],
        status: &'a [Option<bool>],
    },
}

/// The first row that makes the request impossible, in row order (and, in a
/// row, the time before the status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProblem {
    /// The time is infinite or NaN.
    TimeNotFinite(usize),
    /// The time is below zero.
    NegativeTime(usize),
    /// The status is neither an event nor a censoring value.
    UnknownStatus(usize),
}

/// Rows left out because a value is missing: how many, and the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub count: usize,
    /// The first `listed` rows left out (as given to [`survival_rows`]).
    pub first_rows: Vec<usize>,
}

impl LeftOut {
    fn add(&mut self, row: usize, listed: usize) {
        self.count += 1;
        if self.first_rows.len() < listed {
            self.first_rows.push(row);
        }
    }
}

/// The used rows' data, in row order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurvivalRows {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    /// Each used row's group code (empty without a group column).
    pub group: Vec<usize>,
    /// The table row of each used row.
    pub rows: Vec<usize>,
    /// Left out: time missing; status missing; group missing (checked in that order).
    pub missing_time: LeftOut,
    pub missing_status: LeftOut,
    pub missing_group: LeftOut,
    /// Numbers status only: whether each of `events`, then each of
    /// `censors`, was the status of at least one row looked at.
    pub status_value_seen: Vec<bool>,
}

/// Reads the rows `among` (all rows when `None`; any order, each a valid row
/// index or treated as missing everything) from the time column, the status
/// and the optional group codes. Missing values leave a row out (counted,
/// the first `listed` named); a present but impossible time or status stops
/// the pass with the row it was found in.
pub fn survival_rows(
    time: &[Option<f64>],
    status: StatusColumn<'_>,
    group: Option<&[Option<u32>]>,
    among: Option<&[usize]>,
    listed: usize,
) -> Result<SurvivalRows, RowProblem> {
    let n = among.map_or(time.len(), <[usize]>::len);
    let mut out = SurvivalRows {
        time: Vec::with_capacity(n),
        event: Vec::with_capacity(n),
        group: Vec::with_capacity(if group.is_some() { n } else { 0 }),
        rows: Vec::with_capacity(n),
        ..SurvivalRows::default()
    };
    if let StatusColumn::Numbers {
        events, censors, ..
    } = status
    {
        out.status_value_seen = vec![false; events.len() + censors.len()];
    }
    let mut visit = |row: usize| -> Result<(), RowProblem> {
        let t = time.get(row).copied().flatten();
        if let Some(t) = t {
            if !t.is_finite() {
                return Err(RowProblem::TimeNotFinite(row));
            }
            if t < 0.0 {
                return Err(RowProblem::NegativeTime(row));
            }
        }
        let e = match status {
            StatusColumn::Numbers {
                values,
                events,
                censors,
            } => match values.get(row).copied().flatten() {
                None => None,
                Some(x) => {
                    if let Some(i) = events.iter().position(|&v| v == x) {
                        if let Some(seen) = out.status_value_seen.get_mut(i) {
                            *seen = true;
                        }
                        Some(true)
                    } else if let Some(i) = censors.iter().position(|&v| v == x) {
                        if let Some(seen) = out.status_value_seen.get_mut(events.len() + i) {
                            *seen = true;
                        }
                        Some(false)
                    } else {
                        return Err(RowProblem::UnknownStatus(row));
                    }
                }
            },
            StatusColumn::Codes { codes, status } => match codes.get(row).copied().flatten() {
                None => None,
                Some(c) => Some(
                    status
                        .get(c as usize)
                        .copied()
                        .flatten()
                        .ok_or(RowProblem::UnknownStatus(row))?,
                ),
            },
        };
        let g = group.map(|codes| codes.get(row).copied().flatten());
        match (t, e, g) {
            (None, _, _) => out.missing_time.add(row, listed),
            (_, None, _) => out.missing_status.add(row, listed),
            (_, _, Some(None)) => out.missing_group.add(row, listed),
            (Some(t), Some(e), g) => {
                out.time.push(t);
                out.event.push(e);
                out.rows.push(row);
                if let Some(Some(code)) = g {
                    out.group.push(code as usize);
                }
            }
        }
        Ok(())
    };
    match among {
        Some(rows) => rows.iter().try_for_each(|&row| visit(row))?,
        None => (0..time.len()).try_for_each(&mut visit)?,
    }
    Ok(out)
}

/// The row of each distinct present value's first occurrence, in order of
/// first occurrence; `None` when there are more than `limit` (the pass stops
/// there). Values compare as numbers (0.0 and -0.0 are one value).
pub fn first_distinct(values: &[Option<f64>], limit: usize) -> Option<Vec<usize>> {
    let mut seen: Vec<(f64, usize)> = Vec::new();
    for (row, v) in values.iter().enumerate() {
        if let Some(x) = *v {
            if !seen.iter().any(|&(s, _)| s == x) {
                if seen.len() == limit {
                    return None;
                }
                seen.push((x, row));
            }
        }
    }
    Some(seen.into_iter().map(|(_, row)| row).collect())
}

/// Which of `n_levels` codes occur among the present `codes`.
pub fn codes_used(codes: &[Option<u32>], n_levels: usize) -> Vec<bool> {
    let mut used = vec![false; n_levels];
    for &c in codes.iter().flatten() {
        if let Some(u) = used.get_mut(c as usize) {
            *u = true;
        }
    }
    used
}

/// Rows of `rows` per code below `n_levels` (codes past it, missing codes
/// and rows past the end are not counted).
pub fn code_counts(codes: &[Option<u32>], rows: &[usize], n_levels: usize) -> Vec<usize> {
    let mut counts = vec![0usize; n_levels];
    for &r in rows {
        if let Some(c) = codes
            .get(r)
            .copied()
            .flatten()
            .and_then(|c| counts.get_mut(c as usize))
        {
            *c += 1;
        }
    }
    counts
}

/// 0/1 indicator columns over `rows`: `column_of[code]` is the column in
/// which a row of that code has its 1 (`None`: the reference, all 0).
pub fn indicators(
    codes: &[Option<u32>],
    rows: &[usize],
    column_of: &[Option<usize>],
    n_columns: usize,
) -> Vec<Vec<f64>> {
    let mut columns = vec![vec![0.0; rows.len()]; n_columns];
    for (i, &r) in rows.iter().enumerate() {
        let column = codes
            .get(r)
            .copied()
            .flatten()
            .and_then(|c| column_of.get(c as usize).copied().flatten());
        if let Some(x) = column
            .and_then(|j| columns.get_mut(j))
            .and_then(|col| col.get_mut(i))
        {
            *x = 1.0;
        }
    }
    columns
}

/// One pass over a number column: the first row whose value is not finite,
/// and how many rows have no value (a model's design asks both of every
/// covariate; with none missing, no row needs checking).
pub fn number_facts(values: &[Option<f64>]) -> (Option<usize>, usize) {
    let mut missing = 0;
    let mut all_finite = true;
    for v in values {
        missing += usize::from(v.is_none());
        all_finite &= v.is_none_or(|x| x.is_finite());
    }
    let not_finite = if all_finite {
        None
    } else {
        values
            .iter()
            .position(|v| v.is_some_and(|x| !x.is_finite()))
    };
    (not_finite, missing)
}

/// Whether every one of `rows` has a value in `values` (a row past the end
/// has none). The model design asks this per covariate over every row.
pub fn all_present(values: &[Option<f64>], rows: &[usize]) -> bool {
    rows.iter().all(|&r| matches!(values.get(r), Some(Some(_))))
}

/// As [`all_present`], for the codes of a categorical column.
pub fn all_coded(codes: &[Option<u32>], rows: &[usize]) -> bool {
    rows.iter().all(|&r| matches!(codes.get(r), Some(Some(_))))
}

/// The values at `rows`, NaN where there is none: a numeric design column.
pub fn values_at(values: &[Option<f64>], rows: &[usize]) -> Vec<f64> {
    rows.iter()
        .map(|&r| values.get(r).copied().flatten().unwrap_or(f64::NAN))
        .collect()
}

/// Rows and events among the first `events.len()` rows where column `one`
/// (when given) is 1 and every column of `zero` is 0: the patients and
/// events of one level of a categorical covariate's indicator columns (of
/// its reference level when `one` is `None`; of every row when `zero` is
/// empty too). Rows past the end of a shorter column are not counted. The
/// Cox report asks this once per level over every row; at the analysis
/// layer's size setting the per-row comparisons were not inlined.
pub fn indicator_counts(events: &[bool], zero: &[&[f64]], one: Option<&[f64]>) -> (u64, u64) {
    let n = zero
        .iter()
        .map(|c| c.len())
        .chain(one.map(<[f64]>::len))
        .fold(events.len(), usize::min);
    let events = &events[..n];
    let (mut rows, mut with_event) = (0u64, 0u64);
    match (zero, one) {
        ([], None) => {
            rows = n as u64;
            with_event = events.iter().filter(|&&e| e).count() as u64;
        }
        ([], Some(one)) => {
            for (&e, &x) in events.iter().zip(&one[..n]) {
                let k = u64::from(x == 1.0);
                rows += k;
                with_event += k & u64::from(e);
            }
        }
        (zero, one) => {
            // Column by column into a mask, then one count: branch-free
            // passes over contiguous memory, with no bounds checks.
            let mut keep: Vec<u8> = match one {
                Some(one) => one[..n].iter().map(|&x| u8::from(x == 1.0)).collect(),
                None => vec![1; n],
            };
            for column in zero {
                for (k, &x) in keep.iter_mut().zip(&column[..n]) {
                    *k &= u8::from(x == 0.0);
                }
            }
            for (&k, &e) in keep.iter().zip(events) {
                rows += u64::from(k);
                with_event += u64::from(k & u8::from(e));
            }
        }
    }
    (rows, with_event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_counted_and_made_indicators_over_the_rows() {
        let codes = [Some(0), Some(2), None, Some(1), Some(2), Some(7)];
        let rows = [0, 1, 2, 4, 5, 9];
        assert_eq!(code_counts(&codes, &rows, 3), [1, 0, 2]);
        // Level 0 the reference, 1 -> column 1, 2 -> column 0.
        let x = indicators(&codes, &rows, &[None, Some(1), Some(0)], 2);
        assert_eq!(x[0], [0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(x[1], [0.0; 6]);
    }

    #[test]
    fn number_facts_find_the_first_value_not_finite_and_count_the_missing() {
        assert_eq!(number_facts(&[Some(1.0), None, Some(2.0), None]), (None, 2));
        let v = [Some(1.0), None, Some(f64::INFINITY), Some(f64::NAN)];
        assert_eq!(number_facts(&v), (Some(2), 1));
        assert_eq!(number_facts(&[]), (None, 0));
    }

    #[test]
    fn values_at_rows_and_whether_all_are_there() {
        let v = [Some(1.0), None, Some(3.0)];
        assert!(all_present(&v, &[0, 2]));
        assert!(!all_present(&v, &[0, 1]));
        assert!(!all_present(&v, &[3]));
        assert!(all_coded(&[Some(0), Some(2)], &[1, 0]));
        assert!(!all_coded(&[Some(0), None], &[1]));
        let x = values_at(&v, &[2, 0, 1]);
        assert_eq!(&x[..2], &[3.0, 1.0]);
        assert!(x[2].is_nan());
    }

    #[test]
    fn indicator_counts_count_rows_and_events_of_a_level() {
        let events = [true, false, true, true, false];
        let a = [1.0, 0.0, 0.0, 1.0, 0.0];
        let b = [0.0, 1.0, 0.0, 0.0];
        assert_eq!(indicator_counts(&events, &[], None), (5, 3));
        assert_eq!(indicator_counts(&events, &[], Some(&a)), (2, 2));
        // Reference: all indicators 0; row 4 is past the end of `b`.
        assert_eq!(indicator_counts(&events, &[&a, &b], None), (1, 1));
        assert_eq!(indicator_counts(&events, &[&a], Some(&b)), (1, 0));
    }

    #[test]
    fn rows_are_chosen_counted_and_checked_in_order() {
        let time = [Some(1.0), None, Some(2.0), Some(3.0), Some(4.0), Some(0.0)];
        let values = [Some(1.0), Some(0.0), None, Some(0.0), Some(1.0), Some(0.0)];
        let group = [Some(0), Some(1), Some(1), None, Some(1), Some(0)];
        let status = StatusColumn::Numbers {
            values: &values,
            events: &[1.0],
            censors: &[0.0, 9.0],
        };
        let out = survival_rows(&time, status, Some(&group), None, 5).expect("valid rows");
        assert_eq!(out.time, [1.0, 4.0, 0.0]);
        assert_eq!(out.event, [true, true, false]);
        assert_eq!(out.group, [0, 1, 0]);
        assert_eq!(out.rows, [0, 4, 5]);
        assert_eq!(
            out.missing_time,
            LeftOut {
                count: 1,
                first_rows: vec![1]
            }
        );
        assert_eq!(
            out.missing_status,
            LeftOut {
                count: 1,
                first_rows: vec![2]
            }
        );
        assert_eq!(
            out.missing_group,
            LeftOut {
                count: 1,
                first_rows: vec![3]
            }
        );
        assert_eq!(out.status_value_seen, [true, true, false]);

        // Only the rows among, in their order; the listed rows capped.
        let out = survival_rows(&time, status, None, Some(&[5, 1, 0]), 0).expect("valid rows");
        assert_eq!(out.rows, [5, 0]);
        assert_eq!(
            out.missing_time,
            LeftOut {
                count: 1,
                first_rows: vec![]
            }
        );
        assert!(out.group.is_empty());
    }

    #[test]
    fn the_first_impossible_row_stops_the_pass_time_before_status() {
        let values = [Some(1.0), Some(2.0), Some(1.0)];
        let status = StatusColumn::Numbers {
            values: &values,
            events: &[1.0],
            censors: &[0.0],
        };
        let time = [Some(1.0), Some(-1.0), Some(f64::NAN)];
        assert_eq!(
            survival_rows(&time, status, None, None, 5),
            Err(RowProblem::NegativeTime(1))
        );
        let time = [Some(1.0), Some(1.0), Some(f64::INFINITY)];
        assert_eq!(
            survival_rows(&time, status, None, None, 5),
            Err(RowProblem::UnknownStatus(1))
        );
        assert_eq!(
            survival_rows(&time, status, None, Some(&[2, 1]), 5),
            Err(RowProblem::TimeNotFinite(2))
        );
        let codes = [Some(0), Some(2), None];
        let status = StatusColumn::Codes {
            codes: &codes,
            status: &[Some(true), Some(false), None],
        };
        assert_eq!(
            survival_rows(&[Some(1.0); 3], status, None, None, 5),
            Err(RowProblem::UnknownStatus(1))
        );
    }

    #[test]
    fn distinct_values_and_used_codes() {
        let values = [None, Some(1.0), Some(0.0), Some(1.0), Some(-0.0), Some(2.0)];
        assert_eq!(first_distinct(&values, 3), Some(vec![1, 2, 5]));
        assert_eq!(first_distinct(&values, 2), None);
        assert_eq!(first_distinct(&[None, None], 0), Some(vec![]));
        assert_eq!(
            codes_used(&[Some(2), None, Some(0), Some(7)], 4),
            [true, false, true, false]
        );
    }
}
