//! What a component may do through the Kubernetes API: `permissions` (RBAC rules) and
//! whether its pods get an API token at all.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::component::Component;

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

impl Component {
    /// Whether the component's pods call the Kubernetes API and so get a token: when
    /// `api_access` says so, or when the component has `permissions` (which would be
    /// useless without one).
    #[must_use]
    pub fn uses_api(&self) -> bool {
        self.api_access.unwrap_or(!self.permissions.is_empty())
    }
}
