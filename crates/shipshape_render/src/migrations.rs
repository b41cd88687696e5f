//! Jobs that run a component's schema migrations before each rollout, as the hooks of
//! `hooks` describe them.
//!
//! A migration Job runs the app's own container (image, env, files, security, resources)
//! with the migration command, in the app's pod spec (service account, volumes). Its name
//! carries a hash of its pod template, so an unchanged migration keeps its name and is not
//! run again by GitOps tools that apply Jobs as plain objects, and a changed one gets a
//! new Job instead of hitting the immutable `spec.template` of the old one.
//!
//! Hooks run before a chart's ordinary objects exist. The Job's own NetworkPolicy is a
//! hook for that reason; the objects it shares with the app (ServiceAccount, ConfigMaps)
//! are not, since hooks leave the release. So on the very first `helm install` or Argo CD
//! sync the Job cannot start until they exist: an export for those tools has to create
//! them first (upgrades are unaffected).

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, DEFAULT_BACKOFF, Migrations, path};

use crate::context::{Ctx, component_key};
use crate::hooks::{
    Hook, MIGRATION_ROLE, hashed_name, job_labels, job_network_policy, migration_name,
};
use crate::{network_policy, pod};

/// Seconds a migration may run unless the spec says otherwise.
const DEFAULT_DEADLINE: u32 = 600;
/// A finished migration Job stays a day, so its logs can be read after a failed rollout.
const MIGRATION_TTL: i32 = 86_400;

/// The migration hook: after the secret generator, before the rollout. The Job is kept
/// after success so its logs can be read; the next run replaces it.
const MIGRATION_HOOK: Hook = Hook {
    weight: 0,
    delete_on_success: false,
};

/// The name of a migration Job: [`migration_name`] and a hash of its pod template.
pub fn job_name(component: &str, template: &PodTemplateSpec) -> String {
    hashed_name(&migration_name(component), template)
}

/// Renders the migration Job of a component that declares a migration command, and the
/// NetworkPolicy of its pods.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let Some(migrations) = component.migrations.as_ref() else {
        return;
    };
    let Some(command) = migrations.command.clone() else {
        return;
    };
    let labels = job_labels(
        ctx.labels(Some(name)),
        &migration_name(name),
        MIGRATION_ROLE,
    );
    let mut fields = Provenance::new();
    let mut template_fields = Provenance::new();
    let template = pod_template(
        ctx,
        name,
        component,
        migrations,
        command,
        &mut template_fields,
    );
    fields.nest("/spec/template", template_fields);
    let key = |rest| component_key(name, rest);
    if migrations.backoff.is_some() {
        fields.record("/spec/backoffLimit", key(path!["migrations", "backoff"]));
    }
    if migrations.deadline.is_some() {
        let deadline = key(path!["migrations", "deadline"]);
        fields.record("/spec/activeDeadlineSeconds", deadline);
    }
    let seconds = |s: Option<shipshape_spec::Seconds>, default: u32| {
        i64::from(s.map_or(default, shipshape_spec::Seconds::get))
    };
    let job = Job {
        metadata: ObjectMeta {
            labels: Some(labels.clone()),
            annotations: Some(MIGRATION_HOOK.annotations()),
            ..ctx.metadata(&job_name(name, &template), None)
        },
        spec: Some(JobSpec {
            backoff_limit: Some(
                i32::try_from(migrations.backoff.unwrap_or(DEFAULT_BACKOFF)).unwrap_or(i32::MAX),
            ),
            active_deadline_seconds: Some(seconds(migrations.deadline, DEFAULT_DEADLINE)),
            ttl_seconds_after_finished: Some(MIGRATION_TTL),
            template,
            ..JobSpec::default()
        }),
        status: None,
    };
    // Where the app may connect, its migration may too. The component's own policy does
    // not cover these pods: it selects by the name label they do not carry.
    let (egress, egress_fields) =
        network_policy::egress_rules(ctx, name, component, network_policy::Pods::Migration);
    let policy = job_network_policy(
        ctx,
        &migration_name(name),
        &labels,
        egress,
        MIGRATION_HOOK.before(),
    );
    let mut policy_fields = Provenance::new();
    policy_fields.nest("/spec/egress", egress_fields);
    let path = component_key(name, path!["migrations"]);
    ctx.emit(&policy, path.clone(), policy_fields);
    ctx.emit(&job, path, fields);
}

/// The app's pod with the migration command: same container and pod spec, never
/// restarted in place (the Job retries with new pods), labelled as a migration.
fn pod_template(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    migrations: &Migrations,
    command: Vec<String>,
    fields: &mut Provenance,
) -> PodTemplateSpec {
    let mut container_fields = Provenance::new();
    let base = pod::base_container(ctx, name, component, &mut container_fields);
    let key = |rest| component_key(name, rest);
    container_fields.record("/command", key(path!["migrations", "command"]));
    match migrations.args {
        Some(_) => container_fields.record("/args", key(path!["migrations", "args"])),
        None => container_fields.forget("/args"),
    }
    let container = Container {
        name: "migrate".to_owned(),
        command: Some(command),
        args: migrations.args.clone(),
        ..base
    };
    let mut spec_fields = Provenance::new();
    let mut spec = pod::pod_spec(ctx, name, component, vec![container], &mut spec_fields);
    spec_fields.nest("/containers/0", container_fields);
    spec.restart_policy = Some("Never".to_owned());
    // The same checksums as the app's pods, so the Job's name (a hash of this template)
    // changes when the config or secrets it reads change.
    pod::label_fields(name, fields);
    let annotations = pod::annotations(ctx, name, component, fields);
    fields.nest("/spec", spec_fields);
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(job_labels(
                ctx.pod_labels(name, component),
                &migration_name(name),
                MIGRATION_ROLE,
            )),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(spec),
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{find, of_kind, render};

    /// An API that migrates its database before each rollout and calls a search service.
    const SHOP: &str = "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    ports: { http: 8080 }
    env:
      MODE: production
    needs:
      db: { url: DATABASE_URL }
      search:
    migrations:
      command: [/app/api, migrate]
      args: [--to, latest]
      backoff: 1
  search:
    kind: service
    image: example/search:2.1.0
    ports: { http: 9200 }
services:
  db:
    type: postgres
    host: db.example.internal
    database: shop
    cidr: 10.20.0.0/16
    credentials: { secret: db-credentials }
secrets:
  db-credentials:
    existing: { name: shop-db }
";

    fn job_name(yaml: &str) -> String {
        let jobs = of_kind(yaml, "Job");
        assert_eq!(jobs.len(), 1);
        jobs[0].name().to_owned()
    }

    #[test]
    fn a_migration_runs_the_app_container_in_a_hooked_job() {
        let objects: Vec<String> = render(SHOP)
            .iter()
            .filter(|m| m.name().starts_with("api-migrate"))
            .map(|m| shipshape_manifest::to_yaml(&m.value))
            .collect();
        insta::assert_snapshot!(objects.join("---\n"));
    }

    #[test]
    fn the_job_name_changes_only_with_what_the_job_runs() {
        let name = job_name(SHOP);
        assert_eq!(name, job_name(SHOP), "two renders, one name");
        assert!(name.starts_with("api-migrate-"), "{name}");
        for changed in [
            SHOP.replace("[/app/api, migrate]", "[/app/api, migrate, --verbose]"),
            SHOP.replace("[--to, latest]", "[--to, \"42\"]"),
            SHOP.replace("example/api:1.0.0", "example/api:1.0.1"),
            SHOP.replace("MODE: production", "MODE: staging"),
        ] {
            assert_ne!(name, job_name(&changed), "{changed}");
        }
        // Retries and deadline are not part of the pod, so they keep the Job.
        assert_eq!(name, job_name(&SHOP.replace("backoff: 1", "backoff: 5")));
    }

    #[test]
    fn migration_pods_are_not_selected_by_the_component() {
        let job = &of_kind(SHOP, "Job")[0].value;
        let labels = job["spec"]["template"]["metadata"]["labels"]
            .as_object()
            .expect("pod labels");
        let selects = |selector: &serde_json::Value| {
            selector
                .as_object()
                .expect("a selector")
                .iter()
                .all(|(k, v)| labels.get(k) == Some(v))
        };
        let service = find(SHOP, "Service", "api");
        let budget = find(SHOP, "PodDisruptionBudget", "api");
        let app_policy = find(SHOP, "NetworkPolicy", "api");
        assert!(!selects(&service["spec"]["selector"]));
        assert!(!selects(&budget["spec"]["selector"]["matchLabels"]));
        assert!(!selects(&app_policy["spec"]["podSelector"]["matchLabels"]));
        let policy = find(SHOP, "NetworkPolicy", "api-migrate");
        assert!(selects(&policy["spec"]["podSelector"]["matchLabels"]));
        // The migration reaches what the app reaches.
        assert_eq!(policy["spec"]["egress"], app_policy["spec"]["egress"]);
    }

    #[test]
    fn no_job_without_a_migration_command() {
        let on_start = SHOP.replace(
            "      command: [/app/api, migrate]\n      args: [--to, latest]\n      backoff: 1\n",
            "      on_start: true\n",
        );
        let objects = render(&on_start);
        assert!(objects.iter().all(|m| m.kind() != "Job"));
        assert!(objects.iter().all(|m| !m.name().starts_with("api-migrate")));
    }
}
