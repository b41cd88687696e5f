//! Secrets: generated once, managed by the user, or synced from an external store.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scalars::Seconds;

/// A secret the components use: exactly one of `generate`, `existing`, `external`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretSpec {
    /// Random values created once in the cluster and never changed by later renders.
    #[serde(default)]
    pub generate: Option<Generate>,
    /// A Secret the user manages.
    #[serde(default)]
    pub existing: Option<Existing>,
    /// A Secret synced from an external store by the External Secrets Operator.
    #[serde(default)]
    pub external: Option<External>,
}

/// Random secret values.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// The keys to generate. Defaults to `[value]`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Characters per value (bytes of randomness for `hex` and `base64`). Defaults to 32.
    #[serde(default)]
    pub length: Option<u32>,
    /// `hex` (default), `base64` or `alphanumeric`.
    #[serde(default)]
    pub format: GenerateFormat,
    /// Bump to replace the values with new ones (and roll the pods).
    #[serde(default)]
    pub rotation: u32,
}

/// Encodings of generated values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GenerateFormat {
    /// Lower-case hexadecimal.
    #[default]
    Hex,
    /// Standard base64.
    Base64,
    /// Letters and digits.
    Alphanumeric,
}

/// A Secret managed outside shipshape.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Existing {
    /// The Secret's name in the app's namespace.
    pub name: String,
    /// Maps the keys components ask for to the keys the Secret really has; keys not
    /// listed are used as they are.
    #[serde(default)]
    pub keys: IndexMap<String, String>,
}

/// An ExternalSecret (external-secrets.io/v1).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct External {
    /// The SecretStore or ClusterSecretStore to read from.
    pub store: String,
    /// `ClusterSecretStore` (default) or `SecretStore`.
    #[serde(default)]
    pub store_kind: StoreKind,
    /// How often to re-read the store. Defaults to 1h.
    #[serde(default)]
    pub refresh: Option<Seconds>,
    /// Each key of the Secret and where it comes from: `remote/key` or `remote/key#property`.
    pub data: IndexMap<String, String>,
}

/// Kinds of secret store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum StoreKind {
    /// Cluster-wide store.
    #[default]
    ClusterSecretStore,
    /// Namespaced store.
    SecretStore,
}
