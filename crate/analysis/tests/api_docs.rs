//! docs/api.md against the code: every option of every request type (found
//! by walking the types with a probing serde Deserializer, nested options
//! included) has a row in its analysis's options table, with every choice of
//! an enum option quoted; every documented option exists; every nested
//! object of options refuses unknown options; and every field of a real
//! report (computed on the R fixtures) is in its analysis's result table.
//!
//! The docs' layout this reads: each analysis has a `## ` heading naming its
//! method (`dataset.cox(options)`), then a table headed
//! `| option | type | default | meaning |` whose first cells are the option
//! paths in backticks (`time_varying.origin`, `covariates[].kind`), and a
//! table headed `| field | type | meaning |` of the result's fields
//! (`fit.curves[].median`); a documented object with documented fields must
//! have all of its fields documented.

// One copy of the fixtures loader, shared by every crate's tests.
#[path = "../../stats/tests/support/mod.rs"]
mod support;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use survcalc_analysis::analyses::{
    self, baseline::BaselineRequest, cohort::CohortRequest, cox::CoxRequest,
};
use survcalc_analysis::analyses::{competing::CompetingRequest, subgroup::SubgroupRequest};
use survcalc_analysis::analyses::{km::KmRequest, models::ModelTableRequest, rates::RatesRequest};
use survcalc_analysis::analysis_set::Filter;
use survcalc_analysis::derive::DeriveRequest;
use survcalc_analysis::export::DataExportRequest;
use survcalc_analysis::request::{self, RequestErrorKind};
use survcalc_analysis::table::{read_csv, ReadOptions, Table};

// ---------------------------------------------------------------------------
// The probe: a Deserializer that answers every request type with placeholder
// values and records each option's path and, for enums, the choices.

/// What the walk found: option path -> choices (empty unless an enum).
#[derive(Default)]
struct Found {
    options: BTreeMap<String, Vec<&'static str>>,
    /// Objects read through `deserialize_any` (a name or an object): their
    /// options, learnt from the unknown-option error of a first walk.
    learnt: BTreeMap<String, &'static [&'static str]>,
}

#[derive(Debug)]
enum ProbeError {
    /// A struct read without `deserialize_struct` told its fields by refusing
    /// an unknown one; `path` is where.
    Learnt {
        path: String,
        fields: &'static [&'static str],
    },
    UnknownField(&'static [&'static str]),
    Other(String),
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeError::Learnt { path, fields } => {
                write!(f, "learnt the options of `{path}`: {fields:?}")
            }
            ProbeError::UnknownField(fields) => {
                write!(f, "an unknown option (options: {fields:?})")
            }
            ProbeError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ProbeError {}

impl de::Error for ProbeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ProbeError::Other(msg.to_string())
    }

    fn unknown_field(_field: &str, expected: &'static [&'static str]) -> Self {
        ProbeError::UnknownField(expected)
    }
}

/// The key no request has, fed to learn a struct's fields.
const NO_SUCH_OPTION: &str = "\u{1}no such option";

struct Probe<'a> {
    path: String,
    found: &'a RefCell<Found>,
}

fn child(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = ProbeError;

    /// Only hand-written readers of "a name or an object" ask for any value:
    /// an object is offered, whose options are learnt on a first walk.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        let learnt = self.found.borrow().learnt.get(&self.path).copied();
        match learnt {
            Some(fields) => visitor.visit_map(Fields {
                fields,
                next: 0,
                path: self.path,
                found: self.found,
            }),
            None => visitor.visit_map(Learn {
                path: self.path,
                asked: false,
            }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_bool(false)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_i64(0)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_i64(0)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_i64(0)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_i64(0)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_u64(0)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_u64(0)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_u64(0)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_u64(0)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_f64(0.0)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_f64(0.0)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_char(' ')
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_str("")
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_str("")
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_bytes(&[])
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_bytes(&[])
    }

    /// `Some`, so that what is inside is walked too.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        visitor.visit_newtype_struct(self)
    }

    /// A list of one item, walked under `path[]`.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_seq(OneItem {
            path: format!("{}[]", self.path),
            found: self.found,
            done: false,
        })
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_seq(visitor)
    }

    /// Maps keyed by the user's names (column types): documented as one option.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_map(Fields {
            fields: &[],
            next: 0,
            path: self.path,
            found: self.found,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        visitor.visit_map(Fields {
            fields,
            next: 0,
            path: self.path,
            found: self.found,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.found
            .borrow_mut()
            .options
            .insert(self.path.clone(), variants.to_vec());
        visitor.visit_enum(FirstVariant {
            variant: variants[0],
            path: self.path,
            found: self.found,
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_str("")
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_unit()
    }
}

/// A struct's fields, each recorded and walked.
struct Fields<'a> {
    fields: &'static [&'static str],
    next: usize,
    path: String,
    found: &'a RefCell<Found>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        let Some(field) = self.fields.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize((*field).into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, ProbeError> {
        let field = self.fields[self.next];
        self.next += 1;
        let path = child(&self.path, field);
        self.found
            .borrow_mut()
            .options
            .entry(path.clone())
            .or_default();
        seed.deserialize(Probe {
            path,
            found: self.found,
        })
    }
}

/// Offers one unknown option to learn the fields of an object read through
/// `deserialize_any`.
struct Learn {
    path: String,
    asked: bool,
}

impl<'de> MapAccess<'de> for Learn {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        if self.asked {
            return Ok(None);
        }
        self.asked = true;
        match seed.deserialize(NO_SUCH_OPTION.into_deserializer()) {
            Err(ProbeError::UnknownField(fields)) => Err(ProbeError::Learnt {
                path: self.path.clone(),
                fields,
            }),
            Err(e) => Err(e),
            Ok(_) => Err(ProbeError::Other(format!(
                "the object at `{}` accepts unknown options",
                self.path
            ))),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, _: S) -> Result<S::Value, ProbeError> {
        Err(ProbeError::Other("no value to read".into()))
    }
}

struct OneItem<'a> {
    path: String,
    found: &'a RefCell<Found>,
    done: bool,
}

impl<'de> SeqAccess<'de> for OneItem<'_> {
    type Error = ProbeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ProbeError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        seed.deserialize(Probe {
            path: self.path.clone(),
            found: self.found,
        })
        .map(Some)
    }
}

/// An enum's first choice (every request enum's first choice is a plain name).
struct FirstVariant<'a> {
    variant: &'static str,
    path: String,
    found: &'a RefCell<Found>,
}

impl<'de, 'a> de::EnumAccess<'de> for FirstVariant<'a> {
    type Error = ProbeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), ProbeError> {
        let value = seed.deserialize(self.variant.into_deserializer())?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for FirstVariant<'_> {
    type Error = ProbeError;

    fn unit_variant(self) -> Result<(), ProbeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, ProbeError> {
        seed.deserialize(Probe {
            path: self.path,
            found: self.found,
        })
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, ProbeError> {
        de::Deserializer::deserialize_seq(
            Probe {
                path: self.path,
                found: self.found,
            },
            visitor,
        )
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        visitor.visit_map(Fields {
            fields,
            next: 0,
            path: self.path,
            found: self.found,
        })
    }
}

/// Every option of request type `T`: path -> enum choices. Walks again after
/// learning the fields of each object read through `deserialize_any`.
fn options_of<T: DeserializeOwned>() -> BTreeMap<String, Vec<&'static str>> {
    let found = RefCell::new(Found::default());
    for _ in 0..20 {
        found.borrow_mut().options.clear();
        match T::deserialize(Probe {
            path: String::new(),
            found: &found,
        }) {
            Ok(_) => return found.into_inner().options,
            Err(ProbeError::Learnt { path, fields }) => {
                found.borrow_mut().learnt.insert(path, fields);
            }
            Err(e) => panic!("walking {}: {e}", std::any::type_name::<T>()),
        }
    }
    panic!(
        "walking {}: too many nested objects to learn",
        std::any::type_name::<T>()
    )
}

// ---------------------------------------------------------------------------
// The docs' tables.

fn api_md() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The section of docs/api.md under the `## ` heading that contains `method`.
fn section<'a>(docs: &'a str, method: &str) -> &'a str {
    let mut start = None;
    let mut offset = 0;
    for line in docs.split_inclusive('\n') {
        if line.starts_with("## ") {
            if start.is_some() {
                return &docs[start.unwrap_or(0)..offset];
            }
            if line.contains(method) {
                start = Some(offset);
            }
        }
        offset += line.len();
    }
    match start {
        Some(s) => &docs[s..],
        None => panic!("docs/api.md has no `## ` heading naming {method}"),
    }
}

/// The rows of the first table in `text` whose header is `header`: the first
/// cell's backticked name -> the whole row.
fn table(text: &str, header: &str, method: &str) -> BTreeMap<String, String> {
    let mut lines = text.lines().skip_while(|l| l.trim() != header);
    assert!(
        lines.next().is_some(),
        "the section of {method} in docs/api.md has no table headed {header}"
    );
    let mut rows = BTreeMap::new();
    for line in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let first = line.split('|').nth(1).unwrap_or("").trim();
        let name = first.trim_matches('`');
        assert!(
            first.starts_with('`') && first.ends_with('`') && !name.contains('`'),
            "{method}: the first cell of each row must be one name in backticks: {line}"
        );
        assert!(
            rows.insert(name.to_string(), line.to_string()).is_none(),
            "{method}: `{name}` is documented twice"
        );
    }
    rows
}

const OPTIONS_HEADER: &str = "| option | type | default | meaning |";
const RESULT_HEADER: &str = "| field | type | meaning |";

/// Options of `T` against the options table of `method`'s section.
fn check_options<T: DeserializeOwned>(method: &str) -> Vec<String> {
    let docs = api_md();
    let documented = table(section(&docs, method), OPTIONS_HEADER, method);
    let options = options_of::<T>();
    let mut problems = Vec::new();
    for (path, choices) in &options {
        match documented.get(path) {
            None => problems.push(format!(
                "{method}: option `{path}` is not in the options table"
            )),
            Some(row) => {
                for choice in choices {
                    if !row.contains(&format!("\"{choice}\"")) {
                        problems.push(format!(
                            "{method}: option `{path}`: the choice \"{choice}\" is not in its row"
                        ));
                    }
                }
            }
        }
    }
    for path in documented.keys() {
        if !options.contains_key(path) {
            problems.push(format!(
                "{method}: `{path}` is documented but is not an option"
            ));
        }
    }
    problems
}

fn assert_no_problems(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "docs/api.md is out of date:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_option_is_documented() {
    let problems: Vec<String> = [
        check_options::<ReadOptions>("Dataset.fromCsv("),
        check_options::<CohortRequest>("dataset.classify("),
        check_options::<KmRequest>("dataset.kaplanMeier("),
        check_options::<CoxRequest>("dataset.cox("),
        check_options::<ModelTableRequest>("dataset.modelTable("),
        check_options::<BaselineRequest>("dataset.baselineTable("),
        check_options::<RatesRequest>("dataset.rates("),
        check_options::<Filter>("dataset.analysisSet("),
        check_options::<DeriveRequest>("dataset.derive("),
        check_options::<DataExportRequest>("dataset.exportCsv("),
        check_options::<CompetingRequest>("dataset.competingRisks("),
        check_options::<SubgroupRequest>("dataset.subgroups("),
    ]
    .concat();
    assert_no_problems(problems);
}

/// The probe itself: it sees nested options, choices, lists and the object
/// form of "a name or an object".
#[test]
fn the_probe_finds_nested_options_and_choices() {
    let cox = options_of::<CoxRequest>();
    assert_eq!(cox["ties"], vec!["efron", "breslow"]);
    assert!(
        cox.contains_key("covariates[].reference") && cox.contains_key("time_varying.origin"),
        "{:?}",
        cox.keys()
    );
    assert_eq!(cox["covariates[].kind"], vec!["numeric", "categorical"]);
    let baseline = options_of::<BaselineRequest>();
    for path in [
        "variables",
        "variables[].column",
        "variables[].kind",
        "variables[].label",
    ] {
        assert!(
            baseline.contains_key(path),
            "{path} in {:?}",
            baseline.keys()
        );
    }
}

/// Every object of options found by the walk refuses an option it does not
/// have (so none is ever ignored silently), at any depth.
#[test]
fn every_nested_object_of_options_is_strict() {
    fn check<T: DeserializeOwned + fmt::Debug>(what: &'static str) {
        let options = options_of::<T>();
        let mut objects: BTreeSet<String> = BTreeSet::from([String::new()]);
        for path in options.keys() {
            if let Some((parent, _)) = path.rsplit_once('.') {
                objects.insert(parent.to_string());
            }
        }
        for object in objects {
            // {"a": [{"b": {"zz": 1}}]} for the object at `a[].b`.
            let mut value = json!({ "no_such_option": 1 });
            let segments: Vec<&str> = if object.is_empty() {
                Vec::new()
            } else {
                object.split('.').collect()
            };
            for segment in segments.iter().rev() {
                let (name, list) = match segment.strip_suffix("[]") {
                    Some(name) => (name, true),
                    None => (*segment, false),
                };
                let inner = if list {
                    Value::Array(vec![value])
                } else {
                    value
                };
                value = json!({ name: inner });
            }
            let error = request::from_value::<T>(&value, what)
                .expect_err(&format!("{what}: {value} must be refused"));
            assert!(
                matches!(&error.kind, RequestErrorKind::UnknownOption { option, .. } if option == "no_such_option"),
                "{what}: {value}: {error}"
            );
        }
    }
    check::<ReadOptions>("reading the file");
    check::<CohortRequest>("classification");
    check::<KmRequest>("Kaplan–Meier");
    check::<CoxRequest>("Cox regression");
    check::<ModelTableRequest>("the model table");
    check::<BaselineRequest>("Table 1");
    check::<RatesRequest>("rates");
    check::<Filter>("the analysis set");
    check::<DeriveRequest>("a derived column");
    check::<DataExportRequest>("the data download");
    check::<CompetingRequest>("competing risks");
    check::<SubgroupRequest>("subgroups");
}

// ---------------------------------------------------------------------------
// Results.

fn fixture_table(dataset: &str) -> Table {
    read_csv(
        support::data_file(dataset, "data.csv").as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn synthetic_cohort() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/examples/synthetic_hcc_cohort.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_csv(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn report<R: Serialize>(report: Result<R, String>) -> Value {
    serde_json::to_value(report.unwrap_or_else(|e| panic!("{e}"))).unwrap()
}

fn read<T: DeserializeOwned>(value: Value) -> T {
    request::from_value(&value, "a test").unwrap_or_else(|e| panic!("{e}"))
}

/// Every path present in some report, as `a.b[].c`.
fn paths(reports: &[Value]) -> BTreeSet<String> {
    fn walk(value: &Value, path: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let p = child(path, k);
                    out.insert(p.clone());
                    walk(v, &p, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, &format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut present = BTreeSet::new();
    for r in reports {
        walk(r, "", &mut present);
    }
    present
}

/// The documented result fields against the reports: every top-level field
/// of every report is documented, every documented field exists in some
/// report, and an object documented with fields of its own has all of them
/// documented (at whatever depth the docs go).
fn check_results(method: &str, reports: &[Value]) -> Vec<String> {
    let present = paths(reports);
    let docs = api_md();
    let documented = table(section(&docs, method), RESULT_HEADER, method);
    let mut problems = Vec::new();
    for path in &present {
        let parent = match path.rsplit_once('.') {
            None => Some(""),
            Some((parent, _)) => Some(parent),
        };
        let Some(parent) = parent else { continue };
        // A field must be documented when it is top-level, or when its
        // object has documented fields (the docs went down to it).
        let parent_has_documented_fields = parent.is_empty()
            || documented.keys().any(|d| {
                d.strip_prefix(parent)
                    .is_some_and(|rest| rest.starts_with('.'))
            });
        if parent_has_documented_fields && !documented.contains_key(path) {
            problems.push(format!(
                "{method}: result field `{path}` is not in the result table"
            ));
        }
    }
    for path in documented.keys() {
        if !present.contains(path) {
            problems.push(format!(
                "{method}: `{path}` is documented but no report has it"
            ));
        }
    }
    problems
}

#[test]
fn every_result_field_is_documented() {
    let mut problems = Vec::new();

    // Kaplan–Meier: lung by sex (two groups: the RMST difference), veteran's
    // four cell types (pairwise, trend, strata), a landmark, one curve.
    let lung = fixture_table("02_lung");
    let veteran = fixture_table("03_veteran");
    let km = |table: &Table, options: Value| {
        report(analyses::km::run(table, &read::<KmRequest>(options)))
    };
    let lung_km = json!({"time": "time", "event": "status", "event_values": ["2"], "group": "sex", "time_unit": "days",
        "display_unit": "months", "times": [12], "rmst_tau": 24});
    let km_reports = [
        km(&lung, lung_km.clone()),
        km(
            &veteran,
            json!({"time": "time", "event": "status", "event_values": ["1"], "group": "celltype",
            "pairwise": "holm", "trend": true, "strata": "trt", "rho": 1}),
        ),
        km(
            &lung,
            json!({"time": "time", "event": "status", "event_values": ["2"], "group": "sex", "landmark": 90}),
        ),
        km(
            &lung,
            json!({"time": "time", "event": "status", "event_values": ["2"]}),
        ),
        km(
            &lung,
            json!({"time": "time", "event": "status", "event_values": ["2"], "preset": "spss"}),
        ),
    ];
    problems.extend(check_results("dataset.kaplanMeier(", &km_reports));

    // Cox: veteran, then with robust variance and a time split; lung with a time-varying status.
    let cox_veteran = read::<CoxRequest>(
        json!({"time": "time", "event": "status", "event_values": ["1"],
        "covariates": [{"column": "trt"}, {"column": "celltype"}, {"column": "karno"}]}),
    );
    let split = read::<CoxRequest>(
        json!({"time": "time", "event": "status", "event_values": ["1"],
        "covariates": [{"column": "karno"}, {"column": "celltype"}], "robust": true,
        "time_split": {"cuts": [90, 180], "covariates": ["karno"]}}),
    );
    let varying = read::<CoxRequest>(
        json!({"time": "time", "event": "status", "event_values": ["2"],
        "covariates": [{"column": "age"}], "time_varying": {"column": "meal.cal"}}),
    );
    let cox_preset = read::<CoxRequest>(
        json!({"time": "time", "event": "status", "event_values": ["1"],
        "covariates": [{"column": "trt"}], "preset": "stata"}),
    );
    let cox_reports = [
        report(analyses::cox::run(&veteran, &cox_preset)),
        report(analyses::cox::run(&veteran, &cox_veteran)),
        report(analyses::cox::run(&veteran, &split)),
        report(analyses::cox::run(&lung, &varying)),
    ];
    problems.extend(check_results("dataset.cox(", &cox_reports));

    // Model table: infert (logistic) and lung (Cox).
    let infert = fixture_table("06_infert");
    let logistic = read::<ModelTableRequest>(
        json!({"outcome": {"type": "binary", "column": "case", "event_values": ["1"]},
        "candidates": [{"column": "spontaneous"}, {"column": "induced"}, {"column": "education"}]}),
    );
    let cox_table = read::<ModelTableRequest>(
        json!({"outcome": {"time": "time", "event": "status", "event_values": ["2"]},
        "candidates": [{"column": "age"}, {"column": "sex"}, {"column": "ph.ecog"}], "multivariable": ["age", "sex"]}),
    );
    let mut logistic_preset = logistic.clone();
    logistic_preset.preset = Some(survcalc_analysis::presets::Program::Sas);
    let model_reports = [
        report(analyses::models::run(&infert, &logistic)),
        report(analyses::models::run(&lung, &cox_table)),
        report(analyses::models::run(&infert, &logistic_preset)),
    ];
    problems.extend(check_results("dataset.modelTable(", &model_reports));

    // Table 1: colon by treatment arm.
    let colon = fixture_table("08_colon_baseline");
    let baseline = read::<BaselineRequest>(
        json!({"group": "rx", "variables": ["age", "sex", {"column": "obstruct", "kind": "categorical"}]}),
    );
    let mut baseline_preset = baseline.clone();
    baseline_preset.preset = Some(survcalc_analysis::presets::Program::R);
    problems.extend(check_results(
        "dataset.baselineTable(",
        &[
            report(analyses::baseline::run(&colon, &baseline)),
            report(analyses::baseline::run(&colon, &baseline_preset)),
        ],
    ));

    // Competing risks: mgus2 by sex with times and a Fine–Gray model.
    let mgus2 = fixture_table("11_mgus2_competing");
    let competing = read::<CompetingRequest>(
        json!({"time": "etime", "event": "event", "event_values": [1],
        "competing_values": [2], "group": "sex", "times": [60, 120], "covariates": [{"column": "age"}, {"column": "sex"}]}),
    );
    problems.extend(check_results(
        "dataset.competingRisks(",
        &[report(analyses::competing::run(&mgus2, &competing))],
    ));

    // Subgroups: veteran's treatment by cell type and prior therapy.
    let subgroups = read::<SubgroupRequest>(
        json!({"outcome": {"time": "time", "event": "status", "event_values": [1]},
        "treatment": {"column": "trt", "kind": "categorical"}, "subgroups": ["celltype", "prior"]}),
    );
    problems.extend(check_results(
        "dataset.subgroups(",
        &[report(analyses::subgroup::run(&veteran, &subgroups))],
    ));

    // Rates: lung's ECOG 0 by sex, and within an analysis set.
    let rates =
        read::<RatesRequest>(json!({"outcome": "ph.ecog", "success_values": [0], "group": "sex"}));
    let rates_in_set = read::<RatesRequest>(
        json!({"outcome": "ph.ecog", "success_values": [0], "group": "sex",
        "filter": {"name": "Older", "conditions": [{"column": "age", "at_least": 65}]}}),
    );
    problems.extend(check_results(
        "dataset.rates(",
        &[
            report(analyses::rates::run(&lung, &rates)),
            report(analyses::rates::run(&lung, &rates_in_set)),
        ],
    ));

    // Analysis sets, derived columns and their removal.
    let filter =
        read::<Filter>(json!({"name": "Older", "conditions": [{"column": "age", "at_least": 65}]}));
    let set = survcalc_analysis::analysis_set::select(&lung, &filter).map(|s| s.set);
    problems.extend(check_results("dataset.analysisSet(", &[report(set)]));
    let mut derived = lung.clone();
    let cut = read::<DeriveRequest>(json!({"cut": {"column": "age", "at": [65]}}));
    let cut = report(survcalc_analysis::derive::derive(&mut derived, &cut));
    let log =
        read::<DeriveRequest>(json!({"transform": {"column": "meal.cal", "function": "log"}}));
    let log = report(survcalc_analysis::derive::derive(&mut derived, &log));
    problems.extend(check_results("dataset.derive(", &[cut, log]));
    let removed = report(survcalc_analysis::derive::remove(&mut derived, "age_ge_65"));
    problems.extend(check_results("dataset.removeDerived(", &[removed]));

    // What the page shows after reading a file.
    let summary =
        serde_json::to_value(survcalc_analysis::summary::summarise("lung.csv", &lung)).unwrap();
    // A file with every reading flag: a stray word, a thousands separator,
    // "1,250" (ambiguous), quoted decimal commas, an event column 0/1/2.
    let flagged = read_csv(
        "time,status,age,afp,dcp,bili\n1,0,61,1'250.3,\"1,250\",\"1,5\"\n2,1,unknown,3,\"2,500\",\"2,5\"\n\
         3,2,70,4,5,\"3,5\"\n4,1,71,5,6,\"4,5\"\n5,0,72,6,7,\"5,5\"\n6,1,73,7,8,\"6,5\"\n"
            .as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let flagged =
        serde_json::to_value(survcalc_analysis::summary::summarise("flags.csv", &flagged)).unwrap();
    problems.extend(check_results("dataset.summary()", &[summary, flagged]));

    // Classification: the bundled synthetic cohort.
    let mut cohort = synthetic_cohort();
    let columns = serde_json::to_value(analyses::cohort::suggest_columns(&cohort)).unwrap();
    let classify = read::<CohortRequest>(json!({ "columns": columns }));
    problems.extend(check_results(
        "dataset.classify(",
        &[report(analyses::cohort::run(&mut cohort, &classify))],
    ));

    assert_no_problems(problems);
}
