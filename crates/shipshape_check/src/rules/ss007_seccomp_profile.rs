use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers without a seccomp profile of type `RuntimeDefault` or `Localhost`, on
    /// the container or on the pod. `Unconfined` and unset both fire.
    ///
    /// ## Why it matters
    /// Without seccomp every system call of the kernel is open to the container, and most
    /// container escapes go through a rarely used one. The runtime's default profile
    /// blocks those and nothing an ordinary application calls. The restricted Pod
    /// Security Standard requires it.
    ///
    /// ## How to fix
    /// Set `seccompProfile: { type: RuntimeDefault }` in the pod's `securityContext`.
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
    ///     seccompProfile: { type: RuntimeDefault }
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    pub struct SeccompProfile {
        id: "SS007",
        name: "seccomp-profile-missing",
        severity: Warning,
        theme: Security,
        summary: "container runs without a seccomp profile",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/seccompProfile/type",
    pod_level: true,
    accept: |v| {
        matches!(
            v.and_then(Value::as_str),
            Some("RuntimeDefault" | "Localhost")
        )
    },
    problem: "runs without a seccomp profile: set seccompProfile.type to RuntimeDefault",
};

impl ObjectRule for SeccompProfile {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
