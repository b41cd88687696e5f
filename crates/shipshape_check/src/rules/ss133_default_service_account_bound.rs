use serde_json::Value;

use crate::templates::rbac::is_binding;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings whose subjects include a ServiceAccount
    /// named `default`.
    ///
    /// ## Why it matters
    /// Every pod that names no ServiceAccount runs as `default`. Permissions granted to
    /// it go to every such pod of the namespace, today's and tomorrow's, including
    /// third-party charts nobody reviewed for this.
    ///
    /// ## How to fix
    /// Create a ServiceAccount for the workload that needs the permissions, bind that
    /// one, and set `serviceAccountName` in the workload's pods.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: reader
    /// roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
    /// subjects:
    ///   - { kind: ServiceAccount, name: default, namespace: default }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: reader
    /// roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
    /// subjects:
    ///   - { kind: ServiceAccount, name: report-reader, namespace: default }
    /// ```
    pub struct DefaultServiceAccountBound {
        id: "SS133",
        name: "default-service-account-bound",
        severity: Warning,
        theme: Security,
        summary: "binding grants permissions to a namespace's default ServiceAccount",
    }
}

impl ObjectRule for DefaultServiceAccountBound {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !is_binding(object) {
            return;
        }
        let subjects = object.get("/subjects").and_then(Value::as_array);
        for (i, subject) in subjects.into_iter().flatten().enumerate() {
            if subject["kind"].as_str() == Some("ServiceAccount")
                && subject["name"].as_str() == Some("default")
            {
                // A subject without a namespace means the binding's own (RoleBindings).
                let namespace = subject["namespace"].as_str().unwrap_or(object.namespace());
                out.report(
                    object,
                    format!("/subjects/{i}/name"),
                    format!(
                        "grants its role to every pod of namespace `{namespace}` that names no ServiceAccount"
                    ),
                );
            }
        }
    }
}
