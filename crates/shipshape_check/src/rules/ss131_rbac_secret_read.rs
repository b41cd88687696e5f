use crate::templates::rbac::policy_rules;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Role and ClusterRole rules that let their subject `get`, `list` or `watch`
    /// Secrets without `resourceNames`: every Secret of the namespace, or of the
    /// cluster for a ClusterRole bound cluster-wide.
    ///
    /// ## Why it matters
    /// Reading every Secret reads every other workload's credentials, including
    /// ServiceAccount tokens of more powerful accounts: one compromised pod becomes all
    /// of them. `list` and `watch` return the values too, not only the names.
    ///
    /// ## How to fix
    /// Name the Secrets the subject needs in `resourceNames` and grant `get` only. A
    /// controller that truly watches all Secrets deserves a namespace of its own and a
    /// suppression that says why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: app
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [secrets]
    ///     verbs: [get, list]
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: app
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [secrets]
    ///     resourceNames: [app-db]
    ///     verbs: [get]
    /// ```
    pub struct RbacSecretRead {
        id: "SS131",
        name: "rbac-secret-read",
        severity: Warning,
        theme: Security,
        summary: "Role or ClusterRole reads every Secret, not named ones",
    }
}

impl ObjectRule for RbacSecretRead {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        for rule in policy_rules(object) {
            let verbs = rule.granted(&["get", "list", "watch"]);
            if rule.names("", "secrets") && !verbs.is_empty() && !rule.is_limited_to_names() {
                out.report(
                    object,
                    rule.pointer("resources"),
                    format!(
                        "rule {} can {} every Secret: name the ones needed in resourceNames",
                        rule.index,
                        verbs.join("/")
                    ),
                );
            }
        }
    }
}
