use crate::templates::{ContainerFields, Containers};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Application containers of long-running workloads (Deployments, StatefulSets,
    /// DaemonSets, ReplicaSets and restarting Pods) without a `readinessProbe`.
    ///
    /// ## Why it matters
    /// Without a readiness probe a pod receives traffic the moment its process starts,
    /// before it can answer, and keeps receiving it while it is overloaded or shutting
    /// down. A rolling update also moves on without knowing whether the new pods work,
    /// so a broken release replaces every healthy pod.
    ///
    /// ## How to fix
    /// Add a `readinessProbe` that answers only when the container can serve: an HTTP
    /// endpoint that checks what a request needs, or a TCP or gRPC check.
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
    ///           readinessProbe:
    ///             httpGet: { path: /ready, port: 8080 }
    /// ```
    pub struct MissingReadinessProbe {
        id: "SS010",
        name: "missing-readiness-probe",
        severity: Warning,
        theme: Reliability,
        summary: "container of a long-running workload has no readiness probe",
    }
}

const CHECK: ContainerFields = ContainerFields {
    fields: &[("/readinessProbe", "readiness probe")],
    containers: Containers::LongRunningApp,
};

impl ObjectRule for MissingReadinessProbe {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
