//! A rollout of one workload to a new revision, as its controller performs it.
//!
//! Deployment `RollingUpdate`: the new ReplicaSet grows while the total stays within
//! `replicas + maxSurge`, the old one shrinks while the available pods stay at or above
//! `replicas − maxUnavailable`; `Recreate` stops every old pod first. StatefulSet
//! `RollingUpdate`: from the highest ordinal down to `partition`, `maxUnavailable` pods
//! at a time, each waiting for the last to be ready, each new pod back in its volume's
//! zone. DaemonSet `RollingUpdate`: node by node, `maxUnavailable` nodes at a time, or a
//! surge pod beside the old one. A pod is ready `ready_after` seconds after it is
//! created.

use crate::report::{Kind, Scenario};
use crate::scenario::{
    GIVE_UP_SECONDS, Start, Tracker, next_ready, pending_reasons, ready, replacement, retry_pending,
};
use crate::scheduler::{Pod, State};
use crate::workload::{Strategy, daemon_counts};

/// The rollout of workload `w`.
#[must_use]
pub fn rollout(start: &Start<'_, '_, '_, '_>, w: usize) -> Scenario {
    let workload = &start.scheduler.workloads.list[w];
    let mut state = start.state.clone();
    let mut tracker = Tracker::new(vec![w]);
    let mut notes = Vec::new();
    for gate in &workload.gates {
        notes.push(format!(
            "its pods wait for {gate} first; time starts when it has completed, since the manifests do not say how long it runs"
        ));
    }
    tracker.observe(start, &state, 0);
    let (end, finished) = match workload.strategy {
        Strategy::Rolling { surge, unavailable } => {
            rolling(start, &mut state, &mut tracker, w, surge, unavailable)
        }
        Strategy::Recreate => recreate(start, &mut state, &mut tracker, w),
        Strategy::Ordinals {
            partition,
            unavailable,
        } => ordinals(start, &mut state, &mut tracker, w, partition, unavailable),
        Strategy::Daemon { .. } => {
            let nodes = start.expected[w];
            let (surge, unavailable) = daemon_counts(workload.template.object, nodes);
            daemon(start, &mut state, &mut tracker, w, surge, unavailable)
        }
        Strategy::Manual => {
            notes.push("no rollout: its pods change only when deleted (OnDelete, a ReplicaSet or a bare Pod)".to_owned());
            (0, true)
        }
    };
    let pending = pending_reasons(start, &state, &[w]);
    Scenario {
        kind: Kind::Rollout,
        target: workload.name.clone(),
        duration: end,
        finished,
        outcomes: tracker.outcomes(start, &state, end, &pending),
        notes,
    }
}

/// Deployment `RollingUpdate`. Returns the end second and whether it finished.
fn rolling(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    tracker: &mut Tracker,
    w: usize,
    surge: i64,
    unavailable: i64,
) -> (i64, bool) {
    let scheduler = start.scheduler;
    let replicas = start.expected[w];
    let mut t = 0;
    loop {
        let mut changed = retry_pending(start, state, &[w], t);
        loop {
            let pods = &state.pods[w];
            let total = count(pods, |_| true);
            let new = count(pods, |p| p.revision == 1);
            let create = (replicas - new).min(replicas + surge - total);
            for _ in 0..create.max(0) {
                let template = Pod {
                    ordinal: 0,
                    node: None,
                    revision: 0,
                    ready_at: 0,
                };
                let pod = replacement(start, state, w, template, 1, t);
                let _ = scheduler.schedule(state, w, pod);
                changed = true;
            }
            let available = ready(state, w, t);
            let removable = available - (replicas - unavailable);
            let mut removed = false;
            // Old pods that are not ready go first, then ready ones, newest first.
            let old_unready = state.pods[w]
                .iter()
                .rposition(|p| p.revision == 0 && (p.node.is_none() || p.ready_at > t));
            if let Some(i) = old_unready {
                let _ = scheduler.remove(state, w, i);
                removed = true;
            } else if removable > 0
                && let Some(i) = state.pods[w].iter().rposition(|p| p.revision == 0)
            {
                let _ = scheduler.remove(state, w, i);
                removed = true;
            }
            if !removed && create <= 0 {
                break;
            }
            changed = true;
        }
        tracker.observe(start, state, t);
        let pods = &state.pods[w];
        let done = count(pods, |p| p.revision == 0) == 0 && ready(state, w, t) >= replicas;
        if done {
            return (t, true);
        }
        match next_ready(state, &[w], t) {
            Some(next) if next <= GIVE_UP_SECONDS => t = next,
            _ if changed => {}
            _ => return (t, false),
        }
    }
}

/// Deployment `Recreate`.
fn recreate(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    tracker: &mut Tracker,
    w: usize,
) -> (i64, bool) {
    let scheduler = start.scheduler;
    while !state.pods[w].is_empty() {
        let _ = scheduler.remove(state, w, 0);
    }
    tracker.observe(start, state, 0);
    for _ in 0..start.expected[w] {
        let template = Pod {
            ordinal: 0,
            node: None,
            revision: 0,
            ready_at: 0,
        };
        let pod = replacement(start, state, w, template, 1, 0);
        let _ = scheduler.schedule(state, w, pod);
    }
    follow(start, state, tracker, &[w], 0)
}

/// StatefulSet `RollingUpdate`.
fn ordinals(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    tracker: &mut Tracker,
    w: usize,
    partition: i64,
    unavailable: i64,
) -> (i64, bool) {
    let scheduler = start.scheduler;
    let mut t = 0;
    let mut order: Vec<u32> = state.pods[w]
        .iter()
        .map(|p| p.ordinal)
        .filter(|o| i64::from(*o) >= partition)
        .collect();
    order.sort_unstable_by(|a, b| b.cmp(a));
    for batch in order.chunks(usize::try_from(unavailable).unwrap_or(1).max(1)) {
        for &ordinal in batch {
            if let Some(i) = state.pods[w].iter().position(|p| p.ordinal == ordinal) {
                let old = scheduler.remove(state, w, i);
                let pod = replacement(start, state, w, old, 1, t);
                let _ = scheduler.schedule(state, w, pod);
            }
        }
        tracker.observe(start, state, t);
        let batch_ready = state.pods[w]
            .iter()
            .filter(|p| batch.contains(&p.ordinal))
            .map(|p| p.ready_at)
            .max()
            .unwrap_or(t);
        if batch_ready == i64::MAX || batch_ready > GIVE_UP_SECONDS {
            return (t, false);
        }
        t = batch_ready;
        tracker.observe(start, state, t);
    }
    (t, true)
}

/// DaemonSet `RollingUpdate`, node by node in the cluster's order.
fn daemon(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    tracker: &mut Tracker,
    w: usize,
    surge: i64,
    unavailable: i64,
) -> (i64, bool) {
    let scheduler = start.scheduler;
    let ready_after = scheduler.workloads.list[w].ready_after;
    let mut nodes: Vec<u32> = state.pods[w].iter().filter_map(|p| p.node).collect();
    nodes.sort_unstable();
    let at_once = usize::try_from(if surge > 0 { surge } else { unavailable })
        .unwrap_or(1)
        .max(1);
    let mut t = 0;
    for batch in nodes.chunks(at_once) {
        for &n in batch {
            let Some(i) = state.pods[w]
                .iter()
                .position(|p| p.node == Some(n) && p.revision == 0)
            else {
                continue;
            };
            let old = state.pods[w][i];
            let new = Pod {
                revision: 1,
                ready_at: t + ready_after,
                node: None,
                ..old
            };
            if surge == 0 {
                let _ = scheduler.remove(state, w, i);
            }
            scheduler.bind(state, w, new, n);
        }
        tracker.observe(start, state, t);
        t += ready_after;
        if surge > 0 {
            for &n in batch {
                if let Some(i) = state.pods[w]
                    .iter()
                    .position(|p| p.node == Some(n) && p.revision == 0)
                {
                    let _ = scheduler.remove(state, w, i);
                }
            }
        }
        tracker.observe(start, state, t);
    }
    (t, true)
}

/// Advances time through the readiness of `workloads`' pods until none is left to
/// become ready; whether every pod was placed.
pub fn follow(
    start: &Start<'_, '_, '_, '_>,
    state: &mut State,
    tracker: &mut Tracker,
    workloads: &[usize],
    mut t: i64,
) -> (i64, bool) {
    loop {
        retry_pending(start, state, workloads, t);
        tracker.observe(start, state, t);
        match next_ready(state, workloads, t) {
            Some(next) if next <= GIVE_UP_SECONDS => t = next,
            _ => break,
        }
    }
    let placed = workloads
        .iter()
        .all(|&w| state.pods[w].iter().all(|p| p.node.is_some()));
    (t, placed)
}

fn count(pods: &[Pod], keep: impl Fn(&Pod) -> bool) -> i64 {
    i64::try_from(pods.iter().filter(|p| keep(p)).count()).unwrap_or(i64::MAX)
}
