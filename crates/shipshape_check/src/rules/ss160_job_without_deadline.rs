use shipshape_manifest::kinds;

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Jobs, and the job template of CronJobs, without `activeDeadlineSeconds`.
    ///
    /// ## Why it matters
    /// A run that hangs (a lock never released, a network call without a timeout, a
    /// pod stuck pulling its image) runs forever: it holds its resources, hides the
    /// failure from alerts that wait for the Job to fail, and under a CronJob with
    /// `concurrencyPolicy: Forbid` it blocks every later run. `backoffLimit` does not
    /// help; it counts failures, and a hang is not one.
    ///
    /// ## How to fix
    /// Set `activeDeadlineSeconds` to a few times the longest healthy run.
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
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: import
    ///           image: example/import:1.0.0
    /// ```
    pub struct JobWithoutDeadline {
        id: "SS160",
        name: "job-without-deadline",
        severity: Warning,
        theme: Reliability,
        summary: "Job has no activeDeadlineSeconds, so a hung run never ends",
    }
}

impl ObjectRule for JobWithoutDeadline {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let spec = if object.is(&kinds::JOB) {
            "/spec"
        } else if object.is(&kinds::CRON_JOB) {
            "/spec/jobTemplate/spec"
        } else {
            return;
        };
        let pointer = format!("{spec}/activeDeadlineSeconds");
        if object.get(&pointer).is_none() {
            out.report(
                object,
                pointer,
                "no activeDeadlineSeconds: a run that hangs is never stopped",
            );
        }
    }
}
