//! `kubectl drain` of one node: cordon it, then evict every pod but DaemonSets' through
//! the Eviction API, retrying those a PodDisruptionBudget refuses until it allows them.
//! Each evicted pod's controller creates a replacement, which the scheduler places on
//! another node. A budget allows an eviction while its healthy pods exceed the fewest it
//! allows. A drain that can never evict a pod (no replacement will become ready to free
//! the budget) never finishes.

use crate::report::{Kind, Scenario};
use crate::scenario::{
    GIVE_UP_SECONDS, Start, Tracker, next_ready, pending_reasons, ready, replacement, retry_pending,
};
use crate::workload::Controller;

/// Seconds between kubectl drain's attempts to evict a pod a budget refused.
pub const RETRY_SECONDS: i64 = 5;

/// The drain of node `n`.
#[must_use]
pub fn drain(start: &Start<'_, '_, '_, '_>, n: u32) -> Scenario {
    let scheduler = start.scheduler;
    let workloads = scheduler.workloads;
    let mut state = start.state.clone();
    state.nodes[n as usize].schedulable = false;
    // The pods to evict, in workload then ordinal order.
    let mut to_evict: Vec<(usize, u32)> = Vec::new();
    let mut notes = Vec::new();
    for (w, pods) in state.pods.iter().enumerate() {
        let workload = &workloads.list[w];
        if workload.controller == Controller::DaemonSet {
            continue;
        }
        for pod in pods.iter().filter(|p| p.node == Some(n)) {
            to_evict.push((w, pod.ordinal));
        }
        if workload.controller == Controller::Pod && pods.iter().any(|p| p.node == Some(n)) {
            notes.push(format!(
                "{} is a bare Pod: kubectl drain refuses it without --force, and nothing recreates it",
                workload.name
            ));
        }
    }
    let mut tracked: Vec<usize> = to_evict.iter().map(|(w, _)| *w).collect();
    tracked.dedup();
    let mut tracker = Tracker::new(tracked.clone());
    let mut t = 0;
    tracker.observe(start, &state, t);
    let mut finished = true;
    while !to_evict.is_empty() {
        let mut evicted_any = false;
        let mut i = 0;
        while i < to_evict.len() {
            let (w, ordinal) = to_evict[i];
            let allowed = workloads.budgets_of[w].iter().all(|&b| {
                let budget = &workloads.budgets[b];
                let healthy: i64 = budget.workloads.iter().map(|&v| ready(&state, v, t)).sum();
                healthy > budget.desired_healthy
            });
            if !allowed {
                tracker.block(w);
                i += 1;
                continue;
            }
            to_evict.remove(i);
            evicted_any = true;
            if let Some(p) = state.pods[w]
                .iter()
                .position(|p| p.ordinal == ordinal && p.node == Some(n))
            {
                let old = scheduler.remove(&mut state, w, p);
                if workloads.list[w].controller != Controller::Pod {
                    let pod = replacement(start, &state, w, old, old.revision, t);
                    let _ = scheduler.schedule(&mut state, w, pod);
                }
            }
        }
        tracker.observe(start, &state, t);
        if to_evict.is_empty() {
            break;
        }
        let placed = retry_pending(start, &mut state, &tracked, t);
        let next = next_ready(&state, &tracked, t);
        match next {
            // kubectl retries every 5 seconds; the next attempt that can succeed comes
            // at the first retry after a pod becomes ready.
            Some(next) if next <= GIVE_UP_SECONDS => {
                let at = next.max(t + 1);
                t = (at + RETRY_SECONDS - 1) / RETRY_SECONDS * RETRY_SECONDS;
            }
            _ if evicted_any || placed => t += RETRY_SECONDS,
            _ => {
                finished = false;
                break;
            }
        }
    }
    let (end, _) = super::rollout::follow(start, &mut state, &mut tracker, &tracked, t);
    let pending = pending_reasons(start, &state, &tracked);
    Scenario {
        kind: Kind::Drain,
        target: scheduler.cluster.nodes[n as usize].name.clone(),
        duration: end,
        finished,
        outcomes: tracker.outcomes(start, &state, end, &pending),
        notes,
    }
}
