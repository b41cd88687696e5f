use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::probes::{self, Timing};

declare_rule! {
    /// ## What it checks
    /// Containers whose liveness probe fails sooner than their readiness probe: its
    /// `failureThreshold × periodSeconds` is lower, or both probes ask the same endpoint
    /// and the liveness probe has the shorter `timeoutSeconds`. The kubelet's defaults
    /// (period 10 s, threshold 3, timeout 1 s) count for fields left out.
    ///
    /// ## Why it matters
    /// Readiness takes an overloaded pod out of the Service until it recovers; liveness
    /// restarts it. When liveness gives up first, a pod that is merely slow is killed
    /// while it still receives traffic, its load moves to the other pods, which slow
    /// down and are killed in turn: a restart cascade that turns a load spike into an
    /// outage.
    ///
    /// ## How to fix
    /// Make the liveness probe the more patient of the two: a higher `failureThreshold ×
    /// periodSeconds` than readiness, and at least the same timeout. Better still, let
    /// liveness ask a cheaper endpoint that only says the process is not stuck.
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
    ///           readinessProbe:
    ///             httpGet: { path: /health, port: 8080 }
    ///             periodSeconds: 10
    ///             failureThreshold: 3
    ///           livenessProbe:
    ///             httpGet: { path: /health, port: 8080 }
    ///             periodSeconds: 5
    ///             failureThreshold: 2
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
    ///             httpGet: { path: /health, port: 8080 }
    ///             periodSeconds: 5
    ///             failureThreshold: 2
    ///           livenessProbe:
    ///             httpGet: { path: /live, port: 8080 }
    ///             periodSeconds: 10
    ///             failureThreshold: 3
    /// ```
    pub struct LivenessStricterThanReadiness {
        id: "SS018",
        name: "liveness-stricter-than-readiness",
        severity: Warning,
        theme: Reliability,
        summary: "liveness probe fails sooner than the readiness probe",
    }
}

impl ObjectRule for LivenessStricterThanReadiness {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.app_containers() {
            let (Some(liveness), Some(readiness)) = (
                probes::probe(&container, "/livenessProbe"),
                probes::probe(&container, "/readinessProbe"),
            ) else {
                continue;
            };
            let (live, ready) = (Timing::of(liveness), Timing::of(readiness));
            if live.failure_window() < ready.failure_window() {
                out.report(
                    object,
                    container.pointer_to("/livenessProbe"),
                    format!(
                        "{}'s liveness probe gives up after {} s of failures ({} × {} s), before its readiness probe does ({} × {} s = {} s): a slow pod is restarted while it still gets traffic",
                        describe(&container),
                        live.failure_window(),
                        live.failure_threshold,
                        live.period,
                        ready.failure_threshold,
                        ready.period,
                        ready.failure_window(),
                    ),
                );
            } else if live.timeout < ready.timeout && probes::same_endpoint(liveness, readiness) {
                out.report(
                    object,
                    container.pointer_to("/livenessProbe/timeoutSeconds"),
                    format!(
                        "{}'s liveness probe asks the same endpoint as its readiness probe with a shorter timeout ({} s against {} s): a slow answer restarts the container while it still counts as ready",
                        describe(&container),
                        live.timeout,
                        ready.timeout,
                    ),
                );
            }
        }
    }
}
