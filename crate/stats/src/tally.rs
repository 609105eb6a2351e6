//! Right-censored follow-up sorted once and tallied: per distinct time, the
//! deaths and censorings of each group. The Kaplan–Meier curves (and the
//! reverse Kaplan–Meier of follow-up), the log-rank family and the Cox model
//! of the grouping factor read nothing else from unweighted data, so one sort
//! serves them all and each of them is a pass over the distinct times.

use crate::km::{self, Grouping, KmError, Record};

/// One group's patients whose follow-up ends at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupTally {
    pub group: usize,
    pub events: usize,
    pub censored: usize,
}

/// The tallies of `time`/`event` by group (one group, 0, without a grouping).
#[derive(Debug, Clone)]
pub struct TimeTallies {
    /// Distinct times, ascending.
    times: Vec<f64>,
    /// `entries[bounds[k]..bounds[k + 1]]`: the groups with patients whose
    /// follow-up ends at `times[k]`.
    bounds: Vec<usize>,
    entries: Vec<GroupTally>,
    /// Patients per group.
    group_n: Vec<usize>,
    events: usize,
}

impl TimeTallies {
    /// Checks the data as [`km::fit`] does (times finite and >= 0, codes
    /// within the labels), sorts them once and tallies them.
    pub fn new(
        time: &[f64],
        event: &[bool],
        groups: Option<&Grouping>,
    ) -> Result<TimeTallies, KmError> {
        km::validate(time, event, groups)?;
        let codes = groups.map(|g| g.codes);
        let mut recs: Vec<Record> = time
            .iter()
            .zip(event)
            .enumerate()
            .map(|(i, (&t, &e))| {
                Record::new(t, codes.and_then(|c| c.get(i)).copied().unwrap_or(0), e)
            })
            .collect();
        km::sort_by_time(&mut recs);
        Ok(TimeTallies::from_sorted(
            &recs,
            groups.map_or(1, |g| g.labels.len()),
        ))
    }

    /// Tallies rows already sorted by time, with group codes below `n_groups`.
    pub(crate) fn from_sorted(recs: &[Record], n_groups: usize) -> TimeTallies {
        let mut tallies = TimeTallies {
            times: Vec::new(),
            bounds: vec![0],
            entries: Vec::new(),
            group_n: vec![0; n_groups],
            events: 0,
        };
        // Each time's entry of a group, found through `slot` (reset after
        // the time) so that the pass stays linear however many groups.
        const NONE: usize = usize::MAX;
        let mut slot = vec![NONE; n_groups];
        let mut i = 0;
        while let Some(first) = recs.get(i) {
            let key = first.key();
            let begin = tallies.entries.len();
            while let Some(r) = recs.get(i).filter(|r| r.key() == key) {
                let g = r.group();
                if slot[g] == NONE {
                    slot[g] = tallies.entries.len();
                    tallies.entries.push(GroupTally {
                        group: g,
                        events: 0,
                        censored: 0,
                    });
                }
                let entry = &mut tallies.entries[slot[g]];
                if r.event() {
                    entry.events += 1;
                } else {
                    entry.censored += 1;
                }
                i += 1;
            }
            for e in &tallies.entries[begin..] {
                slot[e.group] = NONE;
                tallies.group_n[e.group] += e.events + e.censored;
                tallies.events += e.events;
            }
            tallies.times.push(f64::from_bits(key));
            tallies.bounds.push(tallies.entries.len());
        }
        tallies
    }

    /// Number of distinct times.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The k-th distinct time (ascending) and the groups whose follow-up
    /// ends there.
    pub fn at(&self, k: usize) -> (f64, &[GroupTally]) {
        (
            self.times[k],
            &self.entries[self.bounds[k]..self.bounds[k + 1]],
        )
    }

    /// Distinct times in ascending order with their groups' tallies.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (f64, &[GroupTally])> + '_ {
        (0..self.len()).map(|k| self.at(k))
    }

    /// Patients per group.
    pub fn group_n(&self) -> &[usize] {
        &self.group_n
    }

    pub fn n_groups(&self) -> usize {
        self.group_n.len()
    }

    /// All patients.
    pub fn n(&self) -> usize {
        self.group_n.iter().sum()
    }

    /// All events.
    pub fn events(&self) -> usize {
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_count_each_groups_deaths_and_censorings_per_time() {
        let time = [3.0, 1.0, 3.0, 2.0, 3.0, 1.0, -0.0, 0.0];
        let event = [true, false, false, true, true, true, false, true];
        let codes = [0, 1, 1, 0, 0, 2, 1, 1];
        let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let t = TimeTallies::new(
            &time,
            &event,
            Some(&Grouping {
                codes: &codes,
                labels: &labels,
            }),
        )
        .unwrap();
        assert_eq!(t.len(), 4, "-0 and +0 are one time");
        assert_eq!(t.group_n(), &[3, 4, 1]);
        assert_eq!(t.n(), 8);
        assert_eq!(t.events(), 5);
        let by_time: Vec<(f64, Vec<GroupTally>)> = t
            .iter()
            .map(|(time, groups)| {
                let mut g = groups.to_vec();
                g.sort_by_key(|e| e.group);
                (time, g)
            })
            .collect();
        let tally = |group, events, censored| GroupTally {
            group,
            events,
            censored,
        };
        assert_eq!(by_time[0], (0.0, vec![tally(1, 1, 1)]));
        assert_eq!(by_time[1], (1.0, vec![tally(1, 0, 1), tally(2, 1, 0)]));
        assert_eq!(by_time[2], (2.0, vec![tally(0, 1, 0)]));
        assert_eq!(by_time[3], (3.0, vec![tally(0, 2, 0), tally(1, 0, 1)]));
    }

    #[test]
    fn bad_times_and_codes_are_refused_as_km_refuses_them() {
        assert!(matches!(
            TimeTallies::new(&[1.0, f64::NAN], &[true, false], None),
            Err(KmError::InvalidTime { row: 2, .. })
        ));
        let labels = vec!["a".to_string()];
        let grouping = Grouping {
            codes: &[0, 1],
            labels: &labels,
        };
        assert!(matches!(
            TimeTallies::new(&[1.0, 2.0], &[true, false], Some(&grouping)),
            Err(KmError::InvalidGroup { row: 2, .. })
        ));
    }
}
