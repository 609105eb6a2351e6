//! Counting-process rows for time-varying covariates: splitting follow-up at
//! fixed cut points (R's `survSplit`) and at a per-patient switch time (a
//! status such as resistance that turns on at a date, as `tmerge(tdc())`).
//! Fitting `coxph` on the rows with (start, stop] times gives the
//! time-varying model without immortal-time bias.

use serde::Serialize;
use std::fmt;

/// Rows of (start, stop] episodes, each pointing at its source row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountingProcessRows {
    /// Source row (0-based) of each episode.
    pub row: Vec<usize>,
    pub start: Vec<f64>,
    pub stop: Vec<f64>,
    /// The event stays on the last episode only.
    pub event: Vec<bool>,
    /// 1-based interval index, R's `episode`: 1 + number of cuts at or
    /// before the episode start.
    pub episode: Vec<usize>,
}

/// Rows before and after a per-patient switch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchRows {
    pub row: Vec<usize>,
    pub start: Vec<f64>,
    pub stop: Vec<f64>,
    pub event: Vec<bool>,
    /// The time-varying status on the episode: `false` before the switch,
    /// `true` after it (use as a 0/1 covariate).
    pub switched: Vec<bool>,
}

/// Why follow-up could not be split.
#[derive(Debug, Clone, PartialEq)]
pub enum SplitError {
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// Times must be finite and positive (survSplit needs follow-up > 0).
    InvalidTime {
        row: usize,
        value: f64,
    },
    StartNotBeforeStop {
        row: usize,
        start: f64,
        stop: f64,
    },
    InvalidCut {
        value: f64,
    },
    InvalidSwitchTime {
        row: usize,
        value: f64,
    },
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(
                f,
                "The {what} has {found} values but the follow-up has {expected} rows."
            ),
            SplitError::InvalidTime { row, value } => write!(
                f,
                "Row {row} has follow-up time {value}; splitting needs finite times greater than 0."
            ),
            SplitError::StartNotBeforeStop { row, start, stop } => write!(
                f,
                "Row {row} starts at {start} but stops at {stop}; start must be before stop."
            ),
            SplitError::InvalidCut { value } => {
                write!(f, "The cut point {value} is not a finite number.")
            }
            SplitError::InvalidSwitchTime { row, value } => write!(
                f,
                "Row {row} has switch time {value}; leave it empty if the status never switches."
            ),
        }
    }
}

impl std::error::Error for SplitError {}

fn check_rows(start: Option<&[f64]>, stop: &[f64], event: &[bool]) -> Result<(), SplitError> {
    let n = stop.len();
    if event.len() != n {
        return Err(SplitError::LengthMismatch {
            what: "event column",
            expected: n,
            found: event.len(),
        });
    }
    match start {
        Some(s) => {
            if s.len() != n {
                return Err(SplitError::LengthMismatch {
                    what: "start column",
                    expected: n,
                    found: s.len(),
                });
            }
            for (i, (&a, &b)) in s.iter().zip(stop).enumerate() {
                if !a.is_finite() {
                    return Err(SplitError::InvalidTime {
                        row: i + 1,
                        value: a,
                    });
                }
                if !b.is_finite() {
                    return Err(SplitError::InvalidTime {
                        row: i + 1,
                        value: b,
                    });
                }
                if a >= b {
                    return Err(SplitError::StartNotBeforeStop {
                        row: i + 1,
                        start: a,
                        stop: b,
                    });
                }
            }
        }
        None => {
            if let Some(i) = stop.iter().position(|t| !(t.is_finite() && *t > 0.0)) {
                return Err(SplitError::InvalidTime {
                    row: i + 1,
                    value: stop[i],
                });
            }
        }
    }
    Ok(())
}

/// Splits each row's follow-up at the cut points (R: `survSplit(...,
/// cut = cuts, episode = "episode")`). Right-censored rows (`start` = `None`)
/// start at 0. Cuts at or outside a row's interval leave it whole.
pub fn split_at_cuts(
    start: Option<&[f64]>,
    stop: &[f64],
    event: &[bool],
    cuts: &[f64],
) -> Result<CountingProcessRows, SplitError> {
    check_rows(start, stop, event)?;
    if let Some(&c) = cuts.iter().find(|c| !c.is_finite()) {
        return Err(SplitError::InvalidCut { value: c });
    }
    let mut cuts = cuts.to_vec();
    crate::sort::floats(&mut cuts);
    cuts.dedup();
    let mut out = CountingProcessRows {
        row: vec![],
        start: vec![],
        stop: vec![],
        event: vec![],
        episode: vec![],
    };
    for (i, (&t1, &e)) in stop.iter().zip(event).enumerate() {
        let t0 = start.map_or(0.0, |s| s[i]);
        let mut j = cuts.partition_point(|&c| c <= t0);
        let mut from = t0;
        while j < cuts.len() && cuts[j] < t1 {
            out.row.push(i);
            out.start.push(from);
            out.stop.push(cuts[j]);
            out.event.push(false);
            out.episode.push(j + 1);
            from = cuts[j];
            j += 1;
        }
        out.row.push(i);
        out.start.push(from);
        out.stop.push(t1);
        out.event.push(e);
        out.episode.push(j + 1);
    }
    Ok(out)
}

/// Splits follow-up from 0 to `stop` at each patient's switch time: the
/// status is off on (0, s] and on on (s, stop]. `None`, or a switch at or
/// after `stop`, keeps the status off throughout (a change at the event time
/// itself takes effect only afterwards, as in `tmerge`); a switch at or before
/// 0 turns it on from the start.
pub fn split_at_switch(
    stop: &[f64],
    event: &[bool],
    switch_time: &[Option<f64>],
) -> Result<SwitchRows, SplitError> {
    check_rows(None, stop, event)?;
    if switch_time.len() != stop.len() {
        return Err(SplitError::LengthMismatch {
            what: "switch-time column",
            expected: stop.len(),
            found: switch_time.len(),
        });
    }
    let mut out = SwitchRows {
        row: vec![],
        start: vec![],
        stop: vec![],
        event: vec![],
        switched: vec![],
    };
    for (i, ((&t, &e), s)) in stop.iter().zip(event).zip(switch_time).enumerate() {
        match *s {
            Some(s) if !s.is_finite() => {
                return Err(SplitError::InvalidSwitchTime {
                    row: i + 1,
                    value: s,
                })
            }
            Some(s) if s > 0.0 && s < t => {
                out.row.extend([i, i]);
                out.start.extend([0.0, s]);
                out.stop.extend([s, t]);
                out.event.extend([false, e]);
                out.switched.extend([false, true]);
            }
            other => {
                out.row.push(i);
                out.start.push(0.0);
                out.stop.push(t);
                out.event.push(e);
                out.switched.push(matches!(other, Some(s) if s <= 0.0));
            }
        }
    }
    Ok(out)
}
