//! Nodes lost without warning: a whole zone, or one node. Their pods stop being ready at
//! once. After a pod's toleration of `node.kubernetes.io/unreachable` runs out (300 s by
//! default) the node lifecycle controller deletes it and its controller creates a
//! replacement elsewhere; a StatefulSet's pod is not replaced while its Node object
//! exists (it stays Terminating, since two pods of one identity must never run), and a
//! DaemonSet's goes with its node.

use crate::report::{Kind, Scenario};
use crate::scenario::{GIVE_UP_SECONDS, Start, Tracker, next_ready, pending_reasons, replacement};
use crate::workload::Controller;

/// The loss of `nodes` at second 0; `kind` and `target` name the scenario.
#[must_use]
pub fn outage(
    start: &Start<'_, '_, '_, '_>,
    kind: Kind,
    target: String,
    nodes: &[u32],
) -> Scenario {
    let scheduler = start.scheduler;
    let workloads = scheduler.workloads;
    let mut state = start.state.clone();
    for &n in nodes {
        let node = &mut state.nodes[n as usize];
        node.up = false;
        node.schedulable = false;
    }
    let on_lost = |p: &crate::scheduler::Pod| p.node.is_some_and(|n| nodes.contains(&n));
    let tracked: Vec<usize> = (0..workloads.list.len())
        .filter(|&w| workloads.list[w].controller != Controller::DaemonSet)
        .filter(|&w| state.pods[w].iter().any(on_lost))
        .collect();
    let mut tracker = Tracker::new(tracked.clone());
    tracker.observe(start, &state, 0);
    let mut notes = Vec::new();
    // Replacements, in the order their tolerations run out; readiness in between is
    // recorded as it happens.
    let mut order: Vec<usize> = tracked.clone();
    order.sort_by_key(|&w| (workloads.list[w].unreachable_after, w));
    let mut t = 0;
    for &w in &order {
        let workload = &workloads.list[w];
        match workload.controller {
            Controller::StatefulSet => {
                let lost = state.pods[w].iter().filter(|p| on_lost(p)).count();
                notes.push(format!(
                    "{}: {lost} pod(s) stay Terminating on the lost node(s) until their Node objects are deleted; no replacement starts before",
                    workload.name
                ));
                continue;
            }
            Controller::Pod => {
                notes.push(format!(
                    "{}: a bare Pod, nothing replaces it",
                    workload.name
                ));
                continue;
            }
            Controller::Deployment | Controller::DaemonSet => {}
        }
        let at = workload.unreachable_after.min(GIVE_UP_SECONDS);
        while let Some(next) = next_ready(&state, &tracked, t).filter(|next| *next < at) {
            t = next;
            tracker.observe(start, &state, t);
        }
        t = t.max(at);
        while let Some(i) = state.pods[w].iter().position(on_lost) {
            let old = scheduler.remove(&mut state, w, i);
            let pod = replacement(start, &state, w, old, old.revision, t);
            let _ = scheduler.schedule(&mut state, w, pod);
        }
        tracker.observe(start, &state, t);
    }
    let (end, _) = super::rollout::follow(start, &mut state, &mut tracker, &tracked, t);
    let pending = pending_reasons(start, &state, &tracked);
    Scenario {
        kind,
        target,
        duration: end,
        finished: true,
        outcomes: tracker.outcomes(start, &state, end, &pending),
        notes,
    }
}
