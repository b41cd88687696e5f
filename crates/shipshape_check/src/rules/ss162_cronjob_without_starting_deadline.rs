use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// CronJobs without `startingDeadlineSeconds`.
    ///
    /// ## Why it matters
    /// When a scheduled time is missed (the controller was down, the CronJob suspended,
    /// the cluster upgraded), the controller still starts the run when it catches up,
    /// however late: the nightly job runs at noon, next to the traffic it was scheduled
    /// to avoid. After more than 100 missed times it only logs a warning about clock
    /// skew.
    ///
    /// ## How to fix
    /// Set `startingDeadlineSeconds` to how late a run may still be useful, such as
    /// 300; later runs are skipped and counted as missed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: nightly
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: nightly
    ///               image: example/nightly:1.0.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: nightly
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   startingDeadlineSeconds: 600
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: nightly
    ///               image: example/nightly:1.0.0
    /// ```
    pub struct CronJobWithoutStartingDeadline {
        id: "SS162",
        name: "cronjob-without-starting-deadline",
        severity: Info,
        theme: Reliability,
        summary: "CronJob starts missed runs however late they are",
    }
}

impl ObjectRule for CronJobWithoutStartingDeadline {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if object.is(&kinds::CRON_JOB) && object.get("/spec/startingDeadlineSeconds").is_none() {
            out.report(
                object,
                "/spec/startingDeadlineSeconds",
                "no startingDeadlineSeconds: a missed run starts whenever the controller catches up",
            );
        }
    }
}
