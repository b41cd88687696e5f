//! The escape hatch: patches on generated objects.

use schemars::JsonSchema;
use serde::Deserialize;

/// A change to one generated object, applied after everything else.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// Which object to change.
    pub target: PatchTarget,
    /// A JSON merge patch (RFC 7386): mappings merge, `null` deletes.
    #[serde(default)]
    pub merge: Option<serde_json::Value>,
    /// A JSON patch (RFC 6902): a list of `{op, path, value}` operations.
    #[serde(default)]
    pub json: Option<Vec<serde_json::Value>>,
}

/// Selects a generated object by kind and name.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTarget {
    /// The object's kind, such as `Deployment`.
    pub kind: String,
    /// The object's name.
    pub name: String,
}
