//! The proof that the rendered NetworkPolicies admit exactly the traffic a spec implies.
//!
//! [`intended`] reads the spec alone and lists every connection it implies: from which
//! pods, to which pods or network, on which port and protocol. It knows the names the
//! output gives pods (the contract every tool that reads the output relies on) and what
//! each kind of pod needs, and nothing of how the renderer writes its policies: it calls
//! none of the renderer's builders. [`admitted`] renders the spec, builds the shared model
//! and asks its NetworkPolicy evaluation about every pair of pod groups (the output's,
//! those an operator runs for it, and the cluster's own: DNS, the ingress controller,
//! monitoring, the operators) and every network, on every port any of them declares or
//! the spec names, plus ports nobody uses. The two sets must be equal.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Map, Value};
use shipshape_manifest::network_policy::{
    ContainerPort, Endpoint, NetworkPolicies, Port, Protocol as PortProtocol,
};
use shipshape_manifest::{Model, ModelIndex, operated_pods};
use shipshape_spec::{AppSpec, BackingService, Component, Protocol, Provider, ServiceType};

/// One end of a connection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Peer {
    /// Pods of the output, by their `app.kubernetes.io/name`, or pods an operator runs
    /// for an object of the output, as `Kind/name`.
    Pods(String),
    /// Pods of the cluster outside the output.
    Outside(&'static str),
    /// Addresses outside the cluster: a CIDR, or `anywhere`.
    Network(String),
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Pods(name) => write!(f, "pods {name}"),
            Peer::Outside(what) => write!(f, "the {what}"),
            Peer::Network(cidr) => write!(f, "network {cidr}"),
        }
    }
}

const DNS: &str = "cluster DNS";
const INGRESS: &str = "ingress controller";
const MONITORING: &str = "monitoring namespace";
const CNPG_OPERATOR: &str = "CloudNativePG operator";
const ZALANDO_OPERATOR: &str = "Zalando operator";
const ANYWHERE: &str = "anywhere";

/// A connection: `from` may open one to `to` on `port` over `udp` or TCP.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: Peer,
    to: Peer,
    port: u16,
    udp: bool,
}

impl fmt::Display for Edge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let protocol = if self.udp { "UDP" } else { "TCP" };
        write!(
            f,
            "{} -> {} on {}/{protocol}",
            self.from, self.to, self.port
        )
    }
}

/// The connections a spec implies, collected as they are found.
struct Intent<'s> {
    spec: &'s AppSpec,
    edges: BTreeSet<Edge>,
}

impl Intent<'_> {
    fn add(&mut self, from: &Peer, to: &Peer, port: u16, udp: bool) {
        self.edges.insert(Edge {
            from: from.clone(),
            to: to.clone(),
            port,
            udp,
        });
    }

    fn tcp(&mut self, from: &Peer, to: &Peer, ports: &[u16]) {
        for port in ports {
            self.add(from, to, *port, false);
        }
    }

    /// Every pod looks names up.
    fn dns(&mut self, from: &Peer) {
        self.add(from, &Peer::Outside(DNS), 53, true);
        self.add(from, &Peer::Outside(DNS), 53, false);
    }

    /// The Kubernetes API, at addresses no selector covers.
    fn api(&mut self, from: &Peer) {
        self.tcp(from, &network(None), &[443, 6443]);
    }

    /// The named ports of `component`, with their protocols.
    fn ports(&mut self, from: &Peer, to: &Peer, component: &Component, names: &[&str]) {
        for name in names {
            let port = &component.ports[*name].0;
            self.add(from, to, port.port, port.protocol == Protocol::Udp);
        }
    }

    /// What the pods `from` reach for the component `name`: DNS, what it needs, its
    /// `egress` rules, the API if it uses it, its peers if `from` are its own pods.
    fn component_out(&mut self, from: &Peer, name: &str, component: &Component, member: bool) {
        self.dns(from);
        if member {
            let peers: Vec<&str> = component.peers.iter().map(String::as_str).collect();
            self.ports(from, &pods(name), component, &peers);
        }
        for needed in component.needs.0.keys() {
            if let Some(callee) = self.spec.components.get(needed) {
                self.ports(from, &pods(needed), callee, &callee.served_ports());
            } else if let Some(service) = self.spec.services.get(needed) {
                self.service(from, needed, service);
            }
        }
        for rule in &component.egress {
            self.tcp(from, &network(rule.cidr.as_deref()), &rule.ports);
        }
        if component.uses_api() {
            self.api(from);
        }
    }

    /// A client of the service `name`: where its provider runs it.
    fn service(&mut self, from: &Peer, name: &str, service: &BackingService) {
        let (to, port) = match (service.kind, service.provider()) {
            (ServiceType::Postgres, Provider::Statefulset) => (pods(name), 5432),
            (ServiceType::Redis, Provider::Statefulset) => (pods(name), 6379),
            (ServiceType::Etcd, _) => (pods(name), 2379),
            (ServiceType::Postgres, Provider::CloudnativePg) => (cnpg(name), 5432),
            (ServiceType::Postgres, Provider::Zalando) => (zalando(self.spec, name, service), 5432),
            (ServiceType::S3, _) => (network(service.cidr.as_deref()), s3_port(service)),
            (ServiceType::Postgres | ServiceType::Redis, _) => (
                network(service.cidr.as_deref()),
                service
                    .port
                    .unwrap_or(if service.kind == ServiceType::Redis {
                        6379
                    } else {
                        5432
                    }),
            ),
        };
        self.tcp(from, &to, &[port]);
    }

    /// Where backups of `service` go, when they go to an s3 service.
    fn store(&mut self, from: &Peer, service: &BackingService) {
        let Some(backup) = &service.backup else {
            return;
        };
        if let Some(store) = self.spec.services.get(&backup.to) {
            self.service(from, &backup.to, store);
        }
    }
}

fn pods(name: &str) -> Peer {
    Peer::Pods(name.to_owned())
}

fn cnpg(name: &str) -> Peer {
    Peer::Pods(format!("Cluster/{name}"))
}

fn zalando(spec: &AppSpec, name: &str, service: &BackingService) -> Peer {
    let team = service.team.as_deref().unwrap_or(&spec.name);
    Peer::Pods(format!("postgresql/{team}-{name}"))
}

fn network(cidr: Option<&str>) -> Peer {
    Peer::Network(cidr.unwrap_or(ANYWHERE).to_owned())
}

/// The port of an s3 service's endpoint URL; AWS S3 (HTTPS) without one.
fn s3_port(service: &BackingService) -> u16 {
    let Some(endpoint) = &service.endpoint else {
        return 443;
    };
    let (rest, default) = match endpoint.strip_prefix("http://") {
        Some(rest) => (rest, 80),
        None => (endpoint.trim_start_matches("https://"), 443),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    authority
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or(default)
}

/// Every connection `spec` implies.
fn intended(spec: &AppSpec) -> BTreeSet<Edge> {
    let mut intent = Intent {
        spec,
        edges: BTreeSet::new(),
    };
    for (name, component) in &spec.components {
        let own = pods(name);
        intent.component_out(&own, name, component, true);
        let migrates = component
            .migrations
            .as_ref()
            .is_some_and(|m| m.command.is_some());
        if migrates {
            let migration = pods(&format!("{name}-migrate"));
            intent.component_out(&migration, name, component, false);
            // The component's pods wait through the API for their migration Job, and the
            // Job's pod for each database the output runs for it (docs/migrations.md).
            intent.api(&own);
            let in_cluster = component.needs.0.keys().any(|needed| {
                spec.services
                    .get(needed)
                    .is_some_and(|service| service.provider() != Provider::External)
            });
            if in_cluster {
                intent.api(&migration);
            }
        }
        if let Some(expose) = &component.expose {
            intent.ports(&Peer::Outside(INGRESS), &own, component, &[&expose.port]);
        }
        if let Some(metrics) = &component.metrics {
            intent.ports(
                &Peer::Outside(MONITORING),
                &own,
                component,
                &[&metrics.port],
            );
        }
    }
    for (name, service) in &spec.services {
        match (service.kind, service.provider()) {
            (ServiceType::Postgres | ServiceType::Redis, Provider::Statefulset) => {
                intent.dns(&pods(name));
            }
            (ServiceType::Etcd, _) => {
                intent.dns(&pods(name));
                intent.tcp(&pods(name), &pods(name), &[2380]);
            }
            (ServiceType::Postgres, Provider::CloudnativePg) => {
                let cluster = cnpg(name);
                intent.dns(&cluster);
                intent.tcp(&cluster, &cluster, &[5432, 8000]);
                intent.tcp(&Peer::Outside(CNPG_OPERATOR), &cluster, &[5432, 8000]);
                intent.tcp(&Peer::Outside(MONITORING), &cluster, &[9187]);
                intent.api(&cluster);
                intent.store(&cluster, service);
            }
            (ServiceType::Postgres, Provider::Zalando) => {
                let cluster = zalando(spec, name, service);
                intent.dns(&cluster);
                intent.tcp(&cluster, &cluster, &[5432, 8008]);
                intent.tcp(&Peer::Outside(ZALANDO_OPERATOR), &cluster, &[5432, 8008]);
                intent.api(&cluster);
            }
            _ => {}
        }
        // shipshape dumps what no operator backs up.
        let dumped = service.backup.is_some()
            && matches!(
                (service.kind, service.provider()),
                (ServiceType::Etcd, _)
                    | (
                        ServiceType::Postgres,
                        Provider::External | Provider::Statefulset
                    )
            );
        if dumped {
            let job = pods(&format!("{name}-backup"));
            intent.dns(&job);
            intent.service(&job, name, service);
            intent.store(&job, service);
        }
    }
    for (name, secret) in &spec.secrets {
        if secret.generate.is_some() {
            let job = pods(&format!("{name}-generator"));
            intent.dns(&job);
            intent.api(&job);
        }
    }
    intent.edges
}

/// A network in CIDR form, or every address.
struct Block {
    label: String,
    /// Address and prefix length; `None` for `anywhere`.
    net: Option<(IpAddr, u8)>,
}

impl Block {
    fn parse(label: &str) -> Block {
        let net = (label != ANYWHERE).then(|| {
            let (address, prefix) = label.split_once('/').expect("a CIDR");
            (
                address.parse().expect("an address"),
                prefix.parse().expect("a prefix"),
            )
        });
        Block {
            label: label.to_owned(),
            net,
        }
    }

    fn contains(&self, address: IpAddr) -> bool {
        let Some((net, prefix)) = self.net else {
            return true;
        };
        // Addresses as their bits in the low end of a u128, with their width.
        let bits = |a: IpAddr| match a {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
            IpAddr::V6(v6) => (u128::from(v6), 128),
        };
        let ((a, width), (n, net_width)) = (bits(address), bits(net));
        let low = |count: u32| u128::MAX.checked_shr(128 - count).unwrap_or(0);
        let network_part = low(width) & !low(width - u32::from(prefix));
        width == net_width && (a & network_part) == (n & network_part)
    }

    /// An address inside the network: its first host.
    fn sample(&self) -> IpAddr {
        match self.net {
            None => "198.51.100.200".parse().expect("an address"),
            Some((IpAddr::V4(v4), _)) => IpAddr::V4((u32::from(v4) + 1).into()),
            Some((IpAddr::V6(v6), _)) => IpAddr::V6((u128::from(v6) + 1).into()),
        }
    }
}

/// The intended connections with every grant to a network spread over the sample
/// address of each network in `blocks` that it covers. A grant to `anywhere` on a port
/// reaches every network on it, and every pod outside the output too: a rule with no
/// peers admits any destination, and nothing isolates those pods.
fn spread(intended: BTreeSet<Edge>, blocks: &[Block]) -> BTreeSet<Edge> {
    let outside = [DNS, INGRESS, MONITORING, CNPG_OPERATOR, ZALANDO_OPERATOR];
    intended
        .into_iter()
        .flat_map(|edge| match &edge.to {
            Peer::Network(label) => {
                let grant = Block::parse(label);
                let pods = outside
                    .iter()
                    .filter(|_| grant.net.is_none())
                    .map(|o| Peer::Outside(o));
                blocks
                    .iter()
                    .filter(|b| grant.contains(b.sample()))
                    .map(|b| Peer::Network(b.label.clone()))
                    .chain(pods)
                    .map(|to| Edge { to, ..edge.clone() })
                    .collect()
            }
            _ => vec![edge],
        })
        .collect()
}

/// A pod outside the output.
struct Outsider {
    name: &'static str,
    namespace: String,
    labels: Map<String, Value>,
    ports: Vec<ContainerPort<'static>>,
}

impl Outsider {
    fn new(
        name: &'static str,
        namespace: &str,
        labels: impl IntoIterator<Item = (String, String)>,
    ) -> Outsider {
        let mut labels: Map<String, Value> = labels
            .into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect();
        // Pods always carry some label; one that no policy asks for changes nothing.
        labels.insert("example.com/outsider".to_owned(), Value::from(name));
        Outsider {
            name,
            namespace: namespace.to_owned(),
            labels,
            ports: Vec::new(),
        }
    }

    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            namespace: &self.namespace,
            labels: Some(&self.labels),
            ports: self.ports.clone(),
            host_network: false,
        }
    }
}

/// The pods of the cluster that the spec's `platform` places.
fn outsiders(spec: &AppSpec) -> Vec<Outsider> {
    let platform = &spec.platform;
    let owned = |labels: &indexmap::IndexMap<String, String>| {
        labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    let mut dns = Outsider::new(
        DNS,
        &platform.dns.namespace,
        owned(&platform.dns.pod_labels),
    );
    dns.ports = vec![
        ContainerPort {
            name: Some("dns"),
            number: 53,
            protocol: PortProtocol::Udp,
        },
        ContainerPort {
            name: Some("dns-tcp"),
            number: 53,
            protocol: PortProtocol::Tcp,
        },
    ];
    vec![
        dns,
        Outsider::new(
            INGRESS,
            &platform.ingress.namespace,
            owned(&platform.ingress.pod_labels),
        ),
        Outsider::new(MONITORING, &platform.monitoring.namespace, []),
        Outsider::new(
            CNPG_OPERATOR,
            &platform.cloudnative_pg.namespace,
            owned(&platform.cloudnative_pg.pod_labels),
        ),
        Outsider::new(
            ZALANDO_OPERATOR,
            &platform.zalando.namespace,
            owned(&platform.zalando.pod_labels),
        ),
    ]
}

/// Ports nobody declares, to show that nothing else is open.
const UNUSED_PORTS: [u16; 3] = [1, 3000, 65000];

/// Every connection the rendered policies admit among the pod groups, the outsiders and
/// the sample addresses of `blocks`, on `ports` over TCP and UDP.
fn admitted(spec: &AppSpec, blocks: &[Block], ports: &BTreeSet<u16>) -> BTreeSet<Edge> {
    let rendered = shipshape_render::render(spec).expect("the spec renders");
    let mut model = Model::new();
    model.add_objects(rendered.manifests.into_items());
    let index = ModelIndex::new(&model);
    let policies = NetworkPolicies::of_model(&index);
    let mut groups: Vec<(Peer, Endpoint<'_>)> = Vec::new();
    for template in index.pod_templates() {
        let name = template
            .labels()
            .and_then(|l| l.get("app.kubernetes.io/name"))
            .and_then(Value::as_str)
            .expect("every rendered pod is named");
        assert!(
            groups.iter().all(|(p, _)| *p != pods(name)),
            "two workloads run pods named {name}"
        );
        groups.push((pods(name), Endpoint::of_template(template)));
    }
    let operated = operated_pods(&index);
    for o in &operated {
        let group = Peer::Pods(format!("{}/{}", o.object.kind(), o.object.name()));
        groups.push((group, o.endpoint()));
    }
    let outside = outsiders(spec);
    let everyone: Vec<(Peer, Endpoint<'_>)> = groups
        .iter()
        .cloned()
        .chain(
            outside
                .iter()
                .map(|o| (Peer::Outside(o.name), o.endpoint())),
        )
        .collect();
    let probes: Vec<(u16, bool)> = ports
        .iter()
        .flat_map(|p| [(*p, false), (*p, true)])
        .collect();
    let port = |(number, udp): (u16, bool)| Port {
        number: i64::from(number),
        protocol: if udp {
            PortProtocol::Udp
        } else {
            PortProtocol::Tcp
        },
    };
    let mut edges = BTreeSet::new();
    let mut add = |from: &Peer, to: &Peer, (number, udp): (u16, bool)| {
        edges.insert(Edge {
            from: from.clone(),
            to: to.clone(),
            port: number,
            udp,
        });
    };
    for (from, source) in &everyone {
        for (to, target) in &everyone {
            for probe in &probes {
                if policies.reach(source, target, port(*probe)).admits() {
                    add(from, to, *probe);
                }
            }
        }
    }
    // Where pods outside the output may connect is none of its business.
    for (from, source) in &groups {
        for block in blocks {
            let to = Peer::Network(block.label.clone());
            for probe in &probes {
                let decision = policies.reach_address(source, block.sample(), port(*probe));
                if decision.admits() {
                    add(from, &to, *probe);
                }
            }
        }
    }
    for block in blocks {
        let from = Peer::Network(block.label.clone());
        for (to, target) in &groups {
            for probe in &probes {
                let decision = policies.reach_from_address(block.sample(), target, port(*probe));
                if decision.admits() {
                    add(&from, to, *probe);
                }
            }
        }
    }
    // Outsiders among themselves are none of the output's business.
    edges.retain(|e| !matches!((&e.from, &e.to), (Peer::Outside(_), Peer::Outside(_))));
    edges
}

/// The networks the spec names, and everywhere else.
fn blocks(spec: &AppSpec) -> Vec<Block> {
    let mut labels: BTreeSet<&str> = BTreeSet::from([ANYWHERE]);
    labels.extend(spec.services.values().filter_map(|s| s.cidr.as_deref()));
    labels.extend(
        spec.components
            .values()
            .flat_map(|c| &c.egress)
            .filter_map(|r| r.cidr.as_deref()),
    );
    let blocks: Vec<Block> = labels.into_iter().map(Block::parse).collect();
    let elsewhere = Block::parse(ANYWHERE).sample();
    assert!(
        blocks
            .iter()
            .all(|b| b.net.is_none() || !b.contains(elsewhere)),
        "a spec network covers the address that stands for anywhere else"
    );
    blocks
}

/// Equality of what `spec` implies and what its policies admit, or the difference.
fn proof(spec: &AppSpec) -> Result<(), String> {
    difference(spec, spec)
}

/// Equality of what `intent` implies and what the policies of `rendered` admit, or the
/// connections that are missing (`-`) and extra (`+`), one a line.
fn difference(intent: &AppSpec, rendered: &AppSpec) -> Result<(), String> {
    let blocks = blocks(intent);
    let intended = spread(intended(intent), &blocks);
    let mut ports: BTreeSet<u16> = intended.iter().map(|e| e.port).collect();
    ports.extend(UNUSED_PORTS);
    for spec in [intent, rendered] {
        ports.extend(
            spec.components
                .values()
                .flat_map(|c| c.ports.values().map(|p| p.0.port)),
        );
    }
    ports.extend([53, 443, 2379, 2380, 5432, 6379, 6443, 8000, 8008, 9187]);
    let admitted = admitted(rendered, &blocks, &ports);
    let lines: Vec<String> = intended
        .difference(&admitted)
        .map(|e| format!("- {e}"))
        .chain(admitted.difference(&intended).map(|e| format!("+ {e}")))
        .collect();
    if lines.is_empty() {
        Ok(())
    } else {
        Err(lines.join("\n"))
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The specs of a directory: each subdirectory's `shipshape.yaml`, or each `.yaml` file.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the directory exists")
        .map(|entry| entry.expect("an entry").path())
        .filter_map(|path| {
            if path.is_dir() {
                Some(path.join("shipshape.yaml")).filter(|p| p.is_file())
            } else {
                (path.extension().is_some_and(|e| e == "yaml")).then_some(path)
            }
        })
        .collect();
    found.sort();
    found
}

fn prove_each(specs: &[PathBuf]) {
    let mut failures = Vec::new();
    for path in specs {
        let loaded = shipshape_spec::load_path(path, None).expect("the spec loads");
        if let Err(difference) = proof(&loaded.spec) {
            failures.push(format!("{}: {difference}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_admits_exactly_what_its_spec_implies() {
    let examples = specs_in(&root().join("examples"));
    assert!(examples.len() >= 5, "the reference examples are present");
    prove_each(&examples);
}

#[test]
fn every_fixture_admits_exactly_what_its_spec_implies() {
    let fixtures = specs_in(&root().join("crates/shipshape_render/tests/fixtures"));
    assert!(fixtures.len() >= 4, "the fixtures are present");
    prove_each(&fixtures);
}

/// The proof sees a policy that admits too little and one that admits too much: here
/// the gates reach the nodes on the metrics port rather than on gRPC.
#[test]
fn the_proof_names_missing_and_extra_connections() {
    let path = root().join("examples/goverse/shipshape.yaml");
    let text = std::fs::read_to_string(&path).expect("the example");
    let load = |text: &str| {
        shipshape_spec::load_str("goverse.yaml", text, Path::new("."), None)
            .expect("the spec loads")
            .spec
    };
    let intent = load(&text);
    let rendered = load(&text.replacen("    serves: [grpc]", "    serves: [http]", 1));
    assert_eq!(
        difference(&intent, &rendered),
        Err([
            "- pods gate -> pods node on 50051/TCP",
            "+ pods gate -> pods node on 8080/TCP",
        ]
        .join("\n"))
    );
}

#[test]
fn networks_contain_their_addresses() {
    let block = Block::parse("10.20.0.0/16");
    assert!(block.contains("10.20.255.1".parse().expect("an address")));
    assert!(!block.contains("10.21.0.1".parse().expect("an address")));
    assert!(!block.contains("::1".parse().expect("an address")));
    assert_eq!(block.sample().to_string(), "10.20.0.1");
    let six = Block::parse("2001:db8::/32");
    assert!(six.contains("2001:db8:1::5".parse().expect("an address")));
    assert!(!six.contains("2001:db9::".parse().expect("an address")));
    assert!(Block::parse(ANYWHERE).contains("192.0.2.1".parse().expect("an address")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Any spec the generator makes, in each of its environments.
    #[test]
    fn generated_specs_admit_exactly_what_they_imply(generated in shipshape_spec_strategy::spec()) {
        let environments = std::iter::once(None)
            .chain(generated.environments.iter().map(|e| Some(e.as_str())));
        for environment in environments {
            let loaded = shipshape_spec::load_str(
                "shipshape.yaml",
                &generated.text,
                Path::new("."),
                environment,
            )
            .expect("a generated spec loads");
            let result = proof(&loaded.spec);
            prop_assert!(result.is_ok(), "--env {environment:?}: {}", result.unwrap_err());
        }
    }
}
