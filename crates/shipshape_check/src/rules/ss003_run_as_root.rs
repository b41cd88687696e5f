use serde_json::Value;

use crate::templates::{describe, effective};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers that may run as root: neither the container nor the pod sets
    /// `runAsNonRoot: true` or a non-zero `runAsUser`, or `runAsUser` is `0`.
    ///
    /// ## Why it matters
    /// Most images default to root. Root in a container is root on the node's kernel: a
    /// container escape or a writable host mount then gives an attacker the node. The
    /// restricted Pod Security Standard requires `runAsNonRoot: true`.
    ///
    /// ## How to fix
    /// Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod's
    /// `securityContext` (it applies to every container), and build the image to run as
    /// that user.
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
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    pub struct RunAsRoot {
        id: "SS003",
        name: "run-as-root-allowed",
        severity: Warning,
        theme: Security,
        summary: "container may run as root (no runAsNonRoot: true)",
    }
}

impl ObjectRule for RunAsRoot {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let non_root = effective(&pod, &container, "/runAsNonRoot", true);
            let user = effective(&pod, &container, "/runAsUser", true);
            let uid = user.value.and_then(Value::as_i64);
            if uid == Some(0) {
                out.report(
                    object,
                    user.pointer,
                    format!("{} runs as root (runAsUser: 0)", describe(&container)),
                );
            } else if non_root.value.and_then(Value::as_bool) != Some(true) && uid.is_none() {
                out.report(
                    object,
                    non_root.pointer,
                    format!(
                        "{} may run as root: set runAsNonRoot: true and a non-zero runAsUser",
                        describe(&container)
                    ),
                );
            }
        }
    }
}
