use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// CronJobs whose `concurrencyPolicy` is `Allow`, the default.
    ///
    /// ## Why it matters
    /// When a run outlasts the interval (a slow database, a bigger batch), the next run
    /// starts beside it. Two runs then process the same data twice, fight over locks,
    /// or pile up until the namespace's quota or the database's connections run out.
    ///
    /// ## How to fix
    /// Set `concurrencyPolicy: Forbid` (skip a run while one is active) or `Replace`
    /// (stop the old run). Keep `Allow` only for runs that are safe in parallel, and
    /// say so in a suppression.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    /// spec:
    ///   schedule: "*/15 * * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: report
    ///               image: example/report:1.0.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    /// spec:
    ///   schedule: "*/15 * * * *"
    ///   concurrencyPolicy: Forbid
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: report
    ///               image: example/report:1.0.0
    /// ```
    pub struct CronJobConcurrentRuns {
        id: "SS161",
        name: "cronjob-concurrent-runs",
        severity: Info,
        theme: Reliability,
        summary: "CronJob starts a new run while the last one still runs",
    }
}

impl ObjectRule for CronJobConcurrentRuns {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !object.is(&kinds::CRON_JOB) {
            return;
        }
        let policy = object.str_at("/spec/concurrencyPolicy");
        if policy.is_none_or(|p| p == "Allow") {
            let how = if policy.is_some() {
                "Allow"
            } else {
                "the default Allow"
            };
            out.report(
                object,
                "/spec/concurrencyPolicy",
                format!("concurrencyPolicy is {how}: a slow run overlaps the next one"),
            );
        }
    }
}
