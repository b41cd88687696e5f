//! The grammars the API server checks in code: quantities, ports, names, label keys and
//! values, base64. Messages follow the API server's own wording where it has one, so a
//! reader who searches for them finds the Kubernetes documentation.

use serde_json::Value;

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

    /// The types a value of this format has, for nodes whose schema names none.
    pub fn types(self) -> crate::schema::Types {
        use crate::schema::Types;
        match self {
            Format::IntOrString | Format::PortOrName | Format::IntOrPercent => {
                Types::INTEGER.with(Types::STRING)
            }
            Format::Quantity => Types::STRING.with(Types::NUMBER),
            Format::Port | Format::Int32 | Format::Int64 => Types::INTEGER,
            Format::Byte | Format::DnsLabel | Format::IanaSvcName => Types::STRING,
            Format::Labels | Format::Annotations => Types::OBJECT,
            Format::None => Types::ANY,
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
    let digits = s.strip_suffix('%').unwrap_or("");
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` must be an integer or a percentage (such as `25%`)"
        ))
    }
}

/// The Kubernetes quantity grammar: a signed decimal number, then a binary suffix (Ki ..
/// Ei), a decimal suffix (n u m k M G T P E) or an exponent (e3, E-2).
pub(crate) fn quantity(s: &str) -> Result<(), String> {
    let invalid = || {
        Err(format!(
            "`{s}` is not a quantity: write a number with an optional unit, such as `250m`, `1.5`, `512Mi` or `2Gi`"
        ))
    };
    let rest = s.strip_prefix(['+', '-']).unwrap_or(s);
    let number_len = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_len);
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 || number.matches('.').count() > 1 {
        return invalid();
    }
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.strip_prefix(['+', '-']).unwrap_or(e));
    let suffix_ok = match exponent {
        Some(e) => !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()),
        None => matches!(
            suffix,
            "" | "Ki"
                | "Mi"
                | "Gi"
                | "Ti"
                | "Pi"
                | "Ei"
                | "n"
                | "u"
                | "m"
                | "k"
                | "M"
                | "G"
                | "T"
                | "P"
                | "E"
        ),
    };
    if suffix_ok { Ok(()) } else { invalid() }
}

fn base64(s: &str) -> Result<(), String> {
    let text: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    let body_len = text.iter().rposition(|b| *b != b'=').map_or(0, |i| i + 1);
    let padding = text.len() - body_len;
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/');
    if text.len().is_multiple_of(4) && padding <= 2 && text[..body_len].iter().all(alphabet) {
        Ok(())
    } else {
        Err("is not base64: Secret `data` holds base64-encoded values; put plain text under `stringData`".to_owned())
    }
}

/// Lower-case alphanumerics and `-`, starting and ending with an alphanumeric.
fn is_label_chars(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    b.first().is_some_and(edge) && b.last().is_some_and(edge) && b.iter().all(inner)
}

/// An RFC 1123 label: at most 63 characters of `[a-z0-9-]`, alphanumeric at both ends.
pub(crate) fn dns1123_label(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err(format!("`{s}` must be no more than 63 characters"));
    }
    if is_label_chars(s) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a lowercase RFC 1123 label: use lower case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name', or '123-abc')"
        ))
    }
}

/// An RFC 1123 subdomain: at most 253 characters, labels joined by dots.
pub(crate) fn dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!("`{s}` must be no more than 253 characters"));
    }
    if s.split('.').all(is_label_chars) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a lowercase RFC 1123 subdomain: use lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')"
        ))
    }
}

/// An RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
pub(crate) fn dns1035_label(s: &str) -> Result<(), String> {
    dns1123_label(s)?;
    if s.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an RFC 1035 label: it must start with a lower-case letter (e.g. 'my-name', or 'abc-123')"
        ))
    }
}

/// A name that is one path segment (RBAC roles and bindings: `system:controller:x`).
pub(crate) fn path_segment(s: &str) -> Result<(), String> {
    if s == "." || s == ".." {
        return Err(format!("`{s}` may not be '.' or '..'"));
    }
    match s.chars().find(|c| matches!(c, '/' | '%')) {
        Some(c) => Err(format!("`{s}` may not contain '{c}'")),
        None => Ok(()),
    }
}

/// An IANA service name: at most 15 of `[a-z0-9-]`, at least one letter, no `--`, no
/// `-` at either end (container port names, named target ports).
pub(crate) fn iana_svc_name(s: &str) -> Result<(), String> {
    let fault = if s.len() > 15 {
        Some("must be no more than 15 characters")
    } else if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Some("must contain only lower-case alphanumeric characters and '-'")
    } else if !s.bytes().any(|b| b.is_ascii_lowercase()) {
        Some("must contain at least one letter")
    } else if s.contains("--") || s.starts_with('-') || s.ends_with('-') {
        Some("may not start or end with '-' or hold '--'")
    } else {
        None
    };
    match fault {
        Some(why) => Err(format!(
            "`{s}` is not a port name or number: a port name {why} (e.g. 'http')"
        )),
        None => Ok(()),
    }
}

/// A label key or annotation key: an optional DNS subdomain prefix and `/`, then a name
/// of at most 63 alphanumerics, `-`, `_` or `.`, alphanumeric at both ends.
pub(crate) fn qualified_name(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err(format!(
                "key `{key}`: the prefix before '/' must not be empty"
            ));
        }
        dns1123_subdomain(prefix).map_err(|e| format!("key `{key}`: prefix {e}"))?;
    }
    if name.is_empty() {
        return Err(format!("key `{key}`: the name part must not be empty"));
    }
    if name.len() > 63 {
        return Err(format!(
            "key `{key}`: the name part must be no more than 63 characters"
        ));
    }
    if !is_label_value_chars(name) {
        return Err(format!(
            "key `{key}`: the name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name' or '123-abc')"
        ));
    }
    Ok(())
}

fn is_label_value_chars(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    let edge = |c: &u8| c.is_ascii_alphanumeric();
    b.first().is_some_and(edge) && b.last().is_some_and(edge) && b.iter().all(inner)
}

/// A label value: empty, or at most 63 alphanumerics, `-`, `_` or `.`, alphanumeric at
/// both ends.
pub(crate) fn label_value(s: &str) -> Result<(), String> {
    if s.is_empty() {
        Ok(())
    } else if s.len() > 63 {
        Err(format!("value `{s}` must be no more than 63 characters"))
    } else if is_label_value_chars(s) {
        Ok(())
    } else {
        Err(format!(
            "value `{s}` must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')"
        ))
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

/// The API server's limit on all annotations of an object together.
const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// An annotation key is a qualified name once lower-cased: the API server allows upper
/// case in it, unlike in label keys.
fn annotation_key(key: &str) -> Result<(), String> {
    match qualified_name(key) {
        Err(e) if qualified_name(&key.to_ascii_lowercase()).is_err() => Err(e),
        _ => Ok(()),
    }
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
    fn quantities_follow_the_kubernetes_grammar() {
        for ok in [
            "1", "250m", "1.5", ".5", "5.", "512Mi", "2Gi", "1e3", "1E-2", "+1k", "-1", "100n",
        ] {
            assert_eq!(quantity(ok), Ok(()), "{ok}");
        }
        for bad in [
            "512Mb", "1gb", "Mi", "1.2.3", "1 Gi", " 1", "1e", "1ki", "ten",
        ] {
            assert!(quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_follow_rfc_1123_and_1035() {
        assert_eq!(dns1123_label("web-1"), Ok(()));
        assert!(dns1123_label("Web").is_err());
        assert!(dns1123_label("-web").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert_eq!(dns1123_subdomain("web.example.com"), Ok(()));
        assert!(dns1123_subdomain("web..x").is_err());
        assert!(dns1123_subdomain("web_1").is_err());
        assert_eq!(dns1035_label("web"), Ok(()));
        assert!(dns1035_label("1web").is_err());
        assert_eq!(path_segment("system:controller:x"), Ok(()));
        assert!(path_segment("a/b").is_err());
    }

    #[test]
    fn labels_and_annotations_have_qualified_keys() {
        assert_eq!(qualified_name("app.kubernetes.io/name"), Ok(()));
        assert_eq!(qualified_name("Tier"), Ok(()));
        assert!(qualified_name("/name").is_err());
        assert!(qualified_name("Example.com/name").is_err());
        assert!(qualified_name("a/b/c").is_err());
        assert_eq!(label_value(""), Ok(()));
        assert_eq!(label_value("v1.2_3-x"), Ok(()));
        assert!(label_value("has space").is_err());
        assert!(label_value("-x").is_err());
        assert!(label_value(&"a".repeat(64)).is_err());
    }

    #[test]
    fn ports_percentages_and_base64() {
        assert_eq!(iana_svc_name("http-metrics"), Ok(()));
        for bad in [
            "8080",
            "HTTP",
            "a--b",
            "-http",
            "sixteen-letters!",
            "very-long-port-name",
        ] {
            assert!(iana_svc_name(bad).is_err(), "{bad}");
        }
        assert_eq!(percent("25%"), Ok(()));
        assert!(percent("25").is_err());
        assert!(percent("%").is_err());
        assert_eq!(base64("aGVsbG8="), Ok(()));
        assert_eq!(base64("aGVs\nbG8="), Ok(()));
        assert!(base64("hello").is_err());
        assert!(base64("aGVsbG8").is_err());
    }
}
