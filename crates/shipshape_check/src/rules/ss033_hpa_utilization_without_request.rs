use serde_json::Value;

use crate::templates::describe;
use crate::{CheckContext, Container, Emitter, Object, PodTemplate, SetRule, declare_rule};
use shipshape_manifest::{Autoscaler, ContainerKind, kinds};

declare_rule! {
    /// ## What it checks
    /// HorizontalPodAutoscalers that scale on CPU or memory *utilisation* (a
    /// `Resource` or `ContainerResource` metric with `type: Utilization`, or v1's
    /// `targetCPUUtilizationPercentage`) while a container of the target has no request
    /// for that resource. An autoscaler that names no metric at all (no `metrics`, or
    /// v1 without `targetCPUUtilizationPercentage`) scales on 80 % CPU utilisation,
    /// Kubernetes' default, and is checked as such.
    ///
    /// The containers are judged as the autoscaler judges the pod: a `Resource` metric
    /// divides the pods' usage by the sum of the requests of every application container
    /// and sidecar (an init container with `restartPolicy: Always`), and fails when one
    /// of them has none; a `ContainerResource` metric looks at the container it names
    /// only. A pod-level request (`spec.resources.requests`, on by default from
    /// Kubernetes 1.34) takes the place of the sum for a `Resource` metric, so such
    /// pods are not reported when the run targets 1.34 or later. One finding per
    /// metric names every container that lacks the request.
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

/// The first minor version of Kubernetes whose autoscaler divides by the pod-level
/// request when the pod sets one: `PodLevelResources` is on by default from 1.34.
const POD_LEVEL_REQUESTS_SINCE: u32 = 34;

/// The containers of `pod` whose requests the autoscaler adds up for `target`: the one
/// it names, else every application container and sidecar (an init container with
/// `restartPolicy: Always`), as the controller sums them.
fn summed<'a>(pod: &PodTemplate<'a>, target: &Target<'_>) -> Vec<Container<'a>> {
    let sidecars = pod
        .containers_of(ContainerKind::Init)
        .filter(|c| c.value["restartPolicy"].as_str() == Some("Always"));
    pod.app_containers()
        .chain(sidecars)
        .filter(|c| target.container.is_none_or(|n| n == c.name))
        .collect()
}

impl SetRule for HpaUtilizationWithoutRequest {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let pod_level = cx.settings().api.version.minor() >= POD_LEVEL_REQUESTS_SINCE;
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
                let resource = target.resource;
                // A pod-level request replaces the containers' sum, unless the metric
                // names a container.
                if pod_level
                    && target.container.is_none()
                    && pod
                        .spec_get(&format!("/resources/requests/{resource}"))
                        .is_some()
                {
                    continue;
                }
                let request = format!("/resources/requests/{resource}");
                let lacking: Vec<String> = summed(&pod, &target)
                    .iter()
                    .filter(|c| c.get(&request).is_none())
                    .map(describe)
                    .collect();
                let how = if target.default {
                    " (it names no metrics, so Kubernetes' default of 80 % applies)"
                } else {
                    ""
                };
                let (who, have) = match lacking.as_slice() {
                    [one] => (one.clone(), "has"),
                    [init @ .., last] => (format!("{} and {last}", init.join(", ")), "have"),
                    [] => continue,
                };
                out.report(
                    hpa,
                    &target.pointer,
                    format!(
                        "scales on {resource} utilisation{how}, but {who} of {} {have} no {resource} request: the autoscaler cannot scale",
                        pod.object.display_name(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use shipshape_grammar::KubeVersion;
    use shipshape_manifest::Model;

    use crate::{Config, Options, check};

    /// A pod with a pod-level CPU request and containers without one, scaled on CPU.
    const POD_LEVEL: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      resources: { requests: { cpu: 500m } }
      containers: [{ name: api, image: example/api:1.0.0 }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
";

    fn messages(minor: u32) -> Vec<String> {
        let mut model = Model::new();
        model
            .add_objects(shipshape_manifest::load("pod-level.yaml", POD_LEVEL, "default").unwrap());
        let mut options = Options::from_config(&Config {
            select: Some(vec!["SS033".to_owned()]),
            ..Config::default()
        })
        .unwrap();
        options.settings.api.version = KubeVersion::new(minor);
        check(&model, &options)
            .findings
            .iter()
            .map(|f| f.message.clone())
            .collect()
    }

    #[test]
    fn a_pod_level_request_counts_from_kubernetes_1_34() {
        assert_eq!(messages(34), Vec::<String>::new());
        assert_eq!(
            messages(33),
            [
                "scales on cpu utilisation, but container `api` of Deployment default/api has no cpu request: the autoscaler cannot scale"
            ]
        );
    }
}
