use serde_json::Value;
use shipshape_manifest::kinds;

use crate::{CheckContext, Emitter, PodTemplate, Selector, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Deployments and StatefulSets that can run two pods or more (`replicas`, or an
    /// autoscaler's `maxReplicas`) whose pods carry neither a topology spread
    /// constraint nor a pod anti-affinity term that selects the workload's own pods.
    ///
    /// ## Why it matters
    /// Without one, nothing but the scheduler's soft defaults keeps the replicas apart:
    /// they can land on the same node or zone, and one node failure or drain takes them
    /// all, which is what having replicas was meant to prevent.
    ///
    /// ## How to fix
    /// Add a `topologySpreadConstraints` entry (or a preferred pod anti-affinity term)
    /// with `topologyKey: kubernetes.io/hostname`, and one with
    /// `topology.kubernetes.io/zone` where the cluster spans zones, whose
    /// `labelSelector` matches the pods' labels.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 3
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
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: kubernetes.io/hostname
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector:
    ///             matchLabels: { app: web }
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    pub struct ReplicasNotSpread {
        id: "SS151",
        name: "replicas-not-spread",
        severity: Info,
        theme: Reliability,
        summary: "replicas may all land on one node or zone",
    }
}

/// The label selectors with which `pod` asks to be kept apart from other pods.
fn spread_selectors<'a>(pod: &PodTemplate<'a>) -> Vec<&'a Value> {
    let list = |pointer: &str| {
        pod.spec_get(pointer)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let spread = list("/topologySpreadConstraints")
        .iter()
        .filter_map(|c| c.get("labelSelector"));
    let required = list("/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")
        .iter()
        .filter_map(|t| t.get("labelSelector"));
    let preferred =
        list("/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .filter_map(|t| t.pointer("/podAffinityTerm/labelSelector"));
    spread.chain(required).chain(preferred).collect()
}

impl SetRule for ReplicasNotSpread {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for pod in cx.pod_templates() {
            let object = pod.object;
            if !object.is(&kinds::DEPLOYMENT) && !object.is(&kinds::STATEFUL_SET) {
                continue;
            }
            let most = cx
                .autoscalers_of(object)
                .filter_map(|hpa| hpa.max_replicas())
                .max()
                .or_else(|| pod.replicas());
            if most.is_none_or(|n| n < 2) {
                continue;
            }
            let spread = spread_selectors(pod)
                .into_iter()
                .any(|selector| Selector::LabelSelector(selector).matches(pod.labels()));
            if !spread {
                out.report(
                    object,
                    pod.spec_pointer("/topologySpreadConstraints"),
                    "no topology spread constraint or pod anti-affinity keeps its replicas on different nodes",
                );
            }
        }
    }
}
