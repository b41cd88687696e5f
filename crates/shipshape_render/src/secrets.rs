//! Secrets: references from pods, generated secrets, ExternalSecrets.
//!
//! See docs/secrets.md for why generated secrets are made in the cluster by a one-shot
//! Job instead of being rendered.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, PodSpec, PodTemplateSpec, ResourceRequirements,
    SecretKeySelector, ServiceAccount, Volume, VolumeMount,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;
use shipshape_spec::{External, Generate, GenerateFormat, SecretSpec, StoreKind};

use crate::context::{Ctx, content_hash};
use crate::migrations::{self, Hook};
use crate::{network_policy, pod, rbac};

/// The Kubernetes Secret that holds a generated secret. The name carries a hash of how
/// the values are generated, so changing the format, length, keys or rotation makes a new
/// Secret (and rolls the pods that use it) instead of silently keeping the old values.
pub fn generated_name(secret: &str, generate: &Generate) -> String {
    let keys = generate_keys(generate).join(",");
    let length = generate_length(generate).to_string();
    let rotation = generate.rotation.to_string();
    let format = match generate.format {
        GenerateFormat::Hex => "hex",
        GenerateFormat::Base64 => "base64",
        GenerateFormat::Alphanumeric => "alphanumeric",
    };
    let hash = content_hash(
        [format, length.as_str(), keys.as_str(), rotation.as_str()],
        8,
    );
    format!("{secret}-{hash}")
}

/// The keys a generated secret has.
pub fn generate_keys(generate: &Generate) -> Vec<String> {
    if generate.keys.is_empty() {
        vec!["value".to_owned()]
    } else {
        generate.keys.clone()
    }
}

/// The length of each generated value.
pub fn generate_length(generate: &Generate) -> u32 {
    generate.length.unwrap_or(32)
}

/// The name of the Kubernetes Secret behind a spec secret.
pub fn secret_name(ctx: &Ctx<'_>, secret: &str) -> String {
    match ctx.spec.secrets.get(secret) {
        Some(SecretSpec {
            generate: Some(g), ..
        }) => generated_name(secret, g),
        Some(SecretSpec {
            existing: Some(e), ..
        }) => e.name.clone(),
        _ => secret.to_owned(),
    }
}

/// The key in the Kubernetes Secret behind `key` of a spec secret (existing secrets may
/// rename keys).
pub fn secret_key(ctx: &Ctx<'_>, secret: &str, key: &str) -> String {
    ctx.spec
        .secrets
        .get(secret)
        .and_then(|s| s.existing.as_ref())
        .and_then(|e| e.keys.get(key))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// A `secretKeyRef` for `key` of spec secret `secret`.
pub fn key_ref(ctx: &Ctx<'_>, secret: &str, key: &str) -> SecretKeySelector {
    SecretKeySelector {
        name: secret_name(ctx, secret),
        key: secret_key(ctx, secret, key),
        optional: None,
    }
}

/// What identifies a secret's values, for the checksum that rolls pods when it changes.
pub fn fingerprint(ctx: &Ctx<'_>, secret: &str) -> String {
    match ctx.spec.secrets.get(secret) {
        Some(s) if s.existing.is_some() || s.generate.is_some() => secret_name(ctx, secret),
        Some(SecretSpec {
            external: Some(x), ..
        }) => {
            let data: Vec<String> = x.data.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{}:{}", x.store, data.join(";"))
        }
        _ => secret.to_owned(),
    }
}

/// Renders the objects behind the spec's secrets: for each generated one, the Job that
/// creates its Secret once, with the Job's ServiceAccount, Role, RoleBinding and
/// NetworkPolicy; for each external one, its ExternalSecret. Existing secrets need
/// nothing. No Secret is ever rendered, so no value ever reaches the output.
pub fn render(ctx: &mut Ctx<'_>) {
    let spec = ctx.spec;
    for (name, secret) in &spec.secrets {
        if let Some(generate) = &secret.generate {
            render_generator(ctx, name, generate);
        }
        if let Some(external) = &secret.external {
            render_external(ctx, name, external);
        }
    }
}

/// The generator runs before the migrations (weight 0), which may read the secret. Its
/// objects go once it succeeded: they would otherwise keep the right to create Secrets.
const GENERATOR_HOOK: Hook = Hook {
    weight: -10,
    delete_on_success: true,
};

/// Lifetime of the generator's API token: the shortest Kubernetes issues, still longer
/// than the Job may run.
const TOKEN_SECONDS: i64 = 600;

/// The name of the ServiceAccount, Role, RoleBinding and NetworkPolicy of a generator.
pub fn generator_name(secret: &str) -> String {
    format!("{secret}-generator")
}

/// The name of the Job that creates a generated secret. It follows the Secret's name, so
/// a rotation (or any change to how values are made) runs a new Job.
pub fn generator_job_name(secret: &str, generate: &Generate) -> String {
    format!("{}-create", generated_name(secret, generate))
}

fn render_generator(ctx: &mut Ctx<'_>, secret: &str, generate: &Generate) {
    let account = generator_name(secret);
    let labels = migrations::job_labels(ctx.labels(Some(&account)), &account, "secret-generator");
    let meta = |name: &str, hook: Hook| ObjectMeta {
        labels: Some(labels.clone()),
        annotations: Some(hook.annotations()),
        ..ctx.metadata(name, None)
    };
    let support = GENERATOR_HOOK.before();
    let policy = migrations::job_network_policy(
        ctx,
        &account,
        &labels,
        vec![
            network_policy::dns_egress(ctx),
            network_policy::api_server_egress(),
        ],
        support,
    );
    let service_account = ServiceAccount {
        metadata: meta(&account, support),
        // The pod mounts a short-lived token itself (see `rbac::token_volume`).
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    };
    let role = Role {
        metadata: meta(&account, support),
        rules: Some(vec![
            // RBAC cannot limit `create` to a name: the name is in the request body,
            // which the authorizer never sees. `get` can be, and is.
            secret_rule("create", None),
            secret_rule("get", Some(generated_name(secret, generate))),
        ]),
    };
    let binding = rbac::binding(ctx, meta(&account, support), &account);
    let job = Job {
        metadata: meta(&generator_job_name(secret, generate), GENERATOR_HOOK),
        spec: Some(generator_job_spec(ctx, secret, generate, &labels)),
        status: None,
    };
    let path = shipshape_spec::path!["secrets", secret, "generate"];
    ctx.emit(&policy, path.clone());
    ctx.emit(&service_account, path.clone());
    ctx.emit(&role, path.clone());
    ctx.emit(&binding, path.clone());
    ctx.emit(&job, path);
}

/// One try should take seconds; three retries ride out an API server hiccup, and the
/// deadline stops a Job that cannot reach the API at all.
fn generator_job_spec(
    ctx: &Ctx<'_>,
    secret: &str,
    generate: &Generate,
    labels: &BTreeMap<String, String>,
) -> JobSpec {
    JobSpec {
        backoff_limit: Some(3),
        active_deadline_seconds: Some(300),
        ttl_seconds_after_finished: Some(600),
        template: PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(labels.clone()),
                ..ObjectMeta::default()
            }),
            spec: Some(generator_pod(ctx, secret, generate)),
        },
        ..JobSpec::default()
    }
}

fn secret_rule(verb: &str, name: Option<String>) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![String::new()]),
        resources: Some(vec!["secrets".to_owned()]),
        resource_names: name.map(|n| vec![n]),
        verbs: vec![verb.to_owned()],
        non_resource_urls: None,
    }
}

/// The generator's pod: restricted like every app pod, with an API token of its own.
fn generator_pod(ctx: &Ctx<'_>, secret: &str, generate: &Generate) -> PodSpec {
    let uid = i64::from(ctx.spec.platform.run_as_user);
    PodSpec {
        containers: vec![generator_container(ctx, secret, generate, uid)],
        restart_policy: Some("Never".to_owned()),
        service_account_name: Some(generator_name(secret)),
        // The token comes from `rbac::token_volume` instead: the same files the automount
        // would give, with a 10-minute lifetime, and every pod of the app keeps
        // automountServiceAccountToken false without exception.
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod::pod_security(uid)),
        volumes: Some(vec![
            Volume {
                name: "tmp".to_owned(),
                // Memory-backed, so the values never touch the node's disk.
                empty_dir: Some(EmptyDirVolumeSource {
                    medium: Some("Memory".to_owned()),
                    size_limit: Some(Quantity("16Mi".to_owned())),
                }),
                ..Volume::default()
            },
            rbac::token_volume(TOKEN_SECONDS),
        ]),
        ..PodSpec::default()
    }
}

/// kubectl running the generator script, as `uid`, with a writable /tmp.
fn generator_container(ctx: &Ctx<'_>, secret: &str, generate: &Generate, uid: i64) -> Container {
    let image = &ctx.spec.platform.secret_generator_image;
    let quantities = |cpu: &str, memory: &str| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(memory.to_owned())),
        ])
    };
    Container {
        name: "generate".to_owned(),
        image: Some(image.clone()),
        // A tag can be moved; a digest cannot.
        image_pull_policy: Some(
            if image.contains('@') {
                "IfNotPresent"
            } else {
                "Always"
            }
            .to_owned(),
        ),
        command: Some(vec![
            "/bin/sh".to_owned(),
            "-c".to_owned(),
            generator_script(ctx, secret, generate),
        ]),
        // kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
        env: Some(vec![EnvVar {
            name: "HOME".to_owned(),
            value: Some("/tmp".to_owned()),
            value_from: None,
        }]),
        resources: Some(ResourceRequirements {
            requests: Some(quantities("10m", "32Mi")),
            limits: Some(quantities("100m", "64Mi")),
            ..ResourceRequirements::default()
        }),
        security_context: Some(pod::container_security(uid)),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "tmp".to_owned(),
                mount_path: "/tmp".to_owned(),
                ..VolumeMount::default()
            },
            rbac::token_mount(),
        ]),
        ..Container::default()
    }
}

/// The generator's script. It keeps a Secret that exists; otherwise it draws each value
/// from /dev/urandom into a file on the pod's memory-backed /tmp and creates the Secret,
/// labelled, in a single request, so there is never a Secret without its labels. Losing
/// a race to a parallel run (AlreadyExists) is success: the winner's values stand.
fn generator_script(ctx: &Ctx<'_>, secret: &str, generate: &Generate) -> String {
    let (draw, size) = draw_command(generate.format, generate_length(generate));
    let from_files: String = generate_keys(generate)
        .iter()
        .enumerate()
        .map(|(i, key)| format!("    --from-file={}=\"$dir/{i}\" \\\n", quote(key)))
        .collect();
    let draws: String = (0..generate_keys(generate).len())
        .map(|i| format!("draw \"$dir/{i}\"\n"))
        .collect();
    let words = |pairs: &BTreeMap<String, String>| -> String {
        pairs
            .iter()
            .map(|(k, v)| format!(" \\\n    {}", quote(&format!("{k}={v}"))))
            .collect()
    };
    let labels = words(&ctx.labels(None));
    let annotations = words(&secret_annotations());
    format!(
        r#"set -eu
secret={name}
namespace={namespace}
if kubectl get secret "$secret" --namespace "$namespace" >/dev/null 2>&1; then
  echo "Secret $secret exists: its values are kept"
  exit 0
fi
umask 077
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
draw() {{
  {draw} >"$1"
  # A short read must fail the Job, never store a weak value.
  [ "$(wc -c <"$1" | tr -d ' ')" = {size} ] || {{ echo "short random value" >&2; exit 1; }}
}}
{draws}if out=$(kubectl create secret generic "$secret" --namespace "$namespace" \
{from_files}    --dry-run=client -o yaml |
  kubectl label --local -f - -o yaml{labels} |
  kubectl annotate --local -f - -o yaml{annotations} |
  kubectl create -f - 2>&1); then
  echo "$out"
  exit 0
fi
case $out in
  *AlreadyExists*) echo "Secret $secret was created by a parallel run: its values are kept" ;;
  *) echo "$out" >&2; exit 1 ;;
esac
"#,
        name = quote(&generated_name(secret, generate)),
        namespace = quote(ctx.namespace()),
    )
}

/// Annotations on a generated Secret. It carries the app's labels but is not in the
/// rendered output, so Argo CD (tracking by label) would prune it and make a new one with
/// new values: exactly the drift this design exists to prevent.
fn secret_annotations() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "argocd.argoproj.io/compare-options".to_owned(),
            "IgnoreExtraneous".to_owned(),
        ),
        (
            "argocd.argoproj.io/sync-options".to_owned(),
            "Prune=false".to_owned(),
        ),
    ])
}

/// The shell pipeline that prints one random value, and the characters it prints.
/// `length` counts characters for `alphanumeric`, and bytes of randomness for `hex` and
/// `base64` (as `openssl rand -hex` and `-base64` do).
fn draw_command(format: GenerateFormat, length: u32) -> (String, u32) {
    match format {
        GenerateFormat::Hex => (
            format!("head -c {length} /dev/urandom | od -An -vtx1 | tr -d ' \\n'"),
            2 * length,
        ),
        GenerateFormat::Base64 => (
            format!("head -c {length} /dev/urandom | base64 | tr -d '\\n'"),
            length.div_ceil(3) * 4,
        ),
        // The C locale makes the ranges plain ASCII.
        GenerateFormat::Alphanumeric => (
            format!("LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c {length}"),
            length,
        ),
    }
}

/// `text` as one single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn render_external(ctx: &mut Ctx<'_>, name: &str, external: &External) {
    let store_kind = match external.store_kind {
        StoreKind::ClusterSecretStore => "ClusterSecretStore",
        StoreKind::SecretStore => "SecretStore",
    };
    let data: Vec<serde_json::Value> = external
        .data
        .iter()
        .map(|(key, source)| json!({"secretKey": key, "remoteRef": remote_ref(source)}))
        .collect();
    let object = json!({
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": ctx.metadata(name, None),
        "spec": {
            "refreshInterval": external.refresh.map_or_else(|| "1h".to_owned(), |s| s.to_string()),
            "secretStoreRef": {"name": external.store, "kind": store_kind},
            "target": {"name": secret_name(ctx, name), "creationPolicy": "Owner"},
            "data": data,
        },
    });
    ctx.emit_value(object, shipshape_spec::path!["secrets", name, "external"]);
}

/// `remote/key#property` as an ExternalSecret `remoteRef`.
fn remote_ref(source: &str) -> serde_json::Value {
    match source.split_once('#') {
        Some((key, property)) => json!({"key": key, "property": property}),
        None => json!({"key": source}),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use shipshape_manifest::{Manifest, Origin};

    use crate::test_support::{find, of_kind, rendered};

    /// An app whose API reads a generated session key, with `secrets` (YAML) declared.
    fn app(secrets: &str) -> String {
        format!(
            "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    ports: {{ http: 8080 }}
    env:
      SESSION_KEY: {{ secret: session, key: value }}
secrets:
{secrets}"
        )
    }

    fn yaml_of<'m>(objects: impl IntoIterator<Item = &'m Manifest>) -> String {
        objects
            .into_iter()
            .map(|m| shipshape_manifest::to_yaml(&m.value))
            .collect::<Vec<_>>()
            .join("---\n")
    }

    /// The name of the Secret the API's pods read.
    fn secret_read(yaml: &str) -> String {
        find(yaml, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]["env"][0]
            ["valueFrom"]["secretKeyRef"]["name"]
            .as_str()
            .expect("a secret name")
            .to_owned()
    }

    const SESSION: &str = "  session:\n    generate: { length: 32 }\n";

    #[test]
    fn a_generated_secret_is_made_by_a_hooked_job_with_least_privilege() {
        let rendered = rendered(&app(SESSION));
        let generator = rendered.manifests.items().iter().filter(|m| {
            m.value["metadata"]["labels"]["app.kubernetes.io/component"] == "secret-generator"
        });
        insta::assert_snapshot!(yaml_of(generator));
    }

    #[test]
    fn no_secret_value_is_ever_rendered() {
        let yaml = app(SESSION);
        let first = rendered(&yaml);
        for m in first.manifests.items() {
            assert_ne!(m.kind(), "Secret");
            assert!(m.value.pointer("/data").is_none(), "{} has data", m.name());
            assert!(m.value.pointer("/stringData").is_none());
        }
        // Random values would differ between two renders of the same spec.
        assert_eq!(
            first.manifests.to_yaml(),
            rendered(&yaml).manifests.to_yaml()
        );
        assert_eq!(secret_read(&yaml), "session-baa33d1b");
    }

    #[test]
    fn rotation_makes_a_new_secret_and_a_new_job() {
        let first = app(SESSION);
        let rotated = app("  session:\n    generate: { length: 32, rotation: 1 }\n");
        let (old, new) = (secret_read(&first), secret_read(&rotated));
        assert_ne!(old, new);
        find(&first, "Job", &format!("{old}-create"));
        find(&rotated, "Job", &format!("{new}-create"));
        assert_eq!(
            find(&rotated, "Role", "session-generator")["rules"][1]["resourceNames"][0],
            new.as_str()
        );
        // The pods roll onto the new Secret.
        let checksum = |yaml: &str| {
            find(yaml, "Deployment", "api")["spec"]["template"]["metadata"]["annotations"]
                ["checksum/secrets"]
                .clone()
        };
        assert_ne!(checksum(&first), checksum(&rotated));
    }

    #[test]
    fn external_secrets_read_keys_with_and_without_a_property() {
        let yaml = app("  session:
    external:
      store: vault
      store_kind: SecretStore
      refresh: 15m
      data:
        value: shop/session#key
        previous: shop/session-previous
");
        insta::assert_snapshot!(yaml_of(&of_kind(&yaml, "ExternalSecret")));
    }

    #[test]
    fn external_secrets_refresh_hourly_from_a_cluster_store_by_default() {
        let yaml =
            app("  session:\n    external: { store: vault, data: { value: shop/session } }\n");
        let spec = &find(&yaml, "ExternalSecret", "session")["spec"];
        assert_eq!(spec["refreshInterval"], "1h");
        assert_eq!(spec["secretStoreRef"]["kind"], "ClusterSecretStore");
        assert_eq!(spec["target"]["name"], "session");
    }

    #[test]
    fn existing_secrets_render_nothing() {
        let yaml = app("  session:\n    existing: { name: shop-session }\n");
        let secrets = shipshape_spec::path!["secrets"];
        let from_secrets = |m: &Manifest| matches!(&m.origin, Some(Origin::Spec(path)) if path.starts_with(&secrets));
        assert!(!rendered(&yaml).manifests.items().iter().any(from_secrets));
        let generated = rendered(&app(SESSION));
        assert!(generated.manifests.items().iter().any(from_secrets));
        assert_eq!(secret_read(&yaml), "shop-session");
    }

    /// Every format and several keys, one of them with a dot.
    const ALL_FORMATS: &str = "  session:
    generate: { keys: [value, next], length: 16, format: hex }
  signing:
    generate: { keys: [key.pem], length: 16, format: base64 }
  token:
    generate: { length: 20, format: alphanumeric }
";

    /// Each generator Job of [`ALL_FORMATS`] with its script.
    fn scripts() -> Vec<(String, String)> {
        of_kind(&app(ALL_FORMATS), "Job")
            .into_iter()
            .map(|m| {
                let script = m.value["spec"]["template"]["spec"]["containers"][0]["command"][2]
                    .as_str()
                    .expect("the generator runs a script")
                    .to_owned();
                (m.name().to_owned(), script)
            })
            .collect()
    }

    fn have_sh() -> bool {
        Path::new("/bin/sh").exists()
    }

    #[test]
    fn generator_scripts_are_valid_sh() {
        if !have_sh() {
            return;
        }
        for (job, text) in scripts() {
            let status = Command::new("/bin/sh")
                .args(["-n", "-c", &text])
                .status()
                .expect("sh runs");
            assert!(status.success(), "the script of {job} is not valid sh");
            shellcheck(&job, &text);
        }
    }

    /// Where shellcheck is installed, it judges the quoting too.
    fn shellcheck(job: &str, text: &str) {
        use std::io::Write as _;
        let Ok(mut child) = Command::new("shellcheck")
            .args(["--shell=sh", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
        else {
            return;
        };
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("shellcheck reads the script");
        let out = child.wait_with_output().expect("shellcheck runs");
        assert!(
            out.status.success(),
            "shellcheck on the script of {job}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    /// A stand-in for kubectl: `get` finds the Secret when $FAKE_EXISTS is set; the
    /// dry-run create copies each value file to $FAKE_OUT under its key; label and
    /// annotate record their words and pass the object on; the final create records the
    /// object, and loses a race when $FAKE_RACE is set.
    const FAKE_KUBECTL: &str = r#"#!/bin/sh
case "$1" in
  get) [ -n "${FAKE_EXISTS:-}" ] ;;
  label|annotate) echo "$*" >>"$FAKE_OUT/$1"; cat ;;
  create)
    if [ "$2" = secret ]; then
      for word in "$@"; do
        case $word in --from-file=*)
          pair=${word#--from-file=}
          cp "${pair#*=}" "$FAKE_OUT/value-${pair%%=*}" ;;
        esac
      done
      echo "kind: Secret"
    else
      cat >"$FAKE_OUT/created"
      if [ -n "${FAKE_RACE:-}" ]; then
        echo 'Error from server (AlreadyExists): secrets "x" already exists' >&2
        exit 1
      fi
      echo "secret/x created"
    fi ;;
  *) exit 2 ;;
esac
"#;

    /// A scratch directory holding the fake kubectl, removed when dropped.
    struct Sandbox(PathBuf);

    impl Sandbox {
        fn new(name: &str) -> Sandbox {
            let dir = std::env::temp_dir()
                .join(format!("shipshape-generator-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("bin")).expect("scratch directory");
            let kubectl = dir.join("bin/kubectl");
            std::fs::write(&kubectl, FAKE_KUBECTL).expect("fake kubectl");
            std::fs::set_permissions(
                &kubectl,
                std::os::unix::fs::PermissionsExt::from_mode(0o755),
            )
            .expect("fake kubectl is executable");
            Sandbox(dir)
        }

        /// Runs `script` against the fake kubectl; its stdout, or a panic with stderr.
        fn run(&self, script: &str, env: &[(&str, &str)]) -> String {
            let out = self.0.join("out");
            let _ = std::fs::remove_dir_all(&out);
            std::fs::create_dir_all(&out).expect("output directory");
            let path = format!(
                "{}:{}",
                self.0.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            );
            let result = Command::new("/bin/sh")
                .args(["-c", script])
                .env("PATH", path)
                .env("TMPDIR", &self.0)
                .env("FAKE_OUT", &out)
                .envs(env.iter().copied())
                .output()
                .expect("sh runs");
            assert!(
                result.status.success(),
                "the script failed: {}",
                String::from_utf8_lossy(&result.stderr)
            );
            String::from_utf8_lossy(&result.stdout).into_owned()
        }

        fn value(&self, key: &str) -> String {
            std::fs::read_to_string(self.0.join("out").join(format!("value-{key}")))
                .unwrap_or_else(|_| panic!("no value for {key}"))
        }

        fn made(&self, file: &str) -> bool {
            self.0.join("out").join(file).exists()
        }
    }

    impl Drop for Sandbox {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn generator_scripts_draw_values_of_the_promised_shape() {
        if !have_sh() {
            return;
        }
        let sandbox = Sandbox::new("shape");
        let scripts = scripts();
        let script_of = |prefix: &str| {
            &scripts
                .iter()
                .find(|(job, _)| job.starts_with(prefix))
                .expect("a generator Job")
                .1
        };
        let hex = |v: &str| {
            v.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase())
        };
        sandbox.run(script_of("session-"), &[]);
        let (value, next) = (sandbox.value("value"), sandbox.value("next"));
        assert_eq!((value.len(), next.len()), (32, 32));
        assert!(hex(&value) && hex(&next));
        assert_ne!(value, next);
        let labels = std::fs::read_to_string(sandbox.0.join("out/label")).expect("labelled");
        assert!(
            labels.contains("app.kubernetes.io/part-of=shop"),
            "{labels}"
        );
        assert!(sandbox.made("created"));

        sandbox.run(script_of("signing-"), &[]);
        let pem = sandbox.value("key.pem");
        assert_eq!(pem.len(), 24);
        assert!(
            pem.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
        );

        sandbox.run(script_of("token-"), &[]);
        let token = sandbox.value("value");
        assert_eq!(token.len(), 20);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
        // The scratch directory of the values is gone with the script.
        let left: Vec<_> = std::fs::read_dir(&sandbox.0)
            .expect("sandbox")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "left behind: {left:?}");
    }

    #[test]
    fn generator_scripts_keep_a_secret_that_exists_or_won_a_race() {
        if !have_sh() {
            return;
        }
        let sandbox = Sandbox::new("once");
        let (_, text) = scripts().remove(0);
        let stdout = sandbox.run(&text, &[("FAKE_EXISTS", "1")]);
        assert!(stdout.contains("exists: its values are kept"), "{stdout}");
        assert!(!sandbox.made("created"));
        let stdout = sandbox.run(&text, &[("FAKE_RACE", "1")]);
        assert!(stdout.contains("created by a parallel run"), "{stdout}");
    }
}
