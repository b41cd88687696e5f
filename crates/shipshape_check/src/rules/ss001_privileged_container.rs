use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers (init containers included) with `securityContext.privileged: true`.
    ///
    /// ## Why it matters
    /// A privileged container has every capability and every device of the node: a
    /// compromise of the container is a compromise of the node and of every pod on it.
    /// The restricted and baseline Pod Security Standards refuse it.
    ///
    /// ## How to fix
    /// Remove `privileged: true` (or set it to `false`) and grant the one capability the
    /// process needs, if any, under `capabilities.add`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    ///       securityContext:
    ///         privileged: true
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    ///       securityContext:
    ///         privileged: false
    /// ```
    pub struct PrivilegedContainer {
        id: "SS001",
        name: "privileged-container",
        severity: Error,
        theme: Security,
        summary: "container runs privileged, with full access to the node",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/privileged",
    pod_level: false,
    accept: |v| v.and_then(Value::as_bool) != Some(true),
    problem: "runs privileged: it has every capability and device of the node",
};

impl ObjectRule for PrivilegedContainer {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
