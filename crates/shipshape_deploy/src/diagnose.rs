//! Why an object is stuck, in the words of what Kubernetes reports: the failing
//! condition, and for the pods of its new revision the state and reason of each
//! container, the last state it left, the scheduler's message and the last lines of its
//! log. The same reading tells a wait to stop early when a pod cannot come up by waiting
//! (a crash loop, an image that cannot be pulled, a pod no node can take).

use std::fmt;

use serde_json::Value;

use crate::cluster::{Cluster, ObjectRef};
use crate::health::{condition, text};
use crate::retry::retry;

/// How many log lines a diagnosis shows per container.
pub const LOG_LINES: u32 = 10;

/// Container waiting reasons that waiting does not fix.
const HOPELESS: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImageNeverPull",
    "InvalidImageName",
];

/// What one pod of a stuck object says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodReport {
    /// The pod's name.
    pub name: String,
    /// One line per finding: the scheduler's message, a container's state and last state.
    pub lines: Vec<String>,
    /// The last lines of the log of its failing container, if any.
    pub log: Vec<String>,
}

/// Why one object is stuck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// The object.
    pub target: ObjectRef,
    /// What the wait saw last.
    pub reason: String,
    /// The failing condition, as `Type=Status (Reason): message`.
    pub condition: Option<String>,
    /// Its pods of the new revision that are not ready.
    pub pods: Vec<PodReport>,
}

/// The selector (`k=v,...`) of the pods of `live`'s newest revision, if it runs pods.
async fn new_pods<C: Cluster>(cluster: &C, live: &Value) -> Vec<Value> {
    let Some(labels) = live
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut selector: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    let namespace = text(live, "/metadata/namespace");
    match text(live, "/kind") {
        "StatefulSet" => {
            let revision = text(live, "/status/updateRevision");
            if !revision.is_empty() {
                selector.push(format!("controller-revision-hash={revision}"));
            }
        }
        "Deployment" => {
            let revision = text(
                live,
                "/metadata/annotations/deployment.kubernetes.io~1revision",
            );
            let joined = selector.join(",");
            let sets = retry(|| cluster.list("apps/v1", "ReplicaSet", namespace, &joined))
                .await
                .unwrap_or_default();
            let newest = sets.iter().find(|s| {
                text(
                    s,
                    "/metadata/annotations/deployment.kubernetes.io~1revision",
                ) == revision
            });
            if let Some(hash) = newest
                .map(|s| text(s, "/metadata/labels/pod-template-hash"))
                .filter(|h| !h.is_empty())
            {
                selector.push(format!("pod-template-hash={hash}"));
            }
        }
        "DaemonSet" | "Job" | "ReplicaSet" => {}
        _ => return Vec::new(),
    }
    let joined = selector.join(",");
    retry(|| cluster.list("v1", "Pod", namespace, &joined))
        .await
        .unwrap_or_default()
}

/// Why a pod of `live`'s new revision cannot come up by waiting, if one cannot.
pub async fn hopeless<C: Cluster>(cluster: &C, live: &Value) -> Option<String> {
    for pod in new_pods(cluster, live).await {
        let name = text(&pod, "/metadata/name");
        if let Some(scheduled) = condition(&pod, "PodScheduled")
            .filter(|c| text(c, "/status") == "False" && text(c, "/reason") == "Unschedulable")
        {
            return Some(format!(
                "pod {name} cannot be scheduled: {}",
                text(scheduled, "/message")
            ));
        }
        for status in container_statuses(&pod) {
            let reason = text(status, "/state/waiting/reason");
            if HOPELESS.contains(&reason) {
                return Some(format!(
                    "pod {name}, container {}: {reason}",
                    text(status, "/name")
                ));
            }
        }
    }
    None
}

fn container_statuses(pod: &Value) -> impl Iterator<Item = &Value> {
    ["/status/initContainerStatuses", "/status/containerStatuses"]
        .into_iter()
        .filter_map(|p| pod.pointer(p).and_then(Value::as_array))
        .flatten()
}

/// The failing condition of `live`: one that is False where True is good, or True where
/// it reports a failure.
fn failing_condition(live: &Value) -> Option<String> {
    let conditions = live.pointer("/status/conditions")?.as_array()?;
    conditions
        .iter()
        .find(|c| {
            let status = text(c, "/status");
            let kind = text(c, "/type");
            (status == "False"
                && matches!(kind, "Available" | "Progressing" | "Ready" | "Established"))
                || (status == "True" && matches!(kind, "ReplicaFailure" | "Failed"))
        })
        .map(|c| {
            format!(
                "{}={} ({}): {}",
                text(c, "/type"),
                text(c, "/status"),
                text(c, "/reason"),
                text(c, "/message")
            )
        })
}

/// Diagnoses `target`, stuck with `reason`.
pub async fn diagnose<C: Cluster>(cluster: &C, target: &ObjectRef, reason: &str) -> Diagnosis {
    let live = retry(|| cluster.get(target)).await.ok().flatten();
    let mut diagnosis = Diagnosis {
        target: target.clone(),
        reason: reason.to_owned(),
        condition: live.as_ref().and_then(failing_condition),
        pods: Vec::new(),
    };
    let Some(live) = live else {
        return diagnosis;
    };
    for pod in new_pods(cluster, &live).await {
        if condition(&pod, "Ready").is_some_and(|c| text(c, "/status") == "True")
            || text(&pod, "/status/phase") == "Succeeded"
        {
            continue;
        }
        diagnosis.pods.push(pod_report(cluster, &pod).await);
    }
    diagnosis
}

async fn pod_report<C: Cluster>(cluster: &C, pod: &Value) -> PodReport {
    let name = text(pod, "/metadata/name").to_owned();
    let mut lines = Vec::new();
    if let Some(scheduled) =
        condition(pod, "PodScheduled").filter(|c| text(c, "/status") == "False")
    {
        lines.push(format!("not scheduled: {}", text(scheduled, "/message")));
    }
    let mut failing = None;
    for status in container_statuses(pod) {
        let container = text(status, "/name");
        if let Some(waiting) = status.pointer("/state/waiting") {
            lines.push(
                format!(
                    "container {container} waiting: {} {}",
                    text(waiting, "/reason"),
                    text(waiting, "/message")
                )
                .trim_end()
                .to_owned(),
            );
            failing.get_or_insert(container);
        }
        if let Some(last) = status.pointer("/lastState/terminated") {
            lines.push(
                format!(
                    "container {container} last terminated: {} (exit code {}) {}",
                    text(last, "/reason"),
                    last.get("exitCode")
                        .and_then(Value::as_i64)
                        .unwrap_or_default(),
                    text(last, "/message")
                )
                .trim_end()
                .to_owned(),
            );
            failing.get_or_insert(container);
        }
    }
    let log = match failing {
        Some(container) => {
            let namespace = text(pod, "/metadata/namespace");
            retry(|| cluster.logs(namespace, &name, container, LOG_LINES))
                .await
                .map(|l| l.lines().map(str::to_owned).collect())
                .unwrap_or_default()
        }
        None => Vec::new(),
    };
    PodReport { name, lines, log }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.target, self.reason)?;
        if let Some(condition) = &self.condition {
            write!(f, "\n  condition {condition}")?;
        }
        for pod in &self.pods {
            write!(f, "\n  pod {}", pod.name)?;
            for line in &pod.lines {
                write!(f, "\n    {line}")?;
            }
            if !pod.log.is_empty() {
                write!(f, "\n    last log lines:")?;
                for line in &pod.log {
                    write!(f, "\n      {line}")?;
                }
            }
        }
        Ok(())
    }
}
