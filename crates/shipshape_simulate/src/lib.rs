//! `shipshape simulate`: rollouts, node drains, zone and node loss over any manifest
//! set, on a modelled cluster, with no network and no control plane.
//!
//! The layers, leaves first: [`cluster`] (the nodes), [`workload`] (what the shared
//! model's views say about each workload, read once), [`scheduler`] (where pods go, as
//! kube-scheduler would put them), [`scenario`] (the disturbances, each from the same
//! initial placement), [`autoscale`] (every autoscaler at its maximum, against the
//! cluster and the quotas), [`traffic`] (who may reach whom under the NetworkPolicies,
//! against the declared calls), [`report`] (what happened, as a table or JSON), [`svg`]
//! (each scenario and the traffic drawn). [`simulate`] ties
//! them together and turns broken promises into findings.

pub mod autoscale;
pub mod cluster;
pub mod report;
pub mod scenario;
pub mod scheduler;
pub mod svg;
pub mod traffic;
pub mod workload;

use shipshape_manifest::ModelIndex;

use crate::cluster::Cluster;
use crate::report::{Finding, Kind, Outcome, Placed, Report, Scenario, Severity};
use crate::scenario::{Start, drain, outage, rollout};
use crate::scheduler::Scheduler;
use crate::workload::{Controller, Workloads};

/// What the simulation never models, whatever the input; the report lists it with
/// what it could not model of the input itself.
pub const NEVER_MODELLED: &[&str] = &[
    "preemption: a Pending pod of higher priority does not evict lower ones",
    "the resources of terminating pods: a pod's requests are free the moment it is deleted",
    "pod overhead, extended resources and ephemeral storage",
    "volumes bound before the first pod (a StatefulSet's volume is bound to the zone its pod first runs in, as WaitForFirstConsumer binds it)",
    "how long a migration Job or an image pull takes (a pod starts 5 s after it is created)",
];

/// Simulates every scenario for the workloads of `index` on `cluster`.
#[must_use]
pub fn simulate(index: &ModelIndex<'_>, cluster: &Cluster) -> Report {
    let workloads = Workloads::of(index);
    let scheduler = Scheduler::new(cluster, &workloads);
    let (state, initial_pending) = scheduler.initial();
    let expected: Vec<i64> = workloads
        .list
        .iter()
        .enumerate()
        .map(|(w, workload)| match workload.controller {
            Controller::DaemonSet => i64::try_from(state.pods[w].len()).unwrap_or(i64::MAX),
            _ => workload.replicas,
        })
        .collect();
    let start = Start {
        scheduler: &scheduler,
        state,
        expected,
    };
    let mut findings = Vec::new();
    let zones = cluster.zones();
    let placement: Vec<Placed> = workloads
        .list
        .iter()
        .enumerate()
        .map(|(w, workload)| {
            let pods = &start.state.pods[w];
            let per_zone = zones
                .iter()
                .enumerate()
                .map(|(z, zone)| {
                    let n = pods
                        .iter()
                        .filter(|p| p.node.is_some_and(|n| scheduler.zone_of(n) as usize == z))
                        .count();
                    ((*zone).to_owned(), i64::try_from(n).unwrap_or(i64::MAX))
                })
                .collect();
            let per_node = cluster
                .nodes
                .iter()
                .enumerate()
                .filter_map(|(n, node)| {
                    let count = pods.iter().filter(|p| p.node.is_some_and(|m| m as usize == n)).count();
                    (count > 0).then(|| (node.name.clone(), i64::try_from(count).unwrap_or(i64::MAX)))
                })
                .collect();
            let pending: Vec<String> = initial_pending
                .iter()
                .filter(|(v, _, _)| *v == w)
                .map(|(_, ordinal, reason)| format!("pod {ordinal}: {reason}"))
                .collect();
            if let Some(first) = pending.first() {
                findings.push(Finding {
                    severity: Severity::Error,
                    scenario: "initial placement".to_owned(),
                    workload: workload.name.clone(),
                    message: format!(
                        "{} of {} pods stay Pending ({first}); give the cluster room or relax the constraints",
                        pending.len(),
                        start.expected[w]
                    ),
                });
            }
            Placed {
                workload: workload.name.clone(),
                replicas: start.expected[w],
                per_zone,
                per_node,
                pending,
            }
        })
        .collect();
    let mut scenarios: Vec<Scenario> = Vec::new();
    for w in 0..workloads.list.len() {
        scenarios.push(rollout::rollout(&start, w));
    }
    let nodes: Vec<u32> = (0..cluster.nodes.len())
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .collect();
    for &n in &nodes {
        scenarios.push(drain::drain(&start, n));
    }
    for (z, zone) in zones.iter().enumerate() {
        let lost: Vec<u32> = nodes
            .iter()
            .copied()
            .filter(|&n| scheduler.zone_of(n) as usize == z)
            .collect();
        scenarios.push(outage::outage(
            &start,
            Kind::ZoneLoss,
            (*zone).to_owned(),
            &lost,
        ));
    }
    for &n in &nodes {
        let name = cluster.nodes[n as usize].name.clone();
        scenarios.push(outage::outage(&start, Kind::NodeLoss, name, &[n]));
    }
    for scenario in &scenarios {
        findings.extend(judge(scenario));
    }
    let autoscaling = autoscale::at_maximum(&start, index, &mut findings);
    let traffic = traffic::matrix(index, &mut findings);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut not_modelled: Vec<String> = NEVER_MODELLED.iter().map(|s| (*s).to_owned()).collect();
    for workload in &workloads.list {
        for note in &workload.not_modelled {
            not_modelled.push(format!("{}: {note}", workload.name));
        }
    }
    if index
        .of_kind(&shipshape_manifest::kinds::LIMIT_RANGE)
        .next()
        .is_some()
    {
        not_modelled.push(
            "LimitRange maxLimitRequestRatio, resources other than cpu and memory, and the PersistentVolumeClaim type"
                .to_owned(),
        );
    }
    let mut defaulted = Vec::new();
    for workload in &workloads.list {
        for note in &workload.defaulted {
            defaulted.push(format!("{}: {note}", workload.name));
        }
        if !workload.refused.is_empty() {
            findings.push(Finding {
                severity: Severity::Error,
                scenario: "admission".to_owned(),
                workload: workload.name.clone(),
                message: format!(
                    "the API server refuses every pod ({}), so none is created, though the simulation places them; fit the requests and limits within the LimitRange",
                    workload.refused.join("; ")
                ),
            });
        }
    }
    for operated in &workloads.operated {
        not_modelled.push(format!(
            "{operated}: the pods its operator runs (the operator places, rolls and drains them by its own rules)"
        ));
    }
    Report {
        cluster: cluster.summary(),
        placement,
        scenarios,
        autoscaling,
        traffic,
        defaulted,
        findings,
        not_modelled,
    }
}

/// The promises a scenario breaks. Voluntary disruptions (rollouts, drains) must keep
/// `replicas − 1` ready and every quorum, and must finish; losses the cluster cannot
/// absorb (a workload with no ready pod, a lost quorum) are warnings.
fn judge(scenario: &Scenario) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = format!("{} {}", scenario.kind.title(), scenario.target);
    let voluntary = matches!(scenario.kind, Kind::Rollout | Kind::Drain);
    let mut push = |severity, outcome: &Outcome, message: String| {
        out.push(Finding {
            severity,
            scenario: name.clone(),
            workload: outcome.workload.clone(),
            message,
        });
    };
    for outcome in &scenario.outcomes {
        let r = outcome.replicas;
        if !scenario.finished {
            let why = match scenario.kind {
                Kind::Drain if outcome.blocked => format!(
                    "the drain never finishes: {} refuses every eviction (it needs {} of {} ready and a replacement cannot become ready first); allow one disruption (maxUnavailable: 1) or run more replicas",
                    outcome
                        .budgets
                        .iter()
                        .map(|(b, _)| b.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    outcome.budgets.iter().map(|(_, d)| *d).max().unwrap_or(0),
                    r
                ),
                Kind::Rollout => format!(
                    "the rollout never finishes: {}",
                    outcome
                        .pending
                        .first()
                        .map_or("a new pod never becomes ready", String::as_str)
                ),
                _ => String::new(),
            };
            if !why.is_empty() {
                push(Severity::Error, outcome, why);
            }
        }
        if voluntary && r >= 2 && outcome.min_ready < r - 1 {
            push(
                Severity::Error,
                outcome,
                format!(
                    "only {} of {r} pods stay ready (the promise is at least {}); {}",
                    outcome.min_ready,
                    r - 1,
                    match scenario.kind {
                        Kind::Rollout =>
                            "use a RollingUpdate with maxUnavailable 0 or 1 and room to surge",
                        _ =>
                            "add a PodDisruptionBudget with maxUnavailable: 1 and spread the pods over nodes",
                    }
                ),
            );
        }
        if outcome.quorum_kept() == Some(false) {
            let severity = if voluntary {
                Severity::Error
            } else {
                Severity::Warning
            };
            push(
                severity,
                outcome,
                format!(
                    "the quorum is lost: {} of {r} members ready, a majority is {}",
                    outcome.min_ready,
                    outcome.quorum.unwrap_or(0)
                ),
            );
        } else if !voluntary && r > 0 && outcome.min_ready == 0 {
            push(
                Severity::Warning,
                outcome,
                format!("no pod stays ready (0 of {r}); spread the pods over zones and nodes"),
            );
        }
        if voluntary && scenario.finished && outcome.violated && !outcome.blocked {
            push(
                Severity::Warning,
                outcome,
                format!(
                    "fewer pods are ready than {} allows",
                    outcome
                        .budgets
                        .iter()
                        .map(|(b, _)| b.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    out
}
