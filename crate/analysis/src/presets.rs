//! "Match another program" presets: one choice that sets the settings on
//! which R, Stata, SAS, SPSS and GraphPad Prism differ by default (the KM
//! pointwise interval, the median's CI, Cox ties, the log-rank variant,
//! Table 1's continuity correction, the logistic CI), and says for each
//! whether it reproduces the program (docs/domain.md, "Why programs
//! disagree"). Only R's numbers are compared with the program's own output
//! in the tests; for the others the documented default is followed, and
//! what survcalc cannot reproduce is said, never claimed.

use serde::{Deserialize, Serialize};
use survcalc_stats::cox::Ties;
use survcalc_stats::km::{ConfType, MedianCiMethod};
use survcalc_stats::logistic::CiMethod;

/// The program whose defaults to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    R,
    Stata,
    Sas,
    Spss,
    Prism,
}

impl Program {
    pub fn name(self) -> &'static str {
        match self {
            Program::R => "R",
            Program::Stata => "Stata",
            Program::Sas => "SAS",
            Program::Spss => "SPSS",
            Program::Prism => "GraphPad Prism",
        }
    }
}

/// How far a preset's setting reproduces the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    /// Compared with the program's own output in survcalc's tests (R).
    Tested,
    /// The program's documented default, computed the same way here; not
    /// compared with its output.
    Documented,
    /// Close to the program, but it differs (or may differ) in a detail the
    /// note names.
    Approximate,
    /// The program does not print this; the note says what survcalc shows.
    NotAvailable,
}

/// Which setting a choice is about (stable codes for the page and the
/// methods paragraph).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PresetSetting {
    KmConfType,
    MedianCi,
    CoxTies,
    Logrank,
    Table1Yates,
    LogisticCi,
}

/// One setting a preset made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresetChoice {
    pub setting: PresetSetting,
    /// The value as the request option takes it ("log-log", "breslow", ...).
    pub value: String,
    /// The setting and value in words.
    pub text: String,
    pub fidelity: Fidelity,
    /// What is not reproduced, or what the program does instead.
    pub note: Option<String>,
}

/// What a preset set in one analysis: the structured choices (for the
/// methods paragraph) and one sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresetReport {
    pub program: Program,
    pub choices: Vec<PresetChoice>,
    pub text: String,
}

/// The settings a program's defaults imply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgramDefaults {
    pub km_conf_type: ConfType,
    pub median_ci: MedianCiMethod,
    pub cox_ties: Ties,
    /// Fleming–Harrington rho of the group comparison (0 = log-rank).
    pub logrank_rho: f64,
    pub yates: bool,
    pub logistic_ci: CiMethod,
}

pub fn defaults(program: Program) -> ProgramDefaults {
    match program {
        Program::R => ProgramDefaults {
            km_conf_type: ConfType::Log,
            median_ci: MedianCiMethod::Log,
            cox_ties: Ties::Efron,
            logrank_rho: 0.0,
            yates: false,
            logistic_ci: CiMethod::Profile,
        },
        Program::Stata | Program::Sas => ProgramDefaults {
            km_conf_type: ConfType::LogLog,
            median_ci: MedianCiMethod::LogLog,
            cox_ties: Ties::Breslow,
            logrank_rho: 0.0,
            yates: false,
            logistic_ci: CiMethod::Wald,
        },
        Program::Spss => ProgramDefaults {
            km_conf_type: ConfType::Log,
            median_ci: MedianCiMethod::Symmetric,
            cox_ties: Ties::Breslow,
            logrank_rho: 0.0,
            yates: false,
            logistic_ci: CiMethod::Wald,
        },
        Program::Prism => ProgramDefaults {
            km_conf_type: ConfType::LogLog,
            median_ci: MedianCiMethod::LogLog,
            cox_ties: Ties::Efron,
            logrank_rho: 0.0,
            yates: false,
            logistic_ci: CiMethod::Profile,
        },
    }
}

fn choice(
    setting: PresetSetting,
    value: &str,
    text: &str,
    fidelity: Fidelity,
    note: Option<&str>,
) -> PresetChoice {
    PresetChoice {
        setting,
        value: value.to_string(),
        text: text.to_string(),
        fidelity,
        note: note.map(str::to_string),
    }
}

/// Every choice of `program`, in the order of [`PresetSetting`].
pub fn choices(program: Program) -> Vec<PresetChoice> {
    use Fidelity::*;
    use PresetSetting::*;
    match program {
        Program::R => vec![
            choice(KmConfType, "log", "KM pointwise CI on the log scale (survfit's conf.type = \"log\")", Tested, None),
            choice(MedianCi, "log", "median CI where the log-scale band crosses 0.5 (Brookmeyer–Crowley, print.survfit)", Tested, None),
            choice(CoxTies, "efron", "Cox ties by Efron's method (coxph)", Tested, None),
            choice(Logrank, "0", "log-rank test (survdiff, rho = 0)", Tested, None),
            choice(
                Table1Yates,
                "false",
                "chi-square without continuity correction (gtsummary's add_p)",
                Documented,
                Some("base R's chisq.test() corrects 2 × 2 tables by default; set \"yates\" to match it"),
            ),
            choice(LogisticCi, "profile", "logistic CIs by profile likelihood (confint on a glm)", Tested, None),
        ],
        Program::Stata => vec![
            choice(KmConfType, "log-log", "KM pointwise CI on the log-log scale (sts list)", Documented, None),
            choice(
                MedianCi,
                "log-log",
                "median CI from the log-log band (stci, Brookmeyer–Crowley)",
                Approximate,
                Some("where the band crosses 0.5 along a flat stretch, survcalc takes R's rule; Stata's choice there was not checked"),
            ),
            choice(CoxTies, "breslow", "Cox ties by Breslow's method (stcox)", Documented, None),
            choice(Logrank, "0", "log-rank test (sts test)", Documented, None),
            choice(Table1Yates, "false", "Pearson chi-square without correction (tabulate, chi2)", Documented, None),
            choice(LogisticCi, "wald", "logistic Wald CIs (logistic)", Documented, None),
        ],
        Program::Sas => vec![
            choice(KmConfType, "log-log", "KM pointwise CI on the log-log scale (LIFETEST CONFTYPE=LOGLOG)", Documented, None),
            choice(
                MedianCi,
                "log-log",
                "median CI from the log-log band (LIFETEST, Brookmeyer–Crowley)",
                Approximate,
                Some("LIFETEST takes the smallest and largest times whose test statistic is within the bound; survcalc reads where the band first crosses 0.5, which can end one event time earlier"),
            ),
            choice(CoxTies, "breslow", "Cox ties by Breslow's method (PHREG TIES=BRESLOW)", Documented, None),
            choice(Logrank, "0", "log-rank test (LIFETEST; it also prints the Wilcoxon test)", Documented, None),
            choice(
                Table1Yates,
                "false",
                "Pearson chi-square (FREQ's \"Chi-Square\" row)",
                Documented,
                Some("FREQ also prints the continuity-adjusted chi-square for 2 × 2 tables"),
            ),
            choice(LogisticCi, "wald", "logistic Wald CIs (LOGISTIC's default CLODDS=WALD)", Documented, None),
        ],
        Program::Spss => vec![
            choice(
                KmConfType,
                "log",
                "KM pointwise CI on the log scale (R's)",
                NotAvailable,
                Some("SPSS's Kaplan–Meier prints no confidence interval for S(t); survcalc shows R's"),
            ),
            choice(
                MedianCi,
                "symmetric",
                "median CI = median ± 1.96 × SE, the SE from Greenwood's variance divided by the density at the median (Collett's estimate, ε = 0.05)",
                Approximate,
                Some("IBM's Kaplan–Meier algorithm text could not be consulted; the SE follows Collett (Modelling Survival Data in Medical Research, section 2.4) as SPSS textbooks give it, and was not compared with SPSS output; the lower limit is not allowed below 0"),
            ),
            choice(CoxTies, "breslow", "Cox ties by Breslow's method (COXREG)", Documented, None),
            choice(Logrank, "0", "log-rank test (KM /TEST=LOGRANK)", Documented, None),
            choice(
                Table1Yates,
                "false",
                "Pearson chi-square (CROSSTABS)",
                Documented,
                Some("CROSSTABS also prints the continuity correction for 2 × 2 tables"),
            ),
            choice(LogisticCi, "wald", "logistic Wald CIs (LOGISTIC REGRESSION /PRINT=CI)", Documented, None),
        ],
        Program::Prism => vec![
            choice(
                KmConfType,
                "log-log",
                "KM pointwise CI on the log-log scale (Prism's asymmetrical intervals)",
                Approximate,
                Some("not compared with Prism output"),
            ),
            choice(
                MedianCi,
                "log-log",
                "median CI from the log-log band",
                NotAvailable,
                Some("Prism reports no CI for the median; survcalc shows Brookmeyer–Crowley on the log-log scale"),
            ),
            choice(CoxTies, "efron", "Cox ties by Efron's method", Approximate, Some("Prism's handling of ties was not checked")),
            choice(Logrank, "0", "log-rank (Mantel–Cox) test", Documented, None),
            choice(
                Table1Yates,
                "false",
                "chi-square without continuity correction",
                Approximate,
                Some("Prism asks whether to apply Yates' correction; survcalc applies none"),
            ),
            choice(
                LogisticCi,
                "profile",
                "logistic CIs by profile likelihood",
                Approximate,
                Some("not compared with Prism output"),
            ),
        ],
    }
}

/// The report of `program` for the settings an analysis uses.
pub fn report(program: Program, settings: &[PresetSetting]) -> PresetReport {
    let choices: Vec<PresetChoice> = choices(program)
        .into_iter()
        .filter(|c| settings.contains(&c.setting))
        .collect();
    let parts: Vec<String> = choices
        .iter()
        .map(|c| match (&c.note, c.fidelity) {
            (Some(note), _) => format!("{} ({note})", c.text),
            (None, Fidelity::Tested) => format!("{} (checked against R)", c.text),
            (None, _) => c.text.clone(),
        })
        .collect();
    let text = format!(
        "Settings matched to {}: {}.",
        program.name(),
        parts.join("; ")
    );
    PresetReport {
        program,
        choices,
        text,
    }
}
