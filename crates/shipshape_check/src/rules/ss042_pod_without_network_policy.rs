use shipshape_manifest::network_policy::Endpoint;

use crate::{CheckContext, Emitter, SetRule, declare_rule};

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
        let policies = cx.network_policies();
        for pod in cx.pod_templates() {
            if policies.selecting(&Endpoint::of_template(pod)).is_empty() {
                out.report(
                    pod.object,
                    format!("{}/metadata/labels", pod.pointer),
                    "no NetworkPolicy selects these pods: they accept traffic from anywhere in the cluster",
                );
            }
        }
    }
}
