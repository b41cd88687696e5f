use shipshape_grammar::Schedule;

use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// CronJob schedules the API server refuses: anything but five fields (minute,
    /// hour, day of month, month, day of week) of numbers, names (`JAN`, `MON`),
    /// ranges, lists, steps, `*` and `?` within each field's bounds, or a descriptor
    /// (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`, `@every 90m`). A `TZ=` or
    /// `CRON_TZ=` prefix is refused too.
    ///
    /// ## Why it matters
    /// The apply fails, often halfway through a release, and cron mistakes (six
    /// fields copied from Quartz or Spring, `0-24` hours, weekday `7`) are easy to make
    /// and hard to see in review.
    ///
    /// ## How to fix
    /// Write five standard cron fields; put the time zone in `spec.timeZone`
    /// (`Europe/Berlin`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: nightly
    /// spec:
    ///   schedule: "CRON_TZ=Europe/Berlin 0 0 3 * * ?"
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
    ///   timeZone: Europe/Berlin
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: nightly
    ///               image: example/nightly:1.0.0
    /// ```
    pub struct CronJobScheduleInvalid {
        id: "SS164",
        name: "cronjob-schedule-invalid",
        severity: Error,
        theme: Correctness,
        summary: "CronJob schedule is not a cron expression the API server accepts",
    }
}

impl ObjectRule for CronJobScheduleInvalid {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !object.is(&kinds::CRON_JOB) {
            return;
        }
        let Some(schedule) = object.str_at("/spec/schedule") else {
            return;
        };
        if let Err(problem) = Schedule::parse(schedule) {
            out.report(
                object,
                "/spec/schedule",
                format!("schedule `{schedule}` is refused: {problem}"),
            );
        }
    }
}
