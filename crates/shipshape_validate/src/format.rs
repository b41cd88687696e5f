//! The grammars the API server checks in code: quantities, ports, names, label keys and
//! values, base64. Messages follow the API server's own wording where it has one, so a
//! reader who searches for them finds the Kubernetes documentation.

use serde_json::Value;
use shipshape_grammar::names::{
    ANNOTATIONS_MAX_BYTES, annotation_key, dns1123_label, iana_svc_name, label_value,
    qualified_name,
};
use shipshape_grammar::{IntOrPercent, Quantity, QuantityError};

/// A `format` a schema node can carry; see schemas/kubernetes/overlay.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// No grammar beyond the type.
    #[default]
    None,
    Int32,
    Int64,
    /// Base64 (Secret `data`).
    Byte,
    IntOrString,
    Quantity,
    Port,
    PortOrName,
    IntOrPercent,
    DnsLabel,
    IanaSvcName,
    Labels,
    Annotations,
}

impl Format {
    /// The format a schema names; formats the validator does not check are `None`.
    pub fn named(name: &str) -> Format {
        match name {
            "int32" => Format::Int32,
            "int64" => Format::Int64,
            "byte" => Format::Byte,
            "int-or-string" => Format::IntOrString,
            "quantity" => Format::Quantity,
            "port" => Format::Port,
            "port-or-name" => Format::PortOrName,
            "int-or-percent" => Format::IntOrPercent,
            "dns-label" => Format::DnsLabel,
            "iana-svc-name" => Format::IanaSvcName,
            "labels" => Format::Labels,
            "annotations" => Format::Annotations,
            _ => Format::None,
        }
    }
}

/// A problem with a value's grammar: the field's own problem, or one of a map's keys.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The map key at fault, for label and annotation maps.
    pub key: Option<String>,
    pub message: String,
}

impl Violation {
    fn of_value(message: String) -> Self {
        Violation { key: None, message }
    }
}

/// Checks `value` (already of the right type) against `format`. An empty string is
/// always accepted: it means "unset", and the API server defaults or ignores it.
pub(crate) fn check(format: Format, value: &Value) -> Vec<Violation> {
    let one = |r: Result<(), String>| r.err().map(Violation::of_value).into_iter().collect();
    match (format, value) {
        (_, Value::String(s)) if s.is_empty() => Vec::new(),
        (Format::Int32, Value::Number(n)) => one(int_range(n, i32::MIN.into(), i32::MAX.into())),
        (Format::Port | Format::PortOrName, Value::Number(n)) => one(port(n)),
        (Format::PortOrName, Value::String(s)) => one(iana_svc_name(s)),
        (Format::IntOrPercent, Value::Number(n)) => one(int_range(n, 0, i64::from(i32::MAX))),
        (Format::IntOrPercent, Value::String(s)) => one(percent(s)),
        (Format::Quantity, Value::String(s)) => one(quantity(s)),
        (Format::Byte, Value::String(s)) => one(base64(s)),
        (Format::DnsLabel, Value::String(s)) => one(dns1123_label(s)),
        (Format::IanaSvcName, Value::String(s)) => one(iana_svc_name(s)),
        (Format::Labels, Value::Object(map)) => labels(map),
        (Format::Annotations, Value::Object(map)) => annotations(map),
        _ => Vec::new(),
    }
}

fn as_integer(n: &serde_json::Number) -> Option<i64> {
    n.as_i64()
        .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
}

fn int_range(n: &serde_json::Number, min: i64, max: i64) -> Result<(), String> {
    match as_integer(n) {
        Some(i) if (min..=max).contains(&i) => Ok(()),
        _ if min == 0 => Err(format!("{n} must be between 0 and {max}")),
        _ => Err(format!("{n} is out of range for a 32-bit integer")),
    }
}

fn port(n: &serde_json::Number) -> Result<(), String> {
    match as_integer(n) {
        Some(1..=65535) => Ok(()),
        _ => Err(format!(
            "{n} is not a port number: it must be between 1 and 65535"
        )),
    }
}

fn percent(s: &str) -> Result<(), String> {
    IntOrPercent::parse_percent(s).map(|_| ())
}

/// The Kubernetes quantity grammar. A quantity too large or too precise to compare
/// exactly is still one the API server accepts (it caps or rounds it), so only
/// malformed text is a problem here.
fn quantity(s: &str) -> Result<(), String> {
    match Quantity::parse(s) {
        Err(e @ QuantityError::Malformed(_)) => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn base64(s: &str) -> Result<(), String> {
    match shipshape_grammar::base64::decode(s) {
        Some(_) => Ok(()),
        None => Err("is not base64: Secret `data` holds base64-encoded values; put plain text under `stringData`".to_owned()),
    }
}

fn labels(map: &serde_json::Map<String, Value>) -> Vec<Violation> {
    let mut out = Vec::new();
    for (key, value) in map {
        let value_fault = value.as_str().and_then(|v| label_value(v).err());
        for message in [qualified_name(key).err(), value_fault]
            .into_iter()
            .flatten()
        {
            out.push(Violation {
                key: Some(key.clone()),
                message,
            });
        }
    }
    out
}

fn annotations(map: &serde_json::Map<String, Value>) -> Vec<Violation> {
    let mut out: Vec<Violation> = map
        .keys()
        .filter_map(|key| {
            annotation_key(key).err().map(|message| Violation {
                key: Some(key.clone()),
                message,
            })
        })
        .collect();
    let size: usize = map
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum();
    if size > ANNOTATIONS_MAX_BYTES {
        out.push(Violation::of_value(format!(
            "annotations take {size} bytes; the limit is {ANNOTATIONS_MAX_BYTES}"
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_base64() {
        assert_eq!(percent("25%"), Ok(()));
        assert!(percent("25").is_err());
        assert!(percent("%").is_err());
        assert_eq!(base64("aGVsbG8="), Ok(()));
        assert_eq!(base64("aGVs\nbG8="), Ok(()));
        assert!(base64("hello").is_err());
        assert!(base64("aGVsbG8").is_err());
    }

    /// The validator accepts what the API server accepts and caps: a quantity too large
    /// to compare exactly is not a problem, a malformed one is.
    #[test]
    fn only_malformed_quantities_are_problems() {
        assert_eq!(quantity("1e999"), Ok(()));
        assert_eq!(
            quantity("512Mb"),
            Err("`512Mb` is not a quantity: write a number with an optional unit, such as `250m`, `1.5`, `512Mi` or `2Gi`".to_owned())
        );
    }
}
