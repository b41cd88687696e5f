//! Small value types with their own syntax: replica ranges, durations, percentages,
//! Kubernetes quantities and image references. Each parses from the forms a person would
//! write and reports a located error otherwise.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// How many pods: a fixed count, or a `min..max` range that an autoscaler owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replicas {
    /// Exactly this many pods.
    Fixed(u32),
    /// An autoscaled range, inclusive.
    Range {
        /// Lowest count the autoscaler may choose.
        min: u32,
        /// Highest count the autoscaler may choose.
        max: u32,
    },
}

impl Replicas {
    /// The count a deployment starts from (and never goes below).
    #[must_use]
    pub fn min(self) -> u32 {
        match self {
            Replicas::Fixed(n) => n,
            Replicas::Range { min, .. } => min,
        }
    }

    /// The most pods there can be.
    #[must_use]
    pub fn max(self) -> u32 {
        match self {
            Replicas::Fixed(n) => n,
            Replicas::Range { max, .. } => max,
        }
    }

    /// Whether an autoscaler owns the count.
    #[must_use]
    pub fn is_range(self) -> bool {
        matches!(self, Replicas::Range { .. })
    }
}

impl fmt::Display for Replicas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replicas::Fixed(n) => write!(f, "{n}"),
            Replicas::Range { min, max } => write!(f, "{min}..{max}"),
        }
    }
}

impl<'de> Deserialize<'de> for Replicas {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Replicas;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count such as `3` or a range such as `2..10`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Replicas, E> {
                u32::try_from(v)
                    .map(Replicas::Fixed)
                    .map_err(|_| E::custom("replicas must be a whole number ≥ 0"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Replicas, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Replicas, E> {
                let Some((lo, hi)) = v.split_once("..") else {
                    return Err(E::custom(format!(
                        "`{v}` is not a replica count: write `3` or a range such as `2..10`"
                    )));
                };
                let parse = |s: &str| s.trim().parse::<u32>().ok();
                match (parse(lo), parse(hi)) {
                    (Some(0), Some(_)) => Err(E::custom(
                        "an autoscaled range must start at 1 or more: the autoscaler cannot scale from zero",
                    )),
                    (Some(min), Some(max)) if min > max => Err(E::custom(format!(
                        "the range `{v}` has its minimum ({min}) above its maximum ({max}): write `{max}..{min}`"
                    ))),
                    (Some(min), Some(max)) if min == max => Err(E::custom(format!(
                        "the range `{v}` has equal bounds: write `replicas: {min}` for a fixed count"
                    ))),
                    (Some(min), Some(max)) => Ok(Replicas::Range { min, max }),
                    _ => Err(E::custom(format!(
                        "`{v}` is not a replica range: write two whole numbers such as `2..10`"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Replicas {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Replicas::Fixed(n) => s.serialize_u32(*n),
            Replicas::Range { .. } => s.serialize_str(&self.to_string()),
        }
    }
}

impl JsonSchema for Replicas {
    fn schema_name() -> Cow<'static, str> {
        "Replicas".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A fixed pod count, or `min..max` to autoscale.",
            "oneOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^[0-9]+\\.\\.[0-9]+$"}
            ]
        })
    }
}

/// A duration in whole seconds, written as `30`, `30s`, `5m` or `1h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Seconds(pub u32);

impl Seconds {
    /// The number of seconds.
    #[must_use]
    pub fn get(self) -> u32 {
        self.0
    }

    fn parse(text: &str) -> Option<Seconds> {
        let text = text.trim();
        let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
            Some(at) => text.split_at(at),
            None => (text, "s"),
        };
        let n: u32 = digits.parse().ok()?;
        let factor = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => return None,
        };
        n.checked_mul(factor).map(Seconds)
    }
}

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as `30`, `30s`, `5m` or `1h`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds, E> {
                u32::try_from(v)
                    .map(Seconds)
                    .map_err(|_| E::custom("a duration must be a whole number of seconds ≥ 0"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Seconds, E> {
                Seconds::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a duration: write whole seconds (`30`), or `30s`, `5m`, `1h`"
                    ))
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Seconds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

impl JsonSchema for Seconds {
    fn schema_name() -> Cow<'static, str> {
        "Seconds".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Seconds, as a number or with a unit: `30s`, `5m`, `1h`.",
            "oneOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^[0-9]+[smh]?$"}
            ]
        })
    }
}

/// A percentage written as `70` or `"70%"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent(pub u32);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage such as `70` or `70%`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Percent, E> {
                match u32::try_from(v) {
                    Ok(p) if (1..=1000).contains(&p) => Ok(Percent(p)),
                    _ => Err(E::custom(format!(
                        "{v}% is not a usable target: write a percentage from 1 to 1000"
                    ))),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Percent, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Percent, E> {
                match v.trim().trim_end_matches('%').trim().parse::<i64>() {
                    Ok(n) => self.visit_i64(n),
                    Err(_) => Err(E::custom(format!(
                        "`{v}` is not a percentage: write a number such as `70%`"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}%", self.0))
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A percentage: `70` or `70%`.",
            "oneOf": [
                {"type": "integer", "minimum": 1, "maximum": 1000},
                {"type": "string", "pattern": "^[0-9]+%?$"}
            ]
        })
    }
}

/// What a quantity measures, which decides its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityKind {
    /// CPU: cores (`1`, `0.5`) or millicores (`250m`).
    Cpu,
    /// Bytes with binary or decimal suffixes (`256Mi`, `1G`).
    Bytes,
}

/// A Kubernetes quantity, kept as written, with its exact value for comparisons.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    text: String,
    value: shipshape_grammar::Quantity,
}

impl Quantity {
    /// Parses `text` as a quantity of `kind`: the Kubernetes grammar, less what a person
    /// would not write for this resource (signs, exponents, `n`/`u`/`P`/`E` units, and
    /// byte units on CPU), so a typo such as `512m` of memory is caught.
    ///
    /// # Errors
    /// A message naming the accepted forms.
    pub fn parse(text: &str, kind: QuantityKind) -> Result<Quantity, String> {
        let text = text.trim();
        if text.starts_with(['+', '-']) {
            return Err(bad_quantity(text, kind));
        }
        let (value, unit) = shipshape_grammar::Quantity::parse_with_unit(text)
            .map_err(|_| bad_quantity(text, kind))?;
        let allowed: &[&str] = match kind {
            QuantityKind::Cpu => &["", "m"],
            QuantityKind::Bytes => &["", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti"],
        };
        if !unit.is_some_and(|u| allowed.contains(&u)) {
            return Err(bad_quantity(text, kind));
        }
        if !value.is_positive() {
            return Err(format!("`{text}` must be more than zero"));
        }
        Ok(Quantity {
            text: text.to_owned(),
            value,
        })
    }

    /// The quantity as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The exact value, in cores for CPU and bytes for memory.
    #[must_use]
    pub fn value(&self) -> shipshape_grammar::Quantity {
        self.value
    }
}

fn bad_quantity(text: &str, kind: QuantityKind) -> String {
    match kind {
        QuantityKind::Cpu => format!(
            "`{text}` is not a CPU quantity: write cores (`1`, `0.5`) or millicores (`250m`)"
        ),
        QuantityKind::Bytes => format!(
            "`{text}` is not a memory quantity: write a number with a unit such as `256Mi` or `1Gi`"
        ),
    }
}

/// Requested and limited amounts of one resource, written `request..limit` or a single
/// value for both.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// What the scheduler reserves.
    pub request: Quantity,
    /// The most the container may use.
    pub limit: Quantity,
}

impl Bounds {
    /// Parses `250m..1` or `512Mi`.
    ///
    /// # Errors
    /// A message when a side is malformed or the request exceeds the limit.
    pub fn parse(text: &str, kind: QuantityKind) -> Result<Bounds, String> {
        let (req, lim) = text.split_once("..").unwrap_or((text, text));
        let request = Quantity::parse(req, kind)?;
        let limit = Quantity::parse(lim, kind)?;
        if request.value() > limit.value() {
            return Err(format!(
                "the request `{}` is above the limit `{}`: write `request..limit` with the smaller value first",
                request.as_str(),
                limit.as_str()
            ));
        }
        Ok(Bounds { request, limit })
    }
}

/// Deserializes [`Bounds`] for a given resource kind.
macro_rules! bounds_type {
    ($name:ident, $kind:expr, $doc:literal, $example:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name(pub Bounds);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($example)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        Bounds::parse(v, $kind).map($name).map_err(E::custom)
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                }
                d.deserialize_any(V)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": concat!($doc, " Example: ", $example),
                    "type": ["string", "number"]
                })
            }
        }
    };
}

bounds_type!(
    CpuBounds,
    QuantityKind::Cpu,
    "CPU as `request..limit` (or one value for both).",
    "`250m..1`"
);
bounds_type!(
    MemoryBounds,
    QuantityKind::Bytes,
    "Memory as `request..limit` (or one value for both).",
    "`256Mi..512Mi`"
);

/// A storage size such as `20Gi`.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageSize(pub Quantity);

impl<'de> Deserialize<'de> for StorageSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Quantity::parse(&text, QuantityKind::Bytes)
            .map(StorageSize)
            .map_err(de::Error::custom)
    }
}

impl JsonSchema for StorageSize {
    fn schema_name() -> Cow<'static, str> {
        "StorageSize".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "description": "A size such as `20Gi`."})
    }
}

/// A container image reference: `registry/repo:tag`, `repo@sha256:…` or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The reference as written.
    pub reference: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest, if any.
    pub digest: Option<String>,
}

impl Image {
    /// Splits a reference into its parts.
    ///
    /// # Errors
    /// A message when the reference is empty or its digest is malformed.
    pub fn parse(text: &str) -> Result<Image, String> {
        let text = text.trim();
        if text.is_empty() || text.contains(char::is_whitespace) {
            return Err(format!("`{text}` is not an image reference"));
        }
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => {
                let valid = digest.split_once(':').is_some_and(|(alg, hex)| {
                    !alg.is_empty() && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
                });
                if !valid {
                    return Err(format!(
                        "`{digest}` is not an image digest: write `@sha256:` and 64 hex digits"
                    ));
                }
                (name, Some(digest.to_owned()))
            }
            None => (text, None),
        };
        // A colon after the last slash is a tag; before it, a registry port.
        let last_segment = name.rsplit('/').next().unwrap_or(name);
        let tag = last_segment.split_once(':').map(|(_, tag)| tag.to_owned());
        if tag.as_deref() == Some("") {
            return Err(format!("`{text}` has an empty tag"));
        }
        Ok(Image {
            reference: text.to_owned(),
            tag,
            digest,
        })
    }

    /// The version to put in the `app.kubernetes.io/version` label: the tag, else a
    /// short digest.
    #[must_use]
    pub fn version(&self) -> Option<String> {
        match (&self.tag, &self.digest) {
            (Some(tag), _) => Some(tag.clone()),
            (None, Some(d)) => {
                Some(d.split_once(':').map_or(d.as_str(), |(_, h)| h)[..12].to_owned())
            }
            (None, None) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Image::parse(&text).map_err(de::Error::custom)
    }
}

impl JsonSchema for Image {
    fn schema_name() -> Cow<'static, str> {
        "Image".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An image with a tag or digest: `ghcr.io/org/app:1.2.3` or `…@sha256:…`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quantities() {
        let value = |text, kind| Quantity::parse(text, kind).map(|q| q.value());
        let exact = |text| shipshape_grammar::Quantity::parse(text).map_err(|e| e.to_string());
        assert_eq!(value("250m", QuantityKind::Cpu), exact("0.25"));
        assert_eq!(value("2", QuantityKind::Cpu), exact("2"));
        assert_eq!(value("1Gi", QuantityKind::Bytes), exact("1073741824"));
        assert_eq!(
            value("1GB", QuantityKind::Bytes),
            Err("`1GB` is not a memory quantity: write a number with a unit such as `256Mi` or `1Gi`".to_owned())
        );
        assert_eq!(
            value("1e3", QuantityKind::Cpu),
            Err(
                "`1e3` is not a CPU quantity: write cores (`1`, `0.5`) or millicores (`250m`)"
                    .to_owned()
            )
        );
        assert_eq!(
            value("0m", QuantityKind::Cpu),
            Err("`0m` must be more than zero".to_owned())
        );
        assert!(Bounds::parse("1..250m", QuantityKind::Cpu).is_err());
        // A float read this request as equal to the limit; the API server does not.
        assert!(Bounds::parse("1.0000000000000001..1", QuantityKind::Cpu).is_err());
    }

    #[test]
    fn parses_images() {
        let i = Image::parse("registry:5000/org/app:1.2").unwrap();
        assert_eq!(i.tag.as_deref(), Some("1.2"));
        let i = Image::parse("registry:5000/org/app").unwrap();
        assert_eq!(i.tag, None);
        let d = format!("app@sha256:{}", "a".repeat(64));
        assert_eq!(Image::parse(&d).unwrap().version().unwrap(), "aaaaaaaaaaaa");
        assert!(Image::parse("app@sha256:xyz").is_err());
    }

    #[test]
    fn parses_durations() {
        assert_eq!(Seconds::parse("5m"), Some(Seconds(300)));
        assert_eq!(Seconds::parse("30"), Some(Seconds(30)));
        assert_eq!(Seconds::parse("3d"), None);
    }
}
