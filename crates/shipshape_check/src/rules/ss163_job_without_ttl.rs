use serde_json::Value;

use crate::templates::is_kind;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Jobs (not the ones a CronJob creates) without `ttlSecondsAfterFinished`, unless
    /// a Helm or Argo CD hook deletion policy removes them.
    ///
    /// ## Why it matters
    /// A finished Job and its pods stay until someone deletes them: they clutter
    /// `kubectl get`, keep their logs on the nodes, count against object quotas, and a
    /// Job with the same name cannot be applied again (its template is immutable).
    ///
    /// ## How to fix
    /// Set `ttlSecondsAfterFinished` (a day, say, to keep logs for debugging). Under
    /// Argo CD or Flux, make the Job a hook with a deletion policy instead, or the tool
    /// re-creates it after the TTL deletes it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: import
    /// spec:
    ///   activeDeadlineSeconds: 1800
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: import
    ///           image: example/import:1.0.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: import
    /// spec:
    ///   activeDeadlineSeconds: 1800
    ///   ttlSecondsAfterFinished: 86400
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: import
    ///           image: example/import:1.0.0
    /// ```
    pub struct JobWithoutTtl {
        id: "SS163",
        name: "job-without-ttl",
        severity: Info,
        theme: Reliability,
        summary: "finished Job and its pods are never cleaned up",
    }
}

/// Annotations with which Helm and Argo CD delete a hook Job themselves.
const HOOK_DELETION: [&str; 2] = [
    "helm.sh/hook-delete-policy",
    "argocd.argoproj.io/hook-delete-policy",
];

impl ObjectRule for JobWithoutTtl {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !is_kind(object, "batch", "Job") || object.get("/spec/ttlSecondsAfterFinished").is_some()
        {
            return;
        }
        let annotations = object
            .get("/metadata/annotations")
            .and_then(Value::as_object);
        let deleted_by_hook =
            annotations.is_some_and(|a| HOOK_DELETION.iter().any(|k| a.contains_key(*k)));
        if !deleted_by_hook {
            out.report(
                object,
                "/spec/ttlSecondsAfterFinished",
                "no ttlSecondsAfterFinished: the finished Job and its pods stay until deleted by hand",
            );
        }
    }
}
