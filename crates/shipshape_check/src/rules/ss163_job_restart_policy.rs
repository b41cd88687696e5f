use shipshape_manifest::kinds;

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Jobs and CronJobs whose pods' `restartPolicy` is not `Never` or `OnFailure`,
    /// including ones that leave it unset.
    ///
    /// ## Why it matters
    /// A pod template's `restartPolicy` defaults to `Always`, which the API server
    /// refuses for a Job: the apply fails, often halfway through a release.
    ///
    /// ## How to fix
    /// Set `restartPolicy: Never` (a failed pod is replaced, and `backoffLimit` counts
    /// the failures) or `OnFailure` (the container restarts in the same pod).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: import
    /// spec:
    ///   template:
    ///     spec:
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
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: import
    ///           image: example/import:1.0.0
    /// ```
    pub struct JobRestartPolicy {
        id: "SS163",
        name: "job-restart-policy",
        severity: Error,
        theme: Correctness,
        summary: "Job pods restart Always, which the API server refuses",
    }
}

impl ObjectRule for JobRestartPolicy {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !object.is(&kinds::JOB) && !object.is(&kinds::CRON_JOB) {
            return;
        }
        let Some(pod) = object.pod_template() else {
            return;
        };
        let policy = pod.spec["restartPolicy"].as_str();
        if !matches!(policy, Some("Never" | "OnFailure")) {
            let shown = policy.map_or("unset (so Always)".to_owned(), |p| format!("`{p}`"));
            out.report(
                object,
                pod.spec_pointer("/restartPolicy"),
                format!(
                    "restartPolicy {shown} is refused by the API server for Jobs: use Never or OnFailure"
                ),
            );
        }
    }
}
