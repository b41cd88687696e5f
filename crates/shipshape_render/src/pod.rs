//! Pods and containers with the restricted Pod Security profile, resources, env, files,
//! probes and graceful shutdown. Deployments, StatefulSets, Jobs, CronJobs and migration
//! Jobs share this, so every pod, and a migration in particular, runs with exactly the
//! app's security profile and configuration.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource,
    EnvVar, EnvVarSource, ExecAction, GRPCAction, HTTPGetAction, KeyToPath, Lifecycle,
    LifecycleHandler, ObjectFieldSelector, PodSpec, Probe as K8sProbe, ResourceFieldSelector,
    SecretVolumeSource, SleepAction, TCPSocketAction, Toleration, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{
    Component, EnvValue, FileSource, Probe, ProbeScheme, Resources, SizePreset, SpecPath,
    TaintEffect, TolerationOperator, path,
};

use crate::builders::{
    container_security, non_empty, pod_security, protocol, pull_policy, resource_requirements,
};
use crate::context::{Ctx, component_key, content_hash};
use crate::{config, connections, identity, rbac, secrets, wiring};

/// The resources of a component; `small` when the spec says nothing.
pub fn resources_of(component: &Component) -> Resources {
    component
        .resources
        .clone()
        .unwrap_or_else(|| SizePreset::Small.resources())
}

/// The UID the component's containers run as.
pub fn run_as_user(ctx: &Ctx<'_>, component: &Component) -> i64 {
    i64::from(
        component
            .security
            .run_as_user
            .unwrap_or(ctx.spec.platform.run_as_user),
    )
}

/// The app container without ports, probes or lifecycle: what a migration Job runs too.
/// Records in `fields` (pointers from the container) the spec keys its fields come from.
pub fn base_container(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    fields: &mut Provenance,
) -> Container {
    let key = |rest| component_key(name, rest);
    fields.record("/image", key(path!["image"]));
    if component.command.is_some() {
        fields.record("/command", key(path!["command"]));
    }
    if component.args.is_some() {
        fields.record("/args", key(path!["args"]));
    }
    if component.resources.is_some() {
        fields.record("/resources", key(path!["resources"]));
    } else {
        fields.record_default(
            "/resources",
            key(path!["resources"]),
            SizePreset::Small.describe(),
        );
    }
    record_uid(fields, name, component, &["runAsUser", "runAsGroup"]);
    if !component.env.is_empty() {
        // The list holds what `needs` and `identity` add too; each variable says whose it is.
        fields.record("/env", key(path!["env"]));
    }
    let env = env(ctx, name, component);
    for (i, (var, path)) in env.iter().enumerate() {
        fields.record(&format!("/env/{i}"), path.clone());
        let secret = var
            .value_from
            .as_ref()
            .and_then(|from| from.secret_key_ref.as_ref());
        if let Some(name_key) = secret.and_then(|s| secrets::name_key(ctx, &s.name)) {
            fields.record(&format!("/env/{i}/valueFrom/secretKeyRef/name"), name_key);
        }
    }
    let mounts = volume_mounts(component);
    for (i, (_, path)) in mounts.iter().enumerate() {
        if let Some(path) = path {
            fields.record(&format!("/volumeMounts/{i}"), key(path.clone()));
        }
    }
    Container {
        name: name.to_owned(),
        image: Some(component.image.reference.clone()),
        image_pull_policy: Some(pull_policy(&component.image.reference).to_owned()),
        command: component.command.clone(),
        args: component.args.clone(),
        env: non_empty(env.into_iter().map(|(var, _)| var).collect()),
        resources: Some(resource_requirements(&resources_of(component))),
        security_context: Some(container_security(run_as_user(ctx, component))),
        volume_mounts: non_empty(mounts.into_iter().map(|(mount, _)| mount).collect()),
        ..Container::default()
    }
}

/// The full app container of a long-running component, recording in `fields` (pointers
/// from the container) the spec keys its fields come from.
pub fn app_container(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    fields: &mut Provenance,
) -> Container {
    let key = |rest| component_key(name, rest);
    if !component.ports.is_empty() {
        fields.record("/ports", key(path!["ports"]));
    }
    for (i, port) in component.ports.keys().enumerate() {
        fields.record(&format!("/ports/{i}"), key(path!["ports", port]));
    }
    let health = &component.health;
    let probes = [
        ("/livenessProbe", "live"),
        ("/readinessProbe", "ready"),
        ("/startupProbe", "start"),
    ];
    // Recorded set or not: a finding about a missing probe points at where to add it.
    for (pointer, probe) in probes {
        fields.record(pointer, key(path!["health", probe]));
    }
    if health.start.is_none() && component.migrations.as_ref().is_some_and(|m| m.on_start) {
        // The startup probe below is the readiness (or liveness) probe, given time.
        let from = if health.ready.is_some() {
            "ready"
        } else {
            "live"
        };
        fields.record("/startupProbe", key(path!["health", from]));
    }
    let times = component.shutdown_times();
    if component.shutdown.pre_stop.is_some() {
        fields.record("/lifecycle", key(path!["shutdown", "pre_stop"]));
    } else if times.pre_stop > 0 {
        fields.record_default(
            "/lifecycle/preStop/sleep/seconds",
            key(path!["shutdown", "pre_stop"]),
            format!(
                "{}s pause before SIGTERM, for a component behind a client Service",
                times.pre_stop
            ),
        );
    }
    let lifecycle = (times.pre_stop > 0).then(|| Lifecycle {
        pre_stop: Some(LifecycleHandler {
            sleep: Some(SleepAction {
                seconds: i64::from(times.pre_stop),
            }),
            ..LifecycleHandler::default()
        }),
        ..Lifecycle::default()
    });
    let ports = component
        .ports
        .iter()
        .map(|(port_name, p)| ContainerPort {
            name: Some(port_name.clone()),
            container_port: i32::from(p.0.port),
            protocol: Some(protocol(p.0.protocol).to_owned()),
            ..ContainerPort::default()
        })
        .collect();
    let health = &component.health;
    let startup = health
        .start
        .as_ref()
        .map(|p| probe(p, component))
        .or_else(|| {
            // An app that migrates on start needs time before liveness may judge it.
            component
                .migrations
                .as_ref()
                .filter(|m| m.on_start)
                .and(health.ready.as_ref().or(health.live.as_ref()))
                .map(|p| K8sProbe {
                    initial_delay_seconds: None,
                    period_seconds: Some(10),
                    failure_threshold: Some(30),
                    success_threshold: Some(1),
                    ..probe(p, component)
                })
        });
    Container {
        ports: non_empty(ports),
        liveness_probe: health.live.as_ref().map(|p| probe(p, component)),
        readiness_probe: health.ready.as_ref().map(|p| probe(p, component)),
        startup_probe: startup,
        lifecycle,
        ..base_container(ctx, name, component, fields)
    }
}

/// The pod spec around `containers`: restricted security, dedicated service account,
/// volumes, placement. Records in `fields` (pointers from the pod spec) the spec keys
/// its own fields come from; the containers' are their builders' to record.
pub fn pod_spec(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    containers: Vec<Container>,
    fields: &mut Provenance,
) -> PodSpec {
    let key = |rest| component_key(name, rest);
    record_uid(
        fields,
        name,
        component,
        &["runAsUser", "runAsGroup", "fsGroup"],
    );
    if !component.node_selector.is_empty() {
        fields.record("/nodeSelector", key(path!["node_selector"]));
    }
    for i in 0..component.tolerations.len() {
        fields.record(&format!("/tolerations/{i}"), key(path!["tolerations", i]));
    }
    let volumes = volumes(ctx, name, component);
    for (i, (volume, path)) in volumes.iter().enumerate() {
        if let Some(path) = path {
            fields.record(&format!("/volumes/{i}"), key(path.clone()));
        }
        let secret = volume
            .secret
            .as_ref()
            .and_then(|s| s.secret_name.as_deref());
        if let Some(name_key) = secret.and_then(|s| secrets::name_key(ctx, s)) {
            fields.record(&format!("/volumes/{i}/secret/secretName"), name_key);
        }
    }
    PodSpec {
        containers,
        service_account_name: Some(name.to_owned()),
        // Never automounted: a pod that calls the API mounts an expiring token from
        // `rbac::token_volume` instead.
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod_security(run_as_user(ctx, component))),
        volumes: non_empty(volumes.into_iter().map(|(volume, _)| volume).collect()),
        node_selector: (!component.node_selector.is_empty()).then(|| {
            component
                .node_selector
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }),
        tolerations: non_empty(component.tolerations.iter().map(toleration).collect()),
        ..PodSpec::default()
    }
}

/// Records that the security context's `ids` come from `security.run_as_user` when the
/// spec sets it (else they are the platform's).
fn record_uid(fields: &mut Provenance, name: &str, component: &Component, ids: &[&str]) {
    if component.security.run_as_user.is_some() {
        for id in ids {
            let uid = component_key(name, path!["security", "run_as_user"]);
            fields.record(&format!("/securityContext/{id}"), uid);
        }
    }
}

/// The checker's suppression annotation (`shipshape_check::suppress`).
const IGNORE: &str = "shipshape.dev/ignore";

/// Records that the pods' version label (`Ctx::pod_labels`) comes from the image, whose
/// tag it carries (pointers from the pod template).
pub fn label_fields(name: &str, fields: &mut Provenance) {
    let label = pointer_token("app.kubernetes.io/version");
    fields.record(
        &format!("/metadata/labels/{label}"),
        component_key(name, path!["image"]),
    );
}

/// The annotations of a component's pods: the checksums, the database connections
/// they open (`connections`), the suppression a `health.no_ready` asks for, then the
/// spec's `pod_annotations` (which may override them), recorded in `fields` (pointers
/// from the pod template).
pub fn annotations(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    fields: &mut Provenance,
) -> BTreeMap<String, String> {
    let mut annotations = checksum_annotations(ctx, component);
    annotations.extend(connections::client_annotations(
        ctx, name, component, fields,
    ));
    if let Some(reason) = &component.health.no_ready {
        // The spec says why the pods need no readiness probe: the checker hears it too.
        annotations.insert(IGNORE.to_owned(), format!("SS010 -- {reason}"));
        fields.record(
            &format!("/metadata/annotations/{}", pointer_token(IGNORE)),
            component_key(name, path!["health", "no_ready"]),
        );
    }
    for key in component.pod_annotations.keys() {
        fields.record(
            &format!("/metadata/annotations/{}", pointer_token(key)),
            component_key(name, path!["pod_annotations", key]),
        );
    }
    annotations.extend(
        component
            .pod_annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    annotations
}

/// Checksums of what the pods read at start (config data, secret identities), so that a
/// change to either rolls the pods.
fn checksum_annotations(ctx: &Ctx<'_>, component: &Component) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let config = config::fingerprint(ctx, component);
    if !config.is_empty() {
        out.insert(
            "checksum/config".to_owned(),
            content_hash(config.iter().map(String::as_str), 64),
        );
    }
    let mut secret_names: Vec<&str> = secret_references(ctx, component);
    secret_names.sort_unstable();
    secret_names.dedup();
    if !secret_names.is_empty() {
        let prints: Vec<String> = secret_names
            .iter()
            .map(|s| secrets::fingerprint(ctx, s))
            .collect();
        out.insert(
            "checksum/secrets".to_owned(),
            content_hash(prints.iter().map(String::as_str), 64),
        );
    }
    out
}

/// Spec secrets a component reads, through env, files or needs.
fn secret_references<'a>(ctx: &Ctx<'a>, component: &'a Component) -> Vec<&'a str> {
    let from_env = component.env.values().filter_map(|v| match v {
        EnvValue::From(s) => s.secret.as_deref(),
        EnvValue::Literal(_) => None,
    });
    let from_files = component.files.values().filter_map(|f| f.secret.as_deref());
    let from_needs = component.needs.0.keys().filter_map(|n| {
        let service = ctx.spec.services.get(n.as_str())?;
        Some(service.credentials.as_ref()?.secret.as_str())
    });
    from_env.chain(from_files).chain(from_needs).collect()
}

/// The container's variables, each with the spec key it comes from: the pod's identity
/// first, then what `needs` wires, then `env`, so each may refer to those before it.
fn env(ctx: &Ctx<'_>, component_name: &str, component: &Component) -> Vec<(EnvVar, SpecPath)> {
    let mut vars = identity::env(ctx, component_name, component);
    vars.extend(wiring::env(ctx, component_name, component));
    for (name, value) in &component.env {
        let var = match value {
            EnvValue::Literal(v) => EnvVar {
                name: name.clone(),
                value: Some(v.clone()),
                value_from: None,
            },
            EnvValue::From(source) => {
                let mut from = EnvVarSource::default();
                let key = source.key.clone().unwrap_or_default();
                if let Some(secret) = &source.secret {
                    from.secret_key_ref = Some(secrets::key_ref(ctx, secret, &key));
                } else if let Some(config) = &source.config {
                    from.config_map_key_ref = Some(ConfigMapKeySelector {
                        name: config::config_map_name(ctx, config),
                        key,
                        optional: None,
                    });
                } else if let Some(field) = &source.field {
                    from.field_ref = Some(ObjectFieldSelector {
                        api_version: None,
                        field_path: field.clone(),
                    });
                } else if let Some(resource) = &source.resource {
                    from.resource_field_ref = Some(ResourceFieldSelector {
                        container_name: None,
                        divisor: None,
                        resource: resource.clone(),
                    });
                }
                EnvVar {
                    name: name.clone(),
                    value: None,
                    value_from: Some(from),
                }
            }
        };
        vars.push((var, component_key(component_name, path!["env", name])));
    }
    vars
}

fn probe(p: &Probe, component: &Component) -> K8sProbe {
    let seconds =
        |s: Option<shipshape_spec::Seconds>| s.map(|v| i32::try_from(v.get()).unwrap_or(i32::MAX));
    let count = |c: Option<u32>| c.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
    let mut out = K8sProbe {
        initial_delay_seconds: seconds(p.initial_delay),
        period_seconds: Some(i32::try_from(p.period_or_default()).unwrap_or(i32::MAX)),
        timeout_seconds: Some(i32::try_from(p.timeout_or_default()).unwrap_or(i32::MAX)),
        failure_threshold: count(p.failures).or(Some(3)),
        success_threshold: count(p.successes).or(Some(1)),
        ..K8sProbe::default()
    };
    if let Some(path) = &p.http {
        out.http_get = Some(HTTPGetAction {
            path: Some(path.clone()),
            port: IntOrString::String(p.port.clone().unwrap_or_default()),
            scheme: Some(
                match p.scheme.unwrap_or(ProbeScheme::Http) {
                    ProbeScheme::Http => "HTTP",
                    ProbeScheme::Https => "HTTPS",
                }
                .to_owned(),
            ),
            ..HTTPGetAction::default()
        });
    } else if let Some(port) = &p.tcp {
        out.tcp_socket = Some(TCPSocketAction {
            port: IntOrString::String(port.clone()),
            host: None,
        });
    } else if let Some(port) = &p.grpc {
        // gRPC probes take a port number only, so the name is resolved here.
        out.grpc = Some(GRPCAction {
            port: component.ports.get(port).map_or(0, |p| i32::from(p.0.port)),
            service: None,
        });
    } else if let Some(command) = &p.exec {
        out.exec = Some(ExecAction {
            command: Some(command.clone()),
        });
    }
    out
}

fn volume_name_for(path: &str) -> String {
    let cleaned: String = path
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let hash = content_hash([path], 6);
    let short: String = cleaned.chars().take(40).collect();
    format!("w-{}-{hash}", short.trim_matches('-'))
}

/// The paths the container may write to, each with the component key that asks for it
/// (`/tmp` always is writable, asked or not).
fn writable_paths(component: &Component) -> Vec<(&str, Option<SpecPath>)> {
    let mut paths = vec![("/tmp", None)];
    paths.extend(
        component
            .security
            .writable
            .iter()
            .enumerate()
            .filter(|(_, p)| *p != "/tmp")
            .map(|(i, p)| (p.as_str(), Some(path!["security", "writable", i]))),
    );
    paths
}

/// The container's mounts, each with the component key it comes from (relative to the
/// component).
fn volume_mounts(component: &Component) -> Vec<(VolumeMount, Option<SpecPath>)> {
    let mut mounts: Vec<(VolumeMount, Option<SpecPath>)> = writable_paths(component)
        .into_iter()
        .map(|(p, key)| {
            let mount = VolumeMount {
                name: if p == "/tmp" {
                    "tmp".to_owned()
                } else {
                    volume_name_for(p)
                },
                mount_path: p.to_owned(),
                ..VolumeMount::default()
            };
            (mount, key)
        })
        .collect();
    for (path, source) in &component.files {
        let (volume, sub_path) = file_volume(path, source);
        let mount = VolumeMount {
            name: volume,
            mount_path: path.clone(),
            sub_path: Some(sub_path),
            read_only: Some(true),
            ..VolumeMount::default()
        };
        mounts.push((mount, Some(path!["files", path])));
    }
    if component.uses_api() {
        mounts.push((rbac::token_mount(), None));
    }
    mounts
}

/// The volume a file comes from, and the key inside it.
fn file_volume(path: &str, source: &FileSource) -> (String, String) {
    if let Some(secret) = &source.secret {
        (
            format!("secret-{secret}"),
            source.key.clone().unwrap_or_default(),
        )
    } else if let Some(config) = &source.config {
        (
            format!("config-{config}"),
            source.key.clone().unwrap_or_default(),
        )
    } else {
        ("files".to_owned(), config::file_key(path))
    }
}

/// The pod's volumes, each with the component key it comes from (relative to the
/// component): for a volume that serves several files, the first of them.
fn volumes(ctx: &Ctx<'_>, name: &str, component: &Component) -> Vec<(Volume, Option<SpecPath>)> {
    let mut out: Vec<(Volume, Option<SpecPath>)> = writable_paths(component)
        .into_iter()
        .map(|(p, key)| {
            let volume = Volume {
                name: if p == "/tmp" {
                    "tmp".to_owned()
                } else {
                    volume_name_for(p)
                },
                empty_dir: Some(EmptyDirVolumeSource {
                    medium: None,
                    size_limit: Some(Quantity("256Mi".to_owned())),
                }),
                ..Volume::default()
            };
            (volume, key)
        })
        .collect();
    let mut seen: Vec<String> = Vec::new();
    for (path, source) in &component.files {
        let (volume, _) = file_volume(path, source);
        if seen.contains(&volume) {
            continue;
        }
        seen.push(volume.clone());
        let read_only = Some(0o440);
        let v = if let Some(secret) = &source.secret {
            Volume {
                name: volume,
                secret: Some(SecretVolumeSource {
                    secret_name: Some(secrets::secret_name(ctx, secret)),
                    default_mode: read_only,
                    items: Some(
                        component
                            .files
                            .values()
                            .filter(|f| f.secret.as_deref() == Some(secret.as_str()))
                            .filter_map(|f| f.key.as_deref())
                            .map(|k| KeyToPath {
                                key: secrets::secret_key(ctx, secret, k),
                                path: k.to_owned(),
                                mode: None,
                            })
                            .collect(),
                    ),
                    optional: None,
                }),
                ..Volume::default()
            }
        } else if let Some(cfg) = &source.config {
            Volume {
                name: volume,
                config_map: Some(ConfigMapVolumeSource {
                    name: config::config_map_name(ctx, cfg),
                    default_mode: read_only,
                    ..ConfigMapVolumeSource::default()
                }),
                ..Volume::default()
            }
        } else {
            Volume {
                name: volume,
                config_map: Some(ConfigMapVolumeSource {
                    name: config::files_config_map_name(name),
                    default_mode: read_only,
                    ..ConfigMapVolumeSource::default()
                }),
                ..Volume::default()
            }
        };
        out.push((v, Some(path!["files", path])));
    }
    if component.uses_api() {
        out.push((rbac::token_volume(rbac::APP_TOKEN_SECONDS), None));
    }
    out
}

fn toleration(t: &shipshape_spec::Toleration) -> Toleration {
    Toleration {
        key: t.key.clone(),
        operator: t.operator.map(|o| {
            match o {
                TolerationOperator::Equal => "Equal",
                TolerationOperator::Exists => "Exists",
            }
            .to_owned()
        }),
        value: t.value.clone(),
        effect: t.effect.map(|e| {
            match e {
                TaintEffect::NoSchedule => "NoSchedule",
                TaintEffect::PreferNoSchedule => "PreferNoSchedule",
                TaintEffect::NoExecute => "NoExecute",
            }
            .to_owned()
        }),
        toleration_seconds: t.seconds.map(i64::from),
    }
}
