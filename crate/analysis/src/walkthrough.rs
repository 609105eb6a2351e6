//! The walkthrough file (`name.walkthrough.json`, docs/walkthrough.md): a
//! lesson built on an analysis file. Its `analysis` is an ordinary
//! [`AnalysisFile`] whose steps (typically the classification) run before
//! every lesson step that asks for them; each lesson step adds its own
//! requests (strict analysis requests, as in an analysis file) and the
//! teacher's text: the method, the published figure to compare with, why the
//! two differ, and "try it yourself" changes, each one option of one request.
//!
//! Read strictly (unknown fields refused with the nearest valid name, a newer
//! format version refused, every "try it" change applied and read as a
//! request when the file is read), so a mistake is found by the author, not
//! by a student in front of a class.

use crate::analysis_file::ANALYSIS_KINDS;
use crate::analysis_file::{AnalysisFile, AnalysisStep};
use crate::request::{self, RequestError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The walkthrough format's version this build reads and writes.
pub const WALKTHROUGH_VERSION: u64 = 1;

/// A lesson: the data it runs on, the shared analyses and its steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walkthrough {
    pub version: u64,
    pub title: String,
    /// The paper the lesson reproduces, as a reference.
    pub paper: String,
    /// The bundled data file (path under the page's root, e.g.
    /// `examples/synthetic_hcc_cohort.csv`): a lesson needs no upload.
    pub example: String,
    /// Shown before the first step.
    pub introduction: String,
    /// How the data are read and the analyses every step with `setup` runs first.
    pub analysis: AnalysisFile,
    pub steps: Vec<LessonStep>,
}

/// One step of the lesson: its requests and what the teacher says about them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonStep {
    pub title: String,
    /// Two or three sentences: the method and why the paper uses it.
    pub method: String,
    /// The paper's published figures for this step, quoted.
    pub paper: Vec<String>,
    /// Why this cohort's numbers differ from the paper's.
    pub differs: String,
    /// Whether the analysis file's steps (the classification) run first.
    pub setup: bool,
    pub requests: Vec<AnalysisStep>,
    pub try_it: Vec<TryIt>,
}

/// A change a student can make, and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TryIt {
    /// The button's words ("Require a confirmation scan").
    pub label: String,
    /// What happens, and why.
    pub effect: String,
    pub changes: Vec<OptionChange>,
}

/// One option of one of the step's requests set to a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionChange {
    /// The request's position in the step's `requests` (0-based).
    pub request: usize,
    /// The option's path, dotted: `"rules.require_confirmation"`, `"landmark"`.
    pub option: String,
    pub value: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    title: String,
    #[serde(default)]
    paper: String,
    example: String,
    #[serde(default)]
    introduction: String,
    analysis: Value,
    steps: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepBody {
    title: String,
    method: String,
    #[serde(default)]
    paper: Vec<String>,
    #[serde(default)]
    differs: String,
    #[serde(default = "yes")]
    setup: bool,
    requests: Vec<Value>,
    #[serde(default)]
    try_it: Vec<TryIt>,
}

fn yes() -> bool {
    true
}

/// A walkthrough that could not be read, or a step that could not be set up:
/// where (in words a teacher can find in the file) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkthroughError {
    /// "steps[2] (Kaplan–Meier of OS by group), requests[0]", or "" for the top level.
    pub place: String,
    pub message: String,
}

impl fmt::Display for WalkthroughError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "This walkthrough cannot be read: {}", self.message)
        } else {
            write!(
                f,
                "This walkthrough cannot be read: {}: {}",
                self.place, self.message
            )
        }
    }
}

impl std::error::Error for WalkthroughError {}

fn error(place: impl Into<String>, message: impl Into<String>) -> WalkthroughError {
    WalkthroughError {
        place: place.into(),
        message: message.into(),
    }
}

/// A request error worded for the walkthrough ("this step" rather than an analysis's name when unnamed).
fn request_message(mut e: RequestError, what: &'static str) -> String {
    if e.what.is_empty() || e.what == "this step" {
        e.what = what;
    }
    e.to_string()
}

impl Walkthrough {
    /// Reads a walkthrough from its JSON text.
    pub fn from_json(text: &str) -> Result<Walkthrough, WalkthroughError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| error("", format!("it is not valid JSON ({e}).")))?;
        Walkthrough::from_value(&value)
    }

    /// Reads a walkthrough strictly: `version` first (required; a newer one
    /// is refused), then every field, the analysis file, each step's
    /// requests and each "try it" applied to its request.
    pub fn from_value(value: &Value) -> Result<Walkthrough, WalkthroughError> {
        let Value::Object(map) = value else {
            return Err(error("", "it is not a JSON object (a walkthrough starts with { \"version\": 1, \"title\": ... })."));
        };
        let version = match map.get("version") {
            None => {
                return Err(error(
                    "",
                    "it has no \"version\" (write \"version\": 1 at its start).",
                ))
            }
            Some(v) => v.as_u64().ok_or_else(|| {
                error(
                    "version",
                    format!("must be a whole number (the walkthrough format's version), not {v}."),
                )
            })?,
        };
        if version > WALKTHROUGH_VERSION {
            return Err(error(
                "",
                format!(
                    "it was written for a newer version of survcalc (walkthrough format {version}); this page reads \
                     format {WALKTHROUGH_VERSION} and older. Update survcalc to open it."
                ),
            ));
        }
        let mut rest = map.clone();
        rest.remove("version");
        let body: Body = request::from_value(&Value::Object(rest), "the walkthrough")
            .map_err(|e| error("", request_message(e, "the walkthrough")))?;
        let analysis = AnalysisFile::from_value(&body.analysis)
            .map_err(|e| error("analysis", e.to_string()))?;
        if body.title.trim().is_empty() {
            return Err(error("title", "is empty; give the lesson a title."));
        }
        if body.example.trim().is_empty()
            || body.example.contains("..")
            || body.example.starts_with('/')
        {
            return Err(error(
                "example",
                format!("\"{}\" is not a bundled data file; give its path under the page, e.g. \"examples/synthetic_hcc_cohort.csv\".", body.example),
            ));
        }
        if body.steps.is_empty() {
            return Err(error("steps", "the walkthrough has no steps."));
        }
        let steps = body
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| read_step(i, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Walkthrough {
            version,
            title: body.title,
            paper: body.paper,
            example: body.example,
            introduction: body.introduction,
            analysis,
            steps,
        })
    }

    /// The analysis file that step `index` runs, with the "try it" changes
    /// `tries` (positions in its `try_it`) applied, and how many of its
    /// steps are the shared setup (whose results the lesson does not show).
    pub fn step_session(
        &self,
        index: usize,
        tries: &[usize],
    ) -> Result<(AnalysisFile, usize), WalkthroughError> {
        let step = self.steps.get(index).ok_or_else(|| {
            error(
                "",
                format!(
                    "it has {} steps; there is no step {}.",
                    self.steps.len(),
                    index + 1
                ),
            )
        })?;
        let place = step_place(index, &step.title);
        let mut requests = step.requests.clone();
        for &t in tries {
            let try_it = step.try_it.get(t).ok_or_else(|| {
                error(
                    place.clone(),
                    format!(
                        "it has {} \"try it\" changes; there is no change {}.",
                        step.try_it.len(),
                        t + 1
                    ),
                )
            })?;
            requests =
                apply(&requests, try_it).map_err(|m| error(format!("{place}, try_it[{t}]"), m))?;
        }
        let setup = if step.setup {
            self.analysis.steps.clone()
        } else {
            Vec::new()
        };
        let hidden = setup.len();
        let mut session = self.analysis.clone();
        session.steps = setup.into_iter().chain(requests).collect();
        Ok((session, hidden))
    }
}

fn step_place(index: usize, title: &str) -> String {
    format!("steps[{index}] (\"{title}\")")
}

fn read_step(index: usize, value: &Value) -> Result<LessonStep, WalkthroughError> {
    let title = value.get("title").and_then(Value::as_str).unwrap_or("");
    let place = step_place(index, title);
    let body: StepBody = request::from_value(value, "this step")
        .map_err(|e| error(place.clone(), request_message(e, "this step")))?;
    if body.requests.is_empty() {
        return Err(error(
            place,
            "has no requests; a step shows the result of at least one analysis.",
        ));
    }
    let requests = body
        .requests
        .iter()
        .enumerate()
        .map(|(r, v)| {
            AnalysisStep::from_value(v).map_err(|e| {
                let given =
                    request::normalise(v.get("analysis").and_then(Value::as_str).unwrap_or(""));
                let kind = ANALYSIS_KINDS
                    .iter()
                    .find(|k| request::normalise(k) == given)
                    .copied()
                    .unwrap_or("");
                let what = AnalysisStep::what(kind);
                error(format!("{place}, requests[{r}]"), request_message(e, what))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Every change is tried now, so a broken one is the author's error.
    for (t, try_it) in body.try_it.iter().enumerate() {
        if try_it.changes.is_empty() {
            return Err(error(format!("{place}, try_it[{t}]"), "has no changes."));
        }
        apply(&requests, try_it).map_err(|m| error(format!("{place}, try_it[{t}]"), m))?;
    }
    Ok(LessonStep {
        title: body.title,
        method: body.method,
        paper: body.paper,
        differs: body.differs,
        setup: body.setup,
        requests,
        try_it: body.try_it,
    })
}

/// The requests with `try_it`'s changes made: each request written out as
/// JSON, the option set (objects made along a path that is empty), and read
/// back strictly, so a change is exactly what a saved request could say.
fn apply(requests: &[AnalysisStep], try_it: &TryIt) -> Result<Vec<AnalysisStep>, String> {
    let mut out = requests.to_vec();
    for change in &try_it.changes {
        let target = out.get(change.request).ok_or_else(|| {
            format!(
                "change of \"{}\" names requests[{}], but the step has {} requests.",
                change.option,
                change.request,
                out.len()
            )
        })?;
        let mut value = serde_json::to_value(target)
            .map_err(|e| format!("the request could not be written ({e})."))?;
        let path: Vec<&str> = change.option.split('.').collect();
        if path.iter().any(|p| p.is_empty()) || path.first() == Some(&"analysis") {
            return Err(format!(
                "\"{}\" is not an option a change can set.",
                change.option
            ));
        }
        set_path(&mut value, &path, change.value.clone());
        let changed = AnalysisStep::from_value(&value).map_err(|e| {
            let what = AnalysisStep::what(target.kind());
            format!(
                "setting \"{}\" gives a request survcalc cannot read: {}",
                change.option,
                request_message(e, what)
            )
        })?;
        out[change.request] = changed;
    }
    Ok(out)
}

fn set_path(value: &mut Value, path: &[&str], new: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    if let Value::Object(map) = value {
        let slot = map.entry(first.to_string()).or_insert(Value::Null);
        set_path(slot, rest, new);
    }
}
