use shipshape_manifest::network_policy::NetworkPolicy;
use shipshape_manifest::{kinds, operated_pods};

use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// NetworkPolicies whose `podSelector` matches the pod template of no workload in
    /// their namespace, nor the pods an operator runs for a resource of the set (the
    /// instances of a CloudNativePG `Cluster`, the Spilo pods of a Zalando
    /// `postgresql`). An empty `podSelector` (`{}`) selects every pod of the namespace
    /// on purpose and is left alone.
    ///
    /// ## Why it matters
    /// A policy that selects nothing restricts nothing: the pods it was written for
    /// accept and send whatever other policies allow, or everything when none selects
    /// them. It is almost always a label renamed on the workload and not on the policy,
    /// and nothing in the cluster reports it.
    ///
    /// ## How to fix
    /// Make `spec.podSelector` match the labels of the pod template it is meant for (the
    /// workload's own selector labels), or delete the policy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: website }
    ///   policyTypes: [Ingress]
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
    pub struct NetworkPolicySelectsNoPods {
        id: "SS047",
        name: "network-policy-selects-no-pods",
        severity: Warning,
        theme: Networking,
        summary: "NetworkPolicy podSelector matches no pod template in its namespace",
    }
}

impl SetRule for NetworkPolicySelectsNoPods {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let operated = operated_pods(cx);
        for object in cx.of_kind(&kinds::NETWORK_POLICY) {
            let Some(policy) = NetworkPolicy::parse(object.value()) else {
                continue;
            };
            if policy.selects_whole_namespace() {
                continue;
            }
            let selects_some = cx
                .selected(policy.namespace(), policy.pod_selector())
                .next()
                .is_some()
                || operated.iter().any(|pods| policy.selects(&pods.endpoint()));
            if !selects_some {
                out.report(
                    object,
                    "/spec/podSelector",
                    "selects no pod template in its namespace: it restricts nothing",
                );
            }
        }
    }
}
