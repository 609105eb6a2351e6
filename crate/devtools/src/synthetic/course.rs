//! Dates of one synthetic patient's course, built for a target category so
//! that the default SITC classification puts the patient there unambiguously:
//! every date that a threshold tests is kept at least a week (usually weeks)
//! away from it.
//!
//! Time scales (days): primary-resistance progression ~ log-normal around 80
//! days for BOR PD (first scan), 95-170 days after SD/PR; secondary
//! resistance 200 days + exponential (median TTP ~ 363 days = 11.9 months);
//! post-progression survival exponential with covariate multipliers (ICI-based
//! therapy after progression, AFP, ECOG, ...; the directions of the paper's
//! Figs. 4-5) around medians of 9.2 and 19.2 months; durable responders die
//! rarely. Follow-up ends at the data cutoff (minus a last-visit gap) or
//! earlier for a few patients lost to follow-up.

use super::covariates::Baseline;
use super::prng::SplitMix64;
use super::{DesignGroup, PostProgressionTherapy};
use survcalc_analysis::dates::Date;
use survcalc_analysis::resistance::BestResponse;

/// Data cutoff of the model paper (October 2022).
pub(super) const DATA_CUTOFF: (i32, u32, u32) = (2022, 10, 31);
/// Enrolment window of the model paper (September 2016 to December 2021).
const FIRST_START: (i32, u32, u32) = (2016, 9, 1);
const LAST_START: (i32, u32, u32) = (2021, 12, 31);
/// Share of ICI starts per calendar year 2016..=2021 (ICI use in HCC grew
/// quickly after 2018).
const YEAR_WEIGHTS: [f64; 6] = [0.01, 0.03, 0.07, 0.15, 0.28, 0.46];
/// Probability that a patient is lost to follow-up before the cutoff.
const LOST_TO_FOLLOW_UP: f64 = 0.06;

/// Medians (days) of post-progression survival before covariate effects.
const PPS_BASE_PRIMARY: f64 = 370.0;
const PPS_BASE_SECONDARY: f64 = 560.0;
/// Median (days) of secondary-resistance TTP beyond its 200-day minimum.
const SECONDARY_TTP_EXCESS_MEDIAN: f64 = 330.0;
/// Median (days) of survival of durable responders beyond 200 days.
const DURABLE_SURVIVAL_MEDIAN: f64 = 5500.0;

fn ymd(t: (i32, u32, u32)) -> Date {
    // The constants above are valid dates; the fallback is never used.
    Date::from_ymd(t.0, t.1, t.2).unwrap_or(Date::from_days_since_epoch(0))
}

pub(super) fn data_cutoff() -> Date {
    ymd(DATA_CUTOFF)
}

/// The dates and outcome fields of one patient.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Course {
    pub start: Date,
    pub first_evaluation: Option<Date>,
    pub best_response: Option<BestResponse>,
    pub progression: Option<Date>,
    pub confirmation: Option<Date>,
    pub rapid_deterioration: Option<bool>,
    pub stop: Option<Date>,
    pub last_assessment: Option<Date>,
    pub death: Option<Date>,
    pub last_contact: Date,
    pub post_progression: Option<PostProgressionTherapy>,
}

/// Offsets in days from the start, before the start date is chosen.
#[derive(Default)]
struct Offsets {
    first_evaluation: Option<i32>,
    progression: Option<i32>,
    confirmation: Option<i32>,
    rapid_deterioration: Option<bool>,
    stop: Option<i32>,
    last_assessment: Option<i32>,
    death: Option<i32>,
    last_contact: i32,
    post_progression: Option<PostProgressionTherapy>,
}

/// An ICI start date no later than `latest`, with the yearly weights.
fn draw_start(rng: &mut SplitMix64, latest: Date) -> Date {
    let first = ymd(FIRST_START);
    let latest = latest.min(ymd(LAST_START));
    if latest <= first {
        return first;
    }
    for _ in 0..200 {
        let year = 2016 + rng.weighted_index(&YEAR_WEIGHTS) as i32;
        let from = ymd((year, 1, 1)).max(first);
        let to = ymd((year, 12, 31));
        let day = from.add_days(rng.int_between(0, from.days_until(to)));
        if day <= latest {
            return day;
        }
    }
    first.add_days(rng.int_between(0, first.days_until(latest)))
}

/// Day (from start) of the last contact of a patient alive at the end: the
/// last visit before the cutoff, or earlier if lost to follow-up; never
/// before `min_days`.
fn censoring_day(rng: &mut SplitMix64, start: Date, min_days: i32) -> i32 {
    let horizon = start.days_until(data_cutoff());
    let last_visit = (horizon - rng.int_between(0, 30)).max(min_days);
    if rng.bernoulli(LOST_TO_FOLLOW_UP) {
        rng.int_between(min_days, last_visit)
    } else {
        last_visit
    }
}

fn draw_post_progression(rng: &mut SplitMix64, shares: [f64; 3]) -> Option<PostProgressionTherapy> {
    if rng.bernoulli(0.02) {
        return None;
    }
    Some(match rng.weighted_index(&shares) {
        0 => PostProgressionTherapy::IciBased,
        1 => PostProgressionTherapy::Other,
        _ => PostProgressionTherapy::NoTherapy,
    })
}

fn afp_high(b: &Baseline) -> bool {
    b.afp.is_some_and(|v| v >= 400.0)
}

/// Hazard multiplier of post-progression death.
fn pps_multiplier(
    group: DesignGroup,
    b: &Baseline,
    therapy: Option<PostProgressionTherapy>,
) -> f64 {
    let mut m = match therapy {
        Some(PostProgressionTherapy::IciBased) => {
            if group == DesignGroup::SecondaryResistance {
                0.4
            } else {
                0.55
            }
        }
        Some(PostProgressionTherapy::NoTherapy) => 1.6,
        _ => 1.0,
    };
    let factor = |flag: bool, hr: f64| if flag { hr } else { 1.0 };
    if group == DesignGroup::SecondaryResistance {
        m *= factor(b.macrovascular_invasion, 1.7);
        m *= factor(b.treatment_naive, 1.7);
        m *= factor(afp_high(b), 1.15);
    } else {
        m *= factor(afp_high(b), 1.55);
        m *= factor(b.ecog == 1, 1.35);
        m *= factor(b.extrahepatic_spread, 1.3);
        m *= factor(b.child_pugh_b, 1.5);
        m *= factor(b.trae_any, 0.7);
    }
    m
}

/// Progression, then death or censoring, for the resistance groups.
fn progressor(
    rng: &mut SplitMix64,
    group: DesignGroup,
    b: &Baseline,
    bor: BestResponse,
) -> (Date, Offsets) {
    let secondary = group == DesignGroup::SecondaryResistance;
    // The start is drawn first and the progression must fall before the
    // cutoff: drawing the start given a long TTP instead would tie follow-up
    // to survival (dependent censoring) and inflate the OS medians.
    let cutoff = data_cutoff();
    let start = draw_start(rng, cutoff.add_days(-(if secondary { 230 } else { 205 })));
    let horizon = start.days_until(cutoff);
    let first_scan = rng.int_between(42, 70);
    let (first_evaluation, progression) = if secondary {
        let mut ttp = 200;
        for _ in 0..1000 {
            let draw = (200.0 + rng.exponential_median(SECONDARY_TTP_EXCESS_MEDIAN))
                .round()
                .min(3000.0) as i32;
            if draw + 30 <= horizon {
                ttp = draw;
                break;
            }
        }
        (first_scan, ttp)
    } else {
        match bor {
            BestResponse::Pd => {
                let ttp = rng.lognormal(80.0, 0.3).round().clamp(49.0, 175.0) as i32;
                (ttp, ttp)
            }
            BestResponse::Sd => (first_scan, rng.int_between(95, 170)),
            _ => (first_scan, rng.int_between(110, 170)),
        }
    };
    let therapy = draw_post_progression(
        rng,
        if secondary {
            [0.5, 0.42, 0.08]
        } else {
            [0.45, 0.43, 0.12]
        },
    );
    let base = if secondary {
        PPS_BASE_SECONDARY
    } else {
        PPS_BASE_PRIMARY
    };
    let pps = rng.exponential_median(base / pps_multiplier(group, b, therapy));
    let death_day = progression + (pps.round().min(20_000.0) as i32).max(7);
    let censor = censoring_day(rng, start, progression + 30);
    let died = death_day <= censor;
    let end = if died { death_day } else { censor };

    // A few stop ICI shortly before progression (inside the 12-week window).
    let stop_before = if secondary {
        progression >= 290 && rng.bernoulli(0.06)
    } else {
        progression >= 110 && rng.bernoulli(0.12)
    };
    let stop = if stop_before {
        let gap_max = if secondary {
            70
        } else {
            56.min(progression - 56)
        };
        Some(progression - rng.int_between(14, gap_max))
    } else {
        let s = match therapy {
            Some(PostProgressionTherapy::IciBased) => progression + rng.int_between(60, 400),
            _ => progression + rng.int_between(0, 28),
        };
        (s < end).then_some(s)
    };

    let (confirmation, rapid) = if end - progression >= 28 && rng.bernoulli(0.8) {
        (
            Some(progression + rng.int_between(28, 56.min(end - progression))),
            Some(false),
        )
    } else {
        (None, Some(died && death_day - progression <= 60))
    };
    let last_assessment = if rng.bernoulli(0.03) {
        None
    } else {
        Some(confirmation.unwrap_or(progression))
    };
    (
        start,
        Offsets {
            first_evaluation: Some(first_evaluation),
            progression: Some(progression),
            confirmation,
            rapid_deterioration: rapid,
            stop,
            last_assessment,
            death: died.then_some(death_day),
            last_contact: end,
            post_progression: therapy,
        },
    )
}

/// Scans every 8-12 weeks from the first evaluation up to a week before the
/// end of follow-up: the last one.
fn last_scan(rng: &mut SplitMix64, first: i32, end: i32) -> i32 {
    let mut last = first;
    loop {
        let next = last + rng.int_between(56, 84);
        if next > end - 7 {
            return last;
        }
        last = next;
    }
}

fn durable(rng: &mut SplitMix64) -> (Date, Offsets) {
    let first_evaluation = rng.int_between(42, 70);
    let death_day = 200
        + (rng
            .exponential_median(DURABLE_SURVIVAL_MEDIAN)
            .round()
            .min(20_000.0) as i32);
    let start = draw_start(rng, data_cutoff().add_days(-230));
    let censor = censoring_day(rng, start, 230);
    let died = death_day <= censor;
    let end = if died { death_day } else { censor };
    let scan = last_scan(rng, first_evaluation, end);
    let last_assessment = if rng.bernoulli(0.03) {
        None
    } else {
        Some(scan)
    };
    (
        start,
        Offsets {
            first_evaluation: Some(first_evaluation),
            last_assessment,
            death: died.then_some(death_day),
            last_contact: end,
            ..Offsets::default()
        },
    )
}

/// Excluded: no evaluable response; many deteriorate and die early.
fn unevaluable(rng: &mut SplitMix64, bor: Option<BestResponse>) -> (Date, Offsets) {
    let first_evaluation = bor.map(|_| rng.int_between(42, 90));
    let progression = rng.bernoulli(0.35).then(|| rng.int_between(30, 120));
    let known = first_evaluation.unwrap_or(0).max(progression.unwrap_or(0));
    let death_day = (20.0 + rng.lognormal(150.0, 0.7)).round().min(20_000.0) as i32;
    let death_day = death_day.max(known + 7);
    let start = draw_start(rng, data_cutoff().add_days(-(known + 30)));
    let censor = censoring_day(rng, start, known + 30);
    let died = death_day <= censor;
    let end = if died { death_day } else { censor };
    let stop = Some(rng.int_between(21, 100)).filter(|s| *s < end);
    let post_progression = progression.and_then(|_| draw_post_progression(rng, [0.3, 0.4, 0.3]));
    (
        start,
        Offsets {
            first_evaluation,
            progression,
            rapid_deterioration: progression.map(|_| rng.bernoulli(0.3)),
            stop,
            last_assessment: first_evaluation,
            death: died.then_some(death_day),
            last_contact: end,
            post_progression,
            ..Offsets::default()
        },
    )
}

/// Excluded: first evaluation 200-280 days after start (> 6 months).
fn late_first_evaluation(rng: &mut SplitMix64, bor: BestResponse) -> (Date, Offsets) {
    let first_evaluation = rng.int_between(200, 280);
    let progression = match bor {
        BestResponse::Pd => Some(first_evaluation),
        _ => rng
            .bernoulli(0.5)
            .then(|| first_evaluation + rng.int_between(60, 200)),
    };
    let known = progression.unwrap_or(first_evaluation);
    let death_day = match progression {
        Some(p) => p + (rng.exponential_median(330.0).round().min(20_000.0) as i32).max(7),
        None => known + 7 + (rng.exponential_median(2500.0).round().min(20_000.0) as i32),
    };
    let start = draw_start(rng, data_cutoff().add_days(-(known + 30)));
    let censor = censoring_day(rng, start, known + 30);
    let died = death_day <= censor;
    let end = if died { death_day } else { censor };
    let stop = progression
        .map(|p| p + rng.int_between(0, 28))
        .filter(|s| *s < end);
    let last_assessment = match progression {
        Some(p) => p,
        None => last_scan(rng, first_evaluation, end),
    };
    let post_progression = progression.and_then(|_| draw_post_progression(rng, [0.45, 0.45, 0.1]));
    (
        start,
        Offsets {
            first_evaluation: Some(first_evaluation),
            progression,
            rapid_deterioration: progression.map(|_| false),
            stop,
            last_assessment: Some(last_assessment),
            death: died.then_some(death_day),
            last_contact: end,
            post_progression,
            ..Offsets::default()
        },
    )
}

/// Excluded: no progression, follow-up ends 80-165 days after start (death
/// or lost to follow-up).
fn short_follow_up(rng: &mut SplitMix64) -> (Date, Offsets) {
    let first_evaluation = rng.int_between(42, 70);
    let end = rng.int_between(80, 165);
    let died = rng.bernoulli(0.7);
    let start = draw_start(rng, data_cutoff().add_days(-200));
    let stop = rng
        .bernoulli(0.5)
        .then(|| rng.int_between(first_evaluation, end - 7));
    (
        start,
        Offsets {
            first_evaluation: Some(first_evaluation),
            stop,
            last_assessment: Some(first_evaluation),
            death: died.then_some(end),
            last_contact: end,
            ..Offsets::default()
        },
    )
}

/// Excluded: ICI stopped 4-11 months after start without progression; a third
/// progress later, but more than 16 weeks after the stop (outside the 12-week
/// window).
fn discontinued(rng: &mut SplitMix64) -> (Date, Offsets) {
    let first_evaluation = rng.int_between(42, 70);
    let stop = rng.int_between(120, 330);
    let progression = rng
        .bernoulli(1.0 / 3.0)
        .then(|| stop + rng.int_between(112, 250));
    let min_follow_up = (progression.unwrap_or(stop) + 30).max(230);
    let death_day = match progression {
        Some(p) => p + (rng.exponential_median(500.0).round().min(20_000.0) as i32).max(7),
        None => stop + (rng.exponential_median(3000.0).round().min(20_000.0) as i32),
    };
    let death_day = death_day.max(min_follow_up);
    let start = draw_start(rng, data_cutoff().add_days(-min_follow_up));
    let censor = censoring_day(rng, start, min_follow_up);
    let died = death_day <= censor;
    let end = if died { death_day } else { censor };
    let last_assessment = match progression {
        Some(p) => p,
        None => last_scan(rng, first_evaluation, end),
    };
    let post_progression = progression.and_then(|_| draw_post_progression(rng, [0.5, 0.4, 0.1]));
    (
        start,
        Offsets {
            first_evaluation: Some(first_evaluation),
            progression,
            rapid_deterioration: progression.map(|_| false),
            stop: Some(stop),
            last_assessment: Some(last_assessment),
            death: died.then_some(death_day),
            last_contact: end,
            post_progression,
            ..Offsets::default()
        },
    )
}

/// The course of one patient of the given design group and best response.
pub(super) fn build(
    rng: &mut SplitMix64,
    group: DesignGroup,
    baseline: &Baseline,
    best_response: Option<BestResponse>,
) -> Course {
    let (start, o) = match (group, best_response) {
        (DesignGroup::PrimaryResistance | DesignGroup::SecondaryResistance, Some(bor)) => {
            progressor(rng, group, baseline, bor)
        }
        (DesignGroup::PrimaryResistance, None) => {
            progressor(rng, group, baseline, BestResponse::Pd)
        }
        (DesignGroup::SecondaryResistance, None) => {
            progressor(rng, group, baseline, BestResponse::Sd)
        }
        (DesignGroup::DurableResponse, _) => durable(rng),
        (DesignGroup::ResponseUnevaluable, bor) => unevaluable(rng, bor),
        (DesignGroup::LateFirstEvaluation, bor) => {
            late_first_evaluation(rng, bor.unwrap_or(BestResponse::Sd))
        }
        (DesignGroup::ShortFollowUpWithoutProgression, _) => short_follow_up(rng),
        (DesignGroup::DiscontinuedWithoutProgression, _) => discontinued(rng),
    };
    let at = |days: Option<i32>| days.map(|d| start.add_days(d));
    Course {
        start,
        first_evaluation: at(o.first_evaluation),
        best_response,
        progression: at(o.progression),
        confirmation: at(o.confirmation),
        rapid_deterioration: o.rapid_deterioration,
        stop: at(o.stop),
        last_assessment: at(o.last_assessment),
        death: at(o.death),
        last_contact: start.add_days(o.last_contact),
        post_progression: o.post_progression,
    }
}
