//! Named sets of non-secret configuration.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// A ConfigMap: rendered from `data`, or one the user manages (`existing`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigSpec {
    /// Keys and values to render into a ConfigMap.
    #[serde(default)]
    pub data: IndexMap<String, String>,
    /// The name of a ConfigMap that exists already; `data` must then be empty.
    #[serde(default)]
    pub existing: Option<String>,
}
