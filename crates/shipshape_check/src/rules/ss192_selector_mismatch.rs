use shipshape_manifest::kinds;

use crate::{Emitter, Object, ObjectRule, Selector, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Deployments, StatefulSets, DaemonSets and ReplicaSets whose `spec.selector` is
    /// missing or empty, or does not select the labels of their own pod template.
    ///
    /// ## Why it matters
    /// The API server refuses them (`selector does not match template labels`): the
    /// apply fails. The selector is also immutable, so fixing it on a running workload
    /// means deleting and re-creating it.
    ///
    /// ## How to fix
    /// Make `spec.selector.matchLabels` a subset of `spec.template.metadata.labels`,
    /// using labels that never change between releases (not the version).
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
    ///       labels: { app.kubernetes.io/name: web }
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
    ///     matchLabels: { app.kubernetes.io/name: web }
    ///   template:
    ///     metadata:
    ///       labels: { app.kubernetes.io/name: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    pub struct SelectorMismatch {
        id: "SS192",
        name: "selector-mismatch",
        severity: Error,
        theme: Correctness,
        summary: "workload's selector does not select its own pods",
    }
}

impl ObjectRule for SelectorMismatch {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let workloads = [
            kinds::DEPLOYMENT,
            kinds::STATEFUL_SET,
            kinds::DAEMON_SET,
            kinds::REPLICA_SET,
        ];
        if !workloads.iter().any(|kind| object.is(kind)) {
            return;
        }
        let Some(pod) = object.pod_template() else {
            return;
        };
        let selector = object
            .get("/spec/selector")
            .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()));
        match selector {
            None => out.report(
                object,
                "/spec/selector",
                "has no selector: apps/v1 requires one that matches the pod template's labels",
            ),
            Some(selector) if !Selector::LabelSelector(selector).matches(pod.labels()) => out
                .report(
                    object,
                    "/spec/selector",
                    "selector does not match the pod template's labels: the API server refuses it",
                ),
            Some(_) => {}
        }
    }
}
