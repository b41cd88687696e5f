//! Every reference example renders, and its output is pinned as a snapshot: a change to
//! any rendered byte shows up in review.

use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.join("shipshape.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn render(dir: &Path, environment: Option<&str>) -> String {
    let loaded = shipshape_spec::load_path(dir, environment)
        .unwrap_or_else(|d| panic!("{} does not load:\n{}", dir.display(), d.render(false)));
    shipshape_render::render(&loaded.spec)
        .unwrap_or_else(|p| panic!("{} does not render: {p:?}", dir.display()))
        .manifests
        .to_yaml()
}

#[test]
fn examples_render_as_pinned() {
    let dirs = examples();
    assert!(dirs.len() >= 3, "the reference examples are present");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name.clone(), render(&dir, None));
    }
}

#[test]
fn rendering_is_deterministic() {
    for dir in examples() {
        assert_eq!(render(&dir, None), render(&dir, None), "{}", dir.display());
    }
}

/// The rendered object of `kind` named `name` from the example `example`.
fn rendered_object(example: &str, kind: &str, name: &str) -> shipshape_manifest::Manifest {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(example);
    let loaded = shipshape_spec::load_path(&dir, None).expect("loads");
    let rendered = shipshape_render::render(&loaded.spec).expect("renders");
    rendered
        .manifests
        .into_items()
        .into_iter()
        .find(|m| m.kind() == kind && m.name() == name)
        .unwrap_or_else(|| panic!("{example} renders no {kind} {name}"))
}

/// The spec key recorded for exactly the field at `pointer`, dotted.
fn key_of(object: &shipshape_manifest::Manifest, pointer: &str) -> Option<String> {
    object
        .provenance
        .entries()
        .find(|(recorded, _)| *recorded == pointer)
        .map(|(_, path)| shipshape_spec::dotted(path))
}

/// The pointer of the container variable `name` in a pod template's first container.
fn env_var(object: &shipshape_manifest::Manifest, template: &str, name: &str) -> String {
    let container = format!("{template}/spec/containers/0");
    let vars = object
        .value
        .pointer(&format!("{container}/env"))
        .expect("env");
    let index = vars
        .as_array()
        .expect("a list")
        .iter()
        .position(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no variable {name}"));
    format!("{container}/env/{index}")
}

/// Every field render says holds a default exists in the object, and its key is one the
/// spec leaves out: a default never hides a value someone wrote.
#[test]
fn every_defaulted_field_is_one_the_spec_leaves_out() {
    for dir in examples() {
        let loaded = shipshape_spec::load_path(&dir, None).expect("loads");
        let rendered = shipshape_render::render(&loaded.spec).expect("renders");
        let mut defaulted = 0;
        for object in rendered.manifests.items() {
            for field in object.provenance.defaults() {
                let at = format!(
                    "{}: {} {} {} <- {}",
                    dir.display(),
                    object.kind(),
                    object.name(),
                    field.pointer,
                    shipshape_spec::dotted(&field.path)
                );
                assert!(
                    object.value.pointer(&field.pointer).is_some(),
                    "no field: {at}"
                );
                assert!(loaded.tree.get_path(&field.path).is_none(), "written: {at}");
                assert!(!field.value.is_empty(), "no words: {at}");
                defaulted += 1;
            }
        }
        assert!(defaulted > 3, "{}: {defaulted} defaults", dir.display());
    }
}

/// Every field render says a spec key produced exists in the object, and every such key
/// exists in the spec it was rendered from.
#[test]
fn every_recorded_field_comes_from_a_key_of_the_spec() {
    for dir in examples() {
        let loaded = shipshape_spec::load_path(&dir, None).expect("loads");
        let rendered = shipshape_render::render(&loaded.spec).expect("renders");
        let mut recorded = 0;
        for object in rendered.manifests.items() {
            for (pointer, path) in object.provenance.entries() {
                let at = format!(
                    "{}: {} {} {pointer} <- {}",
                    dir.display(),
                    object.kind(),
                    object.name(),
                    shipshape_spec::dotted(path)
                );
                assert!(object.value.pointer(pointer).is_some(), "no field: {at}");
                let written = loaded.tree.written_path(path);
                assert!(loaded.tree.get_path(&written).is_some(), "no key: {at}");
                recorded += 1;
            }
        }
        assert!(
            recorded > 20,
            "{}: {recorded} fields recorded",
            dir.display()
        );
    }
}

#[test]
fn cyoda_go_fields_come_from_their_keys() {
    let deployment = rendered_object("cyoda-go", "Deployment", "cyoda");
    let container = "/spec/template/spec/containers/0";
    let cases = [
        ("/spec/replicas".to_owned(), "components.cyoda.replicas"),
        (format!("{container}/image"), "components.cyoda.image"),
        (
            "/spec/template/metadata/labels/app.kubernetes.io~1version".to_owned(),
            "components.cyoda.image",
        ),
        (
            format!("{container}/resources"),
            "components.cyoda.resources",
        ),
        (
            format!("{container}/readinessProbe"),
            "components.cyoda.health.ready",
        ),
        (
            format!("{container}/startupProbe"),
            "components.cyoda.health.start",
        ),
        (
            format!("{container}/ports/1"),
            "components.cyoda.ports.gossip",
        ),
        (
            format!("{container}/lifecycle"),
            "components.cyoda.shutdown.pre_stop",
        ),
        (
            "/spec/strategy/rollingUpdate/maxUnavailable".to_owned(),
            "components.cyoda.rollout.max_unavailable",
        ),
        (
            "/spec/template/spec/terminationGracePeriodSeconds".to_owned(),
            "components.cyoda.shutdown",
        ),
    ];
    for (pointer, key) in cases {
        assert_eq!(
            key_of(&deployment, &pointer).as_deref(),
            Some(key),
            "{pointer}"
        );
    }
    let template = "/spec/template";
    let url = env_var(&deployment, template, "CYODA_POSTGRES_URL");
    assert_eq!(
        key_of(&deployment, &url).as_deref(),
        Some("components.cyoda.needs.postgres.url")
    );
    let literal = env_var(&deployment, template, "OTEL_SERVICE_NAME");
    assert_eq!(
        key_of(&deployment, &literal).as_deref(),
        Some("components.cyoda.env.OTEL_SERVICE_NAME")
    );
    // The URL's password comes from a helper variable that reads the existing secret.
    let password = env_var(&deployment, template, "SHIPSHAPE_POSTGRES_PASSWORD");
    assert_eq!(
        key_of(&deployment, &password).as_deref(),
        Some("components.cyoda.needs.postgres")
    );
    assert_eq!(
        key_of(
            &deployment,
            &format!("{password}/valueFrom/secretKeyRef/name")
        )
        .as_deref(),
        Some("secrets.postgres-credentials.existing.name")
    );
    let hmac = env_var(&deployment, template, "CYODA_CLUSTER_HMAC_SECRET");
    assert_eq!(
        key_of(&deployment, &format!("{hmac}/valueFrom/secretKeyRef/name")).as_deref(),
        Some("secrets.cluster-hmac.generate")
    );
    assert_eq!(
        deployment
            .spec_path(&format!("{hmac}/valueFrom/secretKeyRef/key"))
            .map(shipshape_spec::dotted)
            .as_deref(),
        Some("components.cyoda.env.CYODA_CLUSTER_HMAC_SECRET"),
        "a field inside a recorded one comes from the same key"
    );

    let ingress = rendered_object("cyoda-go", "Ingress", "cyoda");
    for (pointer, key) in [
        ("/spec/rules/0/host", "components.cyoda.expose.host"),
        ("/spec/tls/0/hosts/0", "components.cyoda.expose.host"),
        ("/spec/tls", "components.cyoda.expose.tls"),
        (
            "/metadata/annotations/cert-manager.io~1cluster-issuer",
            "components.cyoda.expose.tls.cluster_issuer",
        ),
        (
            "/spec/rules/0/http/paths/0/backend/service/port",
            "components.cyoda.expose.port",
        ),
    ] {
        assert_eq!(key_of(&ingress, pointer).as_deref(), Some(key), "{pointer}");
    }
    // The class is the platform's default, which the spec does not write.
    assert_eq!(key_of(&ingress, "/spec/ingressClassName"), None);

    // The migration reaches what the app needs, for the same reasons, but not the app's
    // peers: it is no member. DNS is no key's.
    let migration = rendered_object("cyoda-go", "NetworkPolicy", "cyoda-migrate");
    let rules: Vec<(&str, String)> = migration
        .provenance
        .entries()
        .map(|(pointer, path)| (pointer, shipshape_spec::dotted(path)))
        .collect();
    assert_eq!(
        rules,
        [(
            "/spec/egress/1",
            "components.cyoda.needs.postgres".to_owned()
        )]
    );
    let policy = rendered_object("cyoda-go", "NetworkPolicy", "cyoda");
    for (pointer, key) in [
        ("/spec/ingress/0", "components.cyoda.expose"),
        ("/spec/ingress/2", "components.cyoda.metrics"),
        ("/spec/egress/2", "components.cyoda.needs.postgres"),
    ] {
        assert_eq!(key_of(&policy, pointer).as_deref(), Some(key), "{pointer}");
    }
    let pdb = rendered_object("cyoda-go", "PodDisruptionBudget", "cyoda");
    assert_eq!(
        key_of(&pdb, "/spec/maxUnavailable").as_deref(),
        Some("components.cyoda.disruption.max_unavailable")
    );
}

#[test]
fn goverse_fields_come_from_their_keys() {
    let hpa = rendered_object("goverse", "HorizontalPodAutoscaler", "gate");
    for (pointer, key) in [
        ("/spec/minReplicas", "components.gate.replicas"),
        ("/spec/maxReplicas", "components.gate.replicas"),
        ("/spec/metrics/0", "components.gate.autoscale.cpu"),
        ("/spec/metrics/1", "components.gate.autoscale.memory"),
    ] {
        assert_eq!(key_of(&hpa, pointer).as_deref(), Some(key), "{pointer}");
    }
    let gate = rendered_object("goverse", "Deployment", "gate");
    assert_eq!(
        key_of(&gate, "/spec/replicas"),
        None,
        "the HPA owns the count"
    );

    let node = rendered_object("goverse", "StatefulSet", "node");
    let container = "/spec/template/spec/containers/0";
    for (pointer, key) in [
        ("/spec/replicas".to_owned(), "components.node.replicas"),
        (
            "/spec/volumeClaimTemplates/0".to_owned(),
            "components.node.volumes.data",
        ),
        (
            "/spec/volumeClaimTemplates/0/spec/resources/requests/storage".to_owned(),
            "components.node.volumes.data.size",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/partition".to_owned(),
            "components.node.rollout.partition",
        ),
        (format!("{container}/image"), "components.node.image"),
        (
            format!("{container}/volumeMounts/1"),
            "components.node.files./etc/goverse/config.yaml",
        ),
        (
            format!("{container}/volumeMounts/3"),
            "components.node.volumes.data.mount",
        ),
    ] {
        assert_eq!(key_of(&node, &pointer).as_deref(), Some(key), "{pointer}");
    }
    let endpoints = env_var(&node, "/spec/template", "GOVERSE_ETCD_ENDPOINTS");
    assert_eq!(
        key_of(&node, &endpoints).as_deref(),
        Some("components.node.needs.etcd.endpoints")
    );
    let host = env_var(&node, "/spec/template", "NODE_HOST");
    assert_eq!(
        key_of(&node, &host).as_deref(),
        Some("components.node.identity.pod_dns")
    );

    let etcd = rendered_object("goverse", "StatefulSet", "etcd");
    assert_eq!(
        key_of(&etcd, "/spec/replicas").as_deref(),
        Some("services.etcd.instances")
    );
    assert_eq!(
        key_of(&etcd, "/spec/volumeClaimTemplates/0").as_deref(),
        Some("services.etcd.storage")
    );
    let cluster = rendered_object("goverse", "Cluster", "postgres");
    for (pointer, key) in [
        ("/spec/imageName", "services.postgres.version"),
        ("/spec/instances", "services.postgres.instances"),
        (
            "/spec/backup/retentionPolicy",
            "services.postgres.backup.retention",
        ),
    ] {
        assert_eq!(key_of(&cluster, pointer).as_deref(), Some(key), "{pointer}");
    }
    let backup = rendered_object("goverse", "CronJob", "etcd-backup");
    assert_eq!(
        key_of(&backup, "/spec/schedule").as_deref(),
        Some("services.etcd.backup.schedule")
    );
    // `gate` needs `node` in list form: `needs: [node, etcd, inspector]`.
    let node_policy = rendered_object("goverse", "NetworkPolicy", "node");
    let callers: Vec<String> = node_policy
        .provenance
        .entries()
        .filter(|(pointer, _)| pointer.starts_with("/spec/ingress/"))
        .map(|(_, path)| shipshape_spec::dotted(path))
        .collect();
    assert_eq!(
        callers,
        [
            "components.node.peers",
            "components.gate.needs.node",
            "components.node.metrics",
        ]
    );
    let ingress = rendered_object("goverse", "Ingress", "gate");
    assert_eq!(
        key_of(&ingress, "/spec/tls/0/secretName").as_deref(),
        Some("components.gate.expose.tls.secret")
    );
    assert_eq!(
        key_of(
            &ingress,
            "/metadata/annotations/nginx.ingress.kubernetes.io~1backend-protocol"
        )
        .as_deref(),
        Some("components.gate.expose.protocol")
    );
}

/// shipshape's own output passes its own checker as the binary runs it: the directory
/// `render -o` writes, and the YAML and JSON streams `render` prints, read back as plain
/// manifests with no spec to explain them. `own_output.rs` checks the same forms, and the
/// spec itself, in process, for the fixtures and generated specs too.
#[test]
fn written_examples_have_no_findings() {
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_shipshape");
    let run = |args: &[&str], stdin: Option<&[u8]>| {
        let mut child = Command::new(bin)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("shipshape runs");
        let input = child.stdin.take().expect("stdin is piped");
        if let Some(bytes) = stdin {
            std::io::Write::write_all(&mut { input }, bytes).expect("stdin takes the stream");
        } else {
            drop(input);
        }
        child.wait_with_output().expect("shipshape finishes")
    };
    for dir in examples() {
        let spec = dir.to_str().expect("UTF-8 path");
        let out = tempfile::tempdir().expect("temporary directory");
        let deploy = out.path().join("deploy");
        let deploy = deploy.to_str().expect("UTF-8 path");
        assert!(run(&["render", spec, "-o", deploy], None).status.success());
        let yaml = run(&["render", spec], None).stdout;
        let json = run(&["render", spec, "--format", "json"], None).stdout;
        for (form, output) in [
            ("directory", run(&["check", deploy], None)),
            ("YAML stream", run(&["check", "-"], Some(&yaml))),
            ("JSON stream", run(&["check", "-"], Some(&json))),
        ] {
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success() && stdout.contains("0 errors, 0 warnings, 0 info"),
                "{spec} as a {form}:\n{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
