use crate::templates::{ContainerFields, Containers};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Application containers of long-running workloads without a `livenessProbe`.
    ///
    /// ## Why it matters
    /// A process that deadlocks or stops making progress without exiting stays in
    /// service forever: nothing restarts it. A liveness probe lets the kubelet notice and
    /// restart the container.
    ///
    /// ## How to fix
    /// Add a `livenessProbe` that fails only when a restart would help (the process is
    /// stuck), not when a dependency such as the database is down; otherwise an outage
    /// of the dependency restarts every pod at once. Give slow starters a
    /// `startupProbe` rather than a long `initialDelaySeconds`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    ///           livenessProbe:
    ///             httpGet: { path: /livez, port: 8080 }
    /// ```
    pub struct MissingLivenessProbe {
        id: "SS011",
        name: "missing-liveness-probe",
        severity: Warning,
        theme: Reliability,
        summary: "container of a long-running workload has no liveness probe",
    }
}

const CHECK: ContainerFields = ContainerFields {
    fields: &[("/livenessProbe", "liveness probe")],
    containers: Containers::LongRunningApp,
};

impl ObjectRule for MissingLivenessProbe {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
