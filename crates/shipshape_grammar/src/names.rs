//! Names, label keys and values, and annotation keys, as apimachinery's
//! `k8s.io/apimachinery/pkg/util/validation` checks them.
//!
//! Each check returns the API server's reason in its own words (so a reader who searches
//! for it finds the Kubernetes documentation), with the offending text quoted:
//!
//! - `IsDNS1123Label` ([`dns1123_label`]): at most 63 of `[a-z0-9-]`, alphanumeric at both
//!   ends. Namespaces and most names that become DNS labels.
//! - `IsDNS1123Subdomain` ([`dns1123_subdomain`]): at most 253 characters, such labels
//!   joined by `.`. Most object names. Kubernetes does not limit each label of a
//!   subdomain to 63 characters; only the whole.
//! - `IsDNS1035Label` ([`dns1035_label`]): a DNS-1123 label that starts with a letter.
//!   Service names.
//! - `ValidatePathSegmentName` ([`path_segment`]): RBAC names.
//! - `IsValidPortName` ([`iana_svc_name`]): container port names.
//! - `IsQualifiedName` ([`qualified_name`]): label keys, and annotation keys once
//!   lower-cased ([`annotation_key`]).
//! - `IsValidLabelValue` ([`label_value`]).

/// Why a text is not a DNS-1123 label, in terms a caller can word its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelFault {
    /// The text is empty.
    Empty,
    /// Longer than 63 characters.
    TooLong,
    /// A character other than `[a-z0-9-]`.
    Characters,
    /// Starts or ends with `-`.
    Edges,
}

/// The longest DNS-1123 or RFC 1035 label.
pub const LABEL_MAX: usize = 63;

/// The longest DNS-1123 subdomain.
pub const SUBDOMAIN_MAX: usize = 253;

/// Why `s` is not a DNS-1123 label, if it is not.
#[must_use]
pub fn dns1123_label_fault(s: &str) -> Option<LabelFault> {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    if s.is_empty() {
        Some(LabelFault::Empty)
    } else if s.len() > LABEL_MAX {
        Some(LabelFault::TooLong)
    } else if !b.iter().all(inner) {
        Some(LabelFault::Characters)
    } else if s.starts_with('-') || s.ends_with('-') {
        Some(LabelFault::Edges)
    } else {
        None
    }
}

/// A DNS-1123 label (`IsDNS1123Label`).
///
/// # Errors
/// The API server's reason.
pub fn dns1123_label(s: &str) -> Result<(), String> {
    match dns1123_label_fault(s) {
        None => Ok(()),
        Some(LabelFault::TooLong) => Err(format!("`{s}` must be no more than 63 characters")),
        Some(_) => Err(format!(
            "`{s}` is not a lowercase RFC 1123 label: use lower case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name', or '123-abc')"
        )),
    }
}

/// A DNS-1123 subdomain (`IsDNS1123Subdomain`).
///
/// # Errors
/// The API server's reason.
pub fn dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.len() > SUBDOMAIN_MAX {
        return Err(format!("`{s}` must be no more than 253 characters"));
    }
    let label_ok =
        |label: &str| matches!(dns1123_label_fault(label), None | Some(LabelFault::TooLong));
    if s.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a lowercase RFC 1123 subdomain: use lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')"
        ))
    }
}

/// A DNS-1123 subdomain, or `*.` and one (`IsWildcardDNS1123Subdomain`): Ingress hosts.
///
/// # Errors
/// The API server's reason.
pub fn dns1123_host(s: &str) -> Result<(), String> {
    match s.strip_prefix("*.") {
        Some(rest) if s.len() <= SUBDOMAIN_MAX => dns1123_subdomain(rest),
        _ => dns1123_subdomain(s),
    }
}

/// An RFC 1035 label (`IsDNS1035Label`): a DNS-1123 label that starts with a letter.
///
/// # Errors
/// The API server's reason.
pub fn dns1035_label(s: &str) -> Result<(), String> {
    dns1123_label(s)?;
    if s.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an RFC 1035 label: it must start with a lower-case letter (e.g. 'my-name', or 'abc-123')"
        ))
    }
}

/// A name that is one path segment (`ValidatePathSegmentName`: RBAC roles and bindings,
/// so `system:controller:x` is allowed).
///
/// # Errors
/// The API server's reason.
pub fn path_segment(s: &str) -> Result<(), String> {
    if s == "." || s == ".." {
        return Err(format!("`{s}` may not be '.' or '..'"));
    }
    match s.chars().find(|c| matches!(c, '/' | '%')) {
        Some(c) => Err(format!("`{s}` may not contain '{c}'")),
        None => Ok(()),
    }
}

/// Why a text is not an IANA service name, in terms a caller can word its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortNameFault {
    /// Empty, or longer than 15 characters.
    Length,
    /// A character other than `[a-z0-9-]`.
    Characters,
    /// No letter at all (it would read as a number).
    NoLetter,
    /// A `-` at either end, or `--`.
    Hyphens,
}

/// Why `s` is not an IANA service name (`IsValidPortName`), if it is not: 1 to 15 of
/// `[a-z0-9-]`, at least one letter, no `--`, no `-` at either end.
#[must_use]
pub fn iana_svc_name_fault(s: &str) -> Option<PortNameFault> {
    if s.is_empty() || s.len() > 15 {
        Some(PortNameFault::Length)
    } else if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Some(PortNameFault::Characters)
    } else if !s.bytes().any(|b| b.is_ascii_lowercase()) {
        Some(PortNameFault::NoLetter)
    } else if s.contains("--") || s.starts_with('-') || s.ends_with('-') {
        Some(PortNameFault::Hyphens)
    } else {
        None
    }
}

/// An IANA service name (`IsValidPortName`): container port names.
///
/// # Errors
/// The API server's reason.
pub fn iana_svc_name(s: &str) -> Result<(), String> {
    let why = match iana_svc_name_fault(s) {
        None => return Ok(()),
        Some(PortNameFault::Length) if s.is_empty() => "must not be empty",
        Some(PortNameFault::Length) => "must be no more than 15 characters",
        Some(PortNameFault::Characters) => {
            "must contain only lower-case alphanumeric characters and '-'"
        }
        Some(PortNameFault::NoLetter) => "must contain at least one letter",
        Some(PortNameFault::Hyphens) => "may not start or end with '-' or hold '--'",
    };
    Err(format!(
        "`{s}` is not a port name or number: a port name {why} (e.g. 'http')"
    ))
}

/// Alphanumerics, `-`, `_` or `.`, alphanumeric at both ends; the name part of a
/// qualified name and a non-empty label value.
fn is_label_value_chars(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    let edge = |c: &u8| c.is_ascii_alphanumeric();
    b.first().is_some_and(edge) && b.last().is_some_and(edge) && b.iter().all(inner)
}

/// A qualified name (`IsQualifiedName`), which label keys are: an optional DNS-1123
/// subdomain prefix and `/`, then a name of at most 63 alphanumerics, `-`, `_` or `.`,
/// alphanumeric at both ends.
///
/// # Errors
/// The API server's reason.
pub fn qualified_name(key: &str) -> Result<(), String> {
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
    if name.len() > LABEL_MAX {
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

/// A label value (`IsValidLabelValue`): empty, or at most 63 alphanumerics, `-`, `_` or
/// `.`, alphanumeric at both ends.
///
/// # Errors
/// The API server's reason.
pub fn label_value(s: &str) -> Result<(), String> {
    if s.is_empty() {
        Ok(())
    } else if s.len() > LABEL_MAX {
        Err(format!("value `{s}` must be no more than 63 characters"))
    } else if is_label_value_chars(s) {
        Ok(())
    } else {
        Err(format!(
            "value `{s}` must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')"
        ))
    }
}

/// An annotation key: a qualified name once lower-cased (`ValidateAnnotations`), so
/// unlike a label key it may hold upper case in its prefix.
///
/// # Errors
/// The API server's reason, about the key as written.
pub fn annotation_key(key: &str) -> Result<(), String> {
    match qualified_name(key) {
        Err(e) if qualified_name(&key.to_ascii_lowercase()).is_err() => Err(e),
        _ => Ok(()),
    }
}

/// `text` made into a DNS-1123 label, for suggesting a name: lower case, any other
/// character as `-`, no `-` at the ends or twice in a row, at most 63 characters. Empty
/// when nothing of `text` is usable.
#[must_use]
pub fn to_dns1123_label(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.truncate(LABEL_MAX.min(out.len()));
    out.trim_end_matches('-').to_owned()
}

/// `text` made into a label value (an image tag as `app.kubernetes.io/version`): any
/// character outside `[A-Za-z0-9._-]` as `_`, at most 63 characters, alphanumeric at
/// both ends. Empty when nothing of `text` is usable.
#[must_use]
pub fn to_label_value(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(LABEL_MAX)
        .collect();
    cleaned
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

/// The API server's limit on all annotations of an object together, keys and values
/// (`TotalAnnotationSizeLimitB`).
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rfc_1123_and_1035() {
        assert_eq!(dns1123_label("web-1"), Ok(()));
        assert_eq!(dns1123_label_fault(""), Some(LabelFault::Empty));
        assert_eq!(dns1123_label_fault("Web"), Some(LabelFault::Characters));
        assert_eq!(dns1123_label_fault("-web"), Some(LabelFault::Edges));
        assert_eq!(
            dns1123_label_fault(&"a".repeat(64)),
            Some(LabelFault::TooLong)
        );
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            Err(format!(
                "`{}` must be no more than 63 characters",
                "a".repeat(64)
            ))
        );
        assert_eq!(
            dns1123_label("Web"),
            Err("`Web` is not a lowercase RFC 1123 label: use lower case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name', or '123-abc')".to_owned())
        );
        assert_eq!(dns1123_subdomain("web.example.com"), Ok(()));
        assert!(dns1123_subdomain("web..x").is_err());
        assert!(dns1123_subdomain("web_1").is_err());
        assert!(dns1123_subdomain(&"a".repeat(254)).is_err());
        assert_eq!(dns1035_label("web"), Ok(()));
        assert_eq!(
            dns1035_label("1web"),
            Err("`1web` is not an RFC 1035 label: it must start with a lower-case letter (e.g. 'my-name', or 'abc-123')".to_owned())
        );
        assert_eq!(path_segment("system:controller:x"), Ok(()));
        assert_eq!(
            path_segment("a/b"),
            Err("`a/b` may not contain '/'".to_owned())
        );
        assert_eq!(
            path_segment(".."),
            Err("`..` may not be '.' or '..'".to_owned())
        );
    }

    /// The spec's host check limited every label of a host to 63 characters; Kubernetes
    /// limits only the whole subdomain (253), so a 64-character label in a host passes.
    #[test]
    fn subdomain_labels_are_not_limited_to_63_characters() {
        let host = format!("{}.example.com", "a".repeat(64));
        assert_eq!(dns1123_subdomain(&host), Ok(()));
        assert_eq!(dns1123_host(&format!("*.{host}")), Ok(()));
        assert_eq!(dns1123_host("*.example.com"), Ok(()));
        assert!(dns1123_host("*example.com").is_err());
        assert!(dns1123_host("Example.com").is_err());
        assert!(dns1123_host("example..com").is_err());
    }

    #[test]
    fn labels_and_annotations_have_qualified_keys() {
        assert_eq!(qualified_name("app.kubernetes.io/name"), Ok(()));
        assert_eq!(qualified_name("Tier"), Ok(()));
        assert_eq!(
            qualified_name("/name"),
            Err("key `/name`: the prefix before '/' must not be empty".to_owned())
        );
        assert!(qualified_name("Example.com/name").is_err());
        assert!(qualified_name("a/b/c").is_err());
        assert!(qualified_name("a/").is_err());
        assert!(qualified_name(&"a".repeat(64)).is_err());
        assert_eq!(annotation_key("Example.com/name"), Ok(()));
        assert!(annotation_key("bad key").is_err());
        assert_eq!(label_value(""), Ok(()));
        assert_eq!(label_value("v1.2_3-x"), Ok(()));
        assert!(label_value("has space").is_err());
        assert!(label_value("-x").is_err());
        assert_eq!(
            label_value(&"a".repeat(64)),
            Err(format!(
                "value `{}` must be no more than 63 characters",
                "a".repeat(64)
            ))
        );
    }

    #[test]
    fn made_up_names_and_values_follow_the_grammar() {
        assert_eq!(to_dns1123_label("My_App"), "my-app");
        assert_eq!(to_dns1123_label("--a__b--"), "a-b");
        assert_eq!(to_dns1123_label("!!!"), "");
        assert_eq!(to_label_value("main-abc1234"), "main-abc1234");
        assert_eq!(to_label_value("v1.0+build"), "v1.0_build");
        assert_eq!(to_label_value("+++"), "");
        // The old spec helper cut at 63 characters after removing edge hyphens, so a
        // hyphen could end up last.
        let long = format!("{}-{}", "a".repeat(62), "b".repeat(10));
        assert_eq!(to_dns1123_label(&long), "a".repeat(62));
        let samples = [
            "Hello World",
            "ü-ber",
            "a.b.c",
            "-x-",
            "9lives",
            "x",
            "UPPER_CASE",
            "",
            "..--..",
            "tag@sha256:abc",
            &long,
        ];
        for sample in samples {
            let label = to_dns1123_label(sample);
            assert!(
                label.is_empty() || dns1123_label(&label).is_ok(),
                "{sample}: {label}"
            );
            assert_eq!(label_value(&to_label_value(sample)), Ok(()), "{sample}");
        }
    }

    #[test]
    fn port_names() {
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
        assert_eq!(iana_svc_name_fault(""), Some(PortNameFault::Length));
        assert_eq!(iana_svc_name_fault("HTTP"), Some(PortNameFault::Characters));
        assert_eq!(iana_svc_name_fault("8080"), Some(PortNameFault::NoLetter));
        assert_eq!(iana_svc_name_fault("a--b"), Some(PortNameFault::Hyphens));
        assert_eq!(
            iana_svc_name(""),
            Err(
                "`` is not a port name or number: a port name must not be empty (e.g. 'http')"
                    .to_owned()
            )
        );
        assert_eq!(
            iana_svc_name("8080"),
            Err("`8080` is not a port name or number: a port name must contain at least one letter (e.g. 'http')".to_owned())
        );
    }
}
