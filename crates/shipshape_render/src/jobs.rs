//! Jobs and CronJobs: `job` and `cron` components, tasks that run to completion.
//!
//! A run is the component's container in the component's pod, exactly as for the other
//! kinds (`workload::pod_template`): the restricted security profile, resources, env,
//! files and ServiceAccount, with no ports or probes. Its NetworkPolicy (rendered like
//! any component's) admits nothing in and lets out what `needs` and `egress` declare.
//!
//! A failed run is retried in a new pod (`restartPolicy: Never`) up to `backoff` times:
//! a retry may land on a healthy node, and each failed attempt keeps its pod and logs for
//! inspection, where `OnFailure` restarts the container in place and keeps only the last.
//!
//! A `job`'s name carries a hash of its pod template, like a migration's: a Job's
//! template cannot change, so a changed `job` becomes a new Job (a new run), and an
//! unchanged one keeps its name and is not run again. Nothing deletes a finished Job
//! unless `ttl` says so, since a deleted Job is created, and run, again by the next
//! apply of the same manifests.
//!
//! A `cron` is a CronJob named after the component: in UTC unless `time_zone` says
//! otherwise, never overlapping runs unless `concurrency` says otherwise.
//!
//! Every run has a deadline and every `cron` run a starting deadline, the spec's or the
//! defaults (`DEFAULT_RUN_DEADLINE`, `DEFAULT_STARTING_DEADLINE`): a run that hangs
//! would otherwise hold its pod, and the runs after it, forever.

use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::Provenance;
use shipshape_spec::{
    Component, ComponentKind, Concurrency, DEFAULT_BACKOFF, DEFAULT_RUN_DEADLINE,
    DEFAULT_STARTING_DEADLINE, DEFAULT_TIME_ZONE, Seconds, path,
};

use crate::context::{Ctx, component_key, component_path, record_defaults, record_written};
use crate::hooks::hashed_name;
use crate::workload;

/// Renders the Job of a `job` component or the CronJob of a `cron` component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let mut template_fields = Provenance::new();
    let template = pod_template(ctx, name, component, &mut template_fields);
    let mut job_fields = job_fields(name, component);
    job_fields.nest("/template", template_fields);
    match component.kind {
        ComponentKind::Job => render_job(ctx, name, component, template, job_fields),
        ComponentKind::Cron => render_cron(ctx, name, component, template, job_fields),
        ComponentKind::Service | ComponentKind::Worker | ComponentKind::Stateful => {}
    }
}

fn render_job(
    ctx: &mut Ctx<'_>,
    name: &str,
    component: &Component,
    template: PodTemplateSpec,
    job_fields: Provenance,
) {
    let job = Job {
        metadata: ctx.metadata(&hashed_name(name, &template), Some(name)),
        spec: Some(job_spec(component, template)),
        status: None,
    };
    let mut fields = Provenance::new();
    fields.nest("/spec", job_fields);
    ctx.emit(&job, component_path(name), fields);
}

fn render_cron(
    ctx: &mut Ctx<'_>,
    name: &str,
    component: &Component,
    template: PodTemplateSpec,
    job_fields: Provenance,
) {
    // Validation makes `schedule` required for a `cron`; without it there is nothing to run.
    let Some(schedule) = &component.schedule else {
        return;
    };
    let mut fields = Provenance::new();
    let key = |rest| component_key(name, rest);
    fields.record("/spec/schedule", key(path!["schedule"]));
    let optional = [
        ("/spec/timeZone", "time_zone", component.time_zone.is_some()),
        (
            "/spec/concurrencyPolicy",
            "concurrency",
            component.concurrency.is_some(),
        ),
        (
            "/spec/successfulJobsHistoryLimit",
            "history",
            component.history.is_some(),
        ),
        (
            "/spec/failedJobsHistoryLimit",
            "history",
            component.history.is_some(),
        ),
        (
            "/spec/startingDeadlineSeconds",
            "starting_deadline",
            component.starting_deadline.is_some(),
        ),
    ];
    record_written(&mut fields, key, &optional);
    let defaults = [
        (
            "/spec/timeZone",
            "time_zone",
            component.time_zone.is_none(),
            format!("{DEFAULT_TIME_ZONE}, the same time in every cluster"),
        ),
        (
            "/spec/concurrencyPolicy",
            "concurrency",
            component.concurrency.is_none(),
            format!(
                "{}: a run does not start while the last one runs",
                Concurrency::default().as_str()
            ),
        ),
        (
            "/spec/startingDeadlineSeconds",
            "starting_deadline",
            component.starting_deadline.is_none(),
            format!("{DEFAULT_STARTING_DEADLINE}s, after which a missed run is skipped"),
        ),
    ];
    record_defaults(&mut fields, key, &defaults);
    fields.nest("/spec/jobTemplate/spec", job_fields);
    let history = component.history.unwrap_or_default();
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let cron = CronJob {
        metadata: ctx.metadata(name, Some(name)),
        spec: Some(CronJobSpec {
            schedule: schedule.as_str().to_owned(),
            time_zone: Some(
                component
                    .time_zone
                    .as_ref()
                    .map_or(DEFAULT_TIME_ZONE, |z| z.as_str())
                    .to_owned(),
            ),
            concurrency_policy: Some(
                component
                    .concurrency
                    .unwrap_or_default()
                    .as_str()
                    .to_owned(),
            ),
            successful_jobs_history_limit: Some(count(history.succeeded)),
            failed_jobs_history_limit: Some(count(history.failed)),
            starting_deadline_seconds: Some(i64::from(
                component
                    .starting_deadline
                    .map_or(DEFAULT_STARTING_DEADLINE, Seconds::get),
            )),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(ctx.labels(Some(name))),
                    ..ObjectMeta::default()
                }),
                spec: Some(job_spec(component, template)),
            },
            suspend: None,
        }),
        status: None,
    };
    ctx.emit(&cron, component_path(name), fields);
}

/// The spec keys behind a run's retries, deadline and lifetime (pointers from the
/// Job's spec).
fn job_fields(name: &str, component: &Component) -> Provenance {
    let mut fields = Provenance::new();
    let optional = [
        ("/backoffLimit", "backoff", component.backoff.is_some()),
        (
            "/activeDeadlineSeconds",
            "deadline",
            component.deadline.is_some(),
        ),
        ("/ttlSecondsAfterFinished", "ttl", component.ttl.is_some()),
    ];
    record_written(&mut fields, |k| component_key(name, k), &optional);
    let defaults = [
        (
            "/backoffLimit",
            "backoff",
            component.backoff.is_none(),
            format!("{DEFAULT_BACKOFF} retries"),
        ),
        (
            "/activeDeadlineSeconds",
            "deadline",
            component.deadline.is_none(),
            format!("{DEFAULT_RUN_DEADLINE}s, after which a run is stopped and failed"),
        ),
    ];
    record_defaults(&mut fields, |k| component_key(name, k), &defaults);
    fields
}

/// What a run is and how it is retried, stopped and kept.
fn job_spec(component: &Component, template: PodTemplateSpec) -> JobSpec {
    JobSpec {
        backoff_limit: Some(
            i32::try_from(component.backoff.unwrap_or(DEFAULT_BACKOFF)).unwrap_or(i32::MAX),
        ),
        active_deadline_seconds: Some(i64::from(
            component
                .deadline
                .map_or(DEFAULT_RUN_DEADLINE, Seconds::get),
        )),
        ttl_seconds_after_finished: component.ttl.map(|s| workload::seconds(Some(s), 0)),
        template,
        ..JobSpec::default()
    }
}

/// The component's pod, never restarted in place.
fn pod_template(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    fields: &mut Provenance,
) -> PodTemplateSpec {
    let mut template = workload::pod_template(ctx, name, component, fields);
    if let Some(spec) = template.spec.as_mut() {
        spec.restart_policy = Some("Never".to_owned());
    }
    template
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::test_support::{find, object, of_kind, render};

    const GOVERSE: &str = include_str!("../tests/fixtures/goverse.yaml");

    /// A minimal `cron` with `extra` lines.
    fn nightly(extra: &str) -> String {
        format!(
            "name: shop
components:
  nightly:
    kind: cron
    image: registry.example.com/shop/nightly:1.0.0
    schedule: \"@daily\"
{extra}"
        )
    }

    fn job_name(yaml: &str) -> String {
        let jobs = of_kind(yaml, "Job");
        assert_eq!(jobs.len(), 1);
        jobs[0].name().to_owned()
    }

    #[test]
    fn a_cron_with_a_time_zone_and_history() {
        assert_snapshot!(object(GOVERSE, "CronJob", "backup"));
    }

    #[test]
    fn a_job_runs_the_component_once() {
        let name = job_name(GOVERSE);
        assert!(name.starts_with("seed-"), "{name}");
        assert_snapshot!(object(GOVERSE, "Job", &name));
    }

    #[test]
    fn a_job_is_renamed_only_when_what_it_runs_changes() {
        let name = job_name(GOVERSE);
        assert_eq!(name, job_name(GOVERSE), "two renders, one name");
        let changed = GOVERSE.replace("goverse/seed:1.2.0", "goverse/seed:1.2.1");
        assert_ne!(name, job_name(&changed));
        // Retries and the deadline may change on the Job in place.
        let retried = GOVERSE.replace("backoff: 4", "backoff: 1");
        assert_eq!(name, job_name(&retried));
    }

    #[test]
    fn runs_get_a_policy_and_an_account_but_no_service_budget_or_autoscaler() {
        let objects = render(GOVERSE);
        // The Job is named `seed-<hash>`; everything else is named after its component.
        for (run, expected) in [
            (
                "backup",
                &["NetworkPolicy", "ServiceAccount", "CronJob"][..],
            ),
            ("seed", &["NetworkPolicy", "ServiceAccount"][..]),
        ] {
            let kinds: Vec<&str> = objects
                .iter()
                .filter(|m| m.name() == run)
                .map(|m| m.kind())
                .collect();
            assert_eq!(kinds, expected, "{run}");
            let policy = find(GOVERSE, "NetworkPolicy", run);
            assert_eq!(policy["spec"]["ingress"], serde_json::json!([]));
            assert_eq!(policy["spec"]["egress"][1]["ports"][0]["port"], 50051);
        }
    }

    #[test]
    fn by_default_a_cron_runs_in_utc_one_run_at_a_time() {
        let spec = &find(&nightly(""), "CronJob", "nightly")["spec"];
        assert_eq!(spec["timeZone"], "Etc/UTC");
        assert_eq!(spec["concurrencyPolicy"], "Forbid");
        assert_eq!(spec["successfulJobsHistoryLimit"], 3);
        assert_eq!(spec["failedJobsHistoryLimit"], 1);
        assert_eq!(spec["startingDeadlineSeconds"], 600);
        let job = &spec["jobTemplate"]["spec"];
        assert_eq!(job["backoffLimit"], 2);
        assert_eq!(job["activeDeadlineSeconds"], 3600);
        assert!(job.get("ttlSecondsAfterFinished").is_none());
        assert_eq!(job["template"]["spec"]["restartPolicy"], "Never");
        let replace = find(
            &nightly("    concurrency: replace\n    ttl: 1h\n"),
            "CronJob",
            "nightly",
        );
        assert_eq!(replace["spec"]["concurrencyPolicy"], "Replace");
        assert_eq!(
            replace["spec"]["jobTemplate"]["spec"]["ttlSecondsAfterFinished"],
            3600
        );
    }

    /// A run that hangs is stopped, and a late run is skipped, whether or not the spec
    /// says when: SS160 and SS162 would report a CronJob or Job without them.
    #[test]
    fn every_run_has_a_deadline_the_spec_may_set() {
        let once = "name: shop\ncomponents:\n  seed: { kind: job, image: registry.example.com/shop/seed:1.0.0 }\n";
        let job = &of_kind(once, "Job")[0].value["spec"];
        assert_eq!(job["activeDeadlineSeconds"], 3600);
        let set = find(
            &nightly("    deadline: 20m\n    starting_deadline: 2m\n"),
            "CronJob",
            "nightly",
        );
        assert_eq!(set["spec"]["startingDeadlineSeconds"], 120);
        assert_eq!(
            set["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"],
            1200
        );
    }
}
