//! The analysis file (`name.survcalc.json`): a whole session as one versioned
//! JSON document, namely how the data file was read and then every analysis
//! request in the order it was made, so that the same analyses can be redone
//! on the same file. It holds settings only (column names, the codes and
//! levels that options name, choices); no row of the data ever enters it.
//!
//! Each step is exactly an analysis request, tagged by its analysis
//! (`{"analysis": "cox", "time": ..., "ties": "breslow"}`), read by the same
//! strict reader as the page's requests ([`crate::request`]), so a mistake is
//! named by its step and option: `steps[2] (Cox regression): Unknown option
//! "tie" ...`. A file saved by a newer survcalc is refused, never misread.

use crate::analyses::baseline::BaselineRequest;
use crate::analyses::cohort::CohortRequest;
use crate::analyses::competing::CompetingRequest;
use crate::analyses::cox::CoxRequest;
use crate::analyses::km::KmRequest;
use crate::analyses::models::ModelTableRequest;
use crate::analyses::rates::RatesRequest;
use crate::analyses::subgroup::SubgroupRequest;
use crate::derive::DeriveRequest;
use crate::request::{self, RequestError, RequestErrorKind, REQUEST_VERSION};
use crate::table::ReadOptions;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// A session: the data file's reading, then the analyses in order (a
/// classification first, since it adds the columns later steps use).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisFile {
    /// The request format's version ([`REQUEST_VERSION`] when written).
    pub version: u64,
    pub dataset: DatasetSource,
    pub steps: Vec<AnalysisStep>,
}

/// Which data file the analyses were made on and how it was read. The file
/// itself is never stored: the user opens it again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatasetSource {
    /// The file's name when it was analysed (to tell the user which file to open).
    pub file_name: String,
    /// Delimiter, decimal mark, missing-value tokens and the column types
    /// the user imposed (`Dataset.fromCsv`'s options).
    pub read_options: ReadOptions,
}

/// One analysis request, tagged by its analysis: `{"analysis":
/// "kaplan_meier", ...the request's options}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "analysis", rename_all = "snake_case")]
pub enum AnalysisStep {
    /// `classify`: endpoints and resistance groups added as columns.
    Classify(CohortRequest),
    /// `derive`: one derived column (a cut, transform, recode or time
    /// between dates) added for the steps after it.
    Derive(DeriveRequest),
    KaplanMeier(KmRequest),
    Cox(CoxRequest),
    ModelTable(ModelTableRequest),
    BaselineTable(BaselineRequest),
    Rates(RatesRequest),
    CompetingRisks(CompetingRequest),
    Subgroups(SubgroupRequest),
}

/// The values of a step's `analysis`, in the order of [`AnalysisStep`].
pub const ANALYSIS_KINDS: &[&str] = &[
    "classify",
    "derive",
    "kaplan_meier",
    "cox",
    "model_table",
    "baseline_table",
    "rates",
    "competing_risks",
    "subgroups",
];

impl AnalysisStep {
    /// The analysis set a step is restricted to, if any.
    pub fn filter(&self) -> Option<&crate::analysis_set::Filter> {
        match self {
            AnalysisStep::Classify(_) | AnalysisStep::Derive(_) => None,
            AnalysisStep::KaplanMeier(r) => r.filter.as_ref(),
            AnalysisStep::Cox(r) => r.filter.as_ref(),
            AnalysisStep::ModelTable(r) => r.filter.as_ref(),
            AnalysisStep::BaselineTable(r) => r.filter.as_ref(),
            AnalysisStep::Rates(r) => r.filter.as_ref(),
            AnalysisStep::CompetingRisks(r) => r.filter.as_ref(),
            AnalysisStep::Subgroups(r) => r.filter.as_ref(),
        }
    }

    /// The step's `analysis` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            AnalysisStep::Classify(_) => "classify",
            AnalysisStep::Derive(_) => "derive",
            AnalysisStep::KaplanMeier(_) => "kaplan_meier",
            AnalysisStep::Cox(_) => "cox",
            AnalysisStep::ModelTable(_) => "model_table",
            AnalysisStep::BaselineTable(_) => "baseline_table",
            AnalysisStep::Rates(_) => "rates",
            AnalysisStep::CompetingRisks(_) => "competing_risks",
            AnalysisStep::Subgroups(_) => "subgroups",
        }
    }

    /// The analysis as people call it, for messages.
    pub fn what(kind: &str) -> &'static str {
        match kind {
            "classify" => "classification",
            "derive" => "a derived column",
            "kaplan_meier" => "Kaplan–Meier",
            "cox" => "Cox regression",
            "model_table" => "the model table",
            "baseline_table" => "Table 1",
            "rates" => "rates",
            "competing_risks" => "competing risks",
            "subgroups" => "the subgroup analysis",
            _ => "this analysis",
        }
    }

    /// Reads one step strictly: `analysis` first (any case or punctuation:
    /// "Kaplan-Meier" = "kaplan_meier"), then every other option as that
    /// analysis's request. Errors are worded for "this step" and carry the
    /// option's path within the step.
    pub fn from_value(value: &Value) -> Result<AnalysisStep, RequestError> {
        let options = step_object(value)?;
        read_step(step_kind(options)?, options)
    }
}

fn step_object(value: &Value) -> Result<&Map<String, Value>, RequestError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(RequestError::wrong_type(
            "an object with \"analysis\" and its options",
            other,
        )),
    }
}

/// The step's `analysis`, as one of [`ANALYSIS_KINDS`].
fn step_kind(step: &Map<String, Value>) -> Result<&'static str, RequestError> {
    let at = |error: RequestError| error.within("analysis".into());
    match step.get("analysis") {
        None => Err(at(RequestError::new(RequestErrorKind::Missing))),
        Some(Value::String(given)) => {
            let wanted = request::normalise(given);
            ANALYSIS_KINDS
                .iter()
                .copied()
                .find(|k| request::normalise(k) == wanted)
                .ok_or_else(|| {
                    at(RequestError::new(RequestErrorKind::UnknownChoice {
                        value: given.clone(),
                        expected: ANALYSIS_KINDS,
                    }))
                })
        }
        Some(other) => Err(at(RequestError::wrong_type(
            "the name of an analysis",
            other,
        ))),
    }
}

/// The step's other options, read strictly as `kind`'s request.
fn read_step(kind: &str, step: &Map<String, Value>) -> Result<AnalysisStep, RequestError> {
    let options: Map<String, Value> = step
        .iter()
        .filter(|(k, _)| *k != "analysis")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let options = Value::Object(options);
    fn read<T: DeserializeOwned>(options: &Value) -> Result<T, RequestError> {
        request::from_value(options, "this step")
    }
    Ok(match kind {
        "classify" => AnalysisStep::Classify(read(&options)?),
        "derive" => AnalysisStep::Derive(read(&options)?),
        "kaplan_meier" => AnalysisStep::KaplanMeier(read(&options)?),
        "cox" => AnalysisStep::Cox(read(&options)?),
        "model_table" => AnalysisStep::ModelTable(read(&options)?),
        "baseline_table" => AnalysisStep::BaselineTable(read(&options)?),
        "competing_risks" => AnalysisStep::CompetingRisks(read(&options)?),
        "subgroups" => AnalysisStep::Subgroups(read(&options)?),
        _ => AnalysisStep::Rates(read(&options)?),
    })
}

/// The top level of the file once `version` is checked: strict, so that a
/// misspelled `steps` is named rather than read as "no steps".
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBody {
    dataset: DatasetSource,
    #[serde(default)]
    steps: Vec<Value>,
}

/// An analysis file that could not be read: which step (if the mistake is in
/// one) and what is wrong, with the option's path.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisFileError {
    /// The step's position (0-based, as `steps[i]` in the file) and its
    /// analysis as people call it; `None` for the file's top level.
    pub step: Option<(usize, &'static str)>,
    pub error: RequestError,
}

impl fmt::Display for AnalysisFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let newer = |f: &mut fmt::Formatter<'_>, found: u64| {
            write!(
                f,
                "This analysis file was saved by a newer version of survcalc (format version {found}); this page reads \
                 version {REQUEST_VERSION} and older. Update survcalc to open it."
            )
        };
        match (&self.step, &self.error.kind) {
            (_, RequestErrorKind::NewerVersion { found }) => newer(f, *found),
            (Some((index, what)), _) => write!(f, "steps[{index}] ({what}): {}", self.error),
            // Said of the whole document ("This is not a survcalc analysis file ...").
            (None, RequestErrorKind::Invalid(reason)) if self.error.path.is_empty() => {
                f.write_str(reason)
            }
            (None, _) => write!(f, "{}", self.error),
        }
    }
}

impl std::error::Error for AnalysisFileError {}

impl AnalysisFile {
    /// An empty session on a file read with `read_options`.
    pub fn new(file_name: &str, read_options: ReadOptions) -> AnalysisFile {
        AnalysisFile {
            version: REQUEST_VERSION,
            dataset: DatasetSource {
                file_name: file_name.to_string(),
                read_options,
            },
            steps: Vec::new(),
        }
    }

    /// Reads a file strictly. `version` is required (it is what tells an
    /// analysis file from any other JSON) and must not be newer than this
    /// build's; every step is read as its analysis's request.
    pub fn from_value(value: &Value) -> Result<AnalysisFile, AnalysisFileError> {
        let top = |mut error: RequestError| {
            error.what = "the analysis file";
            AnalysisFileError { step: None, error }
        };
        let not_a_file = |reason: &str| {
            top(RequestError::new(RequestErrorKind::Invalid(format!(
                "This is not a survcalc analysis file ({reason})."
            ))))
        };
        let Value::Object(map) = value else {
            return Err(not_a_file("it is not a JSON object"));
        };
        let version = match map.get("version") {
            None => return Err(not_a_file("it has no \"version\"")),
            Some(v) => v.as_u64().ok_or_else(|| {
                top(
                    RequestError::wrong_type("a whole number (the file format's version)", v)
                        .within("version".into()),
                )
            })?,
        };
        if version > REQUEST_VERSION {
            return Err(top(RequestError::new(RequestErrorKind::NewerVersion {
                found: version,
            })));
        }
        let body: FileBody = request::from_value(value, "the analysis file").map_err(top)?;
        let steps = body
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                // A step that is not an object, or has no known `analysis`, is the
                // file's mistake at steps[i]; a mistake in its options, the step's.
                let in_file = |error: RequestError| {
                    top(error.within(format!("[{index}]")).within("steps".into()))
                };
                let options = step_object(step).map_err(in_file)?;
                let kind = step_kind(options).map_err(in_file)?;
                read_step(kind, options).map_err(|error| AnalysisFileError {
                    step: Some((index, AnalysisStep::what(kind))),
                    error: RequestError {
                        what: "this step",
                        ..error
                    },
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AnalysisFile {
            version,
            dataset: body.dataset,
            steps,
        })
    }

    /// Reads a file from its JSON text.
    pub fn from_json(text: &str) -> Result<AnalysisFile, AnalysisFileError> {
        let value: Value = serde_json::from_str(text).map_err(|e| AnalysisFileError {
            step: None,
            error: RequestError {
                what: "the analysis file",
                path: Vec::new(),
                kind: RequestErrorKind::Invalid(format!(
                    "This is not a survcalc analysis file (not valid JSON: {e})."
                )),
            },
        })?;
        AnalysisFile::from_value(&value)
    }

    /// The file as JSON, stamped with this build's version; every option of
    /// every step is written, defaults included.
    pub fn to_value(&self) -> Result<Value, AnalysisFileError> {
        let mut value = serde_json::to_value(self).map_err(|e| AnalysisFileError {
            step: None,
            error: RequestError {
                what: "the analysis file",
                path: Vec::new(),
                kind: RequestErrorKind::Invalid(format!(
                    "The analysis file could not be written ({e})."
                )),
            },
        })?;
        if let Value::Object(map) = &mut value {
            map.insert("version".into(), Value::from(REQUEST_VERSION));
        }
        Ok(value)
    }

    /// The file as indented JSON text, for saving.
    pub fn to_json(&self) -> Result<String, AnalysisFileError> {
        let value = self.to_value()?;
        Ok(serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string()))
    }
}

/// Through any serde deserializer (serde_json, the strict request reader):
/// the document is taken as JSON data, then read by [`AnalysisFile::from_value`].
impl<'de> Deserialize<'de> for AnalysisFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        AnalysisFile::from_value(&value).map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for AnalysisStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        AnalysisStep::from_value(&value).map_err(de::Error::custom)
    }
}
