//! Template: the rules of Roles and ClusterRoles, matched the way the API server's RBAC
//! authorizer matches them, so that every RBAC rule asks "does this grant X" alike.

use serde_json::Value;
use shipshape_manifest::{Object, kinds};

/// One entry of a Role's or ClusterRole's `rules`.
#[derive(Debug, Clone, Copy)]
pub struct PolicyRule<'a> {
    /// Position in `rules`.
    pub index: usize,
    /// The rule as JSON.
    pub value: &'a Value,
}

impl<'a> PolicyRule<'a> {
    /// The JSON pointer of `field` of this rule (`verbs`), or of the rule when empty.
    #[must_use]
    pub fn pointer(&self, field: &str) -> String {
        match field {
            "" => format!("/rules/{}", self.index),
            field => format!("/rules/{}/{field}", self.index),
        }
    }

    /// The strings of a list field (`verbs`, `resources`, ...).
    pub fn list(&self, field: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.value
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// Whether it grants `verb` (`get`), directly or through `*`.
    #[must_use]
    pub fn allows_verb(&self, verb: &str) -> bool {
        self.list("verbs").any(|v| v == "*" || v == verb)
    }

    /// The verbs among `wanted` that it grants, in the order of `wanted`.
    #[must_use]
    pub fn granted<'w>(&self, wanted: &[&'w str]) -> Vec<&'w str> {
        wanted
            .iter()
            .copied()
            .filter(|verb| self.allows_verb(verb))
            .collect()
    }

    /// Whether it names `resource` (`secrets`, or `pods/exec` for a subresource) of API
    /// `group` (empty for the core group): the group or `*` is listed, and the resource
    /// or `*/subresource` is. A bare `*` resource does not count: SS130 reports
    /// wildcards, and rules about one resource would otherwise all fire on it at once.
    #[must_use]
    pub fn names(&self, group: &str, resource: &str) -> bool {
        let subresource = resource.split_once('/').map(|(_, sub)| sub);
        self.list("apiGroups").any(|g| g == "*" || g == group)
            && self.list("resources").any(|r| {
                r == resource || subresource.is_some_and(|sub| r.strip_prefix("*/") == Some(sub))
            })
    }

    /// Whether it is limited to named objects (`resourceNames`).
    #[must_use]
    pub fn is_limited_to_names(&self) -> bool {
        self.list("resourceNames").next().is_some()
    }
}

/// The rules of `object` when it is a Role or a ClusterRole. An aggregated ClusterRole's
/// rules are filled in by the controller and are not in the manifest, so it has none.
pub fn policy_rules(object: &Object) -> impl Iterator<Item = PolicyRule<'_>> {
    let is_role = object.is(&kinds::ROLE) || object.is(&kinds::CLUSTER_ROLE);
    is_role
        .then(|| object.get("/rules").and_then(Value::as_array))
        .flatten()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, value)| PolicyRule { index, value })
}

/// Whether `object` is a RoleBinding or a ClusterRoleBinding.
#[must_use]
pub fn is_binding(object: &Object) -> bool {
    object.is(&kinds::ROLE_BINDING) || object.is(&kinds::CLUSTER_ROLE_BINDING)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::PolicyRule;

    #[test]
    fn resources_are_named_like_the_rbac_authorizer_matches_them() {
        let value =
            json!({"apiGroups": [""], "resources": ["*/exec", "secrets"], "verbs": ["get"]});
        let rule = PolicyRule {
            index: 0,
            value: &value,
        };
        assert!(rule.names("", "pods/exec"));
        assert!(rule.names("", "secrets"));
        assert!(!rule.names("", "pods"));
        assert!(!rule.names("apps", "secrets"));
        assert!(rule.allows_verb("get") && !rule.allows_verb("list"));
        let value = json!({"apiGroups": ["*"], "resources": ["pods/*", "*"], "verbs": ["*"]});
        let rule = PolicyRule {
            index: 0,
            value: &value,
        };
        // `pods/*` is not a pattern to the authorizer; a bare `*` is left to SS130.
        assert!(!rule.names("", "pods/exec"));
        assert!(rule.allows_verb("delete"));
    }
}
