use shipshape_manifest::kinds;

use crate::templates::volumes;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Deployments with `strategy.type: Recreate`, unless their pods mount a
    /// PersistentVolumeClaim: a `ReadWriteOnce` volume is held by one node at a time, and
    /// a rolling update would wait for it forever (SS158).
    ///
    /// ## Why it matters
    /// Recreate stops every old pod before starting any new one, so each release is a
    /// planned outage that lasts as long as the new pods take to become ready, or
    /// forever when the new version does not start. It is the right choice only when
    /// two versions must never run together, such as pods sharing a `ReadWriteOnce`
    /// volume.
    ///
    /// ## How to fix
    /// Use `RollingUpdate` (the default). Where two versions cannot coexist, say why in
    /// a suppression, or move the state to a StatefulSet.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 2
    ///   strategy: { type: Recreate }
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
    ///   replicas: 2
    ///   strategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }
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
    pub struct RecreateStrategy {
        id: "SS153",
        name: "recreate-strategy",
        severity: Info,
        theme: Reliability,
        summary: "Deployment stops every pod before starting new ones on each release",
    }
}

impl ObjectRule for RecreateStrategy {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let mounts_claim = || {
            object
                .pod_template()
                .is_some_and(|pod| volumes(&pod).any(|v| v.kind == "persistentVolumeClaim"))
        };
        if object.is(&kinds::DEPLOYMENT)
            && object.str_at("/spec/strategy/type") == Some("Recreate")
            && !mounts_claim()
        {
            out.report(
                object,
                "/spec/strategy/type",
                "Recreate stops every pod before new ones start: each release is an outage",
            );
        }
    }
}
