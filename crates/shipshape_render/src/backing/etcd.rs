//! etcd: a quorum of members in a StatefulSet, configured so that it can neither
//! deadlock on its first start nor after losing every pod at once.
//!
//! - Each member is named after its pod (`etcd-0`, `etcd-1`, ...) and advertises the DNS
//!   name that the headless peers Service gives that pod. `--initial-cluster` lists every
//!   member's peer URL, so the membership is fixed before any pod runs: no discovery
//!   service and no start-up script.
//! - `podManagementPolicy: Parallel` starts all members at once. With the default
//!   (`OrderedReady`) the second member is created only once the first is ready, and the
//!   first never is: alone it has no quorum, elects no leader and fails its readiness
//!   probe for ever.
//! - The peers Service publishes addresses of pods that are not ready
//!   (`publishNotReadyAddresses`), because a member is ready only once it has a quorum
//!   and it needs the others' names to form one.
//! - `--initial-cluster-state new` is read only when the data directory is empty: on the
//!   very first start every member bootstraps the same cluster (same member list, same
//!   cluster token), and they agree on its ID. A member whose volume holds data restarts
//!   from its write-ahead log and snapshot and ignores every `--initial-*` setting, so
//!   after a rolling update, a node failure or the loss of every pod at once each member
//!   rejoins the cluster it was in; started in parallel, a majority is back together at
//!   once and elects a leader.
//! - The data directory is a subdirectory of the volume, which etcd creates with the
//!   0700 mode it wants, and volumes are retained when the StatefulSet is deleted or
//!   scaled down.
//!
//! Probes go to the metrics listener (2381), as kubeadm's do: liveness and startup ask
//! for local health only (`serializable=true`, and a full disk is no reason to restart),
//! readiness for a leader, so clients reach only members of a working quorum.
//!
//! What still needs a person (docs/backups.md): a member whose volume is lost while the
//! others keep theirs starts as a new cluster of one and is refused by the others; remove
//! it with `etcdctl member remove`, add it back with `member add`, and start it with
//! `--initial-cluster-state existing`. Losing a majority of volumes needs a restore from a
//! snapshot. Changing `instances` of a running cluster likewise needs `member add` or
//! `member remove` around the change. Peer and client traffic is plain HTTP inside the
//! namespace, admitted only by the NetworkPolicy.

use k8s_openapi::api::core::v1::{Container, EnvVar, HTTPGetAction, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_spec::BackingService;

use super::outputs::{Details, Outputs, Reach, Value};
use super::workload::{self, Server, peers_service_name};
use crate::builders::{from_field, literal};
use crate::context::Ctx;

/// Clients connect here.
const CLIENT_PORT: u16 = 2379;
/// Members replicate to each other here.
const PEER_PORT: u16 = 2380;
/// Metrics and health, for probes.
const METRICS_PORT: u16 = 2381;

/// Where the volume is mounted, and the data directory inside it.
const VOLUME: &str = "/var/lib/etcd";
const DATA_DIR: &str = "/var/lib/etcd/data";

/// The upstream image at `version`, unless the spec names an image.
pub(super) fn image(service: &BackingService) -> String {
    service.image.as_ref().map_or_else(
        || format!("quay.io/coreos/etcd:v{}", service.version_or_default()),
        |i| i.reference.clone(),
    )
}

/// The stable DNS name of member `i`.
fn member_host(ctx: &Ctx<'_>, name: &str, i: u32) -> String {
    format!(
        "{name}-{i}.{}.{}.svc.cluster.local",
        peers_service_name(name),
        ctx.namespace()
    )
}

/// The outputs: the client Service, and every member's client URL.
pub(super) fn outputs(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    let host = ctx.service_host(name);
    let endpoints = (0..service.instances_or_default())
        .map(|i| format!("http://{}:{CLIENT_PORT}", member_host(ctx, name, i)))
        .collect();
    Outputs {
        url: Value::Text(format!("http://{host}:{CLIENT_PORT}")),
        host,
        port: CLIENT_PORT,
        database: None,
        user: None,
        password: None,
        read_hosts: Vec::new(),
        read_urls: Vec::new(),
        pool: None,
        details: Details::Etcd { endpoints },
        reach: Reach::Pods {
            labels: ctx.selector_labels(name),
            ports: vec![CLIENT_PORT],
        },
    }
}

/// Renders the StatefulSet and what it needs.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService) {
    let server = Server {
        container: container(ctx, name, service),
        data_path: VOLUME,
        writable: &[],
        client_ports: &[("client", CLIENT_PORT)],
        peer_ports: &[("peer", PEER_PORT)],
        replicas: service.instances_or_default(),
        grace: 30,
        annotations: Default::default(),
    };
    workload::render(ctx, name, service, server);
}

/// etcd reads every flag from an `ETCD_`-prefixed variable; variables keep the
/// configuration readable in `kubectl describe`.
fn env(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Vec<EnvVar> {
    let peers = peers_service_name(name);
    let namespace = ctx.namespace();
    let initial_cluster: Vec<String> = (0..service.instances_or_default())
        .map(|i| {
            format!(
                "{name}-{i}=http://{}:{PEER_PORT}",
                member_host(ctx, name, i)
            )
        })
        .collect();
    // `$(ETCD_NAME)` is the pod's name: Kubernetes expands it from the first variable.
    let own = format!("$(ETCD_NAME).{peers}.{namespace}.svc.cluster.local");
    vec![
        from_field("ETCD_NAME", "metadata.name"),
        literal("ETCD_DATA_DIR", DATA_DIR),
        literal("ETCD_INITIAL_CLUSTER", initial_cluster.join(",")),
        // Read only by a member with an empty data directory: see the module's doc.
        literal("ETCD_INITIAL_CLUSTER_STATE", "new"),
        // Unique per cluster, so members of another cluster never join this one.
        literal("ETCD_INITIAL_CLUSTER_TOKEN", format!("{namespace}-{name}")),
        literal(
            "ETCD_INITIAL_ADVERTISE_PEER_URLS",
            format!("http://{own}:{PEER_PORT}"),
        ),
        literal(
            "ETCD_ADVERTISE_CLIENT_URLS",
            format!("http://{own}:{CLIENT_PORT}"),
        ),
        literal(
            "ETCD_LISTEN_PEER_URLS",
            format!("http://0.0.0.0:{PEER_PORT}"),
        ),
        literal(
            "ETCD_LISTEN_CLIENT_URLS",
            format!("http://0.0.0.0:{CLIENT_PORT}"),
        ),
        literal(
            "ETCD_LISTEN_METRICS_URLS",
            format!("http://0.0.0.0:{METRICS_PORT}"),
        ),
        // Without compaction the history grows until the backend quota is reached and
        // etcd refuses every write; keep one hour of revisions.
        literal("ETCD_AUTO_COMPACTION_MODE", "periodic"),
        literal("ETCD_AUTO_COMPACTION_RETENTION", "1h"),
    ]
}

fn container(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Container {
    let health = |path: &str| Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_owned()),
            port: IntOrString::String("metrics".to_owned()),
            scheme: Some("HTTP".to_owned()),
            ..HTTPGetAction::default()
        }),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(3),
        success_threshold: Some(1),
        ..Probe::default()
    };
    let local = "/health?exclude=NOSPACE&serializable=true";
    Container {
        name: "etcd".to_owned(),
        image: Some(image(service)),
        command: Some(vec!["/usr/local/bin/etcd".to_owned()]),
        env: Some(env(ctx, name, service)),
        ports: Some(vec![
            workload::container_port("client", CLIENT_PORT),
            workload::container_port("peer", PEER_PORT),
            workload::container_port("metrics", METRICS_PORT),
        ]),
        startup_probe: Some(Probe {
            failure_threshold: Some(30),
            ..health(local)
        }),
        liveness_probe: Some(health(local)),
        readiness_probe: Some(health("/health")),
        ..Container::default()
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::backing::tests::BACKING;
    use crate::test_support::{find, object};

    #[test]
    fn a_quorum_starts_in_parallel_and_finds_its_peers_before_it_is_ready() {
        let objects = [
            object(BACKING, "StatefulSet", "etcd"),
            object(BACKING, "Service", "etcd-peers"),
            object(BACKING, "Service", "etcd"),
            object(BACKING, "PodDisruptionBudget", "etcd"),
            object(BACKING, "NetworkPolicy", "etcd"),
        ];
        assert_snapshot!(objects.join("---\n"));
    }

    #[test]
    fn the_initial_cluster_lists_every_member_by_its_stable_name() {
        let five = BACKING.replace(
            "    instances: 3\n    storage: { size: 10Gi",
            "    instances: 5\n    storage: { size: 10Gi",
        );
        let set = find(&five, "StatefulSet", "etcd");
        let env = &set["spec"]["template"]["spec"]["containers"][0]["env"];
        let initial = env
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "ETCD_INITIAL_CLUSTER")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_owned();
        let members: Vec<&str> = initial.split(',').collect();
        assert_eq!(members.len(), 5);
        assert_eq!(
            members[4],
            "etcd-4=http://etcd-4.etcd-peers.backing.svc.cluster.local:2380"
        );
        assert_eq!(set["spec"]["replicas"], 5);
        assert_eq!(set["spec"]["podManagementPolicy"], "Parallel");
        assert_eq!(set["spec"]["serviceName"], "etcd-peers");
        let peers = find(&five, "Service", "etcd-peers");
        assert_eq!(peers["spec"]["publishNotReadyAddresses"], true);
        assert_eq!(peers["spec"]["clusterIP"], "None");
    }
}
