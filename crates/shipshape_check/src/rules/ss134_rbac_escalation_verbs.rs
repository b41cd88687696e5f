use crate::templates::rbac::policy_rules;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Role and ClusterRole rules that grant the verbs `escalate`, `bind` or
    /// `impersonate` by name. (`*` grants them too; SS130 reports that.)
    ///
    /// ## Why it matters
    /// These verbs exist to step around RBAC: `escalate` lets the subject edit a role to
    /// grant permissions it does not have, `bind` lets it bind any role (up to
    /// `cluster-admin`) to itself, `impersonate` lets it act as any user, group or
    /// ServiceAccount. Each is a path from this role to every other permission.
    ///
    /// ## How to fix
    /// Remove the verb. Tools that manage RBAC for others (operators, GitOps
    /// controllers) belong in a namespace of their own, with a suppression that says
    /// why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: support
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [users, groups, serviceaccounts]
    ///     verbs: [impersonate]
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: support
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods, pods/log]
    ///     verbs: [get, list]
    /// ```
    pub struct RbacEscalationVerbs {
        id: "SS134",
        name: "rbac-escalation-verbs",
        severity: Warning,
        theme: Security,
        summary: "Role or ClusterRole grants escalate, bind or impersonate",
    }
}

/// The verbs that step around RBAC, and what each lets the subject do.
const VERBS: [(&str, &str); 3] = [
    (
        "escalate",
        "edit roles to grant permissions it does not hold",
    ),
    ("bind", "bind any role, up to cluster-admin, to itself"),
    ("impersonate", "act as any user, group or ServiceAccount"),
];

impl ObjectRule for RbacEscalationVerbs {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        for rule in policy_rules(object) {
            for (verb, effect) in VERBS {
                if rule.list("verbs").any(|v| v == verb) {
                    out.report(
                        object,
                        rule.pointer("verbs"),
                        format!(
                            "rule {} grants `{verb}`: its subject can {effect}",
                            rule.index
                        ),
                    );
                }
            }
        }
    }
}
