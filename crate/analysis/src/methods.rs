//! The "Statistical analysis" paragraph of a manuscript, written from the
//! requests of a session: every method used, named with its reference and
//! the settings that change its numbers (interval transforms, ties, tests,
//! corrections), in the words journals expect. Each sentence is produced
//! once per kind of analysis, however many steps used it; references are
//! numbered in order of first use.

use crate::analyses::baseline::{BaselineRequest, ContinuousTestChoice};
use crate::analyses::competing::CompetingRequest;
use crate::analyses::cox::CoxRequest;
use crate::analyses::km::KmRequest;
use crate::analyses::models::{ModelTableRequest, OutcomeType};
use crate::analyses::rates::RatesRequest;
use crate::analyses::subgroup::SubgroupRequest;
use crate::analysis_file::{AnalysisFile, AnalysisStep};
use crate::derive::{CutPointIn, DeriveRequest, TransformFunction};
use crate::format;
use crate::resistance::RuleSet;
use serde::Serialize;
use survcalc_stats::competing::CifVariance;
use survcalc_stats::cox::Ties;
use survcalc_stats::km::{ConfType, MedianCiMethod};
use survcalc_stats::logistic::CiMethod;
use survcalc_stats::logrank::PAdjust;
use survcalc_stats::rates::RateCiMethod;

/// A reference a sentence cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reference {
    KaplanMeier,
    Greenwood,
    BrookmeyerCrowley,
    LogRank,
    FlemingHarrington,
    ReverseKm,
    Landmark,
    Rmst,
    Cox,
    Efron,
    Breslow,
    Schoenfeld,
    LinWei,
    Therneau,
    Firth,
    Heinze,
    Venzon,
    Sitc,
    Fisher,
    KruskalWallis,
    Welch,
    ClopperPearson,
    Wilson,
    Holm,
    BenjaminiHochberg,
    Collett,
    AalenJohansen,
    Gray,
    FineGray,
    Subgroups,
    RCore,
}

impl Reference {
    fn citation(self) -> &'static str {
        match self {
            Reference::KaplanMeier => "Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc. 1958;53:457-81.",
            Reference::Greenwood => "Greenwood M. The natural duration of cancer. Reports on Public Health and Medical Subjects. 1926;33:1-26.",
            Reference::BrookmeyerCrowley => "Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics. 1982;38:29-41.",
            Reference::LogRank => "Mantel N. Evaluation of survival data and two new rank order statistics arising in its consideration. Cancer Chemother Rep. 1966;50:163-70.",
            Reference::FlemingHarrington => "Harrington DP, Fleming TR. A class of rank test procedures for censored survival data. Biometrika. 1982;69:553-66.",
            Reference::ReverseKm => "Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time. Control Clin Trials. 1996;17:343-6.",
            Reference::Landmark => "Anderson JR, Cain KC, Gelber RD. Analysis of survival by tumor response. J Clin Oncol. 1983;1:710-9.",
            Reference::Rmst => "Royston P, Parmar MKB. Restricted mean survival time: an alternative to the hazard ratio for the design and analysis of randomized trials with a time-to-event outcome. BMC Med Res Methodol. 2013;13:152.",
            Reference::Cox => "Cox DR. Regression models and life-tables. J R Stat Soc Series B. 1972;34:187-220.",
            Reference::Efron => "Efron B. The efficiency of Cox's likelihood function for censored data. J Am Stat Assoc. 1977;72:557-65.",
            Reference::Breslow => "Breslow N. Covariance analysis of censored survival data. Biometrics. 1974;30:89-99.",
            Reference::Schoenfeld => "Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted residuals. Biometrika. 1994;81:515-26.",
            Reference::LinWei => "Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. J Am Stat Assoc. 1989;84:1074-8.",
            Reference::Therneau => "Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model. New York: Springer; 2000.",
            Reference::Firth => "Firth D. Bias reduction of maximum likelihood estimates. Biometrika. 1993;80:27-38.",
            Reference::Heinze => "Heinze G, Schemper M. A solution to the problem of separation in logistic regression. Stat Med. 2002;21:2409-19.",
            Reference::Venzon => "Venzon DJ, Moolgavkar SH. A method for computing profile-likelihood-based confidence intervals. J R Stat Soc Series C. 1988;37:87-94.",
            Reference::Sitc => "Kluger HM, Tawbi HA, Ascierto ML, et al. Defining tumor resistance to PD-1 pathway blockade: recommendations from the first meeting of the SITC Immunotherapy Resistance Taskforce. J Immunother Cancer. 2020;8:e000398.",
            Reference::Fisher => "Fisher RA. On the interpretation of chi-squared from contingency tables, and the calculation of P. J R Stat Soc. 1922;85:87-94.",
            Reference::KruskalWallis => "Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat Assoc. 1952;47:583-621.",
            Reference::Welch => "Welch BL. On the comparison of several mean values: an alternative approach. Biometrika. 1951;38:330-6.",
            Reference::ClopperPearson => "Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the binomial. Biometrika. 1934;26:404-13.",
            Reference::Wilson => "Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat Assoc. 1927;22:209-12.",
            Reference::Collett => "Collett D. Modelling Survival Data in Medical Research. 3rd ed. Boca Raton: CRC Press; 2015.",
            Reference::AalenJohansen => "Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains based on censored observations. Scand J Stat. 1978;5:141-50.",
            Reference::Gray => "Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk. Ann Stat. 1988;16:1141-54.",
            Reference::FineGray => "Fine JP, Gray RJ. A proportional hazards model for the subdistribution of a competing risk. J Am Stat Assoc. 1999;94:496-509.",
            Reference::Subgroups => "Wang R, Lagakos SW, Ware JH, Hunter DJ, Drazen JM. Statistics in medicine--reporting of subgroup analyses in clinical trials. N Engl J Med. 2007;357:2189-94.",
            Reference::Holm => "Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat. 1979;6:65-70.",
            Reference::BenjaminiHochberg => "Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and powerful approach to multiple testing. J R Stat Soc Series B. 1995;57:289-300.",
            Reference::RCore => "Therneau TM. A Package for Survival Analysis in R. R package version 3.5; 2023. https://CRAN.R-project.org/package=survival",
        }
    }
}

/// The paragraph and its numbered references.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MethodsText {
    /// Sentences with bracketed reference numbers ("[1]").
    pub paragraph: String,
    /// "1. Kaplan EL, Meier P. ..." in order of first citation.
    pub references: Vec<String>,
}

#[derive(Default)]
struct Writer {
    sentences: Vec<String>,
    /// Interior mutability so that a sentence can cite while it is said.
    cited: std::cell::RefCell<Vec<Reference>>,
}

impl Writer {
    /// "[1, 2]" for these references, numbering new ones.
    fn cite(&self, refs: &[Reference]) -> String {
        let mut cited = self.cited.borrow_mut();
        let numbers: Vec<String> = refs
            .iter()
            .map(|r| {
                let i = match cited.iter().position(|c| c == r) {
                    Some(i) => i,
                    None => {
                        cited.push(*r);
                        cited.len() - 1
                    }
                };
                (i + 1).to_string()
            })
            .collect();
        format!("[{}]", numbers.join(", "))
    }

    fn say(&mut self, sentence: String) {
        if !self.sentences.contains(&sentence) {
            self.sentences.push(sentence);
        }
    }
}

fn conf_type_words(c: ConfType) -> &'static str {
    match c {
        ConfType::Log => "the log transformation",
        ConfType::LogLog => "the log-log transformation",
        ConfType::Plain => "the untransformed (plain) scale",
    }
}

fn km(w: &mut Writer, r: &KmRequest) {
    let km = w.cite(&[Reference::KaplanMeier]);
    let grouped = r.group.as_deref().is_some_and(|g| !g.trim().is_empty());
    let mut s = format!("Survival was estimated with the Kaplan–Meier method {km}");
    if grouped {
        let test = if r.rho == 0.0 {
            format!("the log-rank test {}", w.cite(&[Reference::LogRank]))
        } else if r.rho == 1.0 {
            format!(
                "the Peto–Peto test (Fleming–Harrington rho = 1) {}",
                w.cite(&[Reference::FlemingHarrington])
            )
        } else {
            format!(
                "the Fleming–Harrington test with rho = {} {}",
                r.rho,
                w.cite(&[Reference::FlemingHarrington])
            )
        };
        s.push_str(&format!(" and compared between groups with {test}"));
        if r.strata.as_deref().is_some_and(|x| !x.trim().is_empty()) {
            s.push_str(", stratified");
        }
    }
    let band = format!(
        "; {}% pointwise confidence intervals used Greenwood's variance {} with {}",
        format::level_percent(r.conf_level),
        w.cite(&[Reference::Greenwood]),
        conf_type_words(r.conf_type),
    );
    let median = match r.median_ci {
        MedianCiMethod::Band => format!("the method of Brookmeyer and Crowley {}", w.cite(&[Reference::BrookmeyerCrowley])),
        MedianCiMethod::Log => format!("the method of Brookmeyer and Crowley {} on the log scale", w.cite(&[Reference::BrookmeyerCrowley])),
        MedianCiMethod::LogLog => {
            format!("the method of Brookmeyer and Crowley {} on the log-log scale", w.cite(&[Reference::BrookmeyerCrowley]))
        }
        MedianCiMethod::Plain => {
            format!("the method of Brookmeyer and Crowley {} on the untransformed scale", w.cite(&[Reference::BrookmeyerCrowley]))
        }
        MedianCiMethod::Symmetric => format!(
            "the median ± z × its standard error, the standard error from Greenwood's variance and a density estimate {}",
            w.cite(&[Reference::Collett])
        ),
    };
    let ci = format!("{band}, and the medians' intervals {median}.");
    s.push_str(&ci);
    w.say(s);
    w.say(format!(
        "Median follow-up was estimated with the reverse Kaplan–Meier method {}.",
        w.cite(&[Reference::ReverseKm])
    ));
    if r.trend && grouped {
        w.say(
            "A test for trend across ordered groups used scores 1 to k in the groups' order."
                .to_string(),
        );
    }
    match r.pairwise.filter(|_| grouped) {
        Some(PAdjust::Holm) => w.say(format!(
            "Pairwise comparisons were adjusted with Holm's method {}.",
            w.cite(&[Reference::Holm])
        )),
        Some(PAdjust::Bh) => w.say(format!(
            "Pairwise comparisons were adjusted with the Benjamini–Hochberg method {}.",
            w.cite(&[Reference::BenjaminiHochberg])
        )),
        Some(PAdjust::Bonferroni) => {
            w.say("Pairwise comparisons were adjusted with Bonferroni's method.".to_string())
        }
        Some(PAdjust::None) => {
            w.say("Pairwise comparisons were not adjusted for multiplicity.".to_string())
        }
        None => {}
    }
    if let Some(tau) = r.rmst_tau {
        let unit = r
            .display_unit
            .or(r.time_unit)
            .map(|u| format!(" {}", u.label()))
            .unwrap_or_default();
        w.say(format!(
            "Restricted mean survival time was estimated up to {}{unit} {}.",
            format::time_number(tau),
            w.cite(&[Reference::Rmst])
        ));
    }
    if let Some(l) = r.landmark {
        let unit = r
            .display_unit
            .or(r.time_unit)
            .map(|u| format!(" {}", u.label()))
            .unwrap_or_default();
        w.say(format!(
            "To avoid immortal-time bias, a landmark analysis at {}{unit} {} included only patients event-free and under follow-up at the landmark, with time measured from it.",
            format::time_number(l),
            w.cite(&[Reference::Landmark])
        ));
    }
}

fn ties(w: &mut Writer, t: Ties) -> String {
    match t {
        Ties::Efron => format!("Efron's method for ties {}", w.cite(&[Reference::Efron])),
        Ties::Breslow => format!(
            "Breslow's method for ties {}",
            w.cite(&[Reference::Breslow])
        ),
    }
}

fn cox(w: &mut Writer, r: &CoxRequest) {
    let cox = w.cite(&[Reference::Cox]);
    let ties = ties(w, r.ties);
    w.say(format!(
        "Hazard ratios with {}% confidence intervals were estimated with Cox proportional-hazards models {cox} ({ties}); \
         the proportional-hazards assumption was checked with scaled Schoenfeld residuals {}.",
        format::level_percent(r.conf_level),
        w.cite(&[Reference::Schoenfeld])
    ));
    if r.robust || r.cluster.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        w.say(format!(
            "Robust (sandwich) standard errors were used {}.",
            w.cite(&[Reference::LinWei])
        ));
    }
    if r.time_varying
        .as_ref()
        .is_some_and(|t| !t.column.trim().is_empty())
    {
        w.say(format!(
            "A status known only during follow-up entered the Cox model as a time-dependent covariate, switching from 0 to 1 at its date, so that no immortal time was credited to it {}.",
            w.cite(&[Reference::Therneau])
        ));
    }
    if r.time_split.is_some() {
        w.say(format!(
            "Where the proportional-hazards assumption did not hold, follow-up was split at cut points and a hazard ratio estimated for each interval {}.",
            w.cite(&[Reference::Therneau])
        ));
    }
    if r.strata.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        w.say("Stratified Cox models allowed a separate baseline hazard per stratum.".to_string());
    }
}

fn model_table(w: &mut Writer, r: &ModelTableRequest) {
    let o = &r.outcome;
    let survival = o
        .kind
        .map_or(!o.time.trim().is_empty(), |k| k == OutcomeType::Survival);
    let rule = match &r.multivariable {
        None => format!(
            "; factors with a univariable p < {} entered the multivariable model",
            format::threshold(r.threshold)
        ),
        Some(v) if v.is_empty() => String::new(),
        Some(_) => "; the multivariable model included the factors chosen a priori".to_string(),
    };
    if survival {
        let cox = w.cite(&[Reference::Cox]);
        let ties = ties(w, r.ties);
        w.say(format!(
            "Factors associated with {} were assessed with univariable and multivariable Cox regression {cox} ({ties}){rule}.",
            o.time
        ));
    } else if r.firth {
        let firth = w.cite(&[Reference::Firth, Reference::Heinze]);
        let ci = match r.ci {
            CiMethod::Wald => "Wald".to_string(),
            CiMethod::Profile => format!(
                "profile penalised-likelihood {}",
                w.cite(&[Reference::Venzon])
            ),
        };
        w.say(format!(
            "Factors associated with {} were assessed with univariable and multivariable logistic regression using Firth's penalised likelihood {firth}, which gives finite estimates under separation and small samples; odds ratios are reported with {}% {ci} confidence intervals and penalised likelihood-ratio p-values{rule}.",
            o.column,
            format::level_percent(r.conf_level)
        ));
    } else {
        let ci = match r.ci {
            CiMethod::Wald => "Wald".to_string(),
            CiMethod::Profile => format!("profile-likelihood {}", w.cite(&[Reference::Venzon])),
        };
        w.say(format!(
            "Factors associated with {} were assessed with univariable and multivariable logistic regression; odds ratios are reported with {}% {ci} confidence intervals{rule}.",
            o.column,
            format::level_percent(r.conf_level)
        ));
    }
}

fn baseline(w: &mut Writer, r: &BaselineRequest) {
    let fisher = w.cite(&[Reference::Fisher]);
    let categorical = format!(
        "Categorical variables were compared between groups with Pearson's chi-squared test{} or, when an expected count was below {}, Fisher's exact test {fisher}",
        if r.yates { " with Yates' continuity correction for 2 × 2 tables" } else { " without continuity correction" },
        format::number(r.expected_threshold, 0)
    );
    let continuous = match r.continuous_test {
        ContinuousTestChoice::Kruskal => format!(
            "continuous variables with the Kruskal–Wallis test (Wilcoxon rank-sum test for two groups) {}",
            w.cite(&[Reference::KruskalWallis])
        ),
        ContinuousTestChoice::Anova => "continuous variables with one-way analysis of variance (Student's t-test for two groups)".to_string(),
        ContinuousTestChoice::Welch => format!(
            "continuous variables with Welch's analysis of variance (Welch's t-test for two groups) {}",
            w.cite(&[Reference::Welch])
        ),
    };
    w.say(format!("{categorical}, and {continuous}."));
}

fn rates(w: &mut Writer, r: &RatesRequest) {
    let ci = match r.ci {
        RateCiMethod::ClopperPearson => format!(
            "exact Clopper–Pearson {}",
            w.cite(&[Reference::ClopperPearson])
        ),
        RateCiMethod::Wilson => format!("Wilson score {}", w.cite(&[Reference::Wilson])),
    };
    w.say(format!(
        "Rates are reported with {}% {ci} confidence intervals and compared between groups with the chi-squared test or Fisher's exact test.",
        format::level_percent(r.conf_level)
    ));
}

/// Cut points and transformations change what an estimate means; a recode
/// or a time between dates is described by the variable's own name.
fn derived(w: &mut Writer, r: &DeriveRequest) {
    if let Some(c) = &r.cut {
        let at: Vec<String> = c.at.iter().map(|v| format::threshold(*v)).collect();
        let side = match c.cut_point_in {
            CutPointIn::Upper => "values equal to a cut point in the higher group",
            CutPointIn::Lower => "values equal to a cut point in the lower group",
        };
        w.say(format!(
            "{} was categorised at {} ({side}).",
            c.column.trim(),
            at.join(", ")
        ));
    }
    if let Some(t) = &r.transform {
        let how = match t.function {
            TransformFunction::Log => "log-transformed (natural logarithm)".to_string(),
            TransformFunction::Log2 => "log2-transformed".to_string(),
            TransformFunction::Log10 => "log10-transformed".to_string(),
            TransformFunction::PerUnits => format!(
                "analysed per {} units",
                format::threshold(t.per.unwrap_or(1.0))
            ),
            TransformFunction::Standardise => "standardised (per standard deviation)".to_string(),
        };
        w.say(format!("{} was {how}.", t.column.trim()));
    }
}

fn competing(w: &mut Writer, r: &CompetingRequest) {
    let aj = w.cite(&[Reference::AalenJohansen]);
    let variance = match r.variance {
        CifVariance::Gray => format!("Gray's variance {}", w.cite(&[Reference::Gray])),
        CifVariance::InfinitesimalJackknife => "the infinitesimal-jackknife variance".to_string(),
    };
    let mut s = format!(
        "With competing events, the cumulative incidence of each event was estimated with the Aalen–Johansen estimator {aj} with {}% confidence intervals from {variance}",
        format::level_percent(r.conf_level)
    );
    if r.group.as_deref().is_some_and(|g| !g.trim().is_empty()) {
        s.push_str(&format!(
            " and compared between groups with Gray's test {}",
            w.cite(&[Reference::Gray])
        ));
    }
    s.push('.');
    w.say(s);
    if !r.covariates.is_empty() {
        w.say(format!(
            "Subdistribution hazard ratios were estimated with the Fine–Gray model {}, and cause-specific hazard ratios with Cox models censoring the competing event.",
            w.cite(&[Reference::FineGray])
        ));
    }
}

fn subgroups(w: &mut Writer, r: &SubgroupRequest) {
    let o = &r.outcome;
    let survival = o
        .kind
        .map_or(!o.time.trim().is_empty(), |k| k == OutcomeType::Survival);
    let (effect, model) = if survival {
        (
            "hazard ratio",
            format!("a Cox model {}", w.cite(&[Reference::Cox])),
        )
    } else {
        ("odds ratio", "a logistic model".to_string())
    };
    let adjusted = if r.adjust.is_empty() {
        String::new()
    } else {
        " adjusted for the same covariates as the overall model".to_string()
    };
    w.say(format!(
        "The treatment's {effect} was estimated within each subgroup level with {model}{adjusted}, and heterogeneity across levels was assessed with a likelihood-ratio test of the treatment-by-subgroup interaction {}.",
        w.cite(&[Reference::Subgroups])
    ));
}

/// The paragraph for a session.
pub fn methods(session: &AnalysisFile) -> MethodsText {
    let mut w = Writer::default();
    for step in &session.steps {
        match step {
            AnalysisStep::Classify(c) => {
                let sentence = match c.rules.rule_set {
                    RuleSet::Sitc => format!(
                        "Resistance to immunotherapy was classified with the SITC Immunotherapy Resistance Taskforce definitions {} (primary resistance: drug exposure of at least {} weeks with progression as best response or stable disease lasting less than {} months; secondary resistance: exposure of at least {} months with response or stable disease for more than {} months, then progression).",
                        w.cite(&[Reference::Sitc]),
                        format::number(c.rules.primary_min_exposure_weeks, 0),
                        format::number(c.rules.response_duration_months, 0),
                        format::number(c.rules.secondary_min_exposure_months, 0),
                        format::number(c.rules.response_duration_months, 0),
                    ),
                    RuleSet::EarlyProgression => format!(
                        "Primary resistance was defined as progression within {} months of treatment start and secondary resistance as later progression.",
                        format::number(c.rules.early_progression_months, 0)
                    ),
                };
                w.say(sentence);
            }
            AnalysisStep::Derive(r) => derived(&mut w, r),
            AnalysisStep::KaplanMeier(r) => km(&mut w, &r.resolved()),
            AnalysisStep::Cox(r) => cox(&mut w, &r.resolved()),
            AnalysisStep::ModelTable(r) => model_table(&mut w, &r.resolved()),
            AnalysisStep::BaselineTable(r) => baseline(&mut w, &r.resolved()),
            AnalysisStep::Rates(r) => rates(&mut w, r),
            AnalysisStep::CompetingRisks(r) => competing(&mut w, r),
            AnalysisStep::Subgroups(r) => subgroups(&mut w, r),
        }
    }
    if !session.steps.is_empty() {
        w.say("All tests were two-sided.".to_string());
        let r = w.cite(&[Reference::RCore]);
        w.say(format!(
            "Analyses were performed with survcalc {} in the web browser, whose results match R's survival package {r}; an R script reproducing every number is provided.",
            env!("CARGO_PKG_VERSION")
        ));
    }
    let references = w
        .cited
        .borrow()
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {}", i + 1, r.citation()))
        .collect();
    MethodsText {
        paragraph: w.sentences.join(" "),
        references,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn session(steps: serde_json::Value) -> AnalysisFile {
        AnalysisFile::from_value(
            &json!({"version": 1, "dataset": {"file_name": "x.csv"}, "steps": steps}),
        )
        .unwrap()
    }

    #[test]
    fn names_each_method_once_with_numbered_references() {
        let s = session(json!([
            {"analysis": "kaplan_meier", "time": "t", "event": "e", "event_values": ["1"], "group": "g"},
            {"analysis": "kaplan_meier", "time": "t2", "event": "e", "event_values": ["1"], "group": "g"},
            {"analysis": "cox", "time": "t", "event": "e", "event_values": ["1"], "covariates": [{"column": "x"}], "ties": "breslow"},
        ]));
        let m = methods(&s);
        assert!(m.paragraph.starts_with("Survival was estimated with the Kaplan–Meier method [1] and compared between groups with the log-rank test [2]; 95% pointwise confidence intervals used Greenwood's variance [3] with the log transformation, and the medians' intervals the method of Brookmeyer and Crowley [4]."), "{}", m.paragraph);
        assert_eq!(
            m.paragraph
                .matches("estimated with the Kaplan–Meier method")
                .count(),
            1
        );
        assert!(m.paragraph.contains("Breslow's method for ties"));
        assert!(m.paragraph.contains("scaled Schoenfeld residuals"));
        assert!(m.references[0].starts_with("1. Kaplan EL, Meier P."));
        assert_eq!(
            m.references.len(),
            m.paragraph.matches('[').count().min(m.references.len())
        );
    }

    #[test]
    fn settings_change_the_words() {
        let s = session(json!([
            {"analysis": "kaplan_meier", "time": "t", "event": "e", "event_values": ["1"], "conf_type": "log-log", "conf_level": 0.9, "landmark": 6, "time_unit": "months"},
            {"analysis": "model_table", "outcome": {"column": "y", "event_values": ["1"]}, "candidates": [{"column": "x"}], "firth": true, "ci": "profile"},
            {"analysis": "baseline_table", "group": "g", "variables": ["x"], "continuous_test": "welch", "yates": true},
        ]));
        let m = methods(&s).paragraph;
        assert!(m.contains("90% pointwise confidence intervals"), "{m}");
        assert!(m.contains("the log-log transformation"));
        assert!(m.contains("landmark analysis at 6 months"));
        assert!(m.contains("Firth's penalised likelihood"));
        assert!(m.contains("profile penalised-likelihood"));
        assert!(m.contains("with Yates' continuity correction"));
        assert!(m.contains("Welch's analysis of variance"));
        assert_eq!(methods(&session(json!([]))).paragraph, "");
    }

    #[test]
    fn presets_competing_risks_and_subgroups_are_described() {
        let s = session(json!([
            {"analysis": "kaplan_meier", "time": "t", "event": "e", "event_values": ["1"], "preset": "spss"},
            {"analysis": "competing_risks", "time": "t", "event": "e", "event_values": ["1"], "competing_values": ["2"], "group": "g", "covariates": [{"column": "x"}]},
            {"analysis": "subgroups", "outcome": {"time": "t", "event": "e", "event_values": ["1"]}, "treatment": {"column": "arm"}, "subgroups": ["sex"]},
        ]));
        let m = methods(&s);
        // SPSS's preset: the symmetric median interval, not Brookmeyer–Crowley.
        assert!(
            m.paragraph
                .contains("the medians' intervals the median ± z × its standard error"),
            "{}",
            m.paragraph
        );
        assert!(!m.paragraph.contains("Brookmeyer"));
        assert!(m.paragraph.contains("Aalen–Johansen estimator"));
        assert!(m
            .paragraph
            .contains("compared between groups with Gray's test"));
        assert!(m.paragraph.contains("Fine–Gray model"));
        assert!(m
            .paragraph
            .contains("treatment's hazard ratio was estimated within each subgroup level"));
        assert!(m.references.iter().any(|r| r.contains("Fine JP, Gray RJ")));
    }
}
