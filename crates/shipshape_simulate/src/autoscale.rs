//! Every HorizontalPodAutoscaler at its maximum: whether the extra pods fit on the
//! cluster (each alone, then all together), what they cost in requests, whether the
//! requests at maximum stay within each namespace's ResourceQuota, and whether each
//! database's clients at their most fit in its `max_connections` (the model's
//! [`connections::budget`], the adding-up the checker's SS034 reports too).

use shipshape_grammar::Quantity;
use shipshape_manifest::{ModelIndex, connections, kinds};

use crate::report::{AtMaximum, Autoscaling, DbBudget, DbClient, Finding, Severity};
use crate::scenario::Start;
use crate::scheduler::{Pod, State};
use crate::workload::display;

/// Scales each autoscaled workload of `start` to its maximum, then all of them; adds a
/// finding for each that does not fit and for each ResourceQuota the maxima exceed.
#[must_use]
pub fn at_maximum(
    start: &Start<'_, '_, '_, '_>,
    index: &ModelIndex<'_>,
    findings: &mut Vec<Finding>,
) -> Autoscaling {
    let workloads = &start.scheduler.workloads.list;
    let mut together = start.state.clone();
    let mut pending_together = 0;
    let mut out = Vec::new();
    for (w, workload) in workloads.iter().enumerate() {
        let Some(max) = workload.max_replicas.filter(|max| *max > start.expected[w]) else {
            continue;
        };
        let extra = max - start.expected[w];
        let mut alone = start.state.clone();
        let (pending, reason) = scale(start, &mut alone, w, extra);
        pending_together += scale(start, &mut together, w, extra).0;
        if let Some(reason) = &reason {
            findings.push(Finding {
                severity: Severity::Warning,
                scenario: "autoscaling at maximum".to_owned(),
                workload: workload.name.clone(),
                message: format!(
                    "at maxReplicas {max}, {pending} pods stay Pending ({reason}); lower maxReplicas or give the cluster room"
                ),
            });
        }
        out.push(AtMaximum {
            workload: workload.name.clone(),
            min: start.expected[w],
            max,
            cpu: workload.cpu * max,
            memory: workload.memory * max,
            pending,
            reason,
        });
    }
    let at_max = |w: usize| {
        workloads[w]
            .max_replicas
            .unwrap_or(0)
            .max(start.expected[w])
    };
    let cpu = (0..workloads.len())
        .map(|w| workloads[w].cpu * at_max(w))
        .sum();
    let memory = (0..workloads.len())
        .map(|w| workloads[w].memory * at_max(w))
        .sum();
    quotas(start, index, findings);
    Autoscaling {
        workloads: out,
        pending_together,
        cpu,
        memory,
        databases: databases(index, findings),
    }
}

/// Each database's connections with every client at its most, and a finding for each
/// that does not fit.
fn databases(index: &ModelIndex<'_>, findings: &mut Vec<Finding>) -> Vec<DbBudget> {
    let budget = connections::budget(index);
    for bad in &budget.malformed {
        findings.push(Finding {
            severity: Severity::Warning,
            scenario: "autoscaling at maximum".to_owned(),
            workload: display(bad.annotation.object),
            message: format!(
                "annotation {} is `{}`: {}, so it is ignored",
                bad.annotation.key, bad.annotation.value, bad.problem
            ),
        });
    }
    let mut out = Vec::new();
    for db in &budget.databases {
        let connections = db.connections();
        let spare = db.available().map(|available| available - connections);
        let clients: Vec<DbClient> = db
            .clients
            .iter()
            .map(|c| DbClient {
                workload: display(c.object),
                pods: c.pods,
                counted_by: c.counted_by.clone(),
                pool: c.pool,
            })
            .collect();
        if let (Some(spare), Some((limit, declared))) = (spare, &db.limit)
            && spare < 0
        {
            let shares: Vec<String> = clients
                .iter()
                .map(|c| format!("{} {} × {}", c.workload, c.pods, c.pool))
                .collect();
            findings.push(Finding {
                severity: Severity::Error,
                scenario: "autoscaling at maximum".to_owned(),
                workload: display(declared.object),
                message: format!(
                    "database `{}` accepts {limit} connections, {} kept for superusers, and its clients at their most open {connections} ({}): over by {}; lower maxReplicas or the pools, raise max_connections or put a pooler in front",
                    db.name,
                    db.reserved,
                    shares.join(", "),
                    -spare
                ),
            });
        }
        out.push(DbBudget {
            database: db.name.to_owned(),
            max_connections: db.limit.as_ref().map(|(limit, _)| *limit),
            reserved: db.reserved,
            connections,
            spare,
            clients,
        });
    }
    out
}

/// Adds `extra` pods to `w`; how many stay Pending and why the first does.
fn scale(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    w: usize,
    extra: i64,
) -> (i64, Option<String>) {
    let mut pending = 0;
    let mut reason = None;
    for _ in 0..extra {
        let ordinal = state.pods[w]
            .iter()
            .map(|p| p.ordinal + 1)
            .max()
            .unwrap_or(0);
        let pod = Pod {
            ordinal,
            node: None,
            revision: 0,
            ready_at: 0,
        };
        if let Err(why) = start.scheduler.schedule(state, w, pod) {
            pending += 1;
            reason.get_or_insert(why);
        }
    }
    (pending, reason)
}

/// Each ResourceQuota's `requests.cpu`, `requests.memory` (or `cpu`, `memory`) and
/// `pods` against what its namespace's workloads ask with every autoscaler at its
/// maximum.
fn quotas(start: &Start<'_, '_, '_, '_>, index: &ModelIndex<'_>, findings: &mut Vec<Finding>) {
    let workloads = &start.scheduler.workloads.list;
    for quota in index.of_kind(&kinds::RESOURCE_QUOTA) {
        let namespace = quota.namespace();
        let mut used = (0_i64, 0_i64, 0_i64);
        for (w, workload) in workloads.iter().enumerate() {
            if workload.template.object.namespace() != namespace {
                continue;
            }
            let pods = workload.max_replicas.unwrap_or(0).max(start.expected[w]);
            used = (
                used.0 + workload.cpu * pods,
                used.1 + workload.memory * pods,
                used.2 + pods,
            );
        }
        let hard = |keys: &[&str], exponent: i32| -> Option<i64> {
            keys.iter().find_map(|key| {
                let value = quota.get(&format!("/spec/hard/{}", key.replace('/', "~1")))?;
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                Quantity::parse(&text).ok()?.ceil_scaled(exponent)
            })
        };
        let checks = [
            (
                "requests.cpu",
                hard(&["requests.cpu", "cpu"], -3),
                used.0,
                crate::cluster::format_cpu as fn(i64) -> String,
            ),
            (
                "requests.memory",
                hard(&["requests.memory", "memory"], 0),
                used.1,
                crate::cluster::format_memory,
            ),
            ("pods", hard(&["pods"], 0), used.2, |n: i64| n.to_string()),
        ];
        for (what, limit, need, show) in checks {
            if let Some(limit) = limit
                && need > limit
            {
                findings.push(Finding {
                    severity: Severity::Warning,
                    scenario: "autoscaling at maximum".to_owned(),
                    workload: format!("ResourceQuota/{namespace}/{}", quota.name()),
                    message: format!(
                        "{what} is {} at every autoscaler's maximum, above the quota's {}: the pods above it are never created; raise the quota or lower maxReplicas",
                        show(need),
                        show(limit)
                    ),
                });
            }
        }
    }
}
