use serde_json::Value;

use crate::templates::describe;
use crate::{CheckContext, Emitter, Object, SetRule, declare_rule};
use shipshape_manifest::{Autoscaler, kinds};

declare_rule! {
    /// ## What it checks
    /// HorizontalPodAutoscalers that scale on CPU or memory *utilisation* (a
    /// `Resource` or `ContainerResource` metric with `type: Utilization`, or v1's
    /// `targetCPUUtilizationPercentage`) while a container of the target has no request
    /// for that resource. An autoscaler that names no metric at all (no `metrics`, or
    /// v1 without `targetCPUUtilizationPercentage`) scales on 80 % CPU utilisation,
    /// Kubernetes' default, and is checked as such.
    ///
    /// ## Why it matters
    /// Utilisation is usage divided by the request. With a request missing, the
    /// autoscaler cannot compute it, reports `FailedGetResourceMetric`, and does not
    /// scale at all.
    ///
    /// ## How to fix
    /// Give every container of the target a request for the resource, or scale on an
    /// `AverageValue` target instead.
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
    ///   metrics:
    ///     - type: Resource
    ///       resource:
    ///         name: cpu
    ///         target: { type: Utilization, averageUtilization: 70 }
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
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: web
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
    ///   minReplicas: 2
    ///   maxReplicas: 10
    ///   metrics:
    ///     - type: Resource
    ///       resource:
    ///         name: cpu
    ///         target: { type: Utilization, averageUtilization: 70 }
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
    ///           resources:
    ///             requests: { cpu: 250m }
    /// ```
    pub struct HpaUtilizationWithoutRequest {
        id: "SS033",
        name: "hpa-utilization-without-request",
        severity: Error,
        theme: Scaling,
        summary: "autoscaler scales on utilisation of a resource a container does not request",
    }
}

/// A utilisation target: the resource, the one container it is about (for
/// `ContainerResource`), where it is written, and whether it is Kubernetes' default
/// rather than written at all.
struct Target<'a> {
    resource: &'a str,
    container: Option<&'a str>,
    pointer: String,
    default: bool,
}

fn utilization_targets(hpa: &Object) -> Vec<Target<'_>> {
    let mut targets = Vec::new();
    if hpa.get("/spec/targetCPUUtilizationPercentage").is_some() {
        targets.push(Target {
            resource: "cpu",
            container: None,
            pointer: "/spec/targetCPUUtilizationPercentage".to_owned(),
            default: false,
        });
    }
    let metrics = hpa.get("/spec/metrics").and_then(Value::as_array);
    for (i, metric) in metrics.into_iter().flatten().enumerate() {
        let source = match metric["type"].as_str() {
            Some("Resource") => &metric["resource"],
            Some("ContainerResource") => &metric["containerResource"],
            _ => continue,
        };
        if source.pointer("/target/type").and_then(Value::as_str) != Some("Utilization") {
            continue;
        }
        if let Some(resource) = source["name"].as_str() {
            targets.push(Target {
                resource,
                container: source["container"].as_str(),
                pointer: format!("/spec/metrics/{i}"),
                default: false,
            });
        }
    }
    // The API server fills in 80 % CPU when an autoscaler names no metric: in v2 an
    // absent or empty `metrics`, in v1 an absent target percentage.
    let names_none = if hpa.api_version() == "autoscaling/v1" {
        hpa.get("/spec/targetCPUUtilizationPercentage").is_none()
    } else {
        hpa.get("/spec/metrics")
            .is_none_or(|m| m.as_array().is_some_and(Vec::is_empty))
    };
    if names_none {
        targets.push(Target {
            resource: "cpu",
            container: None,
            pointer: "/spec".to_owned(),
            default: true,
        });
    }
    targets
}

impl SetRule for HpaUtilizationWithoutRequest {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for hpa in cx.of_kind(&kinds::HORIZONTAL_POD_AUTOSCALER) {
            let Some(target) = Autoscaler::of(hpa).and_then(|a| a.target()) else {
                continue;
            };
            let Some(pod) = cx
                .find(&target.kind, hpa.namespace(), target.name)
                .and_then(|o| o.pod_template())
            else {
                continue;
            };
            for target in utilization_targets(hpa) {
                let request = format!("/resources/requests/{}", target.resource);
                let lacking = pod
                    .app_containers()
                    .filter(|c| target.container.is_none_or(|n| n == c.name))
                    .filter(|c| c.get(&request).is_none());
                let how = if target.default {
                    " (it names no metrics, so Kubernetes' default of 80 % applies)"
                } else {
                    ""
                };
                for container in lacking {
                    out.report(
                        hpa,
                        &target.pointer,
                        format!(
                            "scales on {} utilisation{how}, but {} of {} has no {} request: the autoscaler cannot scale",
                            target.resource,
                            describe(&container),
                            pod.object.display_name(),
                            target.resource
                        ),
                    );
                }
            }
        }
    }
}
