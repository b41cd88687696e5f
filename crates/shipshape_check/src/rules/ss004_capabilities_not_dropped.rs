use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers whose `securityContext.capabilities.drop` does not list `ALL`.
    ///
    /// ## Why it matters
    /// Container runtimes grant a default set of Linux capabilities (`NET_RAW`, `CHOWN`,
    /// `SETUID`, ...) that almost no application uses and that attackers do: `NET_RAW`
    /// alone allows ARP and DNS spoofing inside the cluster network. The restricted Pod
    /// Security Standard requires dropping `ALL`.
    ///
    /// ## How to fix
    /// Drop `ALL`, then add back only what the process needs (such as
    /// `NET_BIND_SERVICE` to bind a port below 1024).
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
    ///       securityContext:
    ///         capabilities:
    ///           drop: [NET_RAW]
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
    ///         capabilities:
    ///           drop: [ALL]
    /// ```
    pub struct CapabilitiesNotDropped {
        id: "SS004",
        name: "capabilities-not-dropped",
        severity: Warning,
        theme: Security,
        summary: "container keeps the runtime's default Linux capabilities",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/capabilities/drop",
    pod_level: false,
    accept: |v| {
        v.and_then(Value::as_array).is_some_and(|drop| {
            drop.iter()
                .any(|c| c.as_str().is_some_and(|c| c.eq_ignore_ascii_case("ALL")))
        })
    },
    problem: "keeps the default capabilities: drop ALL",
};

impl ObjectRule for CapabilitiesNotDropped {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
