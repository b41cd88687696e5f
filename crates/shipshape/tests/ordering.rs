//! Migrations run after everything they need exists and before any pod of their
//! component's revision starts, under every way the output is applied: Helm, Argo CD,
//! Flux, `kubectl apply -f DIR` and a phase-ordered `shipshape deploy`
//! (docs/migrations.md says how each path keeps the order).
//!
//! For every example and renderer fixture, and every component with a migration command,
//! the test derives from the spec what the migration needs (the in-cluster databases of
//! its `needs`) and asks the rendered output, through the shared model, whether
//! - every object the migration's pod refers to is provided, required (so the kubelet or
//!   the API server holds the pod until it exists), and created no later than the Job by
//!   every tool that creates objects in an order;
//! - the migration's pod waits for each database first, allowed by its Role and its
//!   NetworkPolicy, and the Job is no hook (a hook would run before those databases);
//! - the component's pods wait for that very Job first, allowed the same way;
//! - the waits give a phase-ordered deploy an order without a circle.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use shipshape_manifest::network_policy::{Endpoint, NetworkPolicies, Port};
use shipshape_manifest::{
    GroupKind, ManifestSet, Model, ModelIndex, Object, PodTemplate, Wait, kinds,
};
use shipshape_spec::{AppSpec, Provider};

/// An address of the API server, outside every pod network the output names.
const API_SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 96, 0, 1));

/// Helm's install order of kinds (helm `releaseutil.InstallOrder`); kinds it does not
/// list come after them, by kind name.
const HELM_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Argo CD's order of kinds inside a wave (gitops-engine's `kindOrder`); every other
/// kind ranks 0, after these, by name.
const ARGO_ORDER: &[(&str, i32)] = &[
    ("Namespace", -26),
    ("ResourceQuota", -24),
    ("LimitRange", -24),
    ("PodSecurityPolicy", -23),
    ("Secret", -22),
    ("ConfigMap", -21),
    ("StorageClass", -20),
    ("PersistentVolume", -19),
    ("PersistentVolumeClaim", -18),
    ("ServiceAccount", -17),
    ("CustomResourceDefinition", -16),
    ("ClusterRole", -15),
    ("ClusterRoleBinding", -14),
    ("Role", -13),
    ("RoleBinding", -12),
    ("Service", -11),
    ("DaemonSet", -10),
    ("Pod", -9),
    ("ReplicationController", -8),
    ("ReplicaSet", -7),
    ("Deployment", -6),
    ("StatefulSet", -5),
    ("Job", -4),
    ("CronJob", -3),
    ("Ingress", -2),
    ("APIService", -1),
];

/// The ways users apply the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// The output as a chart's templates: `helm install` / `helm upgrade`.
    Helm,
    /// An Argo CD Application of the output directory.
    ArgoCd,
    /// A Flux Kustomization of the output directory: one server-side apply of all.
    Flux,
    /// `kubectl apply -f DIR` on `render -o DIR`: the files' order.
    KubectlApply,
    /// `shipshape deploy`: phases from the waits, the set's order inside a phase.
    Deploy,
}

const WAYS: [Way; 5] = [
    Way::Helm,
    Way::ArgoCd,
    Way::Flux,
    Way::KubectlApply,
    Way::Deploy,
];

/// An object's annotation `key`, or "".
fn annotation<'a>(object: &'a Object, key: &str) -> &'a str {
    object.value()["metadata"]["annotations"][key]
        .as_str()
        .unwrap_or("")
}

/// When `path` creates each object of `index` (same step, same number); `None` for a
/// path that creates everything at once (Flux).
fn creation_steps(path: Way, model: &Model, index: &ModelIndex<'_>) -> Option<Vec<i64>> {
    let objects = model.objects();
    let step = |object: &Object| -> i64 {
        let kind = object.kind();
        match path {
            Way::Helm => {
                let hook = !annotation(object, "helm.sh/hook").is_empty();
                let weight: i64 = annotation(object, "helm.sh/hook-weight")
                    .parse()
                    .unwrap_or(0);
                let rank = HELM_ORDER
                    .iter()
                    .position(|k| *k == kind)
                    .map_or(HELM_ORDER.len() as i64, |p| p as i64);
                // Pre-install hooks first by weight, then the release in kind order.
                if hook { weight - 1_000 } else { rank }
            }
            Way::ArgoCd => {
                let hook = !annotation(object, "argocd.argoproj.io/hook").is_empty();
                let wave: i64 = annotation(object, "argocd.argoproj.io/sync-wave")
                    .parse()
                    .unwrap_or(0);
                let rank = ARGO_ORDER
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(0, |(_, r)| i64::from(*r));
                (i64::from(!hook) * 1_000_000) + wave * 1_000 + rank
            }
            Way::KubectlApply => object.index() as i64,
            Way::Deploy => phase(object, index) * 1_000_000 + object.index() as i64,
            Way::Flux => 0,
        }
    };
    (path != Way::Flux).then(|| objects.iter().map(step).collect())
}

/// The phase of a phase-ordered deploy: one after the latest phase of what the object's
/// pods wait for.
fn phase(object: &Object, index: &ModelIndex<'_>) -> i64 {
    fn go(object: &Object, index: &ModelIndex<'_>, depth: usize) -> i64 {
        assert!(
            depth < 16,
            "the waits of {} go round in a circle",
            object.display_name()
        );
        let Some(pod) = object.pod_template() else {
            return 0;
        };
        pod.waits()
            .iter()
            .map(|w| {
                let target = index
                    .find(&w.kind, object.namespace(), w.name)
                    .unwrap_or_else(|| {
                        panic!(
                            "{} waits for {w:?}, not in the output",
                            object.display_name()
                        )
                    });
                go(target, index, depth + 1) + 1
            })
            .max()
            .unwrap_or(0)
    }
    go(object, index, 0)
}

/// What a migration waits for, derived from the spec: the in-cluster server of each
/// backing service the component needs, in the order of `needs`.
fn expected_databases(spec: &AppSpec, component: &str) -> Vec<(GroupKind<'static>, String)> {
    spec.components[component]
        .needs
        .0
        .keys()
        .filter_map(|need| {
            let service = spec.services.get(need.as_str())?;
            match service.provider() {
                Provider::External => None,
                Provider::CloudnativePg => Some((kinds::CNPG_CLUSTER, need.clone())),
                Provider::Zalando => {
                    let team = service.team.as_deref().unwrap_or(&spec.name);
                    Some((kinds::ZALANDO_POSTGRESQL, format!("{team}-{need}")))
                }
                Provider::Statefulset => Some((kinds::STATEFUL_SET, need.clone())),
            }
        })
        .collect()
}

/// The plural of each kind a wait reads, for its RBAC rule.
fn resource(kind: GroupKind<'_>) -> &'static str {
    match kind.kind {
        "Job" => "jobs",
        "StatefulSet" => "statefulsets",
        "Cluster" => "clusters",
        "postgresql" => "postgresqls",
        other => panic!("no wait reads a {other}"),
    }
}

/// Whether a Role bound to the pod's ServiceAccount lets it `get` the object `wait`.
fn may_get(
    index: &ModelIndex<'_>,
    pod: &PodTemplate<'_>,
    namespace: &str,
    wait: &Wait<'_>,
) -> bool {
    let account = pod
        .spec_get("/serviceAccountName")
        .and_then(|v| v.as_str())
        .unwrap_or("default");
    index
        .of_kind(&kinds::ROLE_BINDING)
        .filter(|b| b.namespace() == namespace)
        .filter(|b| {
            b.value()["subjects"].as_array().is_some_and(|subjects| {
                subjects
                    .iter()
                    .any(|s| s["kind"] == "ServiceAccount" && s["name"] == account)
            })
        })
        .filter_map(|b| {
            let role = b.value()["roleRef"]["name"].as_str()?;
            index.find(&kinds::ROLE, namespace, role)
        })
        .any(|role| {
            role.value()["rules"].as_array().is_some_and(|rules| {
                rules.iter().any(|rule| {
                    let has = |field: &str, want: &str| {
                        rule[field]
                            .as_array()
                            .is_some_and(|l| l.iter().any(|v| v == want))
                    };
                    has("apiGroups", wait.kind.group)
                        && has("resources", resource(wait.kind))
                        && has("resourceNames", wait.name)
                        && has("verbs", "get")
                })
            })
        })
}

/// The first init container of `pod`, which must be a wait that reads each of `waits`.
fn assert_waits_first(what: &str, pod: &PodTemplate<'_>, waits: &[Wait<'_>]) {
    let first = pod
        .spec_get("/initContainers/0")
        .unwrap_or_else(|| panic!("{what}: no init container"));
    let script = first["command"][2].as_str().unwrap_or("");
    for wait in waits {
        let get = format!(
            "kubectl get {}{}/{}",
            resource(wait.kind),
            if wait.kind.group.is_empty() {
                String::new()
            } else {
                format!(".{}", wait.kind.group)
            },
            wait.name
        );
        assert!(
            script.contains(&get),
            "{what}: the first init container does not `{get}`:\n{script}"
        );
    }
}

struct Output {
    name: String,
    spec: AppSpec,
    set: ManifestSet,
}

fn outputs() -> Vec<Output> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples/")
        .map(|e| e.expect("readable").path().join("shipshape.yaml"))
        .filter(|p| p.is_file())
        .collect();
    specs.extend(
        std::fs::read_dir(root.join("crates/shipshape_render/tests/fixtures"))
            .expect("fixtures")
            .map(|e| e.expect("readable").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
    );
    specs.sort();
    specs
        .iter()
        .map(|path| {
            let loaded = shipshape_spec::load_path(path, None).unwrap_or_else(|d| {
                panic!("{} does not load:\n{}", path.display(), d.render(false))
            });
            let set = shipshape_render::render(&loaded.spec)
                .unwrap_or_else(|p| panic!("{} does not render: {p:?}", path.display()))
                .manifests;
            Output {
                name: path.display().to_string(),
                spec: loaded.spec,
                set,
            }
        })
        .collect()
}

fn model_of(set: &ManifestSet) -> Model {
    let mut model = Model::new();
    model.add_objects(set.items().to_vec());
    model
}

#[test]
fn every_migration_runs_after_what_it_needs_and_before_its_component() {
    let outputs = outputs();
    let mut migrations = 0;
    for output in &outputs {
        let model = model_of(&output.set);
        let index = ModelIndex::new(&model);
        let policies = NetworkPolicies::of_model(&index);
        let steps: Vec<(Way, Option<Vec<i64>>)> = WAYS
            .iter()
            .map(|p| (*p, creation_steps(*p, &model, &index)))
            .collect();
        for (component, spec) in &output.spec.components {
            let at = format!("{}: {component}", output.name);
            let workload = index
                .find(&kinds::DEPLOYMENT, output.spec.namespace(), component)
                .or_else(|| index.find(&kinds::STATEFUL_SET, output.spec.namespace(), component));
            let jobs: Vec<&Object> = index
                .of_kind(&kinds::JOB)
                .filter(|j| j.name().starts_with(&format!("{component}-migrate-")))
                .collect();
            if spec
                .migrations
                .as_ref()
                .and_then(|m| m.command.as_ref())
                .is_none()
            {
                assert!(jobs.is_empty(), "{at}: a migration Job without a command");
                if let Some(pod) = workload.and_then(Object::pod_template) {
                    assert_eq!(pod.waits(), [], "{at}: waits without a migration");
                }
                continue;
            }
            migrations += 1;
            let [job] = jobs.as_slice() else {
                panic!("{at}: want one migration Job, found {}", jobs.len());
            };
            let namespace = job.namespace();
            let job_pod = job.pod_template().expect("a Job runs pods");
            // No hook: Helm and Argo CD would run it before the release's databases.
            for hook in ["helm.sh/hook", "argocd.argoproj.io/hook"] {
                assert_eq!(annotation(job, hook), "", "{at}: the Job is a {hook}");
            }
            // Everything it refers to is there, or made by an object that is, and is
            // required, so the kubelet (Secrets, ConfigMaps) or the API server
            // (ServiceAccount) holds its pod until it exists; and the tools that create
            // in order create it no later than the Job.
            for reference in job_pod.references() {
                let external = job.external_secrets().any(|s| s == reference.name);
                assert!(
                    index.provides(namespace, &reference) || external,
                    "{at}: nothing provides {} {}",
                    reference.kind,
                    reference.name
                );
                assert!(
                    !reference.optional,
                    "{at}: {} is optional",
                    reference.pointer
                );
                let Some(provider) = index.find(&reference.kind, namespace, reference.name) else {
                    continue;
                };
                for (path, steps) in &steps {
                    if let Some(steps) = steps {
                        assert!(
                            steps[provider.index()] <= steps[job.index()],
                            "{at}: {path:?} creates {} after the Job",
                            provider.display_name()
                        );
                    }
                }
            }
            // It waits for each database of its needs, first, with the right to read it
            // and a way to the API.
            let databases = expected_databases(&output.spec, component);
            let waits = job_pod.waits();
            let waited: Vec<(GroupKind<'_>, String)> =
                waits.iter().map(|w| (w.kind, w.name.to_owned())).collect();
            assert_eq!(waited, databases, "{at}: the migration's waits");
            for wait in &waits {
                assert!(
                    index.find(&wait.kind, namespace, wait.name).is_some(),
                    "{at}: {wait:?} is not in the output"
                );
                assert!(
                    may_get(&index, &job_pod, namespace, wait),
                    "{at}: may not read {wait:?}"
                );
            }
            if !waits.is_empty() {
                assert_waits_first(&at, &job_pod, &waits);
                let from = Endpoint::of_template(&job_pod);
                let api = policies.reach_address(&from, API_SERVER, Port::tcp(443));
                assert!(
                    api.admits(),
                    "{at}: the migration cannot reach the API: {api:?}"
                );
            }
            // The component's pods wait for this Job first, with the right to read it.
            let workload = workload.unwrap_or_else(|| panic!("{at}: no workload"));
            let pod = workload.pod_template().expect("a workload runs pods");
            let expected = [Wait {
                kind: kinds::JOB,
                name: job.name(),
            }];
            assert_eq!(pod.waits(), expected, "{at}: what the pods wait for");
            assert_waits_first(&at, &pod, &expected);
            assert!(
                may_get(&index, &pod, namespace, &expected[0]),
                "{at}: may not read the Job"
            );
            let from = Endpoint::of_template(&pod);
            let api = policies.reach_address(&from, API_SERVER, Port::tcp(443));
            assert!(api.admits(), "{at}: the pods cannot reach the API: {api:?}");
            // A phase-ordered deploy runs the databases, then the Job, then the pods.
            let job_phase = phase(job, &index);
            assert_eq!(
                job_phase,
                i64::from(!waits.is_empty()),
                "{at}: the Job's phase"
            );
            assert_eq!(
                phase(workload, &index),
                job_phase + 1,
                "{at}: the pods' phase"
            );
        }
    }
    assert!(
        migrations >= 4,
        "examples and fixtures have migrations to prove: {migrations}"
    );
}

/// A migration against a CloudNativePG cluster the same spec creates, with a generated
/// secret: the exact order each path creates its objects in.
const SHOP: &str = "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    ports: { http: 8080 }
    health:
      ready: { http: /ready, port: http }
      live: { http: /live, port: http }
    env:
      KEY: { secret: key, key: value }
    needs:
      db: { url: DATABASE_URL }
    migrations: { command: [/api, migrate] }
services:
  db: { type: postgres, provider: cloudnative-pg, database: shop, storage: 10Gi }
secrets:
  key: { generate: {} }
";

/// The objects of SHOP as `path` creates them, `Kind/name`, a line per step.
fn sequence(path: Way) -> Vec<String> {
    let loaded = shipshape_spec::load_str("shipshape.yaml", SHOP, Path::new("."), None)
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let set = shipshape_render::render(&loaded.spec)
        .expect("renders")
        .manifests;
    let model = model_of(&set);
    let index = ModelIndex::new(&model);
    let steps = creation_steps(path, &model, &index);
    let mut objects: Vec<(i64, &Object)> = model
        .objects()
        .iter()
        .map(|o| (steps.as_ref().map_or(0, |s| s[o.index()]), o))
        .collect();
    // Inside a step, by kind and name, as Helm and Argo CD do.
    objects.sort_by(|(a, x), (b, y)| (a, x.kind(), x.name()).cmp(&(b, y.kind(), y.name())));
    let mut lines: Vec<String> = Vec::new();
    let mut last = None;
    for (step, object) in objects {
        // Job names end in a hash of what they run, which other changes move.
        let name: Vec<&str> = object
            .name()
            .split('-')
            .map(|part| {
                let hash = part.len() == 8 && part.bytes().all(|b| b.is_ascii_hexdigit());
                if hash { "HASH" } else { part }
            })
            .collect();
        let entry = format!("{}/{}", object.kind(), name.join("-"));
        if last == Some(step) {
            let line = lines.last_mut().expect("a line");
            line.push_str(", ");
            line.push_str(&entry);
        } else {
            lines.push(entry);
        }
        last = Some(step);
    }
    lines
}

#[test]
fn each_path_creates_the_objects_in_its_own_order() {
    // Hooks (the secret generator) first, then the release in Helm's kind order: the Job
    // before the Cluster it needs, which its pod waits for.
    assert_eq!(
        sequence(Way::Helm),
        [
            "NetworkPolicy/key-generator, Role/key-generator, RoleBinding/key-generator, ServiceAccount/key-generator",
            "Job/key-HASH-create",
            "Namespace/shop",
            "NetworkPolicy/api, NetworkPolicy/api-migrate, NetworkPolicy/db, NetworkPolicy/default-deny",
            "PodDisruptionBudget/api",
            "ServiceAccount/api",
            "Role/api-migrate",
            "RoleBinding/api-migrate",
            "Service/api",
            "Deployment/api",
            "Job/api-migrate-HASH",
            "Cluster/db",
        ]
    );
    // PreSync hooks by wave, then one wave in gitops-engine's kind order, kinds it does
    // not rank (NetworkPolicy, PodDisruptionBudget, custom resources) last.
    assert_eq!(
        sequence(Way::ArgoCd),
        [
            "ServiceAccount/key-generator",
            "Role/key-generator",
            "RoleBinding/key-generator",
            "NetworkPolicy/key-generator",
            "Job/key-HASH-create",
            "Namespace/shop",
            "ServiceAccount/api",
            "Role/api-migrate",
            "RoleBinding/api-migrate",
            "Service/api",
            "Deployment/api",
            "Job/api-migrate-HASH",
            "Cluster/db, NetworkPolicy/api, NetworkPolicy/api-migrate, NetworkPolicy/db, NetworkPolicy/default-deny, PodDisruptionBudget/api",
        ]
    );
    // One server-side apply of everything.
    assert_eq!(
        sequence(Way::Flux),
        [
            "Cluster/db, Deployment/api, Job/api-migrate-HASH, Job/key-HASH-create, Namespace/shop, NetworkPolicy/api, NetworkPolicy/api-migrate, NetworkPolicy/db, NetworkPolicy/default-deny, NetworkPolicy/key-generator, PodDisruptionBudget/api, Role/api-migrate, Role/key-generator, RoleBinding/api-migrate, RoleBinding/key-generator, Service/api, ServiceAccount/api, ServiceAccount/key-generator",
        ]
    );
    // The files of `render -o DIR`, in name order.
    let files = [
        "Namespace/shop",
        "NetworkPolicy/api",
        "NetworkPolicy/api-migrate",
        "NetworkPolicy/db",
        "NetworkPolicy/default-deny",
        "NetworkPolicy/key-generator",
        "PodDisruptionBudget/api",
        "ServiceAccount/api",
        "ServiceAccount/key-generator",
        "Role/api-migrate",
        "Role/key-generator",
        "RoleBinding/api-migrate",
        "RoleBinding/key-generator",
        "Service/api",
        "Deployment/api",
        "Job/api-migrate-HASH",
        "Job/key-HASH-create",
        "Cluster/db",
    ];
    assert_eq!(sequence(Way::KubectlApply), files);
    // Phases from the waits: the Cluster, then the Job that waits for it, then the pods
    // that wait for the Job.
    let mut phases: Vec<&str> = files
        .iter()
        .copied()
        .filter(|f| !["Deployment/api", "Job/api-migrate-HASH"].contains(f))
        .collect();
    phases.extend(["Job/api-migrate-HASH", "Deployment/api"]);
    assert_eq!(sequence(Way::Deploy), phases);
}
