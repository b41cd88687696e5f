//! Whether an applied object has become what was applied: the rules `kubectl rollout
//! status` uses for Deployments, StatefulSets and DaemonSets, and kstatus's for Jobs,
//! CRDs, Namespaces and anything with a `Ready` condition. See docs/deploy.md, "Waits".
//!
//! Every rule first requires the controller to have seen the generation the apply
//! returned (`status.observedGeneration`): before that, the status describes the previous
//! spec, and reading success from it is the stale success this module exists to prevent.

use serde_json::Value;

/// How far an object is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Done: the applied spec is what runs.
    Ready,
    /// Still moving; the text says what it waits for.
    Progressing(String),
    /// Will not get there by waiting; the text says why.
    Failed(String),
}

/// The health of `live`, applied at `generation` (the `metadata.generation` the apply
/// returned; 0 when the kind has none).
#[must_use]
pub fn health(live: &Value, generation: i64) -> Health {
    let kind = text(live, "/kind");
    let group = shipshape_manifest::api_group(text(live, "/apiVersion"));
    if let Some(waiting) = unobserved(live, generation) {
        return Health::Progressing(waiting);
    }
    match (group, kind) {
        ("apps", "Deployment") => deployment(live),
        ("apps", "StatefulSet") => stateful_set(live),
        ("apps", "DaemonSet") => daemon_set(live),
        ("batch", "Job") => job(live),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            condition_true(live, "Established", "the CRD is not established yet")
        }
        ("", "Namespace") => match text(live, "/status/phase") {
            "Terminating" => Health::Failed("the namespace is being deleted".to_owned()),
            _ => Health::Ready,
        },
        ("", "Pod") => pod(live),
        _ => generic(live),
    }
}

/// Whether the controller of `live` has seen the spec applied at `generation`, so that its
/// status, and the revision its pods are told apart by, describe that spec.
#[must_use]
pub fn observed(live: &Value, generation: i64) -> bool {
    unobserved(live, generation).is_none()
}

/// Waiting text while the controller has not seen `generation`; `None` once it has.
fn unobserved(live: &Value, generation: i64) -> Option<String> {
    let live_generation = int(live, "/metadata/generation").unwrap_or(0);
    let target = generation.max(live_generation);
    let observed = int(live, "/status/observedGeneration");
    match observed {
        Some(observed) if observed >= target => None,
        // Kinds whose controller never writes observedGeneration (ConfigMap, Service,
        // many custom resources) have nothing stale to read: only the workload kinds,
        // whose status is all about the spec they saw, must report one.
        None if !reports_generation(live) => None,
        _ => Some(format!(
            "waiting for the controller to observe generation {target}"
        )),
    }
}

fn reports_generation(live: &Value) -> bool {
    let group = shipshape_manifest::api_group(text(live, "/apiVersion"));
    matches!(
        (group, text(live, "/kind")),
        (
            "apps",
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        )
    )
}

fn deployment(live: &Value) -> Health {
    if let Some(reason) = condition(live, "Progressing")
        .filter(|c| text(c, "/reason") == "ProgressDeadlineExceeded")
        .map(|c| text(c, "/message").to_owned())
    {
        return Health::Failed(format!("ProgressDeadlineExceeded: {reason}"));
    }
    if let Some(failure) = condition(live, "ReplicaFailure").filter(|c| is_true(c)) {
        return Health::Failed(format!(
            "ReplicaFailure ({}): {}",
            text(failure, "/reason"),
            text(failure, "/message")
        ));
    }
    let wanted = int(live, "/spec/replicas").unwrap_or(1);
    let updated = int(live, "/status/updatedReplicas").unwrap_or(0);
    let replicas = int(live, "/status/replicas").unwrap_or(0);
    let available = int(live, "/status/availableReplicas").unwrap_or(0);
    if updated < wanted {
        Health::Progressing(format!(
            "{updated} of {wanted} new replicas have been updated"
        ))
    } else if replicas > updated {
        Health::Progressing(format!(
            "{} old replicas are pending termination",
            replicas - updated
        ))
    } else if available < updated {
        Health::Progressing(format!(
            "{available} of {updated} updated replicas are available"
        ))
    } else {
        Health::Ready
    }
}

fn stateful_set(live: &Value) -> Health {
    let wanted = int(live, "/spec/replicas").unwrap_or(1);
    let ready = int(live, "/status/readyReplicas").unwrap_or(0);
    if ready < wanted {
        return Health::Progressing(format!("{ready} of {wanted} pods are ready"));
    }
    let strategy = text(live, "/spec/updateStrategy/type");
    if strategy == "OnDelete" {
        // The controller replaces no pod by itself: nothing to wait for, as kubectl says.
        return Health::Ready;
    }
    let updated = int(live, "/status/updatedReplicas").unwrap_or(0);
    if let Some(partition) =
        int(live, "/spec/updateStrategy/rollingUpdate/partition").filter(|p| *p > 0)
    {
        // Only ordinals at or above the partition move to the new revision.
        let expected = (wanted - partition).max(0);
        return if updated < expected {
            Health::Progressing(format!(
                "{updated} of {expected} pods above partition {partition} are updated"
            ))
        } else {
            Health::Ready
        };
    }
    let update = text(live, "/status/updateRevision");
    if update != text(live, "/status/currentRevision") {
        Health::Progressing(format!(
            "{updated} of {wanted} pods are at revision {update}"
        ))
    } else {
        Health::Ready
    }
}

fn daemon_set(live: &Value) -> Health {
    let desired = int(live, "/status/desiredNumberScheduled").unwrap_or(0);
    let updated = int(live, "/status/updatedNumberScheduled").unwrap_or(0);
    let available = int(live, "/status/numberAvailable").unwrap_or(0);
    if text(live, "/spec/updateStrategy/type") == "OnDelete" {
        return Health::Ready;
    }
    if updated < desired {
        Health::Progressing(format!("{updated} of {desired} updated pods are scheduled"))
    } else if available < desired {
        Health::Progressing(format!(
            "{available} of {desired} updated pods are available"
        ))
    } else {
        Health::Ready
    }
}

fn job(live: &Value) -> Health {
    if let Some(failed) = condition(live, "Failed").filter(|c| is_true(c)) {
        return Health::Failed(format!(
            "the Job failed ({}): {}",
            text(failed, "/reason"),
            text(failed, "/message")
        ));
    }
    if condition(live, "Complete").is_some_and(is_true) {
        return Health::Ready;
    }
    let succeeded = int(live, "/status/succeeded").unwrap_or(0);
    let completions = int(live, "/spec/completions").unwrap_or(1);
    Health::Progressing(format!("{succeeded} of {completions} completions"))
}

fn pod(live: &Value) -> Health {
    match text(live, "/status/phase") {
        "Succeeded" => Health::Ready,
        "Failed" => Health::Failed(format!("the pod failed: {}", text(live, "/status/message"))),
        _ => condition_true(live, "Ready", "the pod is not ready"),
    }
}

/// kstatus's rule for kinds it has no special rule for: a `Ready` condition, when there
/// is one, decides; otherwise the object is there, and that is all there is to wait for.
fn generic(live: &Value) -> Health {
    match condition(live, "Ready") {
        Some(ready) if is_true(ready) => Health::Ready,
        Some(ready) => Health::Progressing(format!(
            "Ready is {} ({}): {}",
            text(ready, "/status"),
            text(ready, "/reason"),
            text(ready, "/message")
        )),
        None => Health::Ready,
    }
}

fn condition_true(live: &Value, kind: &str, waiting: &str) -> Health {
    match condition(live, kind) {
        Some(c) if is_true(c) => Health::Ready,
        Some(c) if !text(c, "/message").is_empty() => {
            Health::Progressing(format!("{waiting}: {}", text(c, "/message")))
        }
        _ => Health::Progressing(waiting.to_owned()),
    }
}

/// The status condition of `kind`, if the object reports one.
#[must_use]
pub fn condition<'a>(live: &'a Value, kind: &str) -> Option<&'a Value> {
    live.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| text(c, "/type") == kind)
}

fn is_true(condition: &Value) -> bool {
    text(condition, "/status") == "True"
}

pub(crate) fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn int(value: &Value, pointer: &str) -> Option<i64> {
    value.pointer(pointer).and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn deployment(spec_replicas: i64, generation: i64, status: Value) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "generation": generation},
            "spec": {"replicas": spec_replicas},
            "status": status,
        })
    }

    #[test]
    fn a_deployment_whose_controller_has_not_seen_the_apply_is_not_ready() {
        // The status is complete, but for generation 1: the apply returned 2.
        let live = deployment(
            3,
            2,
            json!({"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}),
        );
        assert_eq!(
            health(&live, 2),
            Health::Progressing("waiting for the controller to observe generation 2".into())
        );
    }

    #[test]
    fn the_generation_the_apply_returned_counts_even_when_the_live_one_is_older() {
        let live = deployment(
            1,
            1,
            json!({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1}),
        );
        assert_eq!(
            health(&live, 2),
            Health::Progressing("waiting for the controller to observe generation 2".into())
        );
    }

    #[test]
    fn a_deployment_moves_through_kubectls_steps() {
        let step = |status: Value| health(&deployment(3, 2, status), 2);
        assert_eq!(
            step(json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 1})),
            Health::Progressing("1 of 3 new replicas have been updated".into())
        );
        assert_eq!(
            step(json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 3})),
            Health::Progressing("1 old replicas are pending termination".into())
        );
        assert_eq!(
            step(
                json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 2})
            ),
            Health::Progressing("2 of 3 updated replicas are available".into())
        );
        assert_eq!(
            step(
                json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3})
            ),
            Health::Ready
        );
    }

    #[test]
    fn a_deployment_fails_fast_on_its_deadline_and_on_replica_failure() {
        let deadline = deployment(
            3,
            2,
            json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 1, "conditions": [
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                 "message": "ReplicaSet \"api-5d\" has timed out progressing."}]}),
        );
        assert_eq!(
            health(&deadline, 2),
            Health::Failed(
                "ProgressDeadlineExceeded: ReplicaSet \"api-5d\" has timed out progressing.".into()
            )
        );
        let quota = deployment(
            3,
            2,
            json!({"observedGeneration": 2, "conditions": [
                {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                 "message": "exceeded quota: pods"}]}),
        );
        assert_eq!(
            health(&quota, 2),
            Health::Failed("ReplicaFailure (FailedCreate): exceeded quota: pods".into())
        );
    }

    fn stateful_set(partition: Option<i64>, status: Value) -> Value {
        let mut live = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db", "generation": 3},
            "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate"}},
            "status": status,
        });
        if let Some(partition) = partition {
            live["spec"]["updateStrategy"]["rollingUpdate"] = json!({"partition": partition});
        }
        live
    }

    #[test]
    fn a_stateful_set_waits_for_every_pod_at_the_update_revision() {
        let rolling = stateful_set(
            None,
            json!({"observedGeneration": 3, "readyReplicas": 3, "updatedReplicas": 1,
                   "currentRevision": "db-1", "updateRevision": "db-2"}),
        );
        assert_eq!(
            health(&rolling, 3),
            Health::Progressing("1 of 3 pods are at revision db-2".into())
        );
        let done = stateful_set(
            None,
            json!({"observedGeneration": 3, "readyReplicas": 3, "updatedReplicas": 3,
                   "currentRevision": "db-2", "updateRevision": "db-2"}),
        );
        assert_eq!(health(&done, 3), Health::Ready);
    }

    #[test]
    fn a_partitioned_stateful_set_is_done_when_the_pods_above_the_partition_are() {
        // partition 2 of 3: only ordinal 2 moves; the revisions stay different.
        let moving = stateful_set(
            Some(2),
            json!({"observedGeneration": 3, "readyReplicas": 3, "updatedReplicas": 0,
                   "currentRevision": "db-1", "updateRevision": "db-2"}),
        );
        assert_eq!(
            health(&moving, 3),
            Health::Progressing("0 of 1 pods above partition 2 are updated".into())
        );
        let done = stateful_set(
            Some(2),
            json!({"observedGeneration": 3, "readyReplicas": 3, "updatedReplicas": 1,
                   "currentRevision": "db-1", "updateRevision": "db-2"}),
        );
        assert_eq!(health(&done, 3), Health::Ready);
        let not_ready = stateful_set(
            Some(2),
            json!({"observedGeneration": 3, "readyReplicas": 2, "updatedReplicas": 1}),
        );
        assert_eq!(
            health(&not_ready, 3),
            Health::Progressing("2 of 3 pods are ready".into())
        );
    }

    #[test]
    fn a_daemon_set_waits_for_updated_and_available_pods() {
        let live = |status: Value| {
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "agent", "generation": 1},
                   "spec": {"updateStrategy": {"type": "RollingUpdate"}}, "status": status})
        };
        assert_eq!(
            health(
                &live(
                    json!({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 2})
                ),
                1
            ),
            Health::Progressing("2 of 3 updated pods are scheduled".into())
        );
        assert_eq!(
            health(
                &live(json!({"observedGeneration": 1, "desiredNumberScheduled": 3,
                             "updatedNumberScheduled": 3, "numberAvailable": 1})),
                1
            ),
            Health::Progressing("1 of 3 updated pods are available".into())
        );
        assert_eq!(
            health(
                &live(json!({"observedGeneration": 1, "desiredNumberScheduled": 3,
                             "updatedNumberScheduled": 3, "numberAvailable": 3})),
                1
            ),
            Health::Ready
        );
    }

    #[test]
    fn a_job_is_ready_when_complete_and_failed_when_failed() {
        let job = |status: Value| {
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                   "spec": {}, "status": status})
        };
        assert_eq!(
            health(&job(json!({"active": 1})), 0),
            Health::Progressing("0 of 1 completions".into())
        );
        assert_eq!(
            health(
                &job(
                    json!({"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]})
                ),
                0
            ),
            Health::Ready
        );
        assert_eq!(
            health(
                &job(json!({"failed": 4, "conditions": [{"type": "Failed", "status": "True",
                    "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]})),
                0
            ),
            Health::Failed(
                "the Job failed (BackoffLimitExceeded): Job has reached the specified backoff limit"
                    .into()
            )
        );
    }

    #[test]
    fn crds_wait_for_established_and_other_kinds_for_a_ready_condition() {
        let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"}, "status": {"conditions": [
                {"type": "NamesAccepted", "status": "True"}]}});
        assert_eq!(
            health(&crd, 1),
            Health::Progressing("the CRD is not established yet".into())
        );
        let cluster = json!({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
            "metadata": {"name": "db"}, "status": {"conditions": [
                {"type": "Ready", "status": "False", "reason": "Creating", "message": "1 of 3 instances"}]}});
        assert_eq!(
            health(&cluster, 1),
            Health::Progressing("Ready is False (Creating): 1 of 3 instances".into())
        );
        let config =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flags"}});
        assert_eq!(health(&config, 0), Health::Ready);
    }
}
