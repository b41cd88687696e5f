use serde_json::Value;

use crate::templates::{SecuritySetting, pod_annotations};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers that run without AppArmor: `appArmorProfile.type: Unconfined` on the
    /// container or the pod, or the older annotation
    /// `container.apparmor.security.beta.kubernetes.io/NAME: unconfined` on the pods.
    ///
    /// ## Why it matters
    /// On nodes with AppArmor (Ubuntu, Debian, COS, SUSE) the runtime's default profile
    /// denies mounts, writes to `/proc` and `/sys`, and raw kernel interfaces. Turning it
    /// off removes one of the few layers between a compromised process and the node.
    /// The baseline Pod Security Standard refuses `Unconfined`.
    ///
    /// ## How to fix
    /// Remove the setting (the runtime default then applies) or set
    /// `appArmorProfile: { type: RuntimeDefault }`, or `Localhost` with a profile made
    /// for the workload.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   securityContext:
    ///     appArmorProfile: { type: Unconfined }
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   securityContext:
    ///     appArmorProfile: { type: RuntimeDefault }
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    /// ```
    pub struct AppArmorUnconfined {
        id: "SS103",
        name: "apparmor-unconfined",
        severity: Warning,
        theme: Security,
        summary: "container runs with AppArmor turned off",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/appArmorProfile/type",
    pod_level: true,
    accept: |v| v.and_then(Value::as_str) != Some("Unconfined"),
    problem: "runs without AppArmor (appArmorProfile type Unconfined)",
};

/// The annotation that set a container's profile before Kubernetes 1.30.
const ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

impl ObjectRule for AppArmorUnconfined {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
        let Some(pod) = object.pod_template() else {
            return;
        };
        for annotation in pod_annotations(&pod) {
            if let Some(container) = annotation.key.strip_prefix(ANNOTATION)
                && annotation.value == "unconfined"
            {
                out.report(
                    object,
                    annotation.pointer,
                    format!("container `{container}` runs without AppArmor (annotated unconfined)"),
                );
            }
        }
    }
}
