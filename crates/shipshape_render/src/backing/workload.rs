//! The objects of a server shipshape runs itself (`statefulset` PostgreSQL and Redis,
//! etcd): a StatefulSet whose pods meet the restricted Pod Security Standard with a
//! volume per instance, its ServiceAccount, a client Service, a headless peers Service
//! when members talk to each other, a PodDisruptionBudget when there is more than one
//! member, and a NetworkPolicy that admits only what needs the service (the components
//! that list it, their migrations, its backup) and lets out only DNS and the members.
//!
//! Every server runs as the platform's UID, like the app's own pods, rather than the UID
//! its image was built for (999 for postgres and redis): the images start as any UID
//! (postgres's entrypoint fakes a passwd entry for `initdb` with nss_wrapper), the
//! volume is made writable through `fsGroup`, and a high UID cannot clash with a user
//! of the node. The root filesystem stays read-only; each path the server writes to
//! besides its data is an emptyDir.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec,
};
use k8s_openapi::api::core::v1::{
    Affinity, Container, ContainerPort, EmptyDirVolumeSource, PersistentVolumeClaim,
    PodAffinityTerm, PodAntiAffinity, PodSpec, PodTemplateSpec, Service, ServiceAccount,
    ServicePort, ServiceSpec, TopologySpreadConstraint, Volume, VolumeMount,
    WeightedPodAffinityTerm,
};
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_grammar::names::to_label_value;
use shipshape_manifest::Provenance;
use shipshape_spec::{BackingService, Image, Resources, SizePreset, SpecPath, StorageDetail, path};

use super::backup_pods;
use crate::builders::{
    claim_spec, container_security, pod_security, pull_policy, resource_requirements,
};
use crate::context::{Ctx, content_hash, service_key, service_path};
use crate::network_rules::{
    clients_of, dns_egress, egress_rule, ingress_rule, pods_of, policy, tcp_ports,
};
use crate::secrets;

/// The name of the data volume of every instance, and of its claim template.
const DATA: &str = "data";

/// A server, as its provider describes it; [`render`] adds everything servers share.
pub(super) struct Server {
    /// The server's container: image, command, env, ports, probes, lifecycle. Its
    /// security context, resources, pull policy and mounts are added.
    pub container: Container,
    /// Where the data volume is mounted.
    pub data_path: &'static str,
    /// Paths the server writes to besides its data; `/tmp` always is.
    pub writable: &'static [&'static str],
    /// Ports clients connect to, by name: the client Service's.
    pub client_ports: &'static [(&'static str, u16)],
    /// Ports members use among themselves, by name: a headless Service publishes every
    /// member on them before it is ready, since members must find each other to become
    /// ready at all; and the members start in parallel.
    pub peer_ports: &'static [(&'static str, u16)],
    /// How many members.
    pub replicas: u32,
    /// Seconds the server gets to stop after SIGTERM.
    pub grace: i64,
    /// Annotations of the StatefulSet (a database's connection limit), with the spec
    /// keys behind them.
    pub annotations: (BTreeMap<String, String>, Provenance),
}

/// The name of a server's headless peers Service.
pub(super) fn peers_service_name(name: &str) -> String {
    format!("{name}-peers")
}

/// Records in `fields` that the resources at `pointer` are the `small` preset, when the
/// spec says nothing about the server's resources.
pub(super) fn record_resources_default(
    fields: &mut Provenance,
    pointer: &str,
    name: &str,
    service: &BackingService,
) {
    if service.resources.is_none() {
        let key = service_key(name, path!["resources"]);
        fields.record_default(pointer, key, SizePreset::Small.describe());
    }
}

/// The resources of each instance; `small` when the spec says nothing.
pub(super) fn resources(service: &BackingService) -> Resources {
    service
        .resources
        .clone()
        .unwrap_or_else(|| SizePreset::Small.resources())
}

/// A port of a container.
pub(super) fn container_port(name: &str, port: u16) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: i32::from(port),
        protocol: Some("TCP".to_owned()),
        ..ContainerPort::default()
    }
}

/// Renders the objects of the server of service `name`.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService, server: Server) {
    let path = service_path(name);
    let account = ServiceAccount {
        metadata: ctx.service_metadata(name, name, service),
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    };
    ctx.emit(&account, path.clone(), Provenance::new());
    let client = client_service(ctx, name, service, &server);
    ctx.emit(&client, path.clone(), Provenance::new());
    if !server.peer_ports.is_empty() {
        let peers = peers_service(ctx, name, service, &server);
        ctx.emit(&peers, path.clone(), Provenance::new());
    }
    if server.replicas > 1 {
        let budget = disruption_budget(ctx, name, service);
        ctx.emit(&budget, path.clone(), Provenance::new());
    } else {
        ctx.notes.push(format!(
            "service `{name}` runs a single {} pod: it has no failover and is down while its node drains",
            service.kind
        ));
    }
    let policy = network_policy(ctx, name, service, &server);
    ctx.emit(&policy, path.clone(), Provenance::new());
    let mut fields = statefulset_fields(name, service);
    fields.nest("", server.annotations.1.clone());
    ctx.emit(&statefulset(ctx, name, service, server), path, fields);
}

/// The spec key that chooses a server's image: `image`, else `version`; `None` when the
/// provider's default stands.
pub(super) fn image_key(name: &str, service: &BackingService) -> Option<SpecPath> {
    if service.image.is_some() {
        Some(service_key(name, path!["image"]))
    } else if service.version.is_some() {
        Some(service_key(name, path!["version"]))
    } else {
        None
    }
}

/// The spec keys behind a server's StatefulSet: the members, the image, the resources
/// and the storage.
fn statefulset_fields(name: &str, service: &BackingService) -> Provenance {
    let mut fields = Provenance::new();
    let key = |rest| service_key(name, rest);
    let container = "/spec/template/spec/containers/0";
    if service.instances.is_some() {
        fields.record("/spec/replicas", key(path!["instances"]));
    }
    if let Some(image) = image_key(name, service) {
        fields.record(&format!("{container}/image"), image);
    }
    let resources = format!("{container}/resources");
    if service.resources.is_some() {
        fields.record(&resources, key(path!["resources"]));
    }
    record_resources_default(&mut fields, &resources, name, service);
    if service.storage.is_some() {
        fields.record("/spec/volumeClaimTemplates/0", key(path!["storage"]));
    }
    fields
}

fn service_ports(ports: &[(&str, u16)]) -> Vec<ServicePort> {
    ports
        .iter()
        .map(|(port_name, port)| ServicePort {
            name: Some((*port_name).to_owned()),
            port: i32::from(*port),
            target_port: Some(IntOrString::String((*port_name).to_owned())),
            protocol: Some("TCP".to_owned()),
            ..ServicePort::default()
        })
        .collect()
}

/// The Service clients use: it routes only to ready members.
fn client_service(ctx: &Ctx<'_>, name: &str, service: &BackingService, server: &Server) -> Service {
    Service {
        metadata: ctx.service_metadata(name, name, service),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            selector: Some(ctx.selector_labels(name)),
            ports: Some(service_ports(server.client_ports)),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// The headless Service that gives each member a DNS name, published before the member
/// is ready: members must reach each other to become ready.
fn peers_service(ctx: &Ctx<'_>, name: &str, service: &BackingService, server: &Server) -> Service {
    let ports: Vec<(&str, u16)> = server
        .client_ports
        .iter()
        .chain(server.peer_ports)
        .copied()
        .collect();
    Service {
        metadata: ctx.service_metadata(&peers_service_name(name), name, service),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            publish_not_ready_addresses: Some(true),
            selector: Some(ctx.selector_labels(name)),
            ports: Some(service_ports(&ports)),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// One member down at a time for voluntary disruptions. Unlike a component's budget it
/// does not let a drain evict members that are not ready regardless: a member of a
/// quorum that has lost its leader is not ready either, and evicting it then makes the
/// outage longer.
fn disruption_budget(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: ctx.service_metadata(name, name, service),
        spec: Some(PodDisruptionBudgetSpec {
            selector: Some(ctx.selector(name)),
            max_unavailable: Some(IntOrString::Int(1)),
            unhealthy_pod_eviction_policy: Some("IfHealthyBudget".to_owned()),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    }
}

/// In: the components that need the service, their migration Jobs and its backup Job
/// on the client ports, members on the peer ports. Out: the DNS (every server resolves
/// names, if only its own), members on the peer ports, and nothing else.
fn network_policy(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    server: &Server,
) -> NetworkPolicy {
    let client_ports = tcp_ports(server.client_ports.iter().map(|(_, p)| *p));
    let peer_ports = tcp_ports(server.peer_ports.iter().map(|(_, p)| *p));
    let callers = clients_of(ctx, name)
        .into_iter()
        .map(|(_, pods)| pods)
        .chain(backup_pods::pods(ctx, name, service))
        .filter_map(|from| ingress_rule(from, client_ports.clone()));
    let members = ingress_rule(pods_of(ctx, name), peer_ports.clone());
    let ingress: Vec<NetworkPolicyIngressRule> = callers.chain(members).collect();
    let egress: Vec<NetworkPolicyEgressRule> = std::iter::once(dns_egress(ctx))
        .chain(egress_rule(Some(pods_of(ctx, name)), peer_ports))
        .collect();
    policy(
        ctx.service_metadata(name, name, service),
        ctx.selector(name),
        ingress,
        egress,
    )
}

fn statefulset(ctx: &Ctx<'_>, name: &str, service: &BackingService, server: Server) -> StatefulSet {
    let governing = if server.peer_ports.is_empty() {
        name.to_owned()
    } else {
        peers_service_name(name)
    };
    let parallel = !server.peer_ports.is_empty();
    let replicas = server.replicas;
    let storage = service.storage.as_ref().map(|s| s.0.clone());
    let annotations = server.annotations.0.clone();
    StatefulSet {
        metadata: ObjectMeta {
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ctx.service_metadata(name, name, service)
        },
        spec: Some(StatefulSetSpec {
            service_name: Some(governing),
            replicas: Some(i32::try_from(replicas).unwrap_or(i32::MAX)),
            // Members of a quorum must start together: one at a time, the first would
            // wait for a quorum that the others, not yet started, never give it.
            pod_management_policy: parallel.then(|| "Parallel".to_owned()),
            selector: ctx.selector(name),
            template: pod_template(ctx, name, service, server),
            volume_claim_templates: storage.map(|s| vec![claim_template(&s)]),
            // Deleting or scaling down the StatefulSet must never delete the data.
            persistent_volume_claim_retention_policy: Some(
                StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_deleted: Some("Retain".to_owned()),
                    when_scaled: Some("Retain".to_owned()),
                },
            ),
            ..StatefulSetSpec::default()
        }),
        status: None,
    }
}

/// A ReadWriteOnce claim of `storage`, named after the data volume.
fn claim_template(storage: &StorageDetail) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(DATA.to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(claim_spec(
            storage.size.0.as_str(),
            storage.class.as_deref(),
        )),
        status: None,
    }
}

fn pod_template(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    server: Server,
) -> PodTemplateSpec {
    let uid = i64::from(ctx.spec.platform.run_as_user);
    let writable: Vec<&str> = std::iter::once("/tmp")
        .chain(server.writable.iter().copied())
        .collect();
    let mut mounts = vec![VolumeMount {
        name: DATA.to_owned(),
        mount_path: server.data_path.to_owned(),
        ..VolumeMount::default()
    }];
    mounts.extend(writable.iter().map(|path| VolumeMount {
        name: scratch_name(path),
        mount_path: (*path).to_owned(),
        ..VolumeMount::default()
    }));
    let image = server.container.image.clone().unwrap_or_default();
    let container = Container {
        image_pull_policy: Some(pull_policy(&image).to_owned()),
        resources: Some(resource_requirements(&resources(service))),
        security_context: Some(container_security(uid)),
        volume_mounts: Some(mounts),
        ..server.container
    };
    let mut labels = ctx.service_labels(name, service);
    if let Some(version) = Image::parse(&image).ok().and_then(|i| i.version()) {
        labels.insert(
            "app.kubernetes.io/version".to_owned(),
            to_label_value(&version),
        );
    }
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            annotations: secrets_checksum(ctx, service),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container],
            service_account_name: Some(name.to_owned()),
            automount_service_account_token: Some(false),
            enable_service_links: Some(false),
            security_context: Some(pod_security(uid)),
            termination_grace_period_seconds: Some(server.grace),
            affinity: (server.replicas > 1).then(|| spread_over_hosts(ctx, name)),
            topology_spread_constraints: (server.replicas > 1)
                .then(|| vec![spread_over_zones(ctx, name)]),
            volumes: Some(
                writable
                    .iter()
                    .map(|path| Volume {
                        name: scratch_name(path),
                        empty_dir: Some(EmptyDirVolumeSource {
                            medium: None,
                            size_limit: Some(Quantity("256Mi".to_owned())),
                        }),
                        ..Volume::default()
                    })
                    .collect(),
            ),
            ..PodSpec::default()
        }),
    }
}

/// The name of the emptyDir mounted at `path`.
fn scratch_name(path: &str) -> String {
    let name = path.trim_matches('/').replace('/', "-");
    match name.as_str() {
        "tmp" => name,
        _ => format!("w-{name}"),
    }
}

/// A checksum of the credentials secret's identity, so that a new secret rolls the
/// server as it rolls the components.
fn secrets_checksum(ctx: &Ctx<'_>, service: &BackingService) -> Option<BTreeMap<String, String>> {
    let secret = &service.credentials.as_ref()?.secret;
    let print = secrets::fingerprint(ctx, secret);
    Some(BTreeMap::from([(
        "checksum/secrets".to_owned(),
        content_hash([print.as_str()], 64),
    )]))
}

/// Members on different nodes where the scheduler can: losing a node then loses one
/// member, not a quorum.
fn spread_over_hosts(ctx: &Ctx<'_>, name: &str) -> Affinity {
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(ctx.selector(name)),
                        topology_key: "kubernetes.io/hostname".to_owned(),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    }
}

/// Members spread over zones where the scheduler can.
fn spread_over_zones(ctx: &Ctx<'_>, name: &str) -> TopologySpreadConstraint {
    TopologySpreadConstraint {
        max_skew: 1,
        topology_key: "topology.kubernetes.io/zone".to_owned(),
        when_unsatisfiable: "ScheduleAnyway".to_owned(),
        label_selector: Some(ctx.selector(name)),
        ..TopologySpreadConstraint::default()
    }
}
