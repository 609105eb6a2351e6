//! What a kernel noticed while computing, as data: a stable snake_case code
//! and the facts (terms, curve labels, iteration counts, limits). Kernels
//! do not word anything; survcalc-analysis turns each warning into a
//! sentence (`survcalc_analysis::warning`), and the page decides on codes.
//!
//! This module imports no kernel (the kernels import it), so the arrows
//! stay one way; an error inside a warning is kept as its Display text.

use serde::{Deserialize, Serialize};

/// A non-fatal finding of a kernel. Serialised as `{"code": ..., ...facts}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum KernelWarning {
    // --- curves and group comparisons ---
    /// A group label with no patients (or no values): its curve is empty,
    /// or it is left out of the test named by `method`.
    EmptyGroup {
        group: String,
        method: GroupedMethod,
    },
    /// The median of `curve` is not reached (the curve stays above 0.5).
    MedianNotReached { curve: String, quantity: MedianOf },
    /// The quantile at probability `prob` of `curve` is not reached.
    QuantileNotReached { curve: String, prob: f64 },
    /// The RMST horizon `tau` lies beyond the last follow-up time of `curve`;
    /// the curve is held at its last value up to `tau`.
    RmstBeyondFollowUp {
        curve: String,
        tau: f64,
        last_time: f64,
    },
    /// Neither curve has an event before `tau`: the RMST difference has no
    /// standard error and no test.
    RmstDifferenceWithoutSe { tau: f64 },
    /// The log-rank variance matrix is singular; a generalised inverse was used.
    GeneralisedInverse,
    /// A pair of groups the pairwise log-rank tests could not compare.
    PairNotComparable { group_a: String, group_b: String },

    // --- Cox regression ---
    /// The covariate is collinear with the others: its coefficient is NA.
    CollinearCovariate { term: String },
    /// A coefficient that may be infinite (`term` is `None` when the
    /// iterations ran out without naming one); `converged` says whether the
    /// log-likelihood converged before the coefficient did.
    InfiniteCoefficient {
        term: Option<String>,
        converged: bool,
    },
    /// The iterations of `method` ran out after `max_iter`.
    NotConverged { method: FitMethod, max_iter: usize },
    /// No comparable pairs: the concordance is undefined.
    ConcordanceUndefined,
    /// cox.zph with the log transform on data with times of 0.
    ZphLogOfZeroTime,
    /// Aliased (NA) coefficients were left out of cox.zph.
    ZphAliasedLeftOut,

    // --- logistic regression ---
    /// A term that cannot be estimated and was dropped (R reports NA).
    AliasedTerm { term: String, reason: AliasReason },
    /// Maximum-likelihood separation: the terms' estimates are infinite.
    Separation {
        kind: SeparationKind,
        terms: Vec<String>,
    },
    /// Coefficients still changing when the fit was continued past R's
    /// convergence criterion (possible separation); empty `terms`: none
    /// could be named.
    CoefficientsStillChanging { terms: Vec<String> },
    /// glm.fit's "fitted probabilities numerically 0 or 1 occurred".
    FittedProbabilitiesExtreme,
    /// The information matrix is singular at the estimates.
    SingularInformation,
    /// Profile-likelihood intervals skipped: the ML fit did not converge
    /// to finite estimates.
    ProfileIntervalsSkipped,
    /// The profile likelihood of `term` never reaches the bound on `side`.
    ProfileLimitUnbounded { term: String, side: Side },
    /// The profile-likelihood limit of `term` on `side` failed.
    ProfileLimitFailed { term: String, side: Side },
    /// Firth: the penalised null model could not be fitted.
    FirthNullModelFailed,
    /// Firth: the penalised likelihood-ratio test of `term` failed.
    PenalizedLrTestFailed { term: String },

    // --- k-sample tests ---
    /// Ties: the exact Wilcoxon p-value is replaced by the normal approximation.
    ExactPWithTies,
    /// Groups too large for the exact Wilcoxon p-value.
    ExactPTooLarge,
    /// A test of a numeric variable by group that could not be computed;
    /// `error` is the k-sample error's text.
    TestNotComputed { test: KSampleTest, error: String },

    // --- rates and contingency tables ---
    /// Fewer than two groups with patients: no comparison.
    TooFewGroupsToCompare,
    /// Every patient has the same outcome: the groups cannot be compared.
    SameOutcomeForAll,
    /// A row or column of a count table without patients, left out of the test.
    EmptyRowOrColumn { axis: TableAxis, label: String },
    /// Expected counts below 5 (chi-squared approximation).
    SmallExpectedCounts { cells: usize, min_expected: f64 },
    /// Fisher's exact test beyond the exact computation's budget; its
    /// p-value was simulated from `replicates` random tables.
    FisherSimulated {
        n_rows: usize,
        n_cols: usize,
        n: u64,
        replicates: u64,
    },
}

impl KernelWarning {
    /// The stable code (the serialised `code`).
    pub fn code(&self) -> &'static str {
        match self {
            KernelWarning::EmptyGroup { .. } => "empty_group",
            KernelWarning::MedianNotReached { .. } => "median_not_reached",
            KernelWarning::QuantileNotReached { .. } => "quantile_not_reached",
            KernelWarning::RmstBeyondFollowUp { .. } => "rmst_beyond_follow_up",
            KernelWarning::RmstDifferenceWithoutSe { .. } => "rmst_difference_without_se",
            KernelWarning::GeneralisedInverse => "generalised_inverse",
            KernelWarning::PairNotComparable { .. } => "pair_not_comparable",
            KernelWarning::CollinearCovariate { .. } => "collinear_covariate",
            KernelWarning::InfiniteCoefficient { .. } => "infinite_coefficient",
            KernelWarning::NotConverged { .. } => "not_converged",
            KernelWarning::ConcordanceUndefined => "concordance_undefined",
            KernelWarning::ZphLogOfZeroTime => "zph_log_of_zero_time",
            KernelWarning::ZphAliasedLeftOut => "zph_aliased_left_out",
            KernelWarning::AliasedTerm { .. } => "aliased_term",
            KernelWarning::Separation { .. } => "separation",
            KernelWarning::CoefficientsStillChanging { .. } => "coefficients_still_changing",
            KernelWarning::FittedProbabilitiesExtreme => "fitted_probabilities_extreme",
            KernelWarning::SingularInformation => "singular_information",
            KernelWarning::ProfileIntervalsSkipped => "profile_intervals_skipped",
            KernelWarning::ProfileLimitUnbounded { .. } => "profile_limit_unbounded",
            KernelWarning::ProfileLimitFailed { .. } => "profile_limit_failed",
            KernelWarning::FirthNullModelFailed => "firth_null_model_failed",
            KernelWarning::PenalizedLrTestFailed { .. } => "penalized_lr_test_failed",
            KernelWarning::ExactPWithTies => "exact_p_with_ties",
            KernelWarning::ExactPTooLarge => "exact_p_too_large",
            KernelWarning::TestNotComputed { .. } => "test_not_computed",
            KernelWarning::TooFewGroupsToCompare => "too_few_groups_to_compare",
            KernelWarning::SameOutcomeForAll => "same_outcome_for_all",
            KernelWarning::EmptyRowOrColumn { .. } => "empty_row_or_column",
            KernelWarning::SmallExpectedCounts { .. } => "small_expected_counts",
            KernelWarning::FisherSimulated { .. } => "fisher_simulated",
        }
    }
}

/// The method that left an empty group out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupedMethod {
    /// Kaplan–Meier: the group's curve is empty.
    KaplanMeier,
    Logrank,
    /// The k-sample tests of a numeric variable.
    KSample,
    Rates,
    /// Cumulative incidence (Aalen–Johansen): the group's curves are empty.
    CumulativeIncidence,
}

/// Which median a curve did not reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MedianOf {
    Survival,
    /// Reverse Kaplan–Meier: the median potential follow-up.
    FollowUp,
}

/// The fit whose iterations ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitMethod {
    Cox,
    Logistic,
    Firth,
    /// Fine–Gray regression (cmprsk's crr).
    FineGray,
}

/// Why a logistic term could not be estimated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AliasReason {
    /// Zero in every row.
    Zero,
    /// The same value in every row, collinear with the intercept.
    Constant { value: f64 },
    /// An exact linear combination of `of` (empty: of earlier terms).
    LinearCombination { of: Vec<String> },
}

/// Lower or upper confidence limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Lower,
    Upper,
}

/// The tests of a numeric variable by group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KSampleTest {
    KruskalWallis,
    Anova,
    WelchAnova,
    WilcoxonRankSum,
    WelchT,
}

/// Kind of logistic separation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeparationKind {
    /// Every row is predicted perfectly by the linear predictor's sign.
    Complete,
    /// Some rows are predicted perfectly, the rest lie on the boundary.
    QuasiComplete,
}

/// Row or column of a count table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableAxis {
    Row,
    Column,
}
