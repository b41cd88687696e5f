use crate::templates::and_list;
use crate::templates::rbac::policy_rules;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Role and ClusterRole rules with `*` in `verbs`, `resources`, `apiGroups` or
    /// `nonResourceURLs`. One finding per rule, at its first wildcard.
    ///
    /// ## Why it matters
    /// A wildcard grants more than anyone reviewed: every verb includes `escalate`,
    /// `bind` and `impersonate`, every resource includes Secrets, and both include
    /// whatever custom resources and API versions the cluster gains later.
    ///
    /// ## How to fix
    /// List the verbs, resources and API groups the subject uses. `kubectl auth can-i
    /// --list --as system:serviceaccount:NS:NAME` and the API server's audit log show
    /// what that is.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: deployer
    /// rules:
    ///   - apiGroups: [apps]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: deployer
    /// rules:
    ///   - apiGroups: [apps]
    ///     resources: [deployments]
    ///     verbs: [get, list, watch, patch]
    /// ```
    pub struct RbacWildcard {
        id: "SS130",
        name: "rbac-wildcard",
        severity: Warning,
        theme: Security,
        summary: "Role or ClusterRole grants every verb, resource or API group with *",
    }
}

/// The fields of a rule where `*` means "everything".
const FIELDS: [&str; 4] = ["apiGroups", "resources", "verbs", "nonResourceURLs"];

impl ObjectRule for RbacWildcard {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        for rule in policy_rules(object) {
            let wild: Vec<&str> = FIELDS
                .into_iter()
                .filter(|field| rule.list(field).any(|v| v == "*"))
                .collect();
            if let Some(first) = wild.first() {
                out.report(
                    object,
                    rule.pointer(first),
                    format!(
                        "rule {} grants `*` in {}: everything, including what the cluster gains later",
                        rule.index,
                        and_list(&wild)
                    ),
                );
            }
        }
    }
}
