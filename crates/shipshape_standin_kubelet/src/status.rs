//! The status a real kubelet would report for a pod at a given moment of its life, as a
//! pure function of the pod, what was asked of it and how long it has run, so every
//! state is tested without a cluster.

use std::time::Duration;

use k8s_openapi::api::core::v1::{Container, Pod};
use serde_json::{Value, json};

use crate::failure::Failure;

/// How long a pod that runs to completion (`restartPolicy` `Never` or `OnFailure`, as
/// every Job's pod) runs before it succeeds: long enough for a test to see it Running.
pub const RUN_TO_COMPLETION: Duration = Duration::from_secs(1);

/// A crash-looping container restarts once per this period. The real kubelet backs off
/// from 10 s to 5 minutes; a fixed short period keeps `restartCount` rising within a
/// test's patience.
pub const CRASH_PERIOD: Duration = Duration::from_secs(5);

/// How long a pod whose image cannot be pulled reports `ErrImagePull` before it settles
/// on `ImagePullBackOff`, the order the real kubelet reports them in.
pub const PULL_ERROR_FOR: Duration = Duration::from_secs(2);

/// What the stand-in knows of one pod's life, kept by UID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    /// When the stand-in first saw the pod bound to one of its nodes (RFC 3339): its
    /// `startTime` and its containers' `startedAt`.
    pub started_at: String,
    /// How long ago that was.
    pub elapsed: Duration,
    /// Whether its run is not over whatever its age: the completion hook still plays
    /// its containers' part.
    pub held: bool,
    /// The pod's address.
    pub pod_ip: String,
    /// Its node's address.
    pub host_ip: String,
}

/// Whether a pod runs until it completes (a Job's pod, a bare pod with `Never`) rather
/// than until it is deleted.
pub fn runs_to_completion(pod: &Pod) -> bool {
    let policy = pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref());
    matches!(policy, Some("Never" | "OnFailure"))
}

/// When the pod's readiness probes would first pass: the longest `initialDelaySeconds`
/// of its containers' readiness probes (the real kubelet probes at that delay and marks
/// the container ready on the first success).
pub fn ready_after(pod: &Pod) -> Duration {
    let delay = containers(pod)
        .iter()
        .filter_map(|c| c.readiness_probe.as_ref())
        .filter_map(|p| p.initial_delay_seconds)
        .max()
        .unwrap_or(0);
    Duration::from_secs(u64::try_from(delay).unwrap_or(0))
}

fn containers(pod: &Pod) -> &[Container] {
    pod.spec.as_ref().map_or(&[], |s| s.containers.as_slice())
}

fn init_containers(pod: &Pod) -> &[Container] {
    pod.spec
        .as_ref()
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[])
}

/// One container's state in the pod's current phase of life.
enum State {
    Running,
    Waiting(&'static str, String),
    Terminated(i32, &'static str),
}

/// The pod's `status` as the kubelet would report it now, for a strategic merge patch:
/// the `conditions` merge by type, so the scheduler's `PodScheduled` stays.
pub fn desired(pod: &Pod, failure: Option<Failure>, life: &Life) -> Value {
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let restarts = |period: Duration| {
        i32::try_from(life.elapsed.as_secs() / period.as_secs() + 1).unwrap_or(i32::MAX)
    };
    let (phase, ready, state, restart_count) = match failure {
        Some(Failure::CrashLoop) => (
            "Running",
            false,
            State::Waiting(
                "CrashLoopBackOff",
                format!("back-off 10s restarting failed container of pod {name}"),
            ),
            restarts(CRASH_PERIOD),
        ),
        Some(Failure::ImagePull) if life.elapsed < PULL_ERROR_FOR => (
            "Pending",
            false,
            State::Waiting(
                "ErrImagePull",
                "stand-in kubelet: image pull refused on request".to_owned(),
            ),
            0,
        ),
        Some(Failure::ImagePull) => (
            "Pending",
            false,
            State::Waiting(
                "ImagePullBackOff",
                "Back-off pulling image (stand-in kubelet: refused on request)".to_owned(),
            ),
            0,
        ),
        Some(Failure::NeverReady) => ("Running", false, State::Running, 0),
        Some(Failure::Fail) => ("Failed", false, State::Terminated(1, "Error"), 0),
        None if runs_to_completion(pod) && life.elapsed >= RUN_TO_COMPLETION && !life.held => {
            ("Succeeded", false, State::Terminated(0, "Completed"), 0)
        }
        None => (
            "Running",
            life.elapsed >= ready_after(pod),
            State::Running,
            0,
        ),
    };
    let last_state = match failure {
        Some(Failure::CrashLoop) => json!({"terminated": {
            "exitCode": 1, "reason": "Error",
            "startedAt": life.started_at, "finishedAt": life.started_at,
        }}),
        _ => json!({}),
    };
    let state_json = match &state {
        State::Running => json!({"running": {"startedAt": life.started_at}}),
        State::Waiting(reason, message) => {
            json!({"waiting": {"reason": reason, "message": message}})
        }
        State::Terminated(code, reason) => json!({"terminated": {
            "exitCode": code, "reason": reason,
            "startedAt": life.started_at, "finishedAt": life.started_at,
        }}),
    };
    let started = matches!(state, State::Running);
    let container_statuses: Vec<Value> = containers(pod)
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "image": c.image.clone().unwrap_or_default(),
                "imageID": "",
                "containerID": format!("standin://{}", c.name),
                "ready": ready,
                "started": started,
                "restartCount": restart_count,
                "state": state_json,
                "lastState": last_state,
            })
        })
        .collect();
    let init_statuses: Vec<Value> = init_containers(pod)
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "image": c.image.clone().unwrap_or_default(),
                "imageID": "",
                "containerID": format!("standin://{}", c.name),
                "ready": true,
                "restartCount": 0,
                "state": {"terminated": {
                    "exitCode": 0, "reason": "Completed",
                    "startedAt": life.started_at, "finishedAt": life.started_at,
                }},
                "lastState": {},
            })
        })
        .collect();
    let flag = |b: bool| if b { "True" } else { "False" };
    let not_ready_reason = match phase {
        "Succeeded" | "Failed" => "PodCompleted",
        _ => "ContainersNotReady",
    };
    let readiness = |kind: &str| {
        let mut condition = json!({
            "type": kind,
            "status": flag(ready),
            "lastProbeTime": null,
            "lastTransitionTime": life.started_at,
        });
        if !ready {
            condition["reason"] = json!(not_ready_reason);
        }
        condition
    };
    json!({
        "phase": phase,
        "hostIP": life.host_ip,
        "podIP": life.pod_ip,
        "podIPs": [{"ip": life.pod_ip}],
        "startTime": life.started_at,
        "conditions": [
            {"type": "Initialized", "status": "True", "lastProbeTime": null,
             "lastTransitionTime": life.started_at},
            readiness("ContainersReady"),
            readiness("Ready"),
        ],
        "initContainerStatuses": init_statuses,
        "containerStatuses": container_statuses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(restart_policy: &str, delay: i32) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "web-1", "namespace": "shop"},
            "spec": {
                "restartPolicy": restart_policy,
                "initContainers": [{"name": "wait", "image": "kubectl:1"}],
                "containers": [
                    {"name": "web", "image": "web:1",
                     "readinessProbe": {"initialDelaySeconds": delay, "httpGet": {"port": 8080}}},
                    {"name": "proxy", "image": "proxy:1"},
                ],
            },
        }))
        .expect("a pod")
    }

    fn life(seconds: u64) -> Life {
        Life {
            started_at: "2026-01-02T03:04:05Z".to_owned(),
            elapsed: Duration::from_secs(seconds),
            held: false,
            pod_ip: "10.244.0.7".to_owned(),
            host_ip: "127.0.0.1".to_owned(),
        }
    }

    fn ready(status: &Value) -> &Value {
        &status["conditions"][2]["status"]
    }

    #[test]
    fn a_serving_pod_runs_at_once_and_is_ready_after_its_longest_probe_delay() {
        let pod = pod("Always", 5);
        assert_eq!(ready_after(&pod), Duration::from_secs(5));
        let early = desired(&pod, None, &life(4));
        assert_eq!(early["phase"], "Running");
        assert_eq!(ready(&early), "False");
        assert_eq!(early["conditions"][2]["reason"], "ContainersNotReady");
        let running = json!({"running": {"startedAt": "2026-01-02T03:04:05Z"}});
        assert_eq!(
            desired(&pod, None, &life(5)),
            json!({
                "phase": "Running",
                "hostIP": "127.0.0.1",
                "podIP": "10.244.0.7",
                "podIPs": [{"ip": "10.244.0.7"}],
                "startTime": "2026-01-02T03:04:05Z",
                "conditions": [
                    {"type": "Initialized", "status": "True", "lastProbeTime": null,
                     "lastTransitionTime": "2026-01-02T03:04:05Z"},
                    {"type": "ContainersReady", "status": "True", "lastProbeTime": null,
                     "lastTransitionTime": "2026-01-02T03:04:05Z"},
                    {"type": "Ready", "status": "True", "lastProbeTime": null,
                     "lastTransitionTime": "2026-01-02T03:04:05Z"},
                ],
                "initContainerStatuses": [{
                    "name": "wait", "image": "kubectl:1", "imageID": "",
                    "containerID": "standin://wait", "ready": true, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                        "startedAt": "2026-01-02T03:04:05Z",
                        "finishedAt": "2026-01-02T03:04:05Z"}},
                    "lastState": {},
                }],
                "containerStatuses": [
                    {"name": "web", "image": "web:1", "imageID": "",
                     "containerID": "standin://web", "ready": true, "started": true,
                     "restartCount": 0, "state": running, "lastState": {}},
                    {"name": "proxy", "image": "proxy:1", "imageID": "",
                     "containerID": "standin://proxy", "ready": true, "started": true,
                     "restartCount": 0, "state": running, "lastState": {}},
                ],
            })
        );
    }

    #[test]
    fn a_pod_that_runs_to_completion_succeeds_after_its_run() {
        let pod = pod("Never", 0);
        assert!(runs_to_completion(&pod));
        assert!(!runs_to_completion(&self::pod("Always", 0)));
        let running = desired(
            &pod,
            None,
            &Life {
                elapsed: Duration::from_millis(500),
                ..life(0)
            },
        );
        assert_eq!(running["phase"], "Running");
        let held = desired(
            &pod,
            None,
            &Life {
                held: true,
                ..life(30)
            },
        );
        assert_eq!(held["phase"], "Running");
        let done = desired(&pod, None, &life(1));
        assert_eq!(done["phase"], "Succeeded");
        assert_eq!(ready(&done), "False");
        assert_eq!(done["conditions"][2]["reason"], "PodCompleted");
        assert_eq!(
            done["containerStatuses"][0]["state"]["terminated"]["reason"],
            "Completed"
        );
        assert_eq!(
            done["containerStatuses"][0]["state"]["terminated"]["exitCode"],
            0
        );
    }

    #[test]
    fn a_crash_loop_waits_in_back_off_with_a_restart_count_that_rises() {
        let pod = pod("Always", 0);
        let at = |s| desired(&pod, Some(Failure::CrashLoop), &life(s));
        let status = at(12);
        assert_eq!(status["phase"], "Running");
        assert_eq!(ready(&status), "False");
        let web = &status["containerStatuses"][0];
        assert_eq!(web["state"]["waiting"]["reason"], "CrashLoopBackOff");
        assert_eq!(web["lastState"]["terminated"]["exitCode"], 1);
        assert_eq!(web["started"], false);
        assert_eq!(web["restartCount"], 3);
        assert_eq!(at(0)["containerStatuses"][0]["restartCount"], 1);
        assert_eq!(at(5)["containerStatuses"][0]["restartCount"], 2);
    }

    #[test]
    fn an_image_that_cannot_be_pulled_errs_then_backs_off_and_stays_pending() {
        let pod = pod("Always", 0);
        let reason = |s| {
            let status = desired(&pod, Some(Failure::ImagePull), &life(s));
            assert_eq!(status["phase"], "Pending");
            assert_eq!(ready(&status), "False");
            status["containerStatuses"][1]["state"]["waiting"]["reason"].clone()
        };
        assert_eq!(reason(1), "ErrImagePull");
        assert_eq!(reason(2), "ImagePullBackOff");
    }

    #[test]
    fn never_ready_runs_unready_and_fail_ends_failed_with_exit_code_one() {
        let pod = pod("Always", 0);
        let never = desired(&pod, Some(Failure::NeverReady), &life(60));
        assert_eq!(never["phase"], "Running");
        assert_eq!(ready(&never), "False");
        assert_eq!(never["containerStatuses"][0]["started"], true);
        let failed = desired(&pod, Some(Failure::Fail), &life(0));
        assert_eq!(failed["phase"], "Failed");
        assert_eq!(failed["conditions"][2]["reason"], "PodCompleted");
        let terminated = &failed["containerStatuses"][0]["state"]["terminated"];
        assert_eq!(terminated["exitCode"], 1);
        assert_eq!(terminated["reason"], "Error");
    }
}
