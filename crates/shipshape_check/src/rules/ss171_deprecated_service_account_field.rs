use serde_json::Value;

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods and pod templates that set `serviceAccount`, the deprecated alias of
    /// `serviceAccountName`.
    ///
    /// ## Why it matters
    /// The alias has been deprecated since Kubernetes 1.8. When both fields are set and
    /// differ, `serviceAccountName` wins, so the account the manifest seems to name is
    /// not the one the pods run as; tools that read only one of the fields (policies,
    /// audits, this checker's own cross-object rules) see a different account.
    ///
    /// ## How to fix
    /// Rename `serviceAccount` to `serviceAccountName`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   serviceAccount: web
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   serviceAccountName: web
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    pub struct DeprecatedServiceAccountField {
        id: "SS171",
        name: "deprecated-service-account-field",
        severity: Warning,
        theme: Deprecation,
        summary: "pod sets the deprecated serviceAccount field",
    }
}

impl ObjectRule for DeprecatedServiceAccountField {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        let Some(alias) = pod.spec_get("/serviceAccount").and_then(Value::as_str) else {
            return;
        };
        let name = pod.spec_get("/serviceAccountName").and_then(Value::as_str);
        let message = match name {
            Some(name) if name != alias => format!(
                "serviceAccount `{alias}` is deprecated and overridden: the pods run as serviceAccountName `{name}`"
            ),
            _ => "serviceAccount is deprecated: name the account in serviceAccountName".to_owned(),
        };
        out.report(object, pod.spec_pointer("/serviceAccount"), message);
    }
}
