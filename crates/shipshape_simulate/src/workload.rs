//! The workloads of a manifest set as the simulation needs them: how many pods, what
//! each asks of a node, where it may go, how it rolls out, which budget protects it and
//! whether it keeps a quorum. Read once from the shared model's views; nothing here
//! parses a pod template of its own.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{NodeSelectorTerm, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;
use shipshape_grammar::{IntOrPercent, Rounding};
use shipshape_manifest::limit_range::{LimitRanges, Resource};
use shipshape_manifest::probes::{Timing, probe};
use shipshape_manifest::{
    DisruptionBudget, ModelIndex, Object, PodTemplate, Refusal, Requests, Selector, ServicePort,
    kinds,
};

use crate::cluster::{format_cpu, format_memory};

/// Seconds from a pod's creation until its containers run: scheduling, image pull and
/// container start, which the manifests do not say. One stated constant, so every
/// timeline is comparable.
pub const START_SECONDS: i64 = 5;

/// Priorities of the two built-in PriorityClasses.
const BUILT_IN_PRIORITIES: [(&str, i32); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// Images whose members keep a quorum whatever their Services say.
const CONSENSUS_IMAGES: [&str; 3] = ["etcd", "zookeeper", "consul"];

/// What kind of controller runs the pods, as far as scheduling and rollouts differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controller {
    /// A Deployment (or a ReplicaSet or ReplicationController, which never roll out).
    Deployment,
    /// A StatefulSet: ordinals, stable volumes.
    StatefulSet,
    /// A DaemonSet: one pod per eligible node.
    DaemonSet,
    /// A bare Pod: nothing replaces it.
    Pod,
}

/// How a workload replaces its pods with a new revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Deployment `RollingUpdate`: surge and unavailable as counts, already resolved.
    Rolling {
        /// New pods above `replicas` at once.
        surge: i64,
        /// Pods below `replicas` at once.
        unavailable: i64,
    },
    /// Deployment `Recreate`: every old pod goes before a new one starts.
    Recreate,
    /// StatefulSet `RollingUpdate`: from the highest ordinal down to `partition`,
    /// `unavailable` at a time.
    Ordinals {
        /// Ordinals below it keep the old revision.
        partition: i64,
        /// Pods replaced at once (`maxUnavailable`, 1 by default).
        unavailable: i64,
    },
    /// DaemonSet `RollingUpdate`: per node, `unavailable` nodes at a time, or a surge
    /// pod beside the old one.
    Daemon {
        /// Nodes whose new pod starts before the old one stops.
        surge: i64,
        /// Nodes without a ready pod at once.
        unavailable: i64,
    },
    /// `OnDelete`, a ReplicaSet or a bare Pod: nothing rolls out by itself.
    Manual,
}

/// A pod (anti-)affinity term, with the workloads it matches resolved.
#[derive(Debug, Clone)]
pub struct Term {
    /// The workloads whose pods the term's selector matches.
    pub matches: Vec<usize>,
    /// `topologyKey`.
    pub topology_key: String,
    /// `weight` for a preferred term; 0 for a required one.
    pub weight: i64,
}

/// A topology spread constraint, with the workloads it counts resolved.
#[derive(Debug, Clone)]
pub struct Spread {
    /// The workloads whose pods count.
    pub matches: Vec<usize>,
    /// `topologyKey`.
    pub topology_key: String,
    /// `maxSkew`.
    pub max_skew: i64,
    /// `whenUnsatisfiable: DoNotSchedule` (a filter) rather than `ScheduleAnyway` (a score).
    pub hard: bool,
    /// `minDomains` (only with `DoNotSchedule`).
    pub min_domains: Option<i64>,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes the pod's node selector and
    /// node affinity accept count as domains.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor`: only nodes whose taints it tolerates count.
    pub honor_taints: bool,
    /// `matchLabelKeys` names the revision's hash: only pods of the same revision count.
    pub same_revision: bool,
}

/// Where a workload's pods may go and where they would rather go.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// `nodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// Required node affinity: any term may match.
    pub node_terms: Vec<NodeSelectorTerm>,
    /// Preferred node affinity: `(weight, term)`.
    pub preferred_node_terms: Vec<(i64, NodeSelectorTerm)>,
    /// Required pod affinity.
    pub affinity: Vec<Term>,
    /// Required pod anti-affinity.
    pub anti_affinity: Vec<Term>,
    /// Preferred pod affinity.
    pub preferred_affinity: Vec<Term>,
    /// Preferred pod anti-affinity.
    pub preferred_anti_affinity: Vec<Term>,
    /// Topology spread constraints.
    pub spread: Vec<Spread>,
    /// Tolerations.
    pub tolerations: Vec<Toleration>,
}

/// One workload of the manifest set.
#[derive(Debug, Clone)]
pub struct Workload<'a> {
    /// The pod template.
    pub template: PodTemplate<'a>,
    /// `Kind/name`, or `Kind/namespace/name` outside the default namespace.
    pub name: String,
    /// Its controller.
    pub controller: Controller,
    /// Pods it runs: `replicas`, or an autoscaler's `minReplicas`; for a DaemonSet, set
    /// from the cluster when placed.
    pub replicas: i64,
    /// The autoscaler's `maxReplicas`, when one scales it.
    pub max_replicas: Option<i64>,
    /// CPU each pod requests, in millicores.
    pub cpu: i64,
    /// Memory each pod requests, in bytes.
    pub memory: i64,
    /// Scheduling constraints.
    pub placement: Placement,
    /// Its pods' priority.
    pub priority: i32,
    /// Seconds from a pod's creation until it counts as available.
    pub ready_after: i64,
    /// Seconds a pod on an unreachable node is kept before it is replaced.
    pub unreachable_after: i64,
    /// How it rolls out.
    pub strategy: Strategy,
    /// Whether its pods keep volumes bound to the zone they first ran in.
    pub zonal_volumes: bool,
    /// Whether it keeps a quorum: a majority of its members must be ready.
    pub quorum: bool,
    /// What it waits for before its pods start (a migration Job): `Kind/name`.
    pub gates: Vec<String>,
    /// The requests a LimitRange's `defaultRequest` gave its containers:
    /// `` container `app`: cpu 250m (LimitRange shop/defaults) ``.
    pub defaulted: Vec<String>,
    /// The LimitRange bounds its containers cross, for which the API server refuses
    /// every pod.
    pub refused: Vec<String>,
    /// What the simulation does not model about it.
    pub not_modelled: Vec<String>,
}

/// A PodDisruptionBudget, with its pods' workloads resolved.
#[derive(Debug, Clone)]
pub struct Budget {
    /// `PodDisruptionBudget/name`.
    pub name: String,
    /// The workloads whose pods it protects.
    pub workloads: Vec<usize>,
    /// The fewest ready pods it lets an eviction leave.
    pub desired_healthy: i64,
}

/// Every workload and budget of a model.
#[derive(Debug)]
pub struct Workloads<'a> {
    /// The workloads, in input order.
    pub list: Vec<Workload<'a>>,
    /// The budgets, in input order.
    pub budgets: Vec<Budget>,
    /// For each workload, the budgets that protect it.
    pub budgets_of: Vec<Vec<usize>>,
    /// For each workload, `(other workload, index of its required anti-affinity term)`
    /// for every other workload whose required anti-affinity keeps away from it.
    pub repelled_by: Vec<Vec<(usize, usize)>>,
    /// Pods the model holds but runs through an operator: `Kind/name (n pods)`.
    pub operated: Vec<String>,
}

impl<'a> Workloads<'a> {
    /// Reads the workloads of `index`: every Deployment, StatefulSet, DaemonSet,
    /// ReplicaSet, ReplicationController and Pod (Jobs run to completion and are not
    /// placed).
    #[must_use]
    pub fn of(index: &ModelIndex<'a>) -> Workloads<'a> {
        let priorities = priority_classes(index);
        let ranges = LimitRanges::of_model(index);
        let mut list = Vec::new();
        let mut by_object: HashMap<usize, usize> = HashMap::new();
        for template in index.pod_templates() {
            if !template.is_long_running() {
                continue;
            }
            by_object.insert(template.object.index(), list.len());
            list.push(workload(index, *template, &priorities, &ranges));
        }
        let resolve = |namespace: &str, selector: &Value| -> Vec<usize> {
            let mut found: Vec<usize> = index
                .selected(namespace, Selector::LabelSelector(selector))
                .filter_map(|t| by_object.get(&t.object.index()).copied())
                .collect();
            found.sort_unstable();
            found
        };
        for (w, workload) in list.iter_mut().enumerate() {
            let template = workload.template;
            let mut placement = placement(&template, &resolve, &mut workload.not_modelled);
            let controlled = matches!(
                workload.controller,
                Controller::Deployment | Controller::StatefulSet
            );
            if placement.spread.is_empty() && controlled {
                placement.spread = default_spread(w);
            }
            workload.placement = placement;
        }
        let mut budgets = Vec::new();
        let mut budgets_of = vec![Vec::new(); list.len()];
        for object in index.of_kind(&kinds::POD_DISRUPTION_BUDGET) {
            let Some(pdb) = DisruptionBudget::of(object) else {
                continue;
            };
            let workloads = pdb
                .selector()
                .map(|s| match s {
                    Selector::LabelSelector(value) => resolve(object.namespace(), value),
                    Selector::Labels(_) => Vec::new(),
                })
                .unwrap_or_default();
            let expected: i64 = workloads.iter().map(|&w| list[w].replicas).sum();
            let b = budgets.len();
            for &w in &workloads {
                budgets_of[w].push(b);
            }
            budgets.push(Budget {
                name: format!("PodDisruptionBudget/{}", object.name()),
                workloads,
                desired_healthy: desired_healthy(&pdb, expected),
            });
        }
        let mut repelled_by = vec![Vec::new(); list.len()];
        for (v, workload) in list.iter().enumerate() {
            for (t, term) in workload.placement.anti_affinity.iter().enumerate() {
                for &w in &term.matches {
                    if w != v {
                        repelled_by[w].push((v, t));
                    }
                }
            }
        }
        let mut operated: Vec<String> = shipshape_manifest::operated_pods(index)
            .iter()
            .map(|o| format!("{}/{}", o.object.kind(), o.object.name()))
            .collect();
        // An operator may run several groups of pods for one object (a primary and its
        // replicas), which come one after another.
        operated.dedup();
        Workloads {
            list,
            budgets,
            budgets_of,
            repelled_by,
            operated,
        }
    }
}

/// `Kind/name`, with the namespace when it is not `default`.
pub(crate) fn display(object: &Object) -> String {
    qualified(object.kind(), object.namespace(), object.name())
}

/// `kind/name`, or `kind/namespace/name` outside the `default` namespace.
pub(crate) fn qualified(kind: &str, namespace: &str, name: &str) -> String {
    if namespace == "default" || namespace.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{namespace}/{name}")
    }
}

fn workload<'a>(
    index: &ModelIndex<'a>,
    template: PodTemplate<'a>,
    priorities: &HashMap<String, i32>,
    ranges: &LimitRanges<'_>,
) -> Workload<'a> {
    let object = template.object;
    let kind = object.group_kind();
    let controller = if kind == kinds::STATEFUL_SET {
        Controller::StatefulSet
    } else if kind == kinds::DAEMON_SET {
        Controller::DaemonSet
    } else if kind == kinds::POD {
        Controller::Pod
    } else {
        Controller::Deployment
    };
    let mut not_modelled = Vec::new();
    let requests = requests(&template, ranges, &mut not_modelled);
    let max_replicas = index
        .autoscalers_of(object)
        .filter_map(|hpa| hpa.max_replicas())
        .max();
    let replicas = index.min_replicas(&template).unwrap_or(0).max(0);
    let strategy = strategy(object, controller, replicas);
    let class = template
        .spec_get("/priorityClassName")
        .and_then(Value::as_str);
    let priority = match class {
        Some(name) => priorities.get(name).copied().unwrap_or_else(|| {
            not_modelled.push(format!(
                "priorityClassName `{name}` is not in the input; priority 0 assumed"
            ));
            0
        }),
        None => priorities.get("").copied().unwrap_or(0),
    };
    let min_ready = object
        .get("/spec/minReadySeconds")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let zonal_volumes = controller == Controller::StatefulSet
        && object
            .get("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .is_some_and(|v| !v.is_empty());
    Workload {
        template,
        name: display(object),
        controller,
        replicas,
        max_replicas,
        cpu: requests.cpu,
        memory: requests.memory,
        defaulted: requests
            .defaulted
            .iter()
            .map(|d| {
                format!(
                    "container `{}`: {} {} ({})",
                    d.container,
                    d.resource.name(),
                    show(d.resource, d.amount),
                    d.limit_range
                )
            })
            .collect(),
        refused: requests.refused.iter().map(refusal).collect(),
        placement: Placement::default(),
        priority,
        ready_after: START_SECONDS + probe_delay(&template) + min_ready.max(0),
        unreachable_after: unreachable_after(&template),
        strategy,
        zonal_volumes,
        quorum: controller == Controller::StatefulSet && keeps_quorum(index, &template),
        gates: template
            .waits()
            .iter()
            .map(|w| format!("{}/{}", w.kind.kind, w.name))
            .collect(),
        not_modelled,
    }
}

/// What a pod asks of its node after admission (LimitRange defaults included), from the
/// model's [`Requests`] view; what it cannot count is named.
fn requests(
    template: &PodTemplate<'_>,
    ranges: &LimitRanges<'_>,
    not_modelled: &mut Vec<String>,
) -> Requests {
    let requests = template.requests_with(ranges);
    for resource in &requests.other {
        push_once(not_modelled, &format!("requests of `{resource}`"));
    }
    for (container, resource, text) in &requests.malformed {
        not_modelled.push(format!(
            "container `{container}` requests {resource} `{text}`, which is not a quantity; counted as 0"
        ));
    }
    requests
}

/// An amount of `resource` as Kubernetes writes it.
fn show(resource: Resource, amount: i64) -> String {
    match resource {
        Resource::Cpu => format_cpu(amount),
        Resource::Memory => format_memory(amount),
    }
}

/// What a LimitRange refuses, in words: `` container `app` requests cpu 50m, below the
/// min 100m of LimitRange shop/defaults ``.
fn refusal(r: &Refusal) -> String {
    let who = match &r.container {
        Some(container) => format!("container `{container}`"),
        None => "the containers together".to_owned(),
    };
    let verb = match (r.container.is_some(), r.what) {
        (true, "request") => "requests",
        (true, _) => "is limited to",
        (false, "request") => "request",
        (false, _) => "are limited to",
    };
    let side = if r.bound == "min" { "below" } else { "above" };
    match r.amount {
        Some(amount) => format!(
            "{who} {verb} {} {}, {side} the {} {} of {}",
            r.resource.name(),
            show(r.resource, amount),
            r.bound,
            show(r.resource, r.limit),
            r.limit_range
        ),
        None => format!(
            "{who} set no {} {} and {} has a {} of {}",
            r.resource.name(),
            r.what,
            r.limit_range,
            r.bound,
            show(r.resource, r.limit)
        ),
    }
}

/// Seconds from the containers' start until the pod is ready: for the slowest
/// application container, its startup probe's `initialDelaySeconds` plus one period per
/// success it needs, then its readiness probe's the same way; 0 without probes.
fn probe_delay(template: &PodTemplate<'_>) -> i64 {
    template
        .app_containers()
        .map(|container| {
            ["/startupProbe", "/readinessProbe"]
                .iter()
                .filter_map(|field| probe(&container, field))
                .map(|p| {
                    let timing = Timing::of(p);
                    let successes = p
                        .get("successThreshold")
                        .and_then(Value::as_i64)
                        .unwrap_or(1)
                        .max(1);
                    timing.initial_delay.max(0) + (successes - 1) * timing.period.max(1)
                })
                .sum::<i64>()
        })
        .max()
        .unwrap_or(0)
}

/// The node lifecycle controller evicts pods from an unreachable node after their
/// toleration of `node.kubernetes.io/unreachable` runs out: 300 s, the default the API
/// server adds, unless the pod says otherwise.
fn unreachable_after(template: &PodTemplate<'_>) -> i64 {
    template
        .spec_get("/tolerations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| {
            t["key"].as_str() == Some("node.kubernetes.io/unreachable")
                || (t["key"].is_null() && t["operator"].as_str() == Some("Exists"))
        })
        .map(|t| t["tolerationSeconds"].as_i64().unwrap_or(i64::MAX))
        .min()
        .unwrap_or(300)
}

/// A count or percentage field of `object`, resolved against `total`.
fn count_at(object: &Object, pointer: &str, total: i64, rounding: Rounding, default: i64) -> i64 {
    object
        .get(pointer)
        .and_then(int_or_percent)
        .map_or(default, |v| v.scaled(total, rounding))
}

fn int_or_percent(value: &Value) -> Option<IntOrPercent> {
    match value {
        Value::Number(n) => n.as_i64().map(IntOrPercent::Int),
        Value::String(s) => IntOrPercent::parse_percent(s).ok(),
        _ => None,
    }
}

fn strategy(object: &Object, controller: Controller, replicas: i64) -> Strategy {
    match controller {
        Controller::Deployment if object.is(&kinds::DEPLOYMENT) => {
            if object.str_at("/spec/strategy/type") == Some("Recreate") {
                return Strategy::Recreate;
            }
            let at = "/spec/strategy/rollingUpdate";
            let surge = count_at(
                object,
                &format!("{at}/maxSurge"),
                replicas,
                Rounding::Up,
                -1,
            );
            let unavailable = count_at(
                object,
                &format!("{at}/maxUnavailable"),
                replicas,
                Rounding::Down,
                -1,
            );
            // Both default to 25%; the controller makes at least one of them 1.
            let surge = if surge < 0 {
                IntOrPercent::Percent(25).scaled(replicas, Rounding::Up)
            } else {
                surge
            };
            let unavailable = if unavailable < 0 {
                IntOrPercent::Percent(25).scaled(replicas, Rounding::Down)
            } else {
                unavailable
            };
            let unavailable = if surge == 0 && unavailable == 0 {
                1
            } else {
                unavailable
            };
            Strategy::Rolling { surge, unavailable }
        }
        Controller::StatefulSet => {
            if object.str_at("/spec/updateStrategy/type") == Some("OnDelete") {
                return Strategy::Manual;
            }
            let at = "/spec/updateStrategy/rollingUpdate";
            let partition = object
                .get(&format!("{at}/partition"))
                .and_then(Value::as_i64)
                .unwrap_or(0)
                .max(0);
            let unavailable = count_at(
                object,
                &format!("{at}/maxUnavailable"),
                replicas,
                Rounding::Down,
                1,
            )
            .max(1);
            Strategy::Ordinals {
                partition,
                unavailable,
            }
        }
        Controller::DaemonSet => {
            if object.str_at("/spec/updateStrategy/type") == Some("OnDelete") {
                return Strategy::Manual;
            }
            // Resolved against the nodes it runs on when the rollout is simulated; here
            // as written against 100 to keep percentages.
            Strategy::Daemon {
                surge: -1,
                unavailable: -1,
            }
        }
        Controller::Deployment | Controller::Pod => Strategy::Manual,
    }
}

/// A DaemonSet's surge and unavailable over `nodes` nodes: `maxUnavailable` 1 and
/// `maxSurge` 0 by default, percentages rounded up.
#[must_use]
pub fn daemon_counts(object: &Object, nodes: i64) -> (i64, i64) {
    let at = "/spec/updateStrategy/rollingUpdate";
    let surge = count_at(object, &format!("{at}/maxSurge"), nodes, Rounding::Up, 0).max(0);
    let unavailable = count_at(
        object,
        &format!("{at}/maxUnavailable"),
        nodes,
        Rounding::Up,
        1,
    )
    .max(0);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// The fewest ready pods a budget lets an eviction leave, out of `expected` pods:
/// `minAvailable`, or `expected − maxUnavailable`, percentages rounded up, as the
/// disruption controller computes them.
fn desired_healthy(pdb: &DisruptionBudget<'_>, expected: i64) -> i64 {
    if let Some(min) = pdb.min_available().and_then(int_or_percent) {
        min.scaled(expected, Rounding::Up)
    } else if let Some(max) = pdb.max_unavailable().and_then(int_or_percent) {
        (expected - max.scaled(expected, Rounding::Up)).max(0)
    } else {
        // Neither field: the API server defaults minAvailable to 1 (policy/v1beta1) or
        // refuses it; 1 either way.
        1
    }
}

/// PriorityClass values by name; the `globalDefault` one under `""`.
fn priority_classes(index: &ModelIndex<'_>) -> HashMap<String, i32> {
    let mut classes: HashMap<String, i32> = BUILT_IN_PRIORITIES
        .iter()
        .map(|(name, value)| ((*name).to_owned(), *value))
        .collect();
    for object in index.of_kind(&kinds::PRIORITY_CLASS) {
        let value = object
            .get("/value")
            .and_then(Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(0);
        classes.insert(object.name().to_owned(), value);
        if object.get("/globalDefault").and_then(Value::as_bool) == Some(true) {
            classes.insert(String::new(), value);
        }
    }
    classes
}

/// Whether a StatefulSet's members keep a quorum: its image is a consensus system's
/// (etcd, ZooKeeper, Consul), or its governing Service publishes a port no other
/// Service of its pods does, a port only the members use to reach each other.
fn keeps_quorum(index: &ModelIndex<'_>, template: &PodTemplate<'_>) -> bool {
    let consensus_image = template.app_containers().any(|c| {
        let image = c.get("/image").and_then(Value::as_str).unwrap_or("");
        let repository = image.split(['@', ':']).next().unwrap_or("");
        let base = repository.rsplit('/').next().unwrap_or("");
        CONSENSUS_IMAGES.contains(&base)
    });
    if consensus_image {
        return true;
    }
    let object = template.object;
    let Some(governing) = object
        .str_at("/spec/serviceName")
        .and_then(|name| index.find(&kinds::SERVICE, object.namespace(), name))
    else {
        return false;
    };
    let selects_pods = |service: &Object| {
        Selector::of_service(service.value()).is_some_and(|s| s.matches(template.labels()))
    };
    let others: Vec<&Object> = index
        .of_kind(&kinds::SERVICE)
        .filter(|s| {
            s.namespace() == object.namespace() && s.name() != governing.name() && selects_pods(s)
        })
        .collect();
    ServicePort::all(governing).any(|port| {
        !others
            .iter()
            .any(|other| ServicePort::all(other).any(|o| o.target() == port.target()))
    })
}

type Resolve<'r> = dyn Fn(&str, &Value) -> Vec<usize> + 'r;

fn placement(
    template: &PodTemplate<'_>,
    resolve: &Resolve<'_>,
    not_modelled: &mut Vec<String>,
) -> Placement {
    let scheduling = match template.scheduling() {
        Ok(s) => s,
        Err(e) => {
            not_modelled.push(format!(
                "scheduling constraints that do not fit their Kubernetes types ({e}); placed without them"
            ));
            return Placement::default();
        }
    };
    let namespace = template.object.namespace();
    let own_labels = template.labels();
    let selector_value = |selector: &Option<LabelSelector>| -> Value {
        selector
            .as_ref()
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(Value::Null)
    };
    let term = |t: &k8s_openapi::api::core::v1::PodAffinityTerm,
                weight: i64,
                notes: &mut Vec<String>|
     -> Term {
        let selector = selector_value(&t.label_selector);
        let mut namespaces: Vec<String> = t.namespaces.clone().unwrap_or_default();
        if t.namespace_selector.as_ref().is_some_and(|s| {
            s.match_labels.as_ref().is_some_and(|m| !m.is_empty())
                || s.match_expressions.as_ref().is_some_and(|m| !m.is_empty())
        }) {
            push_once(
                notes,
                "a pod affinity term's namespaceSelector; its own namespace assumed",
            );
        }
        if namespaces.is_empty() {
            namespaces.push(namespace.to_owned());
        }
        let matches = if selector.is_null() {
            // A term without a selector matches no pod.
            Vec::new()
        } else {
            let mut all: Vec<usize> = namespaces
                .iter()
                .flat_map(|ns| resolve(ns, &selector))
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        if t.match_label_keys.as_ref().is_some_and(|k| !k.is_empty())
            || t.mismatch_label_keys
                .as_ref()
                .is_some_and(|k| !k.is_empty())
        {
            push_once(
                notes,
                "matchLabelKeys and mismatchLabelKeys of pod affinity terms",
            );
        }
        Term {
            matches,
            topology_key: t.topology_key.clone(),
            weight,
        }
    };
    let mut placement = Placement {
        node_selector: scheduling.node_selector.clone(),
        tolerations: scheduling.tolerations.clone(),
        ..Placement::default()
    };
    let affinity = &scheduling.affinity;
    if let Some(node) = &affinity.node_affinity {
        if let Some(required) = &node.required_during_scheduling_ignored_during_execution {
            placement.node_terms = required.node_selector_terms.clone();
        }
        for preferred in node
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
        {
            placement
                .preferred_node_terms
                .push((i64::from(preferred.weight), preferred.preference.clone()));
        }
    }
    if let Some(pod) = &affinity.pod_affinity {
        for t in pod
            .required_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
        {
            placement.affinity.push(term(t, 0, not_modelled));
        }
        for t in pod
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
        {
            let weighted = term(&t.pod_affinity_term, i64::from(t.weight), not_modelled);
            placement.preferred_affinity.push(weighted);
        }
    }
    if let Some(pod) = &affinity.pod_anti_affinity {
        for t in pod
            .required_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
        {
            placement.anti_affinity.push(term(t, 0, not_modelled));
        }
        for t in pod
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
        {
            let weighted = term(&t.pod_affinity_term, i64::from(t.weight), not_modelled);
            placement.preferred_anti_affinity.push(weighted);
        }
    }
    for c in &scheduling.topology_spread {
        let selector = selector_value(&c.label_selector);
        let matches = if selector.is_null() {
            Vec::new()
        } else {
            resolve(namespace, &selector)
        };
        let keys = c.match_label_keys.clone().unwrap_or_default();
        let same_revision = keys
            .iter()
            .any(|k| k == "pod-template-hash" || k == "controller-revision-hash");
        if keys.iter().any(|k| {
            k != "pod-template-hash"
                && k != "controller-revision-hash"
                && own_labels.is_none_or(|l| !l.contains_key(k.as_str()))
        }) {
            push_once(
                not_modelled,
                "topology spread matchLabelKeys other than the revision hash",
            );
        }
        placement.spread.push(Spread {
            matches,
            topology_key: c.topology_key.clone(),
            max_skew: i64::from(c.max_skew.max(1)),
            hard: c.when_unsatisfiable == "DoNotSchedule",
            min_domains: c.min_domains.map(i64::from),
            honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
            honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
            same_revision,
        });
    }
    placement
}

/// kube-scheduler's default constraints for pods that set none: at most 3 more pods of
/// one workload on a node and 5 more in a zone than elsewhere, as preferences
/// (`ScheduleAnyway`), so replicas spread without a word from the manifests.
fn default_spread(w: usize) -> Vec<Spread> {
    [
        ("kubernetes.io/hostname", 3),
        (crate::cluster::ZONE_LABEL, 5),
    ]
    .into_iter()
    .map(|(key, max_skew)| Spread {
        matches: vec![w],
        topology_key: key.to_owned(),
        max_skew,
        hard: false,
        min_domains: None,
        honor_node_affinity: true,
        honor_taints: false,
        same_revision: false,
    })
    .collect()
}

fn push_once(notes: &mut Vec<String>, note: &str) {
    if !notes.iter().any(|n| n == note) {
        notes.push(note.to_owned());
    }
}
