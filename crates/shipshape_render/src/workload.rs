//! The controller of each component's pods (Deployments here; StatefulSets, Jobs and
//! CronJobs in their own modules, which build on this one) and the pod template they
//! share, with spreading over hosts and zones.

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Affinity, PodAffinityTerm, PodAntiAffinity, PodTemplateSpec, TopologySpreadConstraint,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{
    Component, ComponentKind, DEFAULT_PROGRESS_DEADLINE, DEFAULT_REPLICAS,
    DEFAULT_REVISION_HISTORY, GRACE_MARGIN, IntOrPercent, Rollout, RolloutStrategy, Seconds,
    SpreadMode, path,
};

use crate::context::{Ctx, component_key, component_path};
use crate::{migrations, pod};

/// The pod template of a component: its container in its pod, spread over hosts and
/// zones when there can be more than one pod, held until its migration has completed. Records in `fields` (pointers from the
/// template) the spec keys its fields come from.
pub fn pod_template(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    fields: &mut Provenance,
) -> PodTemplateSpec {
    let mut container_fields = Provenance::new();
    let container = pod::app_container(ctx, name, component, &mut container_fields);
    let mut spec_fields = Provenance::new();
    let mut spec = pod::pod_spec(ctx, name, component, vec![container], &mut spec_fields);
    spec_fields.nest("/containers/0", container_fields);
    let shutdown = &component.shutdown;
    let times = component.shutdown_times();
    if shutdown.grace.is_some() || shutdown.pre_stop.is_some() || shutdown.drain.is_some() {
        let key = component_key(name, path!["shutdown"]);
        spec_fields.record("/terminationGracePeriodSeconds", key);
    } else {
        spec_fields.record_default(
            "/terminationGracePeriodSeconds",
            component_key(name, path!["shutdown", "grace"]),
            format!(
                "{}s: {}s pause + {}s drain + {GRACE_MARGIN}s margin",
                times.grace, times.pre_stop, times.drain
            ),
        );
    }
    spec.termination_grace_period_seconds = Some(i64::from(times.grace));
    // A run of a `job` or `cron` is a single pod, with nothing to spread from.
    if !component.kind.is_batch() && component.replicas_or_default().max() > 1 {
        spec.affinity = host_spread(ctx, name, component);
        let zones = zone_spread(ctx, name, component);
        spec.topology_spread_constraints = (!zones.is_empty()).then_some(zones);
    }
    let wait = migrations::wait_for_migration(ctx, name, component, &mut spec, &mut spec_fields);
    pod::label_fields(name, fields);
    let mut annotations = pod::annotations(ctx, name, component, fields);
    if let Some((annotation, value)) = wait {
        fields.record(
            &format!("/metadata/annotations/{}", pointer_token(&annotation)),
            component_key(name, path!["migrations", "command"]),
        );
        annotations.insert(annotation, value);
    }
    fields.nest("/spec", spec_fields);
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(ctx.pod_labels(name, component)),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(spec),
    }
}

fn int_or_percent(v: &IntOrPercent) -> IntOrString {
    match v {
        IntOrPercent::Int(n) => IntOrString::Int(i32::try_from(*n).unwrap_or(i32::MAX)),
        IntOrPercent::Percent(p) => IntOrString::String(format!("{p}%")),
    }
}

/// The kind of the object that runs a component's pods.
pub fn controller_kind(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Service | ComponentKind::Worker => "Deployment",
        ComponentKind::Stateful => "StatefulSet",
        ComponentKind::Job => "Job",
        ComponentKind::Cron => "CronJob",
    }
}

/// The `replicas` of a controller: none when an HPA owns the count, since setting it here
/// would reset the count on every apply.
pub fn fixed_replicas(component: &Component) -> Option<i32> {
    let replicas = component.replicas_or_default();
    (!replicas.is_range()).then(|| i32::try_from(replicas.min()).unwrap_or(i32::MAX))
}

/// Old revisions kept for rollback (ReplicaSets, or a StatefulSet's ControllerRevisions).
pub fn revision_history(rollout: &Rollout) -> i32 {
    i32::try_from(rollout.history.unwrap_or(DEFAULT_REVISION_HISTORY)).unwrap_or(i32::MAX)
}

/// Seconds as an API `int32`, `default` when not set.
pub fn seconds(s: Option<Seconds>, default: u32) -> i32 {
    i32::try_from(s.map_or(default, Seconds::get)).unwrap_or(i32::MAX)
}

/// The spec keys behind the fields a Deployment and a StatefulSet share (pointers from
/// the object): the replicas, unless an autoscaler owns them, and the rollout's history
/// and readiness delay.
pub fn controller_fields(name: &str, component: &Component) -> Provenance {
    let mut fields = Provenance::new();
    let key = |rest| component_key(name, rest);
    if component.replicas.is_some() && fixed_replicas(component).is_some() {
        fields.record("/spec/replicas", key(path!["replicas"]));
    } else if component.replicas.is_none() {
        fields.record_default(
            "/spec/replicas",
            key(path!["replicas"]),
            format!("{DEFAULT_REPLICAS} pods, so one can be replaced while the other serves"),
        );
    }
    let rollout = &component.rollout;
    if rollout.history.is_some() {
        fields.record(
            "/spec/revisionHistoryLimit",
            key(path!["rollout", "history"]),
        );
    } else {
        fields.record_default(
            "/spec/revisionHistoryLimit",
            key(path!["rollout", "history"]),
            format!("{DEFAULT_REVISION_HISTORY} old revisions kept for rollback"),
        );
    }
    if rollout.min_ready.is_some() {
        fields.record("/spec/minReadySeconds", key(path!["rollout", "min_ready"]));
    }
    fields
}

/// Renders the Deployment of a `service` or `worker` component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let mut fields = controller_fields(name, component);
    let key = |rest| component_key(name, rest);
    let rollout = &component.rollout;
    let strategy_keys = [
        ("maxSurge", "max_surge", rollout.max_surge.is_some()),
        (
            "maxUnavailable",
            "max_unavailable",
            rollout.max_unavailable.is_some(),
        ),
    ];
    let strategy_defaults = [
        "1 extra pod at a time",
        "0: no pod stops before its replacement is ready",
    ];
    for ((field, spec_key, set), default) in strategy_keys.into_iter().zip(strategy_defaults) {
        if matches!(rollout.strategy, RolloutStrategy::Rolling) {
            let pointer = format!("/spec/strategy/rollingUpdate/{field}");
            let spec_key = key(path!["rollout", spec_key]);
            if set {
                fields.record(&pointer, spec_key);
            } else {
                fields.record_default(&pointer, spec_key, default);
            }
        }
    }
    let deadline = key(path!["rollout", "progress_deadline"]);
    if rollout.progress_deadline.is_some() {
        fields.record("/spec/progressDeadlineSeconds", deadline);
    } else {
        fields.record_default(
            "/spec/progressDeadlineSeconds",
            deadline,
            format!("{DEFAULT_PROGRESS_DEADLINE}s before a stuck rollout is reported failed"),
        );
    }
    let mut template_fields = Provenance::new();
    let template = pod_template(ctx, name, component, &mut template_fields);
    fields.nest("/spec/template", template_fields);
    let strategy = match rollout.strategy {
        RolloutStrategy::Recreate => DeploymentStrategy {
            type_: Some("Recreate".to_owned()),
            rolling_update: None,
        },
        RolloutStrategy::Rolling => DeploymentStrategy {
            type_: Some("RollingUpdate".to_owned()),
            rolling_update: Some(RollingUpdateDeployment {
                max_surge: Some(int_or_percent(
                    rollout.max_surge.as_ref().unwrap_or(&IntOrPercent::Int(1)),
                )),
                max_unavailable: Some(int_or_percent(
                    rollout
                        .max_unavailable
                        .as_ref()
                        .unwrap_or(&IntOrPercent::Int(0)),
                )),
            }),
        },
    };
    let deployment = Deployment {
        metadata: ctx.metadata(name, Some(name)),
        spec: Some(DeploymentSpec {
            replicas: fixed_replicas(component),
            selector: ctx.selector(name),
            strategy: Some(strategy),
            revision_history_limit: Some(revision_history(rollout)),
            progress_deadline_seconds: Some(seconds(
                rollout.progress_deadline,
                DEFAULT_PROGRESS_DEADLINE,
            )),
            min_ready_seconds: rollout.min_ready.map(|s| seconds(Some(s), 0)),
            template,
            ..DeploymentSpec::default()
        }),
        status: None,
    };
    ctx.emit(&deployment, component_path(name), fields);
}

/// Spreading over hosts is pod anti-affinity on the hostname, and deliberately not also a
/// topology spread constraint on it:
///
/// - `required` means "never two pods on one node", which only anti-affinity says: a
///   `DoNotSchedule` constraint with `maxSkew: 1` still stacks pods once every node has
///   one.
/// - `preferred` anti-affinity is scored per matching pod already on a node, so it keeps
///   pods balanced however many there are; a second soft rule on the same key would only
///   double its weight against the scheduler's resource scoring.
///
/// The zone constraint below replaces the cluster's default spreading (which also spreads
/// over hostnames, with `maxSkew: 3`); the anti-affinity is what keeps that part.
fn host_spread(ctx: &Ctx<'_>, name: &str, component: &Component) -> Option<Affinity> {
    let term = PodAffinityTerm {
        label_selector: Some(ctx.selector(name)),
        topology_key: "kubernetes.io/hostname".to_owned(),
        ..PodAffinityTerm::default()
    };
    let anti = match component.spread.hosts {
        SpreadMode::None => return None,
        SpreadMode::Preferred => PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: term,
                },
            ]),
            ..PodAntiAffinity::default()
        },
        SpreadMode::Required => PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![term]),
            ..PodAntiAffinity::default()
        },
    };
    Some(Affinity {
        pod_anti_affinity: Some(anti),
        ..Affinity::default()
    })
}

/// Spreading over zones: a topology spread constraint whose `maxSkew` defaults to 1 for
/// every kind of workload, so losing a zone loses at most a fair share of the pods plus
/// one. `preferred` never leaves a pod pending for it (`ScheduleAnyway`); `required`
/// (`DoNotSchedule`) does, by design, while a zone is down.
fn zone_spread(ctx: &Ctx<'_>, name: &str, component: &Component) -> Vec<TopologySpreadConstraint> {
    let when = match component.spread.zones {
        SpreadMode::None => return Vec::new(),
        SpreadMode::Preferred => "ScheduleAnyway",
        SpreadMode::Required => "DoNotSchedule",
    };
    vec![TopologySpreadConstraint {
        max_skew: i32::try_from(component.spread.max_skew.max(1)).unwrap_or(1),
        topology_key: "topology.kubernetes.io/zone".to_owned(),
        when_unsatisfiable: when.to_owned(),
        label_selector: Some(ctx.selector(name)),
        // A Deployment counts only pods of the same revision, so a rollout is not skewed
        // by the old pods about to go. A StatefulSet replaces pods in place, one at a
        // time: a new pod must spread among the old ones that stay, so it counts them all.
        match_label_keys: (component.kind != ComponentKind::Stateful)
            .then(|| vec!["pod-template-hash".to_owned()]),
        ..TopologySpreadConstraint::default()
    }]
}
