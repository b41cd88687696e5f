//! The scenarios: each starts from the initial placement, disturbs it (a rollout, a
//! drain, a lost zone or node) and follows the controllers, the scheduler and the
//! eviction rules second by second, recording each touched workload's ready pods.

pub mod drain;
pub mod outage;
pub mod rollout;

use crate::report::Outcome;
use crate::scheduler::{Pod, Scheduler, State};
use crate::workload::Controller;

/// A scenario gives up after this many simulated seconds: a drain or rollout still
/// going after a day never finishes.
pub const GIVE_UP_SECONDS: i64 = 86_400;

/// What every scenario starts from.
#[derive(Debug)]
pub struct Start<'s, 'c, 'w, 'a> {
    /// The scheduler.
    pub scheduler: &'s Scheduler<'c, 'w, 'a>,
    /// Every pod placed, all ready at second 0.
    pub state: State,
    /// Pods each workload should run (for a DaemonSet, the nodes it runs on).
    pub expected: Vec<i64>,
}

/// Ready pods of workload `w` at second `t`: bound to a node that is up, ready by then.
#[must_use]
pub fn ready(state: &State, w: usize, t: i64) -> i64 {
    let count = state.pods[w]
        .iter()
        .filter(|p| p.ready_at <= t && p.node.is_some_and(|n| state.nodes[n as usize].up))
        .count();
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The earliest second after `t` at which a pod of one of `workloads` becomes ready.
#[must_use]
pub fn next_ready(state: &State, workloads: &[usize], t: i64) -> Option<i64> {
    workloads
        .iter()
        .flat_map(|&w| &state.pods[w])
        .filter(|p| p.node.is_some() && p.ready_at > t && p.ready_at != i64::MAX)
        .map(|p| p.ready_at)
        .min()
}

/// Follows the ready pods of some workloads through a scenario.
#[derive(Debug)]
pub struct Tracker {
    workloads: Vec<usize>,
    timelines: Vec<Vec<(i64, i64)>>,
    min: Vec<i64>,
    violated: Vec<bool>,
    blocked: Vec<bool>,
}

impl Tracker {
    /// Follows `workloads`.
    #[must_use]
    pub fn new(workloads: Vec<usize>) -> Tracker {
        let n = workloads.len();
        Tracker {
            workloads,
            timelines: vec![Vec::new(); n],
            min: vec![i64::MAX; n],
            violated: vec![false; n],
            blocked: vec![false; n],
        }
    }

    /// The workloads followed.
    #[must_use]
    pub fn workloads(&self) -> &[usize] {
        &self.workloads
    }

    /// Records every followed workload's ready pods at second `t`, and whether a budget
    /// that protects it has fewer healthy pods than it allows.
    pub fn observe(&mut self, start: &Start<'_, '_, '_, '_>, state: &State, t: i64) {
        let workloads = start.scheduler.workloads;
        for (i, &w) in self.workloads.iter().enumerate() {
            let now = ready(state, w, t);
            let timeline = &mut self.timelines[i];
            // Several changes in one second are one step: keep the last.
            if timeline.last().is_some_and(|last| last.0 == t) {
                timeline.pop();
            }
            if timeline.last().is_none_or(|last| last.1 != now) {
                timeline.push((t, now));
            }
            self.min[i] = self.min[i].min(now);
            for &b in &workloads.budgets_of[w] {
                let budget = &workloads.budgets[b];
                let healthy: i64 = budget.workloads.iter().map(|&v| ready(state, v, t)).sum();
                if healthy < budget.desired_healthy {
                    self.violated[i] = true;
                }
            }
        }
    }

    /// Notes that a budget refused an eviction of a pod of `w`.
    pub fn block(&mut self, w: usize) {
        if let Some(i) = self.workloads.iter().position(|&v| v == w) {
            self.blocked[i] = true;
        }
    }

    /// The outcomes, with each workload's Pending pods and their reasons.
    #[must_use]
    pub fn outcomes(
        &self,
        start: &Start<'_, '_, '_, '_>,
        state: &State,
        end: i64,
        pending: &[(usize, String)],
    ) -> Vec<Outcome> {
        let workloads = start.scheduler.workloads;
        self.workloads
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let workload = &workloads.list[w];
                let replicas = start.expected[w];
                Outcome {
                    workload: workload.name.clone(),
                    replicas,
                    min_ready: self.min[i].min(replicas),
                    end_ready: ready(state, w, end),
                    timeline: self.timelines[i].clone(),
                    budgets: workloads.budgets_of[w]
                        .iter()
                        .map(|&b| {
                            let budget = &workloads.budgets[b];
                            (budget.name.clone(), budget.desired_healthy)
                        })
                        .collect(),
                    blocked: self.blocked[i],
                    violated: self.violated[i],
                    quorum: workload.quorum.then_some(replicas / 2 + 1),
                    pending: pending
                        .iter()
                        .filter(|(v, _)| *v == w)
                        .map(|(_, reason)| reason.clone())
                        .collect(),
                }
            })
            .collect()
    }
}

/// A replacement for `pod` of `w` created at second `t`: a StatefulSet's keeps its
/// ordinal, others take the next free number; the new pod is of `revision`.
#[must_use]
pub fn replacement(
    start: &Start<'_, '_, '_, '_>,
    state: &State,
    w: usize,
    pod: Pod,
    revision: u8,
    t: i64,
) -> Pod {
    let workload = &start.scheduler.workloads.list[w];
    let ordinal = if workload.controller == Controller::StatefulSet {
        pod.ordinal
    } else {
        state.pods[w]
            .iter()
            .map(|p| p.ordinal + 1)
            .max()
            .unwrap_or(0)
            .max(pod.ordinal + 1)
    };
    Pod {
        ordinal,
        node: None,
        revision,
        ready_at: t + workload.ready_after,
    }
}

/// Tries again to schedule the Pending pods of `workloads` at second `t`; returns
/// whether one was placed.
pub fn retry_pending(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    workloads: &[usize],
    t: i64,
) -> bool {
    let mut placed = false;
    for &w in workloads {
        let ready_after = start.scheduler.workloads.list[w].ready_after;
        let mut i = 0;
        while i < state.pods[w].len() {
            if state.pods[w][i].node.is_none() {
                let pod = state.pods[w].remove(i);
                let retry = Pod {
                    ready_at: t + ready_after,
                    ..pod
                };
                if start.scheduler.schedule(state, w, retry).is_ok() {
                    placed = true;
                } else {
                    // `schedule` kept it Pending at the end of the list; put it back in
                    // its place so the loop moves on.
                    let pending = state.pods[w].pop().unwrap_or(pod);
                    state.pods[w].insert(i, pending);
                }
            }
            i += 1;
        }
    }
    placed
}

/// The Pending pods of `workloads` with the scheduler's reason, computed afresh.
#[must_use]
pub fn pending_reasons(
    start: &Start<'_, '_, '_, '_>,
    state: &State,
    workloads: &[usize],
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for &w in workloads {
        for pod in state.pods[w].iter().filter(|p| p.node.is_none()) {
            let mut probe = state.clone();
            let reason = start
                .scheduler
                .schedule(&mut probe, w, *pod)
                .err()
                .unwrap_or_else(|| "schedulable now".to_owned());
            out.push((
                w,
                format!(
                    "{} pod {}: {reason}",
                    start.scheduler.workloads.list[w].name, pod.ordinal
                ),
            ));
        }
    }
    out
}
