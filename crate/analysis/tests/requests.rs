//! Every analysis request read strictly, as the page and the analysis file
//! send it: a misspelled option is refused by name with a suggestion (also
//! inside nested options, named by its path), choices ignore case, codes may
//! be numbers, a value of the wrong kind is worded for a person, and a
//! request written back reads as the same request.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Debug;
use survcalc_analysis::analyses::baseline::{
    BaselineRequest, ContinuousTestChoice, VariableRequest,
};
use survcalc_analysis::analyses::cohort::{CohortColumns, CohortRequest};
use survcalc_analysis::analyses::competing::{CifPlotStyle, CompetingRequest};
use survcalc_analysis::analyses::cox::{CoxRequest, TimeSplitSpec, TimeVaryingSpec};
use survcalc_analysis::analyses::km::KmRequest;
use survcalc_analysis::analyses::models::{ModelTableRequest, OutcomeRequest, OutcomeType};
use survcalc_analysis::analyses::rates::RatesRequest;
use survcalc_analysis::analyses::subgroup::SubgroupRequest;
use survcalc_analysis::analysis_set::{Condition, Filter};
use survcalc_analysis::baseline::{BaselineVariable, BinaryRows, ContinuousSummary, VariableKind};
use survcalc_analysis::dates::TimeUnit;
use survcalc_analysis::derive::{
    Cut, CutPointIn, DeriveRequest, LevelMap, Recode, TimeBetween, Transform, TransformFunction,
};
use survcalc_analysis::design::{TermKind, TermSpec};
use survcalc_analysis::export::{DataExportRequest, DecimalMark as OutputDecimalMark};
use survcalc_analysis::model_table::TermTest;
use survcalc_analysis::plot::figure::{
    CiStyle, EndpointName, FigureOutput, FigureStyle, FlowFigure, FontFamily, ForestFigure,
    KmFigure, LegendPosition, LengthUnit, LineTypes, Palette, RiskTableLayout, SizePreset,
    SurvivalScale,
};
use survcalc_analysis::presets::Program;
use survcalc_analysis::request::{self, RequestError, RequestErrorKind, REQUEST_VERSION};
use survcalc_analysis::resistance::{ResistanceOptions, RuleSet, ShortResponse};
use survcalc_analysis::table::{
    ColumnType, DateOrder, DecimalMark, Delimiter, LevelOrder, ReadOptions,
};
use survcalc_stats::competing::CifVariance;
use survcalc_stats::cox::{Ties, ZphTransform};
use survcalc_stats::km::{ConfType, MedianCiMethod};
use survcalc_stats::logistic::CiMethod;
use survcalc_stats::logrank::PAdjust;
use survcalc_stats::rates::RateCiMethod;

fn read<T: DeserializeOwned>(value: Value, what: &'static str) -> Result<T, RequestError> {
    request::from_value(&value, what)
}

fn message<T: DeserializeOwned + Debug>(value: Value, what: &'static str) -> String {
    read::<T>(value, what)
        .expect_err("the request should be refused")
        .to_string()
}

/// Written with its version, read back strictly, and also through JSON text.
fn assert_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    request: &T,
    what: &'static str,
) {
    let value = request::to_value(request).unwrap();
    assert_eq!(
        value["version"],
        json!(REQUEST_VERSION),
        "{what}: the version is written"
    );
    let back: T =
        request::from_value(&value, what).unwrap_or_else(|e| panic!("{what}: {e}\n{value:#}"));
    assert_eq!(&back, request, "{what}: read back from {value:#}");
    let text = serde_json::to_string(&value).unwrap();
    let back: T = request::from_str(&text, what).unwrap();
    assert_eq!(&back, request, "{what}: read back from its JSON text");
}

// Kaplan–Meier

const KM: &str = "Kaplan–Meier";

fn km_base() -> Value {
    json!({"time": "time", "event": "status", "event_values": ["2"]})
}

fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[test]
fn km_misspelled_option_is_named_with_a_suggestion() {
    let m = message::<KmRequest>(with(km_base(), json!({"rmst_tua": 12})), KM);
    assert!(m.starts_with("Unknown option \"rmst_tua\" for Kaplan–Meier; did you mean \"rmst_tau\"? Options: time, event,"), "{m}");
    assert!(m.contains("landmark"), "the valid options are listed: {m}");
    let m = message::<KmRequest>(with(km_base(), json!({"pairwize": "holm"})), KM);
    assert!(
        m.starts_with("Unknown option \"pairwize\" for Kaplan–Meier; did you mean \"pairwise\"?"),
        "{m}"
    );
}

#[test]
fn km_choices_ignore_case_and_codes_may_be_numbers() {
    let r: KmRequest =
        read(with(km_base(), json!({"event_values": [2], "conf_type": "Log-Log", "pairwise": "Holm", "time_unit": "DAYS"})), KM)
            .unwrap();
    assert_eq!(r.event_values, vec!["2"]);
    assert_eq!(r.conf_type, ConfType::LogLog);
    assert_eq!(r.pairwise, Some(PAdjust::Holm));
    assert_eq!(r.time_unit, Some(TimeUnit::Days));
    // R's spellings of Benjamini–Hochberg are aliases.
    let r: KmRequest = read(
        with(km_base(), json!({"pairwise": "BH", "event_values": 1})),
        KM,
    )
    .unwrap();
    assert_eq!(r.pairwise, Some(PAdjust::Bh));
    assert_eq!(r.event_values, vec!["1"], "one code alone is a list of one");
    let r: KmRequest = read(with(km_base(), json!({"pairwise": "FDR"})), KM).unwrap();
    assert_eq!(r.pairwise, Some(PAdjust::Bh), "aliases ignore case too");
    let m = message::<KmRequest>(with(km_base(), json!({"conf_type": "loglg"})), KM);
    assert_eq!(
        m,
        "Option \"conf_type\" of Kaplan–Meier cannot be \"loglg\"; did you mean \"log-log\"? Choose one of: \"log\", \"log-log\", \"plain\"."
    );
}

#[test]
fn km_wrong_types_are_worded() {
    let m = message::<KmRequest>(with(km_base(), json!({"conf_level": "high"})), KM);
    assert_eq!(
        m,
        "Option \"conf_level\" of Kaplan–Meier must be a number, not the text \"high\"."
    );
    let m = message::<KmRequest>(with(km_base(), json!({"times": [12, "two years"]})), KM);
    assert_eq!(
        m,
        "Option \"times[1]\" of Kaplan–Meier must be a number, not the text \"two years\"."
    );
    let m = message::<KmRequest>(with(km_base(), json!({"trend": "sometimes"})), KM);
    assert_eq!(
        m,
        "Option \"trend\" of Kaplan–Meier must be true or false, not the text \"sometimes\"."
    );
    // Numbers typed in a form arrive as text.
    let r: KmRequest = read(
        with(km_base(), json!({"rmst_tau": "24", "times": ["12", 24]})),
        KM,
    )
    .unwrap();
    assert_eq!(r.rmst_tau, Some(24.0));
    assert_eq!(r.times, vec![12.0, 24.0]);
}

#[test]
fn km_round_trip() {
    let r = KmRequest {
        labels: labels(),
        time: "os_months".into(),
        event: "os_event".into(),
        event_values: vec!["1".into(), "dead".into()],
        censor_values: Some(vec!["0".into()]),
        group: Some("arm".into()),
        time_unit: Some(TimeUnit::Days),
        display_unit: Some(TimeUnit::Months),
        conf_type: ConfType::Plain,
        conf_level: 0.9,
        times: vec![182.625, 365.25],
        rmst_tau: Some(730.5),
        rho: 1.0,
        strata: Some("sex".into()),
        trend: true,
        pairwise: Some(PAdjust::Bonferroni),
        landmark: Some(3.0),
        rmst_contrast: Some(vec!["B".into(), "A".into()]),
        figure: KmFigure {
            output: FigureOutput {
                preset: Some(SizePreset::DoubleColumn),
                width: Some(3.5),
                height: Some(2.8),
                unit: LengthUnit::In,
                font_family: FontFamily::Helvetica,
                font_size: 9.0,
                dpi: 300,
            },
            style: FigureStyle {
                palette: Palette::Lancet,
                colours: vec!["#000000".into(), "#D55E00".into()],
                line_types: Some(LineTypes::ByGroup),
                line_width: 0.75,
            },
            title: Some("Figure S1".into()),
            x_label: Some("Months".into()),
            y_label: Some("Patients alive (%)".into()),
            endpoint: Some(EndpointName::ProgressionFreeSurvival),
            y_scale: SurvivalScale::Probability,
            legend: LegendPosition::Right,
            legend_title: Some("Arm".into()),
            group_labels: BTreeMap::from([("A".to_string(), "Arm A".to_string())]),
            group_order: vec!["B".into(), "A".into()],
            x_breaks: Some(3.0),
            x_ticks: vec![0.0, 6.0, 12.0],
            x_max: Some(24.0),
            median_lines: true,
            ci: CiStyle::Band,
            censor_marks: false,
            risk_table: RiskTableLayout::AtRiskCensored,
            show_p: false,
            show_hr: false,
        },
        filter: Some(a_filter()),
        median_ci: MedianCiMethod::Symmetric,
        preset: Some(Program::Spss),
    };
    assert_ne!(r, KmRequest::default());
    assert_round_trip(&r, KM);
    assert_round_trip(&KmRequest::default(), KM);
}

// Cox regression

const COX: &str = "Cox regression";

fn cox_base() -> Value {
    json!({"time": "time", "event": "status", "event_values": ["2"], "covariates": [{"column": "age"}]})
}

#[test]
fn cox_misspelled_option_is_named_with_a_suggestion() {
    let m = message::<CoxRequest>(with(cox_base(), json!({"tie": "breslow"})), COX);
    assert!(m.starts_with("Unknown option \"tie\" for Cox regression; did you mean \"ties\"? Options: time, event,"), "{m}");
    assert!(
        m.contains("time_split, figure, filter, labels, preset."),
        "{m}"
    );
}

#[test]
fn cox_nested_unknown_options_are_named_by_their_path() {
    let covariates = json!({"covariates": [{"column": "age"}, {"column": "sex", "refrence": "m"}]});
    let m = message::<CoxRequest>(with(cox_base(), covariates), COX);
    assert_eq!(
        m,
        "Unknown option \"covariates[1].refrence\" for Cox regression; did you mean \"reference\"? \
         Options of \"covariates[1]\": column, kind, reference."
    );
    let m = message::<CoxRequest>(
        with(
            cox_base(),
            json!({"time_varying": {"column": "pd", "orign": "start"}}),
        ),
        COX,
    );
    assert_eq!(
        m,
        "Unknown option \"time_varying.orign\" for Cox regression; did you mean \"origin\"? \
         Options of \"time_varying\": column, origin, unit, name."
    );
    let m = message::<CoxRequest>(
        with(
            cox_base(),
            json!({"time_split": {"cut": [90], "covariates": ["age"]}}),
        ),
        COX,
    );
    assert!(
        m.starts_with(
            "Unknown option \"time_split.cut\" for Cox regression; did you mean \"cuts\"?"
        ),
        "{m}"
    );
}

#[test]
fn cox_choices_ignore_case_and_codes_may_be_numbers() {
    let extra = json!({"ties": "Breslow", "zph_transform": "KM", "event_values": [2],
                       "covariates": [{"column": "sex", "kind": "Categorical", "reference": 1}],
                       "time_varying": {"column": "pd", "unit": "Months"}});
    let r: CoxRequest = read(with(cox_base(), extra), COX).unwrap();
    assert_eq!(r.ties, Ties::Breslow);
    assert_eq!(r.zph_transform, ZphTransform::Km);
    assert_eq!(r.event_values, vec!["2"]);
    assert_eq!(r.covariates[0].kind, Some(TermKind::Categorical));
    assert_eq!(
        r.covariates[0].reference.as_deref(),
        Some("1"),
        "a numeric level is read as its text"
    );
    assert_eq!(r.time_varying.unwrap().unit, Some(TimeUnit::Months));
}

#[test]
fn cox_wrong_types_are_worded() {
    let m = message::<CoxRequest>(with(cox_base(), json!({"robust": "yes"})), COX);
    assert_eq!(
        m,
        "Option \"robust\" of Cox regression must be true or false, not the text \"yes\"."
    );
    let m = message::<CoxRequest>(
        with(cox_base(), json!({"covariates": [{"column": ["age"]}]})),
        COX,
    );
    assert_eq!(
        m,
        "Option \"covariates[0].column\" of Cox regression must be text, not a list."
    );
    let m = message::<CoxRequest>(with(cox_base(), json!({"decimals": 2.5})), COX);
    assert_eq!(
        m,
        "Option \"decimals\" of Cox regression must be a whole number, not the number 2.5."
    );
    let m = message::<CoxRequest>(
        with(
            cox_base(),
            json!({"time_split": {"cuts": "ninety", "covariates": ["age"]}}),
        ),
        COX,
    );
    assert_eq!(m, "Option \"time_split.cuts[0]\" of Cox regression must be a number, not the text \"ninety\".");
}

#[test]
fn cox_round_trip() {
    let r = CoxRequest {
        labels: labels(),
        time: "stop".into(),
        event: "event".into(),
        event_values: vec!["1".into()],
        censor_values: Some(vec!["0".into(), "lost".into()]),
        start: Some("start".into()),
        covariates: vec![
            TermSpec::numeric("age"),
            TermSpec::new("sex").with_reference("m"),
            TermSpec::new("ecog"),
        ],
        strata: Some("centre".into()),
        ties: Ties::Breslow,
        robust: true,
        cluster: Some("id".into()),
        conf_level: 0.9,
        zph_transform: ZphTransform::Rank,
        decimals: 3,
        time_varying: Some(TimeVaryingSpec {
            column: "pd_date".into(),
            origin: Some("start_date".into()),
            unit: Some(TimeUnit::Years),
            name: Some("resistance".into()),
        }),
        time_split: Some(TimeSplitSpec {
            cuts: vec![90.0, 180.5],
            covariates: vec!["age".into()],
        }),
        figure: forest_figure(),
        filter: Some(a_filter()),
        preset: Some(Program::Stata),
    };
    assert_round_trip(&r, COX);
    assert_round_trip(&CoxRequest::default(), COX);
}

/// A forest plot's options away from their defaults.
fn forest_figure() -> ForestFigure {
    ForestFigure {
        output: FigureOutput {
            preset: Some(SizePreset::OneAndHalfColumn),
            font_size: 7.5,
            ..FigureOutput::default()
        },
        style: FigureStyle {
            palette: Palette::Nejm,
            ..FigureStyle::default()
        },
        title: Some("Figure 2".into()),
        x_label: Some("Hazard ratio".into()),
        row_labels: BTreeMap::from([("age".to_string(), "Age, per year".to_string())]),
        favours: vec!["Favours A".into(), "Favours B".into()],
        show_counts: false,
        weight_squares: true,
    }
}

// Model table

const MODELS: &str = "the model table";

fn models_base() -> Value {
    json!({"outcome": {"type": "binary", "column": "case", "event_values": ["1"]}, "candidates": [{"column": "age"}]})
}

#[test]
fn model_table_misspelled_options_are_named() {
    let m = message::<ModelTableRequest>(with(models_base(), json!({"threshhold": 0.1})), MODELS);
    assert!(
        m.starts_with(
            "Unknown option \"threshhold\" for the model table; did you mean \"threshold\"?"
        ),
        "{m}"
    );
    let outcome =
        json!({"outcome": {"type": "survival", "time": "t", "event": "s", "evnt_values": ["1"]}});
    let m = message::<ModelTableRequest>(with(models_base(), outcome), MODELS);
    assert!(
        m.starts_with("Unknown option \"outcome.evnt_values\" for the model table; did you mean \"event_values\"? Options of \"outcome\": type, column,"),
        "{m}"
    );
    let m = message::<ModelTableRequest>(
        with(models_base(), json!({"candidates": [{"colum": "age"}]})),
        MODELS,
    );
    assert!(
        m.starts_with(
            "Unknown option \"candidates[0].colum\" for the model table; did you mean \"column\"?"
        ),
        "{m}"
    );
}

#[test]
fn model_table_choices_ignore_case_and_codes_may_be_numbers() {
    let extra = json!({"outcome": {"type": "Survival", "time": "t", "event": "s", "event_values": [2], "censor_values": [1]},
                       "term_test": "Likelihood-Ratio", "ci": "PROFILE", "ties": "Breslow",
                       "candidates": [{"column": "ecog", "kind": "CATEGORICAL", "reference": 0}]});
    let r: ModelTableRequest = read(with(models_base(), extra), MODELS).unwrap();
    assert_eq!(r.outcome.kind, Some(OutcomeType::Survival));
    assert_eq!(r.outcome.event_values, vec!["2"]);
    assert_eq!(r.outcome.censor_values, Some(vec!["1".to_string()]));
    assert_eq!(r.term_test, TermTest::LikelihoodRatio);
    assert_eq!(r.ci, CiMethod::Profile);
    assert_eq!(r.ties, Ties::Breslow);
    assert_eq!(r.candidates[0].reference.as_deref(), Some("0"));
}

#[test]
fn model_table_wrong_types_are_worded() {
    let m = message::<ModelTableRequest>(with(models_base(), json!({"firth": 1})), MODELS);
    assert_eq!(
        m,
        "Option \"firth\" of the model table must be true or false, not the number 1."
    );
    let m = message::<ModelTableRequest>(with(models_base(), json!({"outcome": "case"})), MODELS);
    assert!(
        m.starts_with(
            "Option \"outcome\" of the model table must be an object with options (type, column,"
        ),
        "{m}"
    );
    let m = message::<ModelTableRequest>(
        with(models_base(), json!({"outcome": {"type": "yes/no"}})),
        MODELS,
    );
    assert_eq!(
        m,
        "Option \"outcome.type\" of the model table cannot be \"yes/no\". Choose one of: \"binary\", \"survival\"."
    );
}

#[test]
fn model_table_round_trip() {
    let r = ModelTableRequest {
        labels: labels(),
        outcome: OutcomeRequest {
            kind: Some(OutcomeType::Binary),
            column: "response".into(),
            event_values: vec!["secondary".into()],
            non_event_values: vec!["durable".into()],
            time: String::new(),
            event: String::new(),
            censor_values: None,
            strata: None,
        },
        candidates: vec![TermSpec::new("age"), TermSpec::categorical("ecog")],
        multivariable: Some(vec!["age".into()]),
        threshold: 0.1,
        firth: true,
        ci: CiMethod::Profile,
        ties: Ties::Breslow,
        term_test: TermTest::Wald,
        conf_level: 0.99,
        decimals: 3,
        figure: forest_figure(),
        filter: Some(a_filter()),
        preset: Some(Program::Prism),
    };
    assert_round_trip(&r, MODELS);
    let survival = ModelTableRequest {
        outcome: OutcomeRequest {
            kind: None,
            time: "os".into(),
            event: "os_event".into(),
            event_values: vec!["1".into()],
            censor_values: Some(vec!["0".into()]),
            strata: Some("site".into()),
            ..OutcomeRequest::default()
        },
        multivariable: Some(Vec::new()),
        ..r
    };
    assert_round_trip(&survival, MODELS);
    assert_round_trip(&ModelTableRequest::default(), MODELS);
}

// Table 1

const TABLE1: &str = "Table 1";

fn baseline_base() -> Value {
    json!({"group": "arm", "variables": ["age", {"column": "sex", "kind": "categorical"}]})
}

#[test]
fn baseline_misspelled_options_are_named() {
    let m = message::<BaselineRequest>(
        with(baseline_base(), json!({"continous_test": "anova"})),
        TABLE1,
    );
    assert!(
        m.starts_with(
            "Unknown option \"continous_test\" for Table 1; did you mean \"continuous_test\"?"
        ),
        "{m}"
    );
    // Inside the object form of a variable (a column name or an object): named, not "did not match any variant".
    let m = message::<BaselineRequest>(
        with(
            baseline_base(),
            json!({"variables": ["age", {"column": "sex", "lable": "Sex"}]}),
        ),
        TABLE1,
    );
    assert_eq!(
        m,
        "Unknown option \"variables[1].lable\" for Table 1; did you mean \"label\"? Options of \"variables[1]\": column, kind, label."
    );
    let m = message::<BaselineRequest>(
        with(
            baseline_base(),
            json!({"variables": [{"column": "sex", "kind": "ordinal"}]}),
        ),
        TABLE1,
    );
    assert_eq!(
        m,
        "Option \"variables[0].kind\" of Table 1 cannot be \"ordinal\". Choose one of: \"categorical\", \"continuous\"."
    );
}

#[test]
fn baseline_choices_ignore_case_and_keep_their_aliases() {
    let r: BaselineRequest = read(
        with(
            baseline_base(),
            json!({"continuous_summary": "Mean-SD", "continuous_test": "Welch"}),
        ),
        TABLE1,
    )
    .unwrap();
    assert_eq!(r.continuous_summary, ContinuousSummary::MeanSd);
    assert_eq!(r.continuous_test, ContinuousTestChoice::Welch);
    assert_eq!(
        r.variables,
        vec![
            VariableRequest::Column("age".into()),
            VariableRequest::Full(BaselineVariable {
                column: "sex".into(),
                kind: Some(VariableKind::Categorical),
                label: None
            })
        ]
    );
    for alias in ["rank", "wilcoxon", "Wilcoxon", "kruskal", "KRUSKAL"] {
        let r: BaselineRequest = read(
            with(baseline_base(), json!({"continuous_test": alias})),
            TABLE1,
        )
        .unwrap();
        assert_eq!(r.continuous_test, ContinuousTestChoice::Kruskal, "{alias}");
    }
    // One variable alone is a list of one.
    let r: BaselineRequest = read(json!({"group": "arm", "variables": "age"}), TABLE1).unwrap();
    assert_eq!(r.variables, vec![VariableRequest::Column("age".into())]);
}

#[test]
fn baseline_wrong_types_are_worded() {
    let m = message::<BaselineRequest>(with(baseline_base(), json!({"variables": [true]})), TABLE1);
    assert_eq!(
        m,
        "Option \"variables[0]\" of Table 1 must be a column name or an object with options (column, kind, label), not true."
    );
    let m = message::<BaselineRequest>(
        with(baseline_base(), json!({"percent_decimals": "one"})),
        TABLE1,
    );
    assert_eq!(
        m,
        "Option \"percent_decimals\" of Table 1 must be a whole number, not the text \"one\"."
    );
}

/// A variable-label map, as the page sends with every request.
fn labels() -> BTreeMap<String, String> {
    [
        ("age".to_string(), "Age, years".to_string()),
        ("resistance_group".to_string(), "Resistance".to_string()),
    ]
    .into()
}

#[test]
fn baseline_round_trip() {
    let r = BaselineRequest {
        labels: labels(),
        group: "resistance_group".into(),
        variables: vec![
            VariableRequest::Column("age".into()),
            VariableRequest::Full(BaselineVariable {
                column: "ecog".into(),
                kind: Some(VariableKind::Categorical),
                label: Some("ECOG PS".into()),
            }),
            VariableRequest::Full(BaselineVariable::continuous("afp")),
        ],
        continuous_summary: ContinuousSummary::MeanSd,
        continuous_test: ContinuousTestChoice::Anova,
        yates: true,
        expected_threshold: 1.0,
        overall: false,
        overall_last: true,
        binary: BinaryRows::BothLevels,
        decimal_mark: OutputDecimalMark::Comma,
        percent_decimals: 0,
        decimals: Some(2),
        filter: Some(a_filter()),
        preset: Some(Program::Sas),
    };
    assert_round_trip(&r, TABLE1);
    assert_round_trip(&BaselineRequest::default(), TABLE1);
}

// Rates

const RATES: &str = "rates";

#[test]
fn rates_misspelled_options_are_named() {
    let m = message::<RatesRequest>(
        json!({"outcome": "bor", "sucess_values": ["CR", "PR"]}),
        RATES,
    );
    assert!(
        m.starts_with(
            "Unknown option \"sucess_values\" for rates; did you mean \"success_values\"?"
        ),
        "{m}"
    );
}

#[test]
fn rates_choices_ignore_case_and_codes_may_be_numbers() {
    let r: RatesRequest = read(json!({"outcome": "ae_grade", "success_values": [3, 4], "exclude_values": "NE", "ci": "Wilson"}), RATES).unwrap();
    assert_eq!(r.success_values, vec!["3", "4"]);
    assert_eq!(
        r.exclude_values,
        vec!["NE"],
        "one value alone is a list of one"
    );
    assert_eq!(r.ci, RateCiMethod::Wilson);
    let r: RatesRequest = read(
        json!({"outcome": "bor", "success_values": "CR", "ci": "Clopper-Pearson"}),
        RATES,
    )
    .unwrap();
    assert_eq!(r.success_values, vec!["CR"]);
    assert_eq!(r.ci, RateCiMethod::ClopperPearson);
}

#[test]
fn rates_wrong_types_are_worded() {
    let m = message::<RatesRequest>(
        json!({"outcome": "bor", "success_values": {"CR": true}}),
        RATES,
    );
    assert_eq!(
        m,
        "Option \"success_values\" of rates must be a list, not an object."
    );
    let m = message::<RatesRequest>(json!({"outcome": "bor", "conf_level": [0.95]}), RATES);
    assert_eq!(
        m,
        "Option \"conf_level\" of rates must be a number, not a list."
    );
}

#[test]
fn rates_round_trip() {
    let r = RatesRequest {
        outcome: "bor".into(),
        success_values: vec!["CR".into(), "PR".into()],
        exclude_values: vec!["NE".into()],
        group: Some("arm".into()),
        conf_level: 0.9,
        ci: RateCiMethod::Wilson,
        filter: Some(a_filter()),
    };
    assert_round_trip(&r, RATES);
    assert_round_trip(&RatesRequest::default(), RATES);
}

// Classification

const CLASSIFY: &str = "classification";

#[test]
fn classify_misspelled_options_are_named_with_their_path() {
    let m = message::<CohortRequest>(json!({"rule": {}}), CLASSIFY);
    assert_eq!(m, "Unknown option \"rule\" for classification; did you mean \"rules\"? Options: columns, rules, unit, figure.");
    let m = message::<CohortRequest>(
        json!({"columns": {"start": "d0", "deaht": "dod"}}),
        CLASSIFY,
    );
    assert!(m.starts_with("Unknown option \"columns.deaht\" for classification; did you mean \"death\"? Options of \"columns\": patient_id,"), "{m}");
    let m = message::<CohortRequest>(json!({"rules": {"primary_min_exposure_week": 8}}), CLASSIFY);
    assert!(
        m.starts_with("Unknown option \"rules.primary_min_exposure_week\" for classification; did you mean \"primary_min_exposure_weeks\"?"),
        "{m}"
    );
}

#[test]
fn classify_choices_ignore_case_and_types_are_worded() {
    let r: CohortRequest =
        read(json!({"rules": {"rule_set": "Early-Progression", "short_response": "Secondary", "early_progression_months": "4"}, "unit": "Days"}), CLASSIFY)
            .unwrap();
    assert_eq!(r.rules.rule_set, RuleSet::EarlyProgression);
    assert_eq!(r.rules.short_response, ShortResponse::Secondary);
    assert_eq!(r.rules.early_progression_months, 4.0);
    assert_eq!(r.unit, TimeUnit::Days);
    let m = message::<CohortRequest>(
        json!({"rules": {"require_confirmation": "maybe"}}),
        CLASSIFY,
    );
    assert_eq!(m, "Option \"rules.require_confirmation\" of classification must be true or false, not the text \"maybe\".");
}

#[test]
fn classify_round_trip() {
    let r = CohortRequest {
        columns: CohortColumns {
            patient_id: Some("id".into()),
            start: Some("ici_start".into()),
            best_response: Some("bor".into()),
            progression: Some("pd_date".into()),
            death: Some("death_date".into()),
            data_cutoff: Some("cutoff".into()),
            ..CohortColumns::default()
        },
        rules: ResistanceOptions {
            rule_set: RuleSet::Sitc,
            require_confirmation: true,
            short_response: ShortResponse::Unclassifiable,
            primary_min_exposure_weeks: 8.0,
            ..ResistanceOptions::default()
        },
        unit: TimeUnit::Days,
        figure: FlowFigure {
            output: FigureOutput {
                width: Some(150.0),
                ..FigureOutput::default()
            },
            title: Some("Selection".into()),
        },
    };
    assert_round_trip(&r, CLASSIFY);
    assert_round_trip(&CohortRequest::default(), CLASSIFY);
}

// Reading the file

const READ: &str = "reading the file";

#[test]
fn read_options_are_strict_too() {
    let m = message::<ReadOptions>(json!({"delimeter": "tab"}), READ);
    assert!(
        m.starts_with(
            "Unknown option \"delimeter\" for reading the file; did you mean \"delimiter\"?"
        ),
        "{m}"
    );
    let r: ReadOptions =
        read(json!({"delimiter": "Semicolon", "missing_tokens": ["NA", 999], "column_types": {"d": {"Date": "Day-Month-Year"}}}), READ)
            .unwrap();
    assert_eq!(r.delimiter, Delimiter::Semicolon);
    assert_eq!(r.missing_tokens, vec!["NA", "999"]);
    assert_eq!(
        r.column_types["d"],
        ColumnType::Date(DateOrder::DayMonthYear)
    );
    let m = message::<ReadOptions>(json!({"column_types": {"d": "datum"}}), READ);
    assert!(m.starts_with("Option \"column_types.d\" of reading the file cannot be \"datum\"; did you mean \"date\"?"), "{m}");
}

#[test]
fn read_options_round_trip() {
    let r = ReadOptions {
        delimiter: Delimiter::Semicolon,
        decimal: DecimalMark::Comma,
        missing_tokens: vec!["NA".into(), "unknown".into()],
        column_types: BTreeMap::from([
            ("id".to_string(), ColumnType::Text),
            (
                "visit".to_string(),
                ColumnType::Date(DateOrder::MonthDayYear),
            ),
            ("ecog".to_string(), ColumnType::Category),
        ]),
        level_order: LevelOrder::FirstAppearance,
        max_category_levels: 12,
        synthetic: true,
        non_numbers_as_missing: vec!["age".into()],
    };
    assert_round_trip(&r, READ);
    assert_round_trip(&ReadOptions::default(), READ);
}

#[test]
fn a_request_from_a_newer_survcalc_is_refused() {
    let e = read::<KmRequest>(with(km_base(), json!({"version": REQUEST_VERSION + 1})), KM)
        .unwrap_err();
    assert_eq!(
        e.kind,
        RequestErrorKind::NewerVersion {
            found: REQUEST_VERSION + 1
        }
    );
    assert!(e.to_string().contains("newer version of survcalc"), "{e}");
}

// Presets

#[test]
fn presets_ignore_case_and_name_the_programs() {
    let r: KmRequest = read(
        with(km_base(), json!({"preset": "SPSS", "median_ci": "Log-Log"})),
        KM,
    )
    .unwrap();
    assert_eq!(
        (r.preset, r.median_ci),
        (Some(Program::Spss), MedianCiMethod::LogLog)
    );
    let m = message::<KmRequest>(with(km_base(), json!({"preset": "minitab"})), KM);
    assert_eq!(m, "Option \"preset\" of Kaplan–Meier cannot be \"minitab\". Choose one of: \"r\", \"stata\", \"sas\", \"spss\", \"prism\".");
    let m = message::<KmRequest>(with(km_base(), json!({"median_ci": "symetric"})), KM);
    assert!(m.contains("did you mean \"symmetric\"?"), "{m}");
}

// Competing risks

const COMPETING: &str = "competing risks";

#[test]
fn competing_risks_requests_are_strict() {
    let base =
        json!({"time": "etime", "event": "event", "event_values": [1], "competing_values": [2]});
    let m = message::<CompetingRequest>(
        with(base.clone(), json!({"competing_value": [2]})),
        COMPETING,
    );
    assert!(m.starts_with("Unknown option \"competing_value\" for competing risks; did you mean \"competing_values\"?"), "{m}");
    let r: CompetingRequest = read(
        with(
            base.clone(),
            json!({"variance": "Infinitesimal-Jackknife", "plot_style": "STACKED"}),
        ),
        COMPETING,
    )
    .unwrap();
    assert_eq!(
        (r.variance, r.plot_style),
        (CifVariance::InfinitesimalJackknife, CifPlotStyle::Stacked)
    );
    assert_eq!(r.competing_values, vec!["2"]);
    let m = message::<CompetingRequest>(
        with(
            base,
            json!({"covariates": [{"column": "age", "knd": "numeric"}]}),
        ),
        COMPETING,
    );
    assert!(m.starts_with("Unknown option \"covariates[0].knd\""), "{m}");
}

#[test]
fn competing_risks_round_trip() {
    let r = CompetingRequest {
        time: "ttp".into(),
        event: "status".into(),
        event_values: vec!["progression".into()],
        competing_values: vec!["death".into(), "transplant".into()],
        censor_values: Some(vec!["alive".into()]),
        event_label: Some("progression".into()),
        competing_label: Some("death".into()),
        group: Some("arm".into()),
        time_unit: Some(TimeUnit::Days),
        display_unit: Some(TimeUnit::Months),
        conf_level: 0.9,
        conf_type: ConfType::LogLog,
        variance: CifVariance::InfinitesimalJackknife,
        times: vec![12.0, 24.0],
        rho: 1.0,
        covariates: vec![
            TermSpec::numeric("age"),
            TermSpec::new("sex").with_reference("F"),
        ],
        decimals: 3,
        plot_style: CifPlotStyle::Stacked,
        filter: Some(a_filter()),
        labels: [("arm".to_string(), "Treatment arm".to_string())].into(),
    };
    assert_round_trip(&r, COMPETING);
    assert_round_trip(&CompetingRequest::default(), COMPETING);
}

// Subgroup analyses

const SUBGROUP: &str = "subgroup analysis";

#[test]
fn subgroup_requests_are_strict_and_round_trip() {
    let m = message::<SubgroupRequest>(
        json!({"treatment": {"column": "trt"}, "subgroup": ["sex"]}),
        SUBGROUP,
    );
    assert!(
        m.starts_with(
            "Unknown option \"subgroup\" for subgroup analysis; did you mean \"subgroups\"?"
        ),
        "{m}"
    );
    let r = SubgroupRequest {
        outcome: OutcomeRequest {
            time: "os".into(),
            event: "dead".into(),
            event_values: vec!["1".into()],
            ..OutcomeRequest::default()
        },
        treatment: TermSpec::new("arm").with_reference("control"),
        subgroups: vec!["sex".into(), "ecog".into()],
        adjust: vec![TermSpec::numeric("age")],
        ties: Ties::Breslow,
        conf_level: 0.9,
        decimals: 3,
        filter: Some(a_filter()),
        labels: labels(),
    };
    assert_round_trip(&r, SUBGROUP);
    assert_round_trip(&SubgroupRequest::default(), SUBGROUP);
}

// Analysis sets (every analysis's `filter`) and derived columns

const SET: &str = "the analysis set";
const DERIVE: &str = "a derived column";

fn a_filter() -> Filter {
    Filter {
        name: "Primary resistance".into(),
        conditions: vec![
            Condition {
                column: "resistance_group".into(),
                values: vec!["primary resistance".into()],
                ..Condition::default()
            },
            Condition {
                column: "afp".into(),
                at_least: Some(400.0),
                below: Some(1e5),
                ..Condition::default()
            },
            Condition {
                column: "ici_start_date".into(),
                from_date: Some("2018-01-01".into()),
                to_date: Some("2019-12-31".into()),
                ..Condition::default()
            },
            Condition {
                column: "pps_months".into(),
                present: true,
                ..Condition::default()
            },
            Condition {
                column: "age".into(),
                above: Some(18.0),
                at_most: Some(80.0),
                ..Condition::default()
            },
        ],
    }
}

#[test]
fn filters_are_strict_and_round_trip_in_every_analysis() {
    assert_round_trip(&a_filter(), SET);
    assert_round_trip(&Filter::default(), SET);
    let m = message::<Filter>(
        json!({"conditions": [{"column": "afp", "at_lest": 400}]}),
        SET,
    );
    assert!(m.starts_with("Unknown option \"conditions[0].at_lest\" for the analysis set; did you mean \"at_least\"?"), "{m}");
    let m = message::<KmRequest>(with(km_base(), json!({"filter": {"nme": "x"}})), KM);
    assert!(
        m.starts_with("Unknown option \"filter.nme\" for Kaplan–Meier; did you mean \"name\"?"),
        "{m}"
    );
    let m = message::<CoxRequest>(
        with(
            cox_base(),
            json!({"filter": {"conditions": [{"column": "afp", "above": "high"}]}}),
        ),
        COX,
    );
    assert_eq!(m, "Option \"filter.conditions[0].above\" of Cox regression must be a number, not the text \"high\".");
    // Values may be numbers, one value a list of one; a number typed in a form is text.
    let f: Filter = read(
        json!({"conditions": [{"column": "ecog", "values": 0, "at_most": "2"}]}),
        SET,
    )
    .unwrap();
    assert_eq!(
        (f.conditions[0].values.clone(), f.conditions[0].at_most),
        (vec!["0".to_string()], Some(2.0))
    );

    let filter = Some(a_filter());
    assert_round_trip(
        &KmRequest {
            filter: filter.clone(),
            ..KmRequest::default()
        },
        KM,
    );
    assert_round_trip(
        &CoxRequest {
            filter: filter.clone(),
            ..CoxRequest::default()
        },
        COX,
    );
    assert_round_trip(
        &ModelTableRequest {
            filter: filter.clone(),
            ..ModelTableRequest::default()
        },
        "the model table",
    );
    assert_round_trip(
        &BaselineRequest {
            filter: filter.clone(),
            ..BaselineRequest::default()
        },
        "Table 1",
    );
    assert_round_trip(
        &RatesRequest {
            filter,
            ..RatesRequest::default()
        },
        "rates",
    );
}

#[test]
fn derive_requests_are_strict_and_round_trip() {
    let requests = [
        DeriveRequest {
            name: "afp_400".into(),
            cut: Some(Cut {
                column: "afp".into(),
                at: vec![400.0],
                cut_point_in: CutPointIn::Lower,
                labels: vec!["low".into(), "high".into()],
            }),
            ..DeriveRequest::default()
        },
        DeriveRequest {
            transform: Some(Transform {
                column: "age".into(),
                function: TransformFunction::PerUnits,
                per: Some(10.0),
            }),
            ..DeriveRequest::default()
        },
        DeriveRequest {
            recode: Some(Recode {
                column: "combination".into(),
                levels: vec![LevelMap {
                    from: vec!["ICI+bevacizumab".into()],
                    to: "ICI + bevacizumab".into(),
                }],
                order: vec!["ICI alone".into()],
                reference: Some("ICI alone".into()),
                missing: vec!["unknown".into()],
            }),
            ..DeriveRequest::default()
        },
        DeriveRequest {
            time_between: Some(TimeBetween {
                from: "start".into(),
                to: "death".into(),
                unit: TimeUnit::Weeks,
            }),
            ..DeriveRequest::default()
        },
    ];
    for r in &requests {
        assert_round_trip(r, DERIVE);
    }
    let r: DeriveRequest = read(
        json!({"cut": {"column": "afp", "at": 400, "cut_point_in": "UPPER"}, "transform": null}),
        DERIVE,
    )
    .unwrap();
    assert_eq!(r.cut.unwrap().at, vec![400.0]);
    let r: DeriveRequest = read(
        json!({"transform": {"column": "x", "function": "Per-Units", "per": "10"}}),
        DERIVE,
    )
    .unwrap();
    assert_eq!(r.transform.unwrap().function, TransformFunction::PerUnits);
    let m = message::<DeriveRequest>(
        json!({"cut": {"column": "afp", "at": [400], "cut_point": "upper"}}),
        DERIVE,
    );
    assert!(
        m.starts_with(
            "Unknown option \"cut.cut_point\" for a derived column; did you mean \"cut_point_in\"?"
        ),
        "{m}"
    );
    let m = message::<DeriveRequest>(
        json!({"transform": {"column": "x", "function": "ln"}}),
        DERIVE,
    );
    assert!(
        m.starts_with("Option \"transform.function\" of a derived column cannot be \"ln\""),
        "{m}"
    );
    let m = message::<DeriveRequest>(
        json!({"recode": {"column": "x", "levels": [{"from": ["a"], "into": "b"}]}}),
        DERIVE,
    );
    assert!(
        m.starts_with("Unknown option \"recode.levels[0].into\""),
        "{m}"
    );
    assert_round_trip(
        &DataExportRequest {
            columns: vec!["id".into(), "afp_400".into()],
        },
        "the data download",
    );
}
