use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Workloads that set `spec.replicas` while a HorizontalPodAutoscaler in the input
    /// scales them.
    ///
    /// ## Why it matters
    /// Every apply resets the replica count to the manifest's number, undoing what the
    /// autoscaler chose: a deploy under load scales the workload down, and the
    /// autoscaler then scales it up again, churning pods.
    ///
    /// ## How to fix
    /// Remove `spec.replicas` from the workload and let the autoscaler's `minReplicas`
    /// and `maxReplicas` decide.
    ///
    /// ## Example
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
    pub struct ReplicasWithHpa {
        id: "SS032",
        name: "replicas-with-hpa",
        severity: Warning,
        theme: Scaling,
        summary: "workload sets spec.replicas while an autoscaler scales it",
    }
}

impl SetRule for ReplicasWithHpa {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for object in cx.objects() {
            let Some(replicas) = object.get("/spec/replicas") else {
                continue;
            };
            if let Some(hpa) = cx.autoscalers_of(object).next() {
                out.report(
                    object,
                    "/spec/replicas",
                    format!(
                        "sets replicas: {replicas} while {} scales it: every apply undoes the autoscaler",
                        hpa.object.display_name()
                    ),
                );
            }
        }
    }
}
