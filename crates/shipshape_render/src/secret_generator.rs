//! Generated secrets: the one-shot Job that creates each in the cluster, with its
//! ServiceAccount, Role, RoleBinding and NetworkPolicy.
//!
//! See docs/secrets.md for why generated secrets are made in the cluster by a one-shot
//! Job instead of being rendered.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, PodSpec, PodTemplateSpec, ServiceAccount, Volume,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::Provenance;
use shipshape_spec::{Generate, GenerateFormat};

use crate::builders::pod_security;
use crate::context::Ctx;
use crate::hooks::{Hook, job_labels, job_network_policy};
use crate::network_rules::{api_server_egress, dns_egress};
use crate::rbac;
use crate::secrets::{generate_keys, generate_length, generated_name};

/// Renders, for each generated secret, the Job that creates its Secret once, with the
/// Job's ServiceAccount, Role, RoleBinding and NetworkPolicy.
pub fn render(ctx: &mut Ctx<'_>) {
    let spec = ctx.spec;
    for (name, secret) in &spec.secrets {
        if let Some(generate) = &secret.generate {
            render_generator(ctx, name, generate);
        }
    }
}

/// The generator runs first: a Helm pre-install hook, an Argo CD PreSync hook, before
/// the migrations and the app that read the secret (and whose pods would not start
/// without it). Its objects go once it succeeded: they would otherwise keep the right to
/// create Secrets.
const GENERATOR_HOOK: Hook = Hook { weight: -10 };

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
    let labels = job_labels(ctx.labels(Some(&account)), &account, "secret-generator");
    let meta = |name: &str, hook: Hook| ObjectMeta {
        labels: Some(labels.clone()),
        annotations: Some(hook.annotations()),
        ..ctx.metadata(name, None)
    };
    let support = GENERATOR_HOOK.before();
    let policy = job_network_policy(
        ctx,
        &account,
        &labels,
        vec![dns_egress(ctx), api_server_egress()],
        Some(support),
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
    let binding = rbac::binding(ctx, meta(&account, support), &account, &account);
    let job = Job {
        metadata: meta(&generator_job_name(secret, generate), GENERATOR_HOOK),
        spec: Some(generator_job_spec(ctx, secret, generate, &labels)),
        status: None,
    };
    let path = shipshape_spec::path!["secrets", secret, "generate"];
    // Nothing in these is the value of one key: they follow from `generate` as a whole.
    ctx.emit(&policy, path.clone(), Provenance::new());
    ctx.emit(&service_account, path.clone(), Provenance::new());
    ctx.emit(&role, path.clone(), Provenance::new());
    ctx.emit(&binding, path.clone(), Provenance::new());
    ctx.emit(&job, path, Provenance::new());
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
        security_context: Some(pod_security(uid)),
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

/// kubectl running the generator script, as `uid`.
fn generator_container(ctx: &Ctx<'_>, secret: &str, generate: &Generate, uid: i64) -> Container {
    let image = &ctx.spec.platform.secret_generator_image;
    rbac::kubectl_container(
        "generate",
        image,
        generator_script(ctx, secret, generate),
        uid,
    )
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
