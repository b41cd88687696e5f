//! Secrets: the names of the Kubernetes Secrets behind the spec's secrets, which pods,
//! RBAC rules and backing services refer to, and ExternalSecrets. Generated secrets are
//! made in the cluster (`secret_generator`).

use k8s_openapi::api::core::v1::SecretKeySelector;
use serde_json::json;
use shipshape_spec::{External, Generate, GenerateFormat, SecretSpec, SpecPath, StoreKind, path};

use shipshape_manifest::Provenance;

use crate::context::{Ctx, content_hash};

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

/// The spec key that names the Kubernetes Secret `name`, when a spec secret stands for
/// it: an existing secret's `existing.name`, or the `generate` or `external` that makes
/// it. What refers to a spec secret (env, files, needs) gets its Secret's name from
/// [`secret_name`]; this finds the spec key back from that name.
pub fn name_key(ctx: &Ctx<'_>, name: &str) -> Option<SpecPath> {
    let (secret, spec) = ctx
        .spec
        .secrets
        .iter()
        .find(|(secret, _)| secret_name(ctx, secret) == name)?;
    Some(match spec {
        SecretSpec {
            existing: Some(_), ..
        } => path!["secrets", secret, "existing", "name"],
        SecretSpec {
            generate: Some(_), ..
        } => path!["secrets", secret, "generate"],
        SecretSpec {
            external: Some(_), ..
        } => path!["secrets", secret, "external"],
        _ => path!["secrets", secret],
    })
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

/// Renders the ExternalSecret of each external secret. Existing secrets need nothing,
/// and generated ones are made in the cluster (`secret_generator`). No Secret is ever
/// rendered, so no value ever reaches the output.
pub fn render(ctx: &mut Ctx<'_>) {
    let spec = ctx.spec;
    for (name, secret) in &spec.secrets {
        if let Some(external) = &secret.external {
            render_external(ctx, name, external);
        }
    }
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
    let key = |rest: SpecPath| [path!["secrets", name, "external"], rest].concat();
    let mut fields = Provenance::new();
    fields.record("/spec/secretStoreRef/name", key(path!["store"]));
    if external.refresh.is_some() {
        fields.record("/spec/refreshInterval", key(path!["refresh"]));
    }
    for (i, data) in external.data.keys().enumerate() {
        fields.record(&format!("/spec/data/{i}"), key(path!["data", data]));
    }
    ctx.emit(&object, key(Vec::new()), fields);
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
