use serde_json::Value;

use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Pods that get a Kubernetes API token mounted: the pod does not set
    /// `automountServiceAccountToken: false`, and neither does its ServiceAccount (when
    /// the ServiceAccount is in the input).
    ///
    /// ## Why it matters
    /// Most applications never call the Kubernetes API, yet by default every pod gets a
    /// token for it at `/var/run/secrets/kubernetes.io/serviceaccount`. Whoever gets code
    /// execution in the pod gets the token and whatever its RBAC allows.
    ///
    /// ## How to fix
    /// Set `automountServiceAccountToken: false` on the ServiceAccount or in the pod
    /// spec. A pod that does call the API should mount a short-lived projected token
    /// explicitly, or carry a suppression that says why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
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
    ///   automountServiceAccountToken: false
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    pub struct ServiceAccountToken {
        id: "SS009",
        name: "service-account-token-mounted",
        severity: Info,
        theme: Security,
        summary: "pod gets a Kubernetes API token it may not need",
    }
}

impl SetRule for ServiceAccountToken {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for pod in cx.pod_templates() {
            let own = pod
                .spec_get("/automountServiceAccountToken")
                .and_then(Value::as_bool);
            let account = pod
                .spec_get("/serviceAccountName")
                .and_then(Value::as_str)
                .unwrap_or("default");
            let namespace = pod.object.namespace();
            let by_account = cx
                .find(&kinds::SERVICE_ACCOUNT, namespace, account)
                .and_then(|sa| sa.get("/automountServiceAccountToken"))
                .and_then(Value::as_bool);
            // The pod's own setting wins over its ServiceAccount's.
            if own.or(by_account) != Some(false) {
                out.report(
                    pod.object,
                    pod.spec_pointer("/automountServiceAccountToken"),
                    format!(
                        "pods get an API token for ServiceAccount `{account}`: set automountServiceAccountToken: false on the pod or the ServiceAccount"
                    ),
                );
            }
        }
    }
}
