use shipshape_manifest::Autoscaler;

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// HorizontalPodAutoscalers whose `minReplicas` (1 when unset) is greater than
    /// `maxReplicas`.
    ///
    /// ## Why it matters
    /// The API server rejects such an autoscaler, so the apply fails, often halfway
    /// through a release.
    ///
    /// ## How to fix
    /// Make `minReplicas` at most `maxReplicas`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: web
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
    ///   minReplicas: 5
    ///   maxReplicas: 3
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
    ///   minReplicas: 3
    ///   maxReplicas: 5
    /// ```
    pub struct HpaMinAboveMax {
        id: "SS031",
        name: "hpa-min-above-max",
        severity: Error,
        theme: Scaling,
        summary: "HorizontalPodAutoscaler has minReplicas above maxReplicas",
    }
}

impl ObjectRule for HpaMinAboveMax {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(hpa) = Autoscaler::of(object) else {
            return;
        };
        let min = hpa.min_replicas();
        let Some(max) = hpa.max_replicas() else {
            return;
        };
        if min > max {
            out.report(
                object,
                "/spec/minReplicas",
                format!("minReplicas {min} is above maxReplicas {max}: the API server rejects it"),
            );
        }
    }
}
