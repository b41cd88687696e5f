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
use shipshape_spec::{
    Component, EnvValue, FileSource, Probe, ProbeScheme, Resources, SizePreset, TaintEffect,
    TolerationOperator,
};

use crate::builders::{
    container_security, non_empty, pod_security, protocol, pull_policy, resource_requirements,
};
use crate::context::{Ctx, content_hash};
use crate::{config, identity, rbac, secrets, wiring};

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
pub fn base_container(ctx: &Ctx<'_>, name: &str, component: &Component) -> Container {
    Container {
        name: name.to_owned(),
        image: Some(component.image.reference.clone()),
        image_pull_policy: Some(pull_policy(&component.image.reference).to_owned()),
        command: component.command.clone(),
        args: component.args.clone(),
        env: non_empty(env(ctx, name, component)),
        resources: Some(resource_requirements(&resources_of(component))),
        security_context: Some(container_security(run_as_user(ctx, component))),
        volume_mounts: non_empty(volume_mounts(component)),
        ..Container::default()
    }
}

/// The full app container of a long-running component.
pub fn app_container(ctx: &Ctx<'_>, name: &str, component: &Component) -> Container {
    let times = component.shutdown_times();
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
        ..base_container(ctx, name, component)
    }
}

/// The pod spec around `containers`: restricted security, dedicated service account,
/// volumes, placement.
pub fn pod_spec(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    containers: Vec<Container>,
) -> PodSpec {
    PodSpec {
        containers,
        service_account_name: Some(name.to_owned()),
        // Never automounted: a pod that calls the API mounts an expiring token from
        // `rbac::token_volume` instead.
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod_security(run_as_user(ctx, component))),
        volumes: non_empty(volumes(ctx, name, component)),
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

/// The annotations of a component's pods: the checksums, then the spec's
/// `pod_annotations` (which may override them).
pub fn annotations(ctx: &Ctx<'_>, component: &Component) -> BTreeMap<String, String> {
    let mut annotations = checksum_annotations(ctx, component);
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

/// The container's variables: the pod's identity first, then what `needs` wires, then
/// `env`, so each may refer to those before it.
fn env(ctx: &Ctx<'_>, name: &str, component: &Component) -> Vec<EnvVar> {
    let mut vars = identity::env(ctx, name, component);
    vars.extend(wiring::env(ctx, component));
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
        vars.push(var);
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

fn writable_paths(component: &Component) -> Vec<&str> {
    let mut paths = vec!["/tmp"];
    paths.extend(
        component
            .security
            .writable
            .iter()
            .map(String::as_str)
            .filter(|p| *p != "/tmp"),
    );
    paths
}

fn volume_mounts(component: &Component) -> Vec<VolumeMount> {
    let mut mounts: Vec<VolumeMount> = writable_paths(component)
        .into_iter()
        .map(|p| VolumeMount {
            name: if p == "/tmp" {
                "tmp".to_owned()
            } else {
                volume_name_for(p)
            },
            mount_path: p.to_owned(),
            ..VolumeMount::default()
        })
        .collect();
    for (path, source) in &component.files {
        let (volume, sub_path) = file_volume(path, source);
        mounts.push(VolumeMount {
            name: volume,
            mount_path: path.clone(),
            sub_path: Some(sub_path),
            read_only: Some(true),
            ..VolumeMount::default()
        });
    }
    if component.uses_api() {
        mounts.push(rbac::token_mount());
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

fn volumes(ctx: &Ctx<'_>, name: &str, component: &Component) -> Vec<Volume> {
    let mut out: Vec<Volume> = writable_paths(component)
        .into_iter()
        .map(|p| Volume {
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
        out.push(v);
    }
    if component.uses_api() {
        out.push(rbac::token_volume(rbac::APP_TOKEN_SECONDS));
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
