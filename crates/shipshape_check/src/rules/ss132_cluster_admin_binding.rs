use serde_json::Value;
use shipshape_manifest::kinds;

use crate::templates::and_list;
use crate::templates::rbac::is_binding;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings to the ClusterRole `cluster-admin`.
    ///
    /// ## Why it matters
    /// `cluster-admin` can do anything: bound cluster-wide it owns every namespace,
    /// node and credential; bound in a namespace it owns that namespace, its Secrets
    /// and its RBAC. Bound to a workload's ServiceAccount, any code execution in the
    /// workload is a cluster (or namespace) takeover.
    ///
    /// ## How to fix
    /// Bind a Role or ClusterRole that grants what the subject uses. Keep
    /// `cluster-admin` for break-glass human groups, bound outside application
    /// manifests.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: ci
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - { kind: ServiceAccount, name: ci, namespace: ci }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: ci
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// subjects:
    ///   - { kind: ServiceAccount, name: ci, namespace: ci }
    /// ```
    pub struct ClusterAdminBinding {
        id: "SS132",
        name: "cluster-admin-binding",
        severity: Warning,
        theme: Security,
        summary: "binding grants cluster-admin",
    }
}

impl ObjectRule for ClusterAdminBinding {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let is_cluster_admin = object.str_at("/roleRef/kind") == Some("ClusterRole")
            && object.str_at("/roleRef/name") == Some("cluster-admin");
        if !is_binding(object) || !is_cluster_admin {
            return;
        }
        let scope = if object.is(&kinds::CLUSTER_ROLE_BINDING) {
            "the whole cluster".to_owned()
        } else {
            format!("namespace `{}`", object.namespace())
        };
        let subjects: Vec<String> = object
            .get("/subjects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| {
                format!(
                    "{} `{}`",
                    s["kind"].as_str().unwrap_or("subject"),
                    s["name"].as_str().unwrap_or("")
                )
            })
            .collect();
        let whom = match subjects.as_slice() {
            [] => "its subjects".to_owned(),
            list => and_list(list),
        };
        out.report(
            object,
            "/roleRef/name",
            format!("grants {whom} every permission in {scope} (cluster-admin)"),
        );
    }
}
