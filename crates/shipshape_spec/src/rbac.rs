//! What a component may do through the Kubernetes API: `permissions` (RBAC rules). A leaf:
//! `Component` holds them and decides from them whether its pods get an API token.

use schemars::JsonSchema;
use serde::Deserialize;

/// One RBAC rule: what the component may do to which resources in its own namespace.
/// The rules of a component become a Role, bound to its ServiceAccount.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// Resources as the API names them, plural and lowercase: `configmaps`, `leases`,
    /// `pods/log`.
    pub resources: Vec<String>,
    /// What the component may do to them: `get`, `list`, `watch`, `create`, `update`,
    /// `patch`, `delete`, `deletecollection`.
    pub verbs: Vec<String>,
    /// The API group of the resources: `""` (the default) for core resources such as
    /// `configmaps`, `coordination.k8s.io` for `leases`.
    #[serde(default)]
    pub api_group: String,
    /// Limits the rule to these objects. A name declared under `secrets:` or `configs:`
    /// stands for the Secret or ConfigMap shipshape renders for it.
    #[serde(default)]
    pub names: Vec<String>,
}
