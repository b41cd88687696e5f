//! Who calls whom, as the reference deployments' own texts say it, holds in what the
//! examples render.
//!
//! The tables below are written from the seeds (the deployment guides each example
//! follows), not from the example specs: the Goverse guide routes gate calls to nodes on
//! gRPC 50051, the Spoke guide admits only the ingress controller on 8080, and so on.
//! Each call is asked of the rendered NetworkPolicies through the shared model's
//! evaluation, so a spec that renders policies blocking a call its system makes (or
//! admitting one the guide closes) fails here even when every schema and policy oracle
//! is satisfied.

use std::net::IpAddr;
use std::path::Path;

use serde_json::{Map, Value};
use shipshape_manifest::network_policy::{
    ContainerPort, Endpoint, NetworkPolicies, Port, Protocol,
};
use shipshape_manifest::{Model, ModelIndex, PodTemplate};

/// One end of a call.
#[derive(Debug, Clone, Copy)]
enum Peer {
    /// The pods of the rendered workload of this kind and name.
    Workload(&'static str, &'static str),
    /// The pods of the rendered Job or CronJob whose name starts with this prefix
    /// (migration and secret Jobs carry a hash of their template in their name).
    JobNamed(&'static str),
    /// Pods the output does not run, in `namespace` with `labels`, declaring `ports`.
    Outside {
        namespace: &'static str,
        labels: &'static [(&'static str, &'static str)],
        ports: &'static [(&'static str, u16, Protocol)],
    },
    /// An address outside the cluster.
    Address(&'static str),
}

/// The ingress-nginx controller, where the guides run it.
const INGRESS_CONTROLLER: Peer = Peer::Outside {
    namespace: "ingress-nginx",
    labels: &[("app.kubernetes.io/name", "ingress-nginx")],
    ports: &[],
};

/// A Prometheus in the `monitoring` namespace, which the guides' ServiceMonitors and
/// scrape annotations assume.
const PROMETHEUS: Peer = Peer::Outside {
    namespace: "monitoring",
    labels: &[("app.kubernetes.io/name", "prometheus")],
    ports: &[],
};

/// Some other workload of the cluster, which none of the guides lets in.
const STRANGER: Peer = Peer::Outside {
    namespace: "elsewhere",
    labels: &[("app", "curious")],
    ports: &[],
};

/// An address on the internet (TEST-NET-3): where a managed database or an object
/// store without a declared network lives.
const INTERNET: Peer = Peer::Address("203.0.113.10");

/// Whether the guide says the call happens (and must pass) or is closed (and must not).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Passes,
    Blocked,
}

/// One call the guide describes.
#[derive(Debug, Clone, Copy)]
struct Call {
    from: Peer,
    to: Peer,
    port: u16,
    protocol: Protocol,
    expect: Expect,
    /// Where the guide says so.
    because: &'static str,
}

const fn tcp(from: Peer, to: Peer, port: u16, because: &'static str) -> Call {
    Call {
        from,
        to,
        port,
        protocol: Protocol::Tcp,
        expect: Expect::Passes,
        because,
    }
}

const fn udp(from: Peer, to: Peer, port: u16, because: &'static str) -> Call {
    Call {
        protocol: Protocol::Udp,
        ..tcp(from, to, port, because)
    }
}

const fn closed(from: Peer, to: Peer, port: u16, because: &'static str) -> Call {
    Call {
        expect: Expect::Blocked,
        ..tcp(from, to, port, because)
    }
}

/// The rendered example: its objects, as one model.
struct Rendered {
    model: Model,
    namespace: String,
}

fn render(example: &str) -> Rendered {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(example);
    let loaded = shipshape_spec::load_path(&dir.join("shipshape.yaml"), None)
        .unwrap_or_else(|d| panic!("{example} does not load: {d}"));
    let rendered = shipshape_render::render(&loaded.spec)
        .unwrap_or_else(|p| panic!("{example} does not render: {p:?}"));
    let namespace = loaded.spec.namespace().to_owned();
    let mut model = Model::new();
    model.add_objects(rendered.manifests.into_items());
    Rendered { model, namespace }
}

/// The labels of a pod outside the output, which its endpoint borrows.
fn outside_labels(peer: Peer) -> Option<Map<String, Value>> {
    match peer {
        Peer::Outside { labels, .. } => Some(
            labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
                .collect(),
        ),
        _ => None,
    }
}

/// The pods of `peer`, as the policies see them (an outside peer wears `labels`, made
/// by [`outside_labels`]); `None` for an address.
fn endpoint<'a>(
    index: &ModelIndex<'a>,
    namespace: &str,
    peer: Peer,
    labels: Option<&'a Map<String, Value>>,
) -> Option<Endpoint<'a>> {
    let template = |pick: &dyn Fn(&PodTemplate<'a>) -> bool, what: String| -> Endpoint<'a> {
        let found: Vec<_> = index.pod_templates().iter().filter(|p| pick(p)).collect();
        match found.as_slice() {
            [one] => Endpoint::of_template(one),
            [] => panic!("the output runs no {what} in {namespace}"),
            _ => panic!("the output runs {} pod templates for {what}", found.len()),
        }
    };
    match peer {
        Peer::Workload(kind, name) => Some(template(
            &|p| p.object.kind() == kind && p.object.name() == name,
            format!("{kind} {name}"),
        )),
        Peer::JobNamed(prefix) => Some(template(
            &|p| {
                matches!(p.object.kind(), "Job" | "CronJob") && p.object.name().starts_with(prefix)
            },
            format!("Job {prefix}*"),
        )),
        Peer::Outside {
            namespace, ports, ..
        } => {
            let mut endpoint = Endpoint::new(namespace, labels);
            endpoint.ports = ports
                .iter()
                .map(|(name, number, protocol)| ContainerPort {
                    name: Some(name),
                    number: i64::from(*number),
                    protocol: *protocol,
                })
                .collect();
            Some(endpoint)
        }
        Peer::Address(_) => None,
    }
}

/// Asks the rendered policies about every call and reports each that does not hold.
fn assert_calls(example: &str, calls: &[Call]) {
    let rendered = render(example);
    let index = ModelIndex::new(&rendered.model);
    let policies = NetworkPolicies::of_model(&index);
    let labels: Vec<_> = calls
        .iter()
        .map(|call| (outside_labels(call.from), outside_labels(call.to)))
        .collect();
    let mut wrong = Vec::new();
    for (call, (from_labels, to_labels)) in calls.iter().zip(&labels) {
        let port = Port {
            number: i64::from(call.port),
            protocol: call.protocol,
        };
        let from = endpoint(&index, &rendered.namespace, call.from, from_labels.as_ref())
            .expect("calls start at pods");
        let passes = match call.to {
            Peer::Address(address) => {
                let address: IpAddr = address.parse().expect("a test address");
                // Why: an ipBlock peer admits the address outright; `may_admit` would
                // also count rules that only might cover it, which says nothing here.
                policies.reach_address(&from, address, port).admits()
            }
            to => {
                let to = endpoint(&index, &rendered.namespace, to, to_labels.as_ref())
                    .expect("a pod peer");
                policies.reach(&from, &to, port).admits()
            }
        };
        let holds = passes == (call.expect == Expect::Passes);
        if !holds {
            wrong.push(format!(
                "{:?} -> {:?} on {}/{}: the guide says it {} ({}), the policies {}",
                call.from,
                call.to,
                call.port,
                call.protocol.as_str(),
                if call.expect == Expect::Passes {
                    "happens"
                } else {
                    "is closed"
                },
                call.because,
                if passes { "admit it" } else { "block it" },
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{example}: {} of {} calls do not hold:\n{}",
        wrong.len(),
        calls.len(),
        wrong.join("\n")
    );
}

/// DNS from `from`: every pod of the guides resolves names (Service names, external
/// database hosts).
fn dns(from: Peer) -> [Call; 2] {
    const CLUSTER_DNS: Peer = Peer::Outside {
        namespace: "kube-system",
        labels: &[("k8s-app", "kube-dns")],
        ports: &[("dns", 53, Protocol::Udp), ("dns-tcp", 53, Protocol::Tcp)],
    };
    [
        udp(from, CLUSTER_DNS, 53, "names resolve"),
        tcp(from, CLUSTER_DNS, 53, "long answers fall back to TCP"),
    ]
}

#[test]
fn cyoda_go_calls_hold() {
    const POD: Peer = Peer::Workload("Deployment", "cyoda");
    const MIGRATION: Peer = Peer::JobNamed("cyoda-migrate");
    let calls = [
        tcp(INGRESS_CONTROLLER, POD, 8080, "pods behind a load balancer"),
        tcp(POD, POD, 7946, "gossip protocol for membership"),
        udp(POD, POD, 7946, "gossip protocol for membership"),
        tcp(
            POD,
            INTERNET,
            5432,
            "PostgreSQL, the only stateful dependency",
        ),
        tcp(MIGRATION, INTERNET, 5432, "schema migrations as a hook"),
        tcp(
            PROMETHEUS,
            POD,
            8080,
            "a Prometheus scrape annotation on the pods",
        ),
        closed(
            STRANGER,
            POD,
            8080,
            "only the load balancer fronts the pods",
        ),
        closed(STRANGER, POD, 7946, "gossip is between cyoda-go pods"),
        closed(
            INGRESS_CONTROLLER,
            POD,
            7946,
            "gossip is between cyoda-go pods",
        ),
        closed(
            MIGRATION,
            POD,
            7946,
            "a migration takes no part in membership",
        ),
    ];
    let mut all = calls.to_vec();
    all.extend(dns(POD));
    all.extend(dns(MIGRATION));
    assert_calls("cyoda-go", &all);
}

#[test]
fn goverse_calls_hold() {
    const NODE: Peer = Peer::Workload("StatefulSet", "node");
    const GATE: Peer = Peer::Workload("Deployment", "gate");
    const INSPECTOR: Peer = Peer::Workload("Deployment", "inspector");
    const ETCD: Peer = Peer::Workload("StatefulSet", "etcd");
    const ETCD_BACKUP: Peer = Peer::Workload("CronJob", "etcd-backup");
    // Why: the guide's operator option; CloudNativePG labels every instance pod with
    // its cluster's name and serves PostgreSQL on the port named `postgresql`.
    const POSTGRES: Peer = Peer::Outside {
        namespace: "goverse",
        labels: &[
            ("cnpg.io/cluster", "postgres"),
            ("cnpg.io/podRole", "instance"),
        ],
        ports: &[
            ("postgresql", 5432, Protocol::Tcp),
            ("status", 8000, Protocol::Tcp),
            ("metrics", 9187, Protocol::Tcp),
        ],
    };
    let calls = [
        tcp(INGRESS_CONTROLLER, GATE, 60051, "the gate's gRPC ingress"),
        tcp(
            INGRESS_CONTROLLER,
            INSPECTOR,
            8080,
            "the inspector's web ingress",
        ),
        tcp(GATE, NODE, 50051, "gates route calls to nodes"),
        tcp(NODE, NODE, 50051, "nodes admit other nodes on gRPC"),
        tcp(NODE, ETCD, 2379, "nodes keep cluster state in etcd"),
        tcp(GATE, ETCD, 2379, "a gate is ready once connected to etcd"),
        tcp(ETCD, ETCD, 2380, "etcd members peer on 2380"),
        tcp(NODE, POSTGRES, 5432, "nodes persist objects in PostgreSQL"),
        tcp(
            POSTGRES,
            POSTGRES,
            5432,
            "a primary streams to its replicas",
        ),
        tcp(
            NODE,
            INSPECTOR,
            8081,
            "the inspector's gRPC address in the shared config",
        ),
        tcp(
            GATE,
            INSPECTOR,
            8081,
            "the inspector's gRPC address in the shared config",
        ),
        tcp(
            PROMETHEUS,
            NODE,
            8080,
            "scrape annotations and ServiceMonitor on http",
        ),
        tcp(
            PROMETHEUS,
            GATE,
            8080,
            "scrape annotations and ServiceMonitor on http",
        ),
        tcp(ETCD_BACKUP, ETCD, 2379, "backup CronJobs snapshot etcd"),
        tcp(ETCD_BACKUP, INTERNET, 443, "backups go off-cluster"),
        closed(
            INGRESS_CONTROLLER,
            NODE,
            50051,
            "clients enter through gates",
        ),
        closed(GATE, POSTGRES, 5432, "gates are stateless"),
        closed(
            INSPECTOR,
            ETCD,
            2379,
            "network access between components is restricted",
        ),
        closed(
            INSPECTOR,
            POSTGRES,
            5432,
            "network access between components is restricted",
        ),
        closed(STRANGER, NODE, 50051, "nodes admit gates and nodes only"),
        closed(
            STRANGER,
            ETCD,
            2379,
            "network access between components is restricted",
        ),
        closed(
            STRANGER,
            POSTGRES,
            5432,
            "network access between components is restricted",
        ),
        closed(STRANGER, GATE, 60051, "clients enter through the ingress"),
    ];
    let mut all = calls.to_vec();
    for pod in [NODE, GATE, INSPECTOR, ETCD_BACKUP] {
        all.extend(dns(pod));
    }
    assert_calls("goverse", &all);
}

#[test]
fn projections_calls_hold() {
    const WORKER: Peer = Peer::Workload("Deployment", "projections");
    let calls = [
        tcp(
            PROMETHEUS,
            WORKER,
            9090,
            "the metrics Service and ServiceMonitor",
        ),
        tcp(WORKER, INTERNET, 5432, "the event store in PostgreSQL"),
        closed(
            INGRESS_CONTROLLER,
            WORKER,
            8080,
            "workers take no inbound traffic",
        ),
        closed(STRANGER, WORKER, 8080, "workers take no inbound traffic"),
        closed(STRANGER, WORKER, 9090, "metrics are for Prometheus"),
    ];
    let mut all = calls.to_vec();
    all.extend(dns(WORKER));
    assert_calls("projections", &all);
}

#[test]
fn spoke_calls_hold() {
    const SERVER: Peer = Peer::Workload("Deployment", "server");
    const BACKUP: Peer = Peer::Workload("CronJob", "db-backup");
    let calls = [
        tcp(
            INGRESS_CONTROLLER,
            SERVER,
            8080,
            "ingress-nginx admitted on 8080",
        ),
        tcp(PROMETHEUS, SERVER, 9090, "metrics on port 9090 at /metrics"),
        tcp(SERVER, INTERNET, 5432, "egress to PostgreSQL"),
        tcp(SERVER, INTERNET, 6379, "egress to Redis"),
        tcp(SERVER, INTERNET, 443, "S3-compatible object storage"),
        tcp(SERVER, INTERNET, 4317, "the OpenTelemetry collector"),
        tcp(
            BACKUP,
            INTERNET,
            5432,
            "a backup CronJob dumps the database",
        ),
        tcp(BACKUP, INTERNET, 443, "and stores the dump in S3"),
        closed(
            INGRESS_CONTROLLER,
            SERVER,
            9090,
            "ingress-nginx admitted on 8080 only",
        ),
        closed(STRANGER, SERVER, 8080, "only ingress-nginx is admitted"),
        closed(SERVER, INTERNET, 22, "egress to the declared services only"),
    ];
    let mut all = calls.to_vec();
    all.extend(dns(SERVER));
    all.extend(dns(BACKUP));
    assert_calls("spoke", &all);
}

#[test]
fn volaticloud_calls_hold() {
    const BACKEND: Peer = Peer::Workload("Deployment", "backend");
    let calls = [
        tcp(
            INGRESS_CONTROLLER,
            BACKEND,
            8080,
            "TLS ingress to the GraphQL API",
        ),
        tcp(BACKEND, INTERNET, 5432, "PostgreSQL"),
        tcp(BACKEND, INTERNET, 443, "Keycloak over HTTPS"),
        closed(STRANGER, BACKEND, 8080, "only the ingress fronts the API"),
    ];
    let mut all = calls.to_vec();
    all.extend(dns(BACKEND));
    assert_calls("volaticloud", &all);
}

#[test]
fn a_call_table_fails_when_the_policies_disagree() {
    // Why: proves the harness can fail: Spoke's guide never opens SSH to the internet.
    let result = std::panic::catch_unwind(|| {
        assert_calls(
            "spoke",
            &[tcp(
                Peer::Workload("Deployment", "server"),
                INTERNET,
                22,
                "not in the guide",
            )],
        );
    });
    let message = result.expect_err("the call does not hold");
    let text = message
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert_eq!(
        text,
        &format!(
            "spoke: 1 of 1 calls do not hold:\n{:?} -> {:?} on 22/TCP: the guide says it \
             happens (not in the guide), the policies block it",
            Peer::Workload("Deployment", "server"),
            INTERNET,
        )
    );
}
