//! Strict reading of analysis requests: JSON (from the page, an analysis
//! file or the command line) into the typed request structs, with every
//! mistake worded for a person and named by its option.
//!
//! The request structs derive serde's `Deserialize` (with
//! `deny_unknown_fields`); this module supplies the deserializer, so that
//! serde's structured errors (an unknown field with the list of valid ones,
//! an unknown variant with the valid choices, a value of the wrong type)
//! arrive here as data, not as serde's English. It is also lenient where a
//! form or a person is: enum choices match ignoring case and punctuation
//! ("Breslow", "log-log" = "loglog"), codes may be numbers or text (`[2]` =
//! `["2"]`), a single value stands for a list of one, and numbers may come
//! as text ("0.95") from an input field.
//!
//! The request structs also derive `Serialize`: [`to_value`] writes one back
//! with its version, and [`from_value`] reads that to the same request (the
//! steps of [`crate::analysis_file`]).

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// The version of the request format this build reads and writes. A saved
/// request or analysis file carries it as `version`; a later version is
/// refused rather than misread.
pub const REQUEST_VERSION: u64 = 1;

/// What is wrong with one option of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestErrorKind {
    /// An option the request type does not have.
    UnknownOption {
        option: String,
        expected: &'static [&'static str],
    },
    /// A choice that is not one of the allowed values.
    UnknownChoice {
        value: String,
        expected: &'static [&'static str],
    },
    /// A value of the wrong kind: `expected` is worded ("a number"),
    /// `found` describes what was given ("the text \"high\"").
    WrongType { expected: String, found: String },
    /// A required option is absent.
    Missing,
    /// Any other reason, already worded.
    Invalid(String),
    /// Saved by a newer survcalc.
    NewerVersion { found: u64 },
}

/// A request that could not be read: which analysis, which option (a path
/// such as `["covariates", "[2]", "kind"]`) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestError {
    /// The analysis, as people call it ("Cox regression"); filled in by
    /// [`from_value`].
    pub what: &'static str,
    pub path: Vec<String>,
    pub kind: RequestErrorKind,
}

impl RequestError {
    pub(crate) fn new(kind: RequestErrorKind) -> Self {
        RequestError {
            what: "",
            path: Vec::new(),
            kind,
        }
    }

    pub(crate) fn wrong_type(expected: impl Into<String>, found: &Value) -> Self {
        Self::new(RequestErrorKind::WrongType {
            expected: expected.into(),
            found: describe(found),
        })
    }

    /// The same error one level further in: `segment` is the option (or
    /// `[i]` list position) that contains it.
    pub(crate) fn within(mut self, segment: String) -> Self {
        self.path.insert(0, segment);
        self
    }

    /// The option's path as written in JSON: `covariates[2].kind`.
    pub fn option(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            if !segment.starts_with('[') && !out.is_empty() {
                out.push('.');
            }
            out.push_str(segment);
        }
        out
    }
}

/// The end of a sentence naming something unknown: "; did you mean \"x\"?"
/// with a suggestion, "." without one.
pub fn did_you_mean_end(nearest: Option<&str>) -> String {
    nearest
        .map(|n| format!("; did you mean \"{n}\"?"))
        .unwrap_or_else(|| ".".to_string())
}

/// The closest of `candidates` to `given`, when close enough to be a typo.
pub fn did_you_mean<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // Compared as they are matched: "loglg" is one letter from "log-log".
    let given = normalise(given);
    candidates
        .iter()
        .map(|c| {
            let lower = normalise(c);
            // Equal distances: a name that extends what was typed wins ("tie" -> "ties", not "time").
            let extends = lower.starts_with(&given) || given.starts_with(&lower);
            (strsim::levenshtein(&given, &lower), !extends, *c)
        })
        .filter(|(d, _, c)| *d <= (normalise(c).chars().count() / 3).max(2))
        .min_by_key(|(d, not_extending, _)| (*d, *not_extending))
        .map(|(_, _, c)| c)
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.what.is_empty() {
            "this analysis"
        } else {
            self.what
        };
        let option = self.option();
        match &self.kind {
            RequestErrorKind::UnknownOption { option: name, expected } => {
                let full = if option.is_empty() { name.clone() } else { format!("{option}.{name}") };
                write!(f, "Unknown option \"{full}\" for {what}")?;
                if let Some(best) = did_you_mean(name, expected) {
                    write!(f, "; did you mean \"{best}\"?")?;
                } else {
                    f.write_str(".")?;
                }
                if expected.is_empty() {
                    write!(f, " It takes no options here.")
                } else if option.is_empty() {
                    write!(f, " Options: {}.", expected.join(", "))
                } else {
                    write!(f, " Options of \"{option}\": {}.", expected.join(", "))
                }
            }
            RequestErrorKind::UnknownChoice { value, expected } => {
                write!(f, "Option \"{option}\" of {what} cannot be \"{value}\"")?;
                if let Some(best) = did_you_mean(value, expected) {
                    write!(f, "; did you mean \"{best}\"?")?;
                } else {
                    f.write_str(".")?;
                }
                write!(f, " Choose one of: {}.", quoted_list(expected))
            }
            RequestErrorKind::WrongType { expected, found } if option.is_empty() => {
                write!(f, "The options for {what} must be {expected}, not {found}.")
            }
            RequestErrorKind::WrongType { expected, found } => {
                write!(f, "Option \"{option}\" of {what} must be {expected}, not {found}.")
            }
            RequestErrorKind::Missing => write!(f, "Option \"{option}\" is required for {what}."),
            RequestErrorKind::Invalid(reason) if option.is_empty() => write!(f, "{what}: {reason}"),
            RequestErrorKind::Invalid(reason) => write!(f, "Option \"{option}\" of {what}: {reason}"),
            RequestErrorKind::NewerVersion { found } => write!(
                f,
                "These {what} settings were saved by a newer version of survcalc (request version {found}); \
                 this page reads version {REQUEST_VERSION} and older. Update the page, or set the options again."
            ),
        }
    }
}

impl std::error::Error for RequestError {}

impl de::Error for RequestError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(RequestErrorKind::Invalid(msg.to_string()))
    }

    fn invalid_type(unexp: Unexpected, exp: &dyn de::Expected) -> Self {
        Self::new(RequestErrorKind::WrongType {
            expected: exp.to_string(),
            found: describe_unexpected(&unexp),
        })
    }

    fn invalid_value(unexp: Unexpected, exp: &dyn de::Expected) -> Self {
        Self::new(RequestErrorKind::Invalid(format!(
            "{} is not allowed here (expected {exp}).",
            describe_unexpected(&unexp)
        )))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(RequestErrorKind::UnknownChoice {
            value: variant.to_string(),
            expected,
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::new(RequestErrorKind::UnknownOption {
            option: field.to_string(),
            expected,
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(RequestErrorKind::Missing).within(field.to_string())
    }
}

/// A value as a person would describe it: `the text "abc"`, `the number 2`.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty (null)".to_string(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", truncate(s)),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

fn describe_unexpected(u: &Unexpected) -> String {
    match u {
        Unexpected::Bool(b) => format!("{b}"),
        Unexpected::Unsigned(n) => format!("the number {n}"),
        Unexpected::Signed(n) => format!("the number {n}"),
        Unexpected::Float(x) => format!("the number {x}"),
        Unexpected::Str(s) => format!("the text \"{}\"", truncate(s)),
        Unexpected::Seq => "a list".to_string(),
        Unexpected::Map => "an object".to_string(),
        Unexpected::Unit => "empty (null)".to_string(),
        other => other.to_string(),
    }
}

/// At most 40 characters of a value, for messages.
fn truncate(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        s.chars().take(39).collect::<String>() + "…"
    }
}

/// Reads a request of type `T` from JSON; `what` names the analysis in
/// messages ("Cox regression"). `null` means every default. A `version`
/// at the top level is checked and then ignored.
pub fn from_value<T: DeserializeOwned>(
    value: &Value,
    what: &'static str,
) -> Result<T, RequestError> {
    let empty = Value::Object(Map::new());
    let value = if value.is_null() { &empty } else { value };
    let result = match value {
        Value::Object(map) => {
            if let Some(v) = map.get("version") {
                let found = v.as_u64().ok_or_else(|| {
                    RequestError::wrong_type("a whole number (the request format's version)", v)
                        .within("version".into())
                });
                match found {
                    Ok(found) if found > REQUEST_VERSION => {
                        Err(RequestError::new(RequestErrorKind::NewerVersion { found }))
                    }
                    Ok(_) => T::deserialize(MapDeserializer {
                        map,
                        skip_version: true,
                    }),
                    Err(e) => Err(e),
                }
            } else {
                T::deserialize(MapDeserializer {
                    map,
                    skip_version: false,
                })
            }
        }
        other => T::deserialize(ValueDeserializer(other)),
    };
    result.map_err(|mut e| {
        e.what = what;
        e
    })
}

/// A request as JSON, stamped with [`REQUEST_VERSION`]: what a saved
/// analysis stores, and what [`from_value`] reads back to the same request.
/// Every option is written, defaults included, so that a later change of a
/// default does not change a saved analysis.
pub fn to_value<T: Serialize>(request: &T) -> Result<Value, RequestError> {
    let mut value = serde_json::to_value(request).map_err(|e| {
        RequestError::new(RequestErrorKind::Invalid(format!(
            "the options could not be written ({e})."
        )))
    })?;
    if let Value::Object(map) = &mut value {
        map.insert("version".to_string(), Value::from(REQUEST_VERSION));
    }
    Ok(value)
}

/// Like [`from_value`], from JSON text.
pub fn from_str<T: DeserializeOwned>(json: &str, what: &'static str) -> Result<T, RequestError> {
    let value: Value = serde_json::from_str(json).map_err(|e| RequestError {
        what,
        path: Vec::new(),
        kind: RequestErrorKind::Invalid(format!("the options are not valid JSON ({e})")),
    })?;
    from_value(&value, what)
}

/// Lower-case letters and digits only, so that "Log-Log", "log_log" and
/// "loglog" name the same choice.
pub(crate) fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

struct ValueDeserializer<'a>(&'a Value);

/// The struct deserializer of a top-level object, which may skip `version`.
struct MapDeserializer<'a> {
    map: &'a Map<String, Value>,
    skip_version: bool,
}

impl<'de> Deserializer<'de> for MapDeserializer<'_> {
    type Error = RequestError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        visitor.visit_map(Entries::new(self.map, self.skip_version))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl ValueDeserializer<'_> {
    fn number(&self) -> Option<f64> {
        match self.0 {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
    }

    fn whole_number(&self) -> Result<i128, RequestError> {
        let wrong = || RequestError::wrong_type("a whole number", self.0);
        match self.0 {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Ok(u as i128)
                } else if let Some(i) = n.as_i64() {
                    Ok(i as i128)
                } else {
                    n.as_f64()
                        .filter(|x| x.fract() == 0.0 && x.abs() < 9e15)
                        .map(|x| x as i128)
                        .ok_or_else(wrong)
                }
            }
            Value::String(s) => s.trim().parse::<i128>().map_err(|_| wrong()),
            _ => Err(wrong()),
        }
    }
}

macro_rules! whole {
    ($method:ident, $ty:ty, $visit:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
            let n = self.whole_number()?;
            match <$ty>::try_from(n) {
                Ok(v) => visitor.$visit(v),
                Err(_) => Err(RequestError::new(RequestErrorKind::Invalid(format!(
                    "{n} is out of range (from {} to {}).",
                    <$ty>::MIN,
                    <$ty>::MAX
                )))),
            }
        }
    };
}

impl<'de, 'a> Deserializer<'de> for ValueDeserializer<'a> {
    type Error = RequestError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => visitor.visit_seq(Items::new(items)),
            Value::Object(map) => visitor.visit_map(Entries::new(map, false)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => visitor.visit_bool(true),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => visitor.visit_bool(false),
            other => Err(RequestError::wrong_type("true or false", other)),
        }
    }

    whole!(deserialize_i8, i8, visit_i8);
    whole!(deserialize_i16, i16, visit_i16);
    whole!(deserialize_i32, i32, visit_i32);
    whole!(deserialize_i64, i64, visit_i64);
    whole!(deserialize_u8, u8, visit_u8);
    whole!(deserialize_u16, u16, visit_u16);
    whole!(deserialize_u32, u32, visit_u32);
    whole!(deserialize_u64, u64, visit_u64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.number() {
            Some(x) => visitor.visit_f64(x),
            None => Err(RequestError::wrong_type("a number", self.0)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::String(s) if s.chars().count() == 1 => visitor.visit_str(s),
            other => Err(RequestError::wrong_type("a single character", other)),
        }
    }

    /// Text; numbers and booleans are taken as the text they print as, so
    /// that codes may be given as `2` or `"2"`.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::String(s) => visitor.visit_str(s),
            Value::Number(n) => visitor.visit_string(n.to_string()),
            Value::Bool(b) => visitor.visit_string(b.to_string()),
            other => Err(RequestError::wrong_type("text", other)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, RequestError> {
        Err(RequestError::wrong_type("binary data", self.0))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            other => Err(RequestError::wrong_type("empty (null)", other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        visitor.visit_newtype_struct(self)
    }

    /// A list; a single value stands for a list of one, and `null` for an
    /// empty list.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items::new(items)),
            Value::Null => visitor.visit_seq(Items::new(&[])),
            Value::Object(_) => Err(RequestError::wrong_type("a list", self.0)),
            single => visitor.visit_seq(Items::new(std::slice::from_ref(single))),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items::new(items)),
            other => Err(RequestError::wrong_type("a list", other)),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(map, false)),
            other => Err(RequestError::wrong_type("an object", other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(map, false)),
            other => Err(RequestError::wrong_type(
                format!("an object with options ({})", fields.join(", ")),
                other,
            )),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        // A choice's name, matched ignoring case and punctuation. serde does
        // not list aliases ("wilcoxon" for "kruskal", R's "fdr" for "bh"),
        // so an unmatched name is tried in lower snake case, the form
        // aliases are written in; an error still quotes it as given.
        let resolve = |given: &str, value: Option<&'a Value>| -> Choice<'a> {
            let wanted = normalise(given);
            let variant = match variants.iter().find(|v| normalise(v) == wanted) {
                Some(v) => v.to_string(),
                None => given.trim().to_lowercase().replace(['-', ' '], "_"),
            };
            Choice {
                variant,
                given: given.trim().to_string(),
                value,
            }
        };
        match self.0 {
            Value::String(s) => visitor.visit_enum(resolve(s, None)),
            Value::Number(n) => visitor.visit_enum(resolve(&n.to_string(), None)),
            Value::Object(map) if map.len() == 1 => {
                let (key, value) = map
                    .iter()
                    .next()
                    .expect("an object of length 1 has an entry");
                visitor.visit_enum(resolve(key, Some(value)))
            }
            other => Err(RequestError::wrong_type(
                format!("one of {}", quoted_list(variants)),
                other,
            )),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        visitor.visit_unit()
    }
}

/// The entries of a JSON object, fed to a struct or map visitor; an error
/// inside a value is reported under its key.
struct Entries<'a> {
    iter: serde_json::map::Iter<'a>,
    value: Option<(&'a String, &'a Value)>,
    skip_version: bool,
}

impl<'a> Entries<'a> {
    fn new(map: &'a Map<String, Value>, skip_version: bool) -> Self {
        Entries {
            iter: map.iter(),
            value: None,
            skip_version,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = RequestError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, RequestError> {
        loop {
            let Some((key, value)) = self.iter.next() else {
                return Ok(None);
            };
            if self.skip_version && key == "version" {
                continue;
            }
            self.value = Some((key, value));
            let key_de: de::value::StrDeserializer<'_, RequestError> =
                key.as_str().into_deserializer();
            return seed.deserialize(key_de).map(Some);
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, RequestError> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value was read before its key"))?;
        seed.deserialize(ValueDeserializer(value))
            .map_err(|e| e.within(key.clone()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// The items of a JSON list; an error inside an item is reported with its
/// position.
struct Items<'a> {
    items: &'a [Value],
    next: usize,
}

impl<'a> Items<'a> {
    fn new(items: &'a [Value]) -> Self {
        Items { items, next: 0 }
    }
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = RequestError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, RequestError> {
        let Some(item) = self.items.get(self.next) else {
            return Ok(None);
        };
        let position = self.next;
        self.next += 1;
        seed.deserialize(ValueDeserializer(item))
            .map(Some)
            .map_err(|e| e.within(format!("[{position}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// An enum choice: its (resolved) name, and its content for variants that
/// carry data (`{"date": "day_month_year"}`).
struct Choice<'a> {
    variant: String,
    /// The name as written, for messages.
    given: String,
    value: Option<&'a Value>,
}

impl<'de, 'a> EnumAccess<'de> for Choice<'a> {
    type Error = RequestError;
    type Variant = ChoiceContent<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, ChoiceContent<'a>), RequestError> {
        let name: de::value::StringDeserializer<RequestError> =
            self.variant.clone().into_deserializer();
        let given = self.given;
        let value = seed.deserialize(name).map_err(|mut e| {
            if let RequestErrorKind::UnknownChoice { value, .. } = &mut e.kind {
                *value = given;
            }
            e
        })?;
        Ok((
            value,
            ChoiceContent {
                variant: self.variant,
                value: self.value,
            },
        ))
    }
}

struct ChoiceContent<'a> {
    variant: String,
    value: Option<&'a Value>,
}

impl<'de> VariantAccess<'de> for ChoiceContent<'_> {
    type Error = RequestError;

    fn unit_variant(self) -> Result<(), RequestError> {
        match self.value {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(RequestError::wrong_type("nothing", other).within(self.variant)),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, RequestError> {
        match self.value {
            Some(value) => seed
                .deserialize(ValueDeserializer(value))
                .map_err(|e| e.within(self.variant)),
            None => Err(RequestError::new(RequestErrorKind::Invalid(format!(
                "\"{}\" needs a value, as {{\"{}\": ...}}.",
                self.variant, self.variant
            )))),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        let variant = self.variant;
        match self.value {
            Some(value) => ValueDeserializer(value)
                .deserialize_tuple(len, visitor)
                .map_err(|e| e.within(variant)),
            None => Err(RequestError::new(RequestErrorKind::Invalid(format!(
                "\"{variant}\" needs a list of values."
            )))),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        let variant = self.variant;
        match self.value {
            Some(value) => ValueDeserializer(value)
                .deserialize_struct("", fields, visitor)
                .map_err(|e| e.within(variant)),
            None => Err(RequestError::new(RequestErrorKind::Invalid(format!(
                "\"{variant}\" needs its options."
            )))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq, Default, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    enum Ties {
        #[default]
        Efron,
        Breslow,
    }

    #[derive(Debug, Deserialize, PartialEq, Default, Clone, Copy)]
    enum Conf {
        #[default]
        #[serde(rename = "log")]
        Log,
        #[serde(rename = "log-log")]
        LogLog,
    }

    #[derive(Debug, Deserialize, PartialEq, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    enum ColumnType {
        Number,
        Date(Order),
    }

    #[derive(Debug, Deserialize, PartialEq, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    enum Order {
        DayMonthYear,
        MonthDayYear,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Inner {
        column: String,
        origin: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Request {
        time: String,
        event_values: Vec<String>,
        ties: Ties,
        conf: Conf,
        conf_level: f64,
        decimals: usize,
        robust: bool,
        inner: Option<Inner>,
        list: Vec<Inner>,
        types: std::collections::BTreeMap<String, ColumnType>,
    }

    fn read(v: Value) -> Result<Request, RequestError> {
        from_value(&v, "Cox regression")
    }

    #[test]
    fn unknown_options_are_named_with_a_suggestion() {
        let e = read(json!({"tie": "breslow"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Unknown option \"tie\" for Cox regression; did you mean \"ties\"? Options: time, event_values, ties, \
             conf, conf_level, decimals, robust, inner, list, types."
        );
        let e = read(json!({"inner": {"column": "x", "orign": "d"}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Unknown option \"inner.orign\" for Cox regression; did you mean \"origin\"? Options of \"inner\": column, origin."
        );
        let e = read(json!({"list": [{"column": "a"}, {"colum": "b"}]})).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "Unknown option \"list[1].colum\" for Cox regression; did you mean \"column\"?"
            ),
            "{e}"
        );
        let e = read(json!({"zzzzzz": 1})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Unknown option \"zzzzzz\" for Cox regression. Options:"),
            "{e}"
        );
    }

    #[test]
    fn choices_ignore_case_and_punctuation() {
        assert_eq!(
            read(json!({"ties": "Breslow"})).unwrap().ties,
            Ties::Breslow
        );
        assert_eq!(
            read(json!({"ties": "BRESLOW"})).unwrap().ties,
            Ties::Breslow
        );
        assert_eq!(read(json!({"conf": "LogLog"})).unwrap().conf, Conf::LogLog);
        assert_eq!(read(json!({"conf": "log_log"})).unwrap().conf, Conf::LogLog);
        let e = read(json!({"ties": "brelsow"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Option \"ties\" of Cox regression cannot be \"brelsow\"; did you mean \"breslow\"? Choose one of: \"efron\", \"breslow\"."
        );
        let r = read(json!({"types": {"d": {"Date": "day-month-year"}, "n": "number"}})).unwrap();
        assert_eq!(r.types["d"], ColumnType::Date(Order::DayMonthYear));
        assert_eq!(r.types["n"], ColumnType::Number);
    }

    #[test]
    fn codes_may_be_numbers_and_one_value_is_a_list() {
        assert_eq!(
            read(json!({"event_values": [2, "dead"]}))
                .unwrap()
                .event_values,
            vec!["2", "dead"]
        );
        assert_eq!(
            read(json!({"event_values": 1})).unwrap().event_values,
            vec!["1"]
        );
        assert_eq!(
            read(json!({"event_values": null})).unwrap().event_values,
            Vec::<String>::new()
        );
        assert_eq!(read(json!({"conf_level": "0.9"})).unwrap().conf_level, 0.9);
        assert_eq!(read(json!({"decimals": 3.0})).unwrap().decimals, 3);
        assert!(read(json!({"robust": "true"})).unwrap().robust);
    }

    #[test]
    fn wrong_types_are_worded() {
        let e = read(json!({"conf_level": "high"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Option \"conf_level\" of Cox regression must be a number, not the text \"high\"."
        );
        let e = read(json!({"decimals": -1})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Option \"decimals\" of Cox regression: -1 is out of range"),
            "{e}"
        );
        let e = read(json!({"decimals": 1.5})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Option \"decimals\" of Cox regression must be a whole number, not the number 1.5."
        );
        let e = read(json!({"inner": [1]})).unwrap_err();
        assert_eq!(e.to_string(), "Option \"inner\" of Cox regression must be an object with options (column, origin), not a list.");
        let e = read(json!([1, 2])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("The options for Cox regression must be an object"),
            "{e}"
        );
        let e = read(json!({"time": {"a": 1}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Option \"time\" of Cox regression must be text, not an object."
        );
    }

    #[test]
    fn versions() {
        assert_eq!(read(json!({"version": 1, "time": "t"})).unwrap().time, "t");
        let e = read(json!({"version": 2})).unwrap_err();
        assert!(matches!(
            e.kind,
            RequestErrorKind::NewerVersion { found: 2 }
        ));
        assert!(e.to_string().contains("newer version of survcalc"), "{e}");
        assert_eq!(read(Value::Null).unwrap(), Request::default());
        // Only the top level carries the version.
        assert!(read(json!({"inner": {"version": 1}})).is_err());
    }
}
