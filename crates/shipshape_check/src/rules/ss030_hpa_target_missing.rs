use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::{Autoscaler, kinds};

declare_rule! {
    /// ## What it checks
    /// HorizontalPodAutoscalers whose `scaleTargetRef` names a workload that is not in
    /// the input (same namespace, kind and name).
    ///
    /// ## Why it matters
    /// An autoscaler without its target does nothing, silently: the workload keeps its
    /// fixed replica count under load. It is usually a renamed Deployment or a kind
    /// mismatch (`Deployment` against a `StatefulSet`).
    ///
    /// ## How to fix
    /// Point `scaleTargetRef` at the workload's exact kind and name, in the autoscaler's
    /// namespace.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: web
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: website }
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: web
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
    ///   minReplicas: 2
    ///   maxReplicas: 10
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
    pub struct HpaTargetMissing {
        id: "SS030",
        name: "hpa-target-missing",
        severity: Error,
        theme: Scaling,
        summary: "HorizontalPodAutoscaler targets a workload that is not in the input",
    }
}

impl SetRule for HpaTargetMissing {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for hpa in cx.of_kind(&kinds::HORIZONTAL_POD_AUTOSCALER) {
            let Some(target) = Autoscaler::of(hpa).and_then(|a| a.target()) else {
                continue;
            };
            let (kind, name) = (target.kind.kind, target.name);
            if cx.find(&target.kind, hpa.namespace(), name).is_none() {
                out.report(
                    hpa,
                    "/spec/scaleTargetRef/name",
                    format!(
                        "scales {kind} {}/{name}, which is not in the input: it scales nothing",
                        hpa.namespace()
                    ),
                );
            }
        }
    }
}
