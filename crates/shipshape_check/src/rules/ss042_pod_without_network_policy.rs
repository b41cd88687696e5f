use std::collections::HashSet;

use crate::{CheckContext, Emitter, Selector, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Pod templates whose pods no NetworkPolicy in their namespace selects.
    ///
    /// ## Why it matters
    /// Pods no policy selects accept traffic from every pod in the cluster and may
    /// connect anywhere: one compromised pod anywhere can reach them, and they can reach
    /// everything. A policy per workload that admits only its declared traffic contains
    /// a breach.
    ///
    /// ## How to fix
    /// Add a NetworkPolicy whose `podSelector` matches the workload's pods and that
    /// admits only the traffic it needs (or a namespace-wide default-deny policy with an
    /// empty `podSelector`, plus the allowances).
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
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Ingress]
    ///   ingress:
    ///     - ports: [{ port: 8080 }]
    /// ---
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
    pub struct PodWithoutNetworkPolicy {
        id: "SS042",
        name: "pod-without-network-policy",
        severity: Info,
        theme: Networking,
        summary: "no NetworkPolicy selects the pods",
    }
}

impl SetRule for PodWithoutNetworkPolicy {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        // Object index of every workload some policy selects.
        let mut covered = HashSet::new();
        for policy in cx.of_kind(&kinds::NETWORK_POLICY) {
            if let Some(selector) = policy.get("/spec/podSelector") {
                let selected = cx.selected(policy.namespace(), Selector::LabelSelector(selector));
                covered.extend(selected.map(|pod| pod.object.index()));
            }
        }
        for pod in cx.pod_templates() {
            if !covered.contains(&pod.object.index()) {
                out.report(
                    pod.object,
                    format!("{}/metadata/labels", pod.pointer),
                    "no NetworkPolicy selects these pods: they accept traffic from anywhere in the cluster",
                );
            }
        }
    }
}
