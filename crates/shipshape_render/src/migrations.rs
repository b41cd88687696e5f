//! Jobs that run a component's schema migrations, and the waits that order them: after
//! the database they need serves, before any pod of the component's new revision starts.
//!
//! A migration Job runs the app's own container (image, env, files, security, resources)
//! with the migration command, in the app's pod spec (service account, volumes). Its name
//! carries a hash of its pod template, so an unchanged migration keeps its name and is not
//! run again, and a changed one gets a new Job instead of hitting the immutable
//! `spec.template` of the old one.
//!
//! The Job is an ordinary object, not a Helm or Argo CD hook: a pre-install hook runs
//! before the database the same output creates exists, and no tool orders a plain
//! `kubectl apply -f DIR`. The order is kept in the pods instead (`wait`): the Job's pod
//! first waits until each in-cluster database it needs is ready, and every pod of the
//! component first waits until the Job named after its own revision has completed. A Role
//! lets the component's ServiceAccount `get` exactly those objects. The Job is kept (no
//! TTL) while it is in the output, since a pod that starts later asks for it, and GitOps
//! tools would otherwise create it again. docs/migrations.md explains each way of
//! applying the output.

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::api::rbac::v1::Role;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{Component, DEFAULT_BACKOFF, Migrations, path};

use crate::context::{Ctx, component_key};
use crate::hooks::{MIGRATION_ROLE, hashed_name, job_labels, job_network_policy, migration_name};
use crate::wait::{self, Target};
use crate::wiring::{self, Dependency};
use crate::{backing, network_policy, pod, rbac};

/// Seconds a migration may run, its wait for the database included, unless the spec
/// says otherwise.
const DEFAULT_DEADLINE: u32 = 600;

/// The init container of a migration's pod that waits for its databases.
const DATABASE_WAIT: &str = "wait-for-database";

/// The init container of a component's pods that waits for their migration.
const MIGRATION_WAIT: &str = "wait-for-migration";

/// The migration Job of a component, when it declares a migration command: what the
/// component's pods wait for. The Job's name follows its pod template, which
/// [`render`] builds the same way.
pub fn gate(ctx: &Ctx<'_>, name: &str, component: &Component) -> Option<Target> {
    let (migrations, command) = command(component)?;
    let template = pod_template(
        ctx,
        name,
        component,
        migrations,
        command,
        &mut Provenance::new(),
    );
    Some(Target::job(hashed_name(&migration_name(name), &template)))
}

/// Adds to the pod `spec` of the component `name` the wait for its migration, first of
/// its init containers, and its API token; records the wait in `fields` (pointers from
/// the pod spec) and returns the annotation that names what the pods wait for.
pub fn wait_for_migration(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    spec: &mut PodSpec,
    fields: &mut Provenance,
) -> Option<(String, String)> {
    let target = gate(ctx, name, component)?;
    let targets = [target];
    let container = wait::container(
        ctx,
        MIGRATION_WAIT,
        &targets,
        pod::run_as_user(ctx, component),
    );
    add_wait(spec, container);
    fields.record(
        "/initContainers/0",
        component_key(name, path!["migrations", "command"]),
    );
    Some(wait::annotation(&targets))
}

/// Puts `container` first among the init containers of `spec`, and gives the pod an API
/// token if it has none.
fn add_wait(spec: &mut PodSpec, container: Container) {
    spec.init_containers
        .get_or_insert_with(Vec::new)
        .insert(0, container);
    let volumes = spec.volumes.get_or_insert_with(Vec::new);
    let token = rbac::token_volume(rbac::APP_TOKEN_SECONDS);
    if !volumes.iter().any(|v| v.name == token.name) {
        volumes.push(token);
    }
}

/// The migration settings and command of a component that has a migration Job.
fn command(component: &Component) -> Option<(&Migrations, Vec<String>)> {
    let migrations = component.migrations.as_ref()?;
    Some((migrations, migrations.command.clone()?))
}

/// The in-cluster databases (every backing service the component needs that runs in the
/// cluster) the migration waits for, in the order of `needs`.
fn databases(ctx: &Ctx<'_>, component: &Component) -> Vec<Target> {
    wiring::dependencies(ctx, component)
        .into_iter()
        .filter_map(|dependency| match dependency {
            Dependency::Service { name, spec } => backing::server(ctx, name, spec),
            // A component may itself wait for a migration: waiting for it could close a
            // circle (docs/migrations.md).
            Dependency::Component { .. } => None,
        })
        .collect()
}

/// Renders the migration Job of a component that declares a migration command, the
/// NetworkPolicy of its pods, and the Role and RoleBinding that let the waits read the
/// Job and the databases.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let Some((migrations, command)) = command(component) else {
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
    let backoff = key(path!["migrations", "backoff"]);
    if migrations.backoff.is_some() {
        fields.record("/spec/backoffLimit", backoff);
    } else {
        let retries = format!("{DEFAULT_BACKOFF} retries");
        fields.record_default("/spec/backoffLimit", backoff, retries);
    }
    let deadline = key(path!["migrations", "deadline"]);
    if migrations.deadline.is_some() {
        fields.record("/spec/activeDeadlineSeconds", deadline);
    } else {
        fields.record_default(
            "/spec/activeDeadlineSeconds",
            deadline,
            format!("{DEFAULT_DEADLINE}s, after which the migration is stopped and failed"),
        );
    }
    let seconds = |s: Option<shipshape_spec::Seconds>, default: u32| {
        i64::from(s.map_or(default, shipshape_spec::Seconds::get))
    };
    let job_name = hashed_name(&migration_name(name), &template);
    let job = Job {
        metadata: ObjectMeta {
            labels: Some(labels.clone()),
            ..ctx.metadata(&job_name, None)
        },
        spec: Some(JobSpec {
            backoff_limit: Some(
                i32::try_from(migrations.backoff.unwrap_or(DEFAULT_BACKOFF)).unwrap_or(i32::MAX),
            ),
            active_deadline_seconds: Some(seconds(migrations.deadline, DEFAULT_DEADLINE)),
            template,
            ..JobSpec::default()
        }),
        status: None,
    };
    // Where the app may connect, its migration may too, and to the API when it waits for
    // a database. The component's own policy does not cover these pods: it selects by
    // the name label they do not carry.
    let databases = databases(ctx, component);
    let wait = (!databases.is_empty()).then(|| path!["needs"]);
    let (egress, egress_fields) =
        network_policy::egress_rules(ctx, name, component, network_policy::Pods::Migration, wait);
    let policy = job_network_policy(ctx, &migration_name(name), &labels, egress, None);
    let mut policy_fields = Provenance::new();
    policy_fields.nest("/spec/egress", egress_fields);
    let mut readable = vec![Target::job(job_name)];
    readable.extend(databases);
    let role = Role {
        metadata: ctx.metadata(&migration_name(name), Some(name)),
        rules: Some(wait::role_rules(&readable)),
    };
    let binding = rbac::binding(
        ctx,
        ctx.metadata(&migration_name(name), Some(name)),
        &migration_name(name),
        name,
    );
    let path = component_key(name, path!["migrations"]);
    ctx.emit(&policy, path.clone(), policy_fields);
    ctx.emit(&role, path.clone(), Provenance::new());
    ctx.emit(&binding, path.clone(), Provenance::new());
    ctx.emit(&job, path, fields);
}

/// The app's pod with the migration command: same container and pod spec, never
/// restarted in place (the Job retries with new pods), labelled as a migration, held
/// until its in-cluster databases are ready.
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
    let mut annotations = pod::annotations(ctx, name, component, fields);
    let databases = databases(ctx, component);
    if !databases.is_empty() {
        let uid = pod::run_as_user(ctx, component);
        add_wait(
            &mut spec,
            wait::container(ctx, DATABASE_WAIT, &databases, uid),
        );
        spec_fields.record("/initContainers/0", key(path!["needs"]));
        let (annotation, value) = wait::annotation(&databases);
        fields.record(
            &format!("/metadata/annotations/{}", pointer_token(&annotation)),
            key(path!["needs"]),
        );
        annotations.insert(annotation, value);
    }
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

    /// The names of the init containers of the pod template of `object`.
    fn init_containers(object: &serde_json::Value) -> Vec<String> {
        object["spec"]["template"]["spec"]["initContainers"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|c| c["name"].as_str().expect("a name").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_migration_runs_the_app_container_in_an_ordinary_job() {
        let objects: Vec<String> = render(SHOP)
            .iter()
            .filter(|m| m.name().starts_with("api-migrate"))
            .map(|m| format!("# {}\n{}", m.kind(), shipshape_manifest::to_yaml(&m.value)))
            .collect();
        insta::assert_snapshot!(objects.join("---\n"));
    }

    #[test]
    fn the_job_is_no_hook_and_is_kept_while_it_is_in_the_output() {
        let name = job_name(SHOP);
        let job = find(SHOP, "Job", &name);
        // Hooks would run it before a database the same output creates, and a deleted
        // Job would leave later pods waiting (or be created again by a GitOps tool).
        let annotations = job["metadata"]["annotations"]
            .as_object()
            .expect("annotations");
        assert_eq!(
            annotations.keys().collect::<Vec<_>>(),
            ["shipshape.dev/external-secrets"]
        );
        assert_eq!(job["spec"].get("ttlSecondsAfterFinished"), None);
        let policy = find(SHOP, "NetworkPolicy", "api-migrate");
        assert_eq!(policy["metadata"].get("annotations"), None);
        // An external database is there before the app: nothing to wait for.
        assert_eq!(init_containers(&job), Vec::<String>::new());
    }

    #[test]
    fn the_pods_of_the_component_wait_for_the_job_of_their_revision() {
        let name = job_name(SHOP);
        let deployment = find(SHOP, "Deployment", "api");
        assert_eq!(init_containers(&deployment), ["wait-for-migration"]);
        let template = &deployment["spec"]["template"];
        assert_eq!(
            template["metadata"]["annotations"]["shipshape.dev/wait-for"],
            format!("Job.batch/{name}")
        );
        let wait = &template["spec"]["initContainers"][0];
        let script = wait["command"][2].as_str().expect("a script");
        assert!(
            script.contains(&format!("kubectl get jobs.batch/{name} -o jsonpath=")),
            "{script}"
        );
        // The token is the wait's alone: the app container calls no API.
        let mounts = |c: &serde_json::Value| c["volumeMounts"].to_string();
        assert!(mounts(wait).contains("kube-api-access"));
        assert!(!mounts(&template["spec"]["containers"][0]).contains("kube-api-access"));
        let role = find(SHOP, "Role", "api-migrate");
        assert_eq!(
            role["rules"],
            serde_json::json!([{
                "apiGroups": ["batch"],
                "resources": ["jobs"],
                "resourceNames": [name],
                "verbs": ["get"],
            }])
        );
        let binding = find(SHOP, "RoleBinding", "api-migrate");
        assert_eq!(binding["roleRef"]["name"], "api-migrate");
        assert_eq!(binding["subjects"][0]["name"], "api");
        // The pods that do not migrate wait for nothing.
        assert_eq!(
            init_containers(&find(SHOP, "Deployment", "search")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_migration_waits_for_the_databases_the_output_creates() {
        let yaml = SHOP
            .replace(
                "    host: db.example.internal\n",
                "    provider: cloudnative-pg\n    storage: 10Gi\n",
            )
            .replace("    cidr: 10.20.0.0/16\n", "")
            .replace(
                "secrets:\n",
                "  cache:\n    type: redis\n    provider: statefulset\n    storage: 1Gi\n    credentials: { secret: db-credentials }\nsecrets:\n",
            )
            .replace("      search:\n", "      search:\n      cache:\n");
        let name = job_name(&yaml);
        let job = find(&yaml, "Job", &name);
        assert_eq!(init_containers(&job), ["wait-for-database"]);
        assert_eq!(
            job["spec"]["template"]["metadata"]["annotations"]["shipshape.dev/wait-for"],
            "Cluster.postgresql.cnpg.io/db,StatefulSet.apps/cache"
        );
        let role = find(&yaml, "Role", "api-migrate");
        let get = |group: &str, resource: &str, name: &str| {
            serde_json::json!({
                "apiGroups": [group],
                "resources": [resource],
                "resourceNames": [name],
                "verbs": ["get"],
            })
        };
        assert_eq!(
            role["rules"],
            serde_json::json!([
                get("apps", "statefulsets", "cache"),
                get("batch", "jobs", &name),
                get("postgresql.cnpg.io", "clusters", "db"),
            ])
        );
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
        // The migration reaches what the app reaches, but the API, through which the
        // app's pods wait for it and it waits for no in-cluster database.
        let app_egress = app_policy["spec"]["egress"].as_array().expect("egress");
        let (api, rest) = app_egress.split_last().expect("rules");
        assert_eq!(
            api,
            &serde_json::json!({"ports": [
                {"port": 443, "protocol": "TCP"},
                {"port": 6443, "protocol": "TCP"},
            ]})
        );
        assert_eq!(policy["spec"]["egress"].as_array().expect("egress"), rest);
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
        assert_eq!(
            init_containers(&find(&on_start, "Deployment", "api")),
            Vec::<String>::new()
        );
    }
}
