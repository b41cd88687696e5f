//! HorizontalPodAutoscalers for components whose replicas are a range.

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricIdentifier, MetricSpec,
    MetricTarget, PodsMetricSource, ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use shipshape_manifest::Provenance;
use shipshape_spec::{
    BehaviorPreset, Component, ComponentKind, Percent, Replicas, ScalingBehavior, path,
};

use crate::context::{Ctx, component_key};
use crate::workload;

/// CPU utilisation targeted when a range is given without targets.
const DEFAULT_CPU_TARGET: u32 = 80;

fn utilization(resource: &str, target: Percent) -> MetricSpec {
    MetricSpec {
        type_: "Resource".to_owned(),
        resource: Some(ResourceMetricSource {
            name: resource.to_owned(),
            target: MetricTarget {
                type_: "Utilization".to_owned(),
                average_utilization: Some(i32::try_from(target.0).unwrap_or(i32::MAX)),
                ..MetricTarget::default()
            },
        }),
        ..MetricSpec::default()
    }
}

fn rules(window: i32, pods: i32, period: i32) -> HPAScalingRules {
    HPAScalingRules {
        stabilization_window_seconds: Some(window),
        select_policy: Some("Min".to_owned()),
        policies: Some(vec![HPAScalingPolicy {
            type_: "Pods".to_owned(),
            value: pods,
            period_seconds: period,
        }]),
        ..HPAScalingRules::default()
    }
}

/// The behavior for a preset. `conservative` follows the projection-worker guide: add at
/// most two pods every two minutes after five stable minutes, remove one every five
/// minutes after fifteen, because each membership change pauses the whole group.
fn behavior(b: &ScalingBehavior) -> Option<HorizontalPodAutoscalerBehavior> {
    match b {
        ScalingBehavior::Preset(BehaviorPreset::Default) => None,
        ScalingBehavior::Preset(BehaviorPreset::Conservative) => {
            Some(HorizontalPodAutoscalerBehavior {
                scale_up: Some(rules(300, 2, 120)),
                scale_down: Some(rules(900, 1, 300)),
            })
        }
        ScalingBehavior::Raw(raw) => serde_json::from_value(raw.clone()).ok(),
    }
}

/// The behavior of an HPA whose spec sets none: Kubernetes' own, except for a
/// `stateful` component. Each pod that joins or leaves a cluster moves data (shards,
/// replicas) and a fast flap would keep it moving, so it scales conservatively.
fn default_behavior(component: &Component) -> Option<ScalingBehavior> {
    (component.kind == ComponentKind::Stateful)
        .then_some(ScalingBehavior::Preset(BehaviorPreset::Conservative))
}

/// Renders the HPA of an autoscaled component, aimed at its Deployment or StatefulSet.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let Some(Replicas::Range { min, max }) = component.replicas else {
        return;
    };
    let auto = component.autoscale.clone().unwrap_or_default();
    let key = |rest| component_key(name, rest);
    let mut fields = Provenance::new();
    for bound in ["/spec/minReplicas", "/spec/maxReplicas"] {
        fields.record(bound, key(path!["replicas"]));
    }
    let mut metrics = Vec::new();
    if let Some(cpu) = auto.cpu {
        fields.record(
            &format!("/spec/metrics/{}", metrics.len()),
            key(path!["autoscale", "cpu"]),
        );
        metrics.push(utilization("cpu", cpu));
    }
    if let Some(memory) = auto.memory {
        let memory_key = key(path!["autoscale", "memory"]);
        fields.record(&format!("/spec/metrics/{}", metrics.len()), memory_key);
        metrics.push(utilization("memory", memory));
    }
    for (metric, target) in &auto.pods {
        let metric_key = key(path!["autoscale", "pods", metric]);
        fields.record(&format!("/spec/metrics/{}", metrics.len()), metric_key);
        metrics.push(MetricSpec {
            type_: "Pods".to_owned(),
            pods: Some(PodsMetricSource {
                metric: MetricIdentifier {
                    name: metric.clone(),
                    selector: None,
                },
                target: MetricTarget {
                    type_: "AverageValue".to_owned(),
                    average_value: Some(Quantity(target.0.clone())),
                    ..MetricTarget::default()
                },
            }),
            ..MetricSpec::default()
        });
    }
    if metrics.is_empty() {
        fields.record_default(
            "/spec/metrics/0",
            key(path!["autoscale", "cpu"]),
            format!("{DEFAULT_CPU_TARGET}% average CPU utilisation of the requests"),
        );
        metrics.push(utilization("cpu", Percent(DEFAULT_CPU_TARGET)));
    }
    if auto.behavior.is_some() {
        fields.record("/spec/behavior", key(path!["autoscale", "behavior"]));
    } else if default_behavior(component).is_some() {
        fields.record_default(
            "/spec/behavior",
            key(path!["autoscale", "behavior"]),
            "conservative, for a stateful component",
        );
    }
    let behavior_or_default = auto
        .behavior
        .clone()
        .or_else(|| default_behavior(component));
    let hpa = HorizontalPodAutoscaler {
        metadata: ctx.metadata(name, Some(name)),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_owned()),
                kind: workload::controller_kind(component.kind).to_owned(),
                name: name.to_owned(),
            },
            min_replicas: Some(i32::try_from(min).unwrap_or(i32::MAX)),
            max_replicas: i32::try_from(max).unwrap_or(i32::MAX),
            metrics: Some(metrics),
            behavior: behavior_or_default.as_ref().and_then(behavior),
        }),
        status: None,
    };
    ctx.emit(&hpa, key(path!["replicas"]), fields);
}
