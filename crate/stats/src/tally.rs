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
        let n_groups = groups.map_or(1, |g| g.labels.len());
        if let Some(tallies) = Self::by_hashing(time, event, codes, n_groups) {
            return Ok(tallies);
        }
        let mut recs: Vec<Record> = time
            .iter()
            .zip(event)
            .enumerate()
            .map(|(i, (&t, &e))| {
                Record::new(t, codes.and_then(|c| c.get(i)).copied().unwrap_or(0), e)
            })
            .collect();
        km::sort_by_time(&mut recs);
        Ok(TimeTallies::from_sorted(&recs, n_groups))
    }

    /// Tallies by counting each row into a hash table of the distinct
    /// times, then sorting only those: follow-up recorded in days or to a
    /// hundredth of a month has far fewer distinct times than patients, and
    /// sorting every row was the largest part of a Kaplan–Meier request.
    /// `None` (nothing kept) when the data are small or more than one time in
    /// 16 is distinct: sorting the rows is then as quick. The entries of a
    /// time come in group order (in any order from the sort; no reader
    /// depends on it).
    fn by_hashing(
        time: &[f64],
        event: &[bool],
        codes: Option<&[usize]>,
        n_groups: usize,
    ) -> Option<TimeTallies> {
        const EMPTY: u32 = u32::MAX;
        let n = time.len();
        if n < 4096 || u32::try_from(n).is_err() {
            return None;
        }
        let limit = n / 16;
        let width = 2 * n_groups;
        // Open addressing, linear probing, at most half full: slot -> index
        // of the time in `keys`; `counts[k * width + 2 * g]` the deaths and
        // `+ 1` the censorings of group g at time k.
        let mut bits = 12u32;
        let mut table = vec![EMPTY; 1 << bits];
        let mut keys: Vec<u64> = Vec::new();
        let mut counts: Vec<u32> = Vec::new();
        let home =
            |key: u64, bits: u32| (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize;
        for (i, (&t, &e)) in time.iter().zip(event).enumerate() {
            let key = km::time_key(t);
            let mask = (1usize << bits) - 1;
            let mut h = home(key, bits);
            let k = loop {
                let k = table[h];
                if k == EMPTY {
                    if keys.len() == limit {
                        return None;
                    }
                    table[h] = keys.len() as u32;
                    keys.push(key);
                    counts.resize(counts.len() + width, 0);
                    break keys.len() - 1;
                }
                if keys[k as usize] == key {
                    break k as usize;
                }
                h = (h + 1) & mask;
            };
            if keys.len() * 2 > table.len() {
                bits += 1;
                table = vec![EMPTY; 1 << bits];
                let mask = (1usize << bits) - 1;
                for (j, &key) in keys.iter().enumerate() {
                    let mut h = home(key, bits);
                    while table[h] != EMPTY {
                        h = (h + 1) & mask;
                    }
                    table[h] = j as u32;
                }
            }
            let g = codes.map_or(0, |c| c[i]);
            counts[k * width + 2 * g + usize::from(!e)] += 1;
        }
        // The distinct times sorted as rows are (the same compiled sort; a
        // second one would add kilobytes to the wasm), each carrying its index.
        let mut order: Vec<Record> = keys
            .iter()
            .enumerate()
            .map(|(k, &key)| Record::new(f64::from_bits(key), k, false))
            .collect();
        km::sort_by_time(&mut order);
        let mut tallies = TimeTallies {
            times: Vec::with_capacity(keys.len()),
            bounds: Vec::with_capacity(keys.len() + 1),
            entries: Vec::new(),
            group_n: vec![0; n_groups],
            events: 0,
        };
        tallies.bounds.push(0);
        for record in &order {
            let k = record.group();
            let row = &counts[k * width..(k + 1) * width];
            for (group, pair) in row.chunks_exact(2).enumerate() {
                let (events, censored) = (pair[0] as usize, pair[1] as usize);
                if events + censored > 0 {
                    tallies.entries.push(GroupTally {
                        group,
                        events,
                        censored,
                    });
                    tallies.group_n[group] += events + censored;
                    tallies.events += events;
                }
            }
            tallies.times.push(f64::from_bits(keys[k]));
            tallies.bounds.push(tallies.entries.len());
        }
        Some(tallies)
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

    /// Per time, the groups' tallies in group order.
    fn canonical(t: &TimeTallies) -> Vec<(u64, Vec<GroupTally>)> {
        t.iter()
            .map(|(time, groups)| {
                let mut g = groups.to_vec();
                g.sort_by_key(|e| e.group);
                (time.to_bits(), g)
            })
            .collect()
    }

    #[test]
    fn hashed_tallies_equal_the_sorted_ones_and_give_way_to_sorting_when_times_are_many() {
        // A small LCG: times on a grid of hundredths (ties), -0 among them,
        // three groups, deaths and censorings.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        for (n, grid) in [(5000usize, 300u64), (20000, 1200), (4096, 2)] {
            let time: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 97 == 0 {
                        -0.0
                    } else {
                        (next() % grid) as f64 / 100.0
                    }
                })
                .collect();
            let event: Vec<bool> = (0..n).map(|_| next() % 3 != 0).collect();
            let codes: Vec<usize> = (0..n).map(|_| (next() % 3) as usize).collect();
            let hashed = TimeTallies::by_hashing(&time, &event, Some(&codes), 3)
                .expect("few distinct times");
            let mut recs: Vec<Record> = time
                .iter()
                .zip(&event)
                .zip(&codes)
                .map(|((&t, &e), &g)| Record::new(t, g, e))
                .collect();
            km::sort_by_time(&mut recs);
            let sorted = TimeTallies::from_sorted(&recs, 3);
            assert_eq!(canonical(&hashed), canonical(&sorted), "n = {n}");
            assert_eq!(hashed.group_n(), sorted.group_n());
            assert_eq!(hashed.events(), sorted.events());
            // Without groups too.
            let hashed =
                TimeTallies::by_hashing(&time, &event, None, 1).expect("few distinct times");
            let recs: Vec<Record> = recs
                .iter()
                .map(|r| Record::new(f64::from_bits(r.key()), 0, r.event()))
                .collect();
            assert_eq!(
                canonical(&hashed),
                canonical(&TimeTallies::from_sorted(&recs, 1))
            );
        }
        // Mostly distinct times, or too few rows: the rows are sorted instead.
        let time: Vec<f64> = (0..8192).map(|i| i as f64 / 7.0).collect();
        let event = vec![true; 8192];
        assert!(TimeTallies::by_hashing(&time, &event, None, 1).is_none());
        assert!(TimeTallies::by_hashing(&time[..100], &event[..100], None, 1).is_none());
    }

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
