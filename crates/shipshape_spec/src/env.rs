//! Environment variables and mounted files.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvValue {
    /// A literal; `$(OTHER)` refers to a variable defined before this one.
    Literal(String),
    /// A value looked up when the pod starts.
    From(EnvSource),
}

/// Where a variable's value comes from: exactly one of the fields.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvSource {
    /// A secret declared under `secrets:`, with `key`.
    #[serde(default)]
    pub secret: Option<String>,
    /// A config declared under `configs:`, with `key`.
    #[serde(default)]
    pub config: Option<String>,
    /// The key in the secret or config.
    #[serde(default)]
    pub key: Option<String>,
    /// A field of the pod: `metadata.name`, `metadata.namespace`, `metadata.uid`,
    /// `spec.nodeName`, `spec.serviceAccountName`, `status.podIP`, `status.hostIP`.
    #[serde(default)]
    pub field: Option<String>,
    /// A resource of the container: `requests.cpu`, `limits.cpu`, `requests.memory`,
    /// `limits.memory`.
    #[serde(default)]
    pub resource: Option<String>,
}

/// Pod fields the Downward API offers as environment variables.
pub const POD_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.podIP",
    "status.hostIP",
];

/// Container resources the Downward API offers as environment variables.
pub const RESOURCE_FIELDS: &[&str] = &[
    "requests.cpu",
    "limits.cpu",
    "requests.memory",
    "limits.memory",
    "requests.ephemeral-storage",
    "limits.ephemeral-storage",
];

impl<'de> Deserialize<'de> for EnvValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EnvValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value, or `{secret: NAME, key: KEY}`, `{config: NAME, key: KEY}`, `{field: metadata.name}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<EnvValue, E> {
                Err(E::custom(
                    "an environment variable needs a value: write `\"\"` for an empty one",
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EnvValue, A::Error> {
                EnvSource::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EnvValue::From)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for EnvValue {
    fn schema_name() -> Cow<'static, str> {
        "EnvValue".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let source = generator.subschema_for::<EnvSource>();
        json_schema!({"oneOf": [{"type": ["string", "number", "boolean"]}, source]})
    }
}

/// The content of a mounted file: exactly one of the fields.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSource {
    /// The text of the file, inline.
    #[serde(default)]
    pub content: Option<String>,
    /// A file relative to the spec's directory whose text is mounted: a regular file of at
    /// most 1 MiB (all a ConfigMap may hold), read at render.
    #[serde(default)]
    pub from: Option<String>,
    /// A secret declared under `secrets:`, with `key`.
    #[serde(default)]
    pub secret: Option<String>,
    /// A config declared under `configs:`, with `key`.
    #[serde(default)]
    pub config: Option<String>,
    /// The key in the secret or config.
    #[serde(default)]
    pub key: Option<String>,
}
