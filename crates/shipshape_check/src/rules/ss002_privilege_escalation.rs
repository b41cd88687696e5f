use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers whose `securityContext.allowPrivilegeEscalation` is not `false`. Unset
    /// counts as allowed, because that is the kernel's default.
    ///
    /// ## Why it matters
    /// Without `no_new_privs`, a setuid binary or file capability in the image lets a
    /// compromised process gain more privileges than the container was started with. The
    /// restricted Pod Security Standard requires `false`.
    ///
    /// ## How to fix
    /// Set `allowPrivilegeEscalation: false` in every container's `securityContext`.
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
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    /// ```
    pub struct PrivilegeEscalation {
        id: "SS002",
        name: "privilege-escalation-allowed",
        severity: Warning,
        theme: Security,
        summary: "container does not set allowPrivilegeEscalation: false",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/allowPrivilegeEscalation",
    pod_level: false,
    accept: |v| v.and_then(Value::as_bool) == Some(false),
    problem: "may gain privileges (allowPrivilegeEscalation is not false)",
};

impl ObjectRule for PrivilegeEscalation {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
