//! NetworkPolicies: each component admits exactly its declared traffic, in both directions.
//!
//! One policy per component selects its pods and lists `Ingress` and `Egress`, so anything
//! not declared is refused:
//!
//! - in: the ingress controller to the exposed port, the component's own pods to its
//!   `peers` ports, each component that `needs` this one to the ports of its Service, and
//!   the monitoring namespace to the metrics port;
//! - out: the cluster DNS, the component's own pods on its `peers` ports, each needed
//!   component, each needed backing service where its provider says it is (the pods of
//!   an in-cluster server, or the declared network of an external one), the component's
//!   own `egress:` rules, and the Kubernetes API only for components that use it
//!   (`api_access` or `permissions`).
//!
//! Ports are the pods' container ports, not Service ports: a policy is enforced at the pod,
//! after the Service has translated its port into the pod's. Rules keep the spec's order
//! and appear once, so the output is stable and a reviewer reads each grant once.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_spec::{Component, PortSpec, Protocol};

use crate::backing::{self, Reach};
use crate::context::{Ctx, component_path};
use crate::pod;
use crate::wiring::{self, Dependency};

/// The label Kubernetes sets on every namespace to its name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The DNS port, queried over UDP and, for answers too large for a datagram, over TCP.
const DNS_PORT: u16 = 53;

/// Ports the Kubernetes API server listens on: 443 on most managed clusters, 6443 on
/// kubeadm-style ones.
const API_SERVER_PORTS: [u16; 2] = [443, 6443];

/// Renders the NetworkPolicy of one component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let policy = NetworkPolicy {
        metadata: ctx.metadata(name, Some(name)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(ctx.selector(name)),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            // An empty list (rather than none) with `Ingress` in the policy types denies all
            // inbound traffic, which is what a component nobody calls should get.
            ingress: Some(ingress_rules(ctx, name, component)),
            egress: Some(egress_rules(ctx, name, component)),
        }),
    };
    ctx.emit(&policy, component_path(name));
    for note in open_egress_notes(ctx, component) {
        if !ctx.notes.contains(&note) {
            ctx.notes.push(note);
        }
    }
}

/// A note for each needed backing service that is reached by address without a `cidr`:
/// its egress rule admits any address on the port, which is allowed but wider than it
/// needs to be.
fn open_egress_notes(ctx: &Ctx<'_>, component: &Component) -> Vec<String> {
    wiring::dependencies(ctx, component)
        .into_iter()
        .filter_map(|dependency| match dependency {
            Dependency::Service { name, spec } => {
                match backing::outputs(ctx, name, spec).reach {
                    Reach::Network { cidr: None, ports } => Some(format!(
                        "service `{name}` has no `cidr`, so the components that need it may connect to any address on port {}; set `services.{name}.cidr` to the network it runs in",
                        ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
                    )),
                    _ => None,
                }
            }
            Dependency::Component { .. } => None,
        })
        .collect()
}

/// Who may connect to the component: the ingress controller, its peers, its callers,
/// monitoring.
fn ingress_rules(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
) -> Vec<NetworkPolicyIngressRule> {
    let platform = &ctx.spec.platform;
    let controller = component.expose.as_ref().and_then(|expose| {
        let from = pods_in(&platform.ingress.namespace, &platform.ingress.pod_labels);
        ingress_rule(from, named_ports(component, [expose.port.as_str()]))
    });
    let peers = ingress_rule(pods_of(ctx, name), peer_ports(component));
    let callers = ctx
        .spec
        .components
        .iter()
        .filter(|(caller, c)| caller.as_str() != name && c.needs.0.contains_key(name))
        .filter_map(|(caller, _)| ingress_rule(pods_of(ctx, caller), service_ports(component)));
    let monitoring = component.metrics.as_ref().and_then(|metrics| {
        let from = pods_in(&platform.monitoring.namespace, &IndexMap::new());
        ingress_rule(from, named_ports(component, [metrics.port.as_str()]))
    });
    unique(
        controller
            .into_iter()
            .chain(peers)
            .chain(callers)
            .chain(monitoring),
    )
}

/// Where the component may connect: DNS, its peers, its needs, its `egress:` rules, maybe
/// the API. Its migration Job's pods may connect to the same.
pub fn egress_rules(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
) -> Vec<NetworkPolicyEgressRule> {
    let peers = egress_rule(Some(pods_of(ctx, name)), peer_ports(component));
    let needs = wiring::dependencies(ctx, component)
        .into_iter()
        .filter_map(|dependency| match dependency {
            Dependency::Component { name, spec } => {
                egress_rule(Some(pods_of(ctx, name)), service_ports(spec))
            }
            Dependency::Service { name, spec } => {
                reach_egress(&backing::outputs(ctx, name, spec).reach)
            }
        });
    let declared = component.egress.iter().filter_map(|rule| {
        egress_rule(
            rule.cidr.as_deref().map(network),
            tcp_ports(rule.ports.iter().copied()),
        )
    });
    let api = component.uses_api().then(api_server_egress);
    unique(
        std::iter::once(dns_egress(ctx))
            .chain(peers)
            .chain(needs)
            .chain(declared)
            .chain(api),
    )
}

/// Egress to the cluster DNS.
pub fn dns_egress(ctx: &Ctx<'_>) -> NetworkPolicyEgressRule {
    let dns = &ctx.spec.platform.dns;
    NetworkPolicyEgressRule {
        to: Some(vec![pods_in(&dns.namespace, &dns.pod_labels)]),
        ports: Some(vec![
            port(DNS_PORT, Protocol::Udp),
            port(DNS_PORT, Protocol::Tcp),
        ]),
    }
}

/// Egress to the Kubernetes API server. It is reached through the `kubernetes` Service,
/// whose endpoints are the control plane's own addresses: outside every pod network,
/// different in each cluster, and so beyond any selector. These two ports to any address
/// are the narrowest grant that works everywhere, which is why only pods that need the
/// API get it.
pub fn api_server_egress() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: None,
        ports: Some(tcp_ports(API_SERVER_PORTS)),
    }
}

/// Egress to a server where [`Reach`] says it is.
pub fn reach_egress(reach: &Reach) -> Option<NetworkPolicyEgressRule> {
    match reach {
        Reach::Pods { labels, ports } => {
            let pods = NetworkPolicyPeer {
                pod_selector: Some(matching(labels.clone())),
                ..NetworkPolicyPeer::default()
            };
            egress_rule(Some(pods), tcp_ports(ports.iter().copied()))
        }
        Reach::Network { cidr, ports } => egress_rule(
            cidr.as_deref().map(network),
            tcp_ports(ports.iter().copied()),
        ),
    }
}

/// An inbound rule, or none when there is no port to open: to a NetworkPolicy, a rule
/// without ports opens every port, the opposite of what was declared.
pub fn ingress_rule(
    from: NetworkPolicyPeer,
    ports: Vec<NetworkPolicyPort>,
) -> Option<NetworkPolicyIngressRule> {
    (!ports.is_empty()).then(|| NetworkPolicyIngressRule {
        from: Some(vec![from]),
        ports: Some(ports),
    })
}

/// An outbound rule to `to` (any address when `None`), or none when there is no port to
/// open, as for [`ingress_rule`].
pub fn egress_rule(
    to: Option<NetworkPolicyPeer>,
    ports: Vec<NetworkPolicyPort>,
) -> Option<NetworkPolicyEgressRule> {
    (!ports.is_empty()).then(|| NetworkPolicyEgressRule {
        to: to.map(|peer| vec![peer]),
        ports: Some(ports),
    })
}

/// The pods of a component of this app (a pod selector alone stays in the namespace).
pub fn pods_of(ctx: &Ctx<'_>, component: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(ctx.selector(component)),
        ..NetworkPolicyPeer::default()
    }
}

/// The pods labelled `pod_labels` in another namespace; every pod there when the labels
/// are empty. Namespaces are matched on the label Kubernetes gives each one: its name.
fn pods_in(namespace: &str, pod_labels: &IndexMap<String, String>) -> NetworkPolicyPeer {
    let namespace_name = [(NAMESPACE_NAME_LABEL.to_owned(), namespace.to_owned())];
    NetworkPolicyPeer {
        namespace_selector: Some(matching(namespace_name.into())),
        pod_selector: (!pod_labels.is_empty()).then(|| {
            matching(
                pod_labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        }),
        ip_block: None,
    }
}

/// A selector of objects that carry all of `labels`.
pub fn matching(labels: BTreeMap<String, String>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..LabelSelector::default()
    }
}

/// Addresses in `cidr`.
fn network(cidr: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: cidr.to_owned(),
            except: None,
        }),
        ..NetworkPolicyPeer::default()
    }
}

/// One port number with its protocol.
fn port(number: u16, protocol: Protocol) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(number))),
        protocol: Some(pod::protocol(protocol).to_owned()),
        end_port: None,
    }
}

/// A declared container port.
fn container_port(spec: &PortSpec) -> NetworkPolicyPort {
    port(spec.0.port, spec.0.protocol)
}

/// The ports a component's Service offers its callers: every port but the `peers` ones.
fn service_ports(component: &Component) -> Vec<NetworkPolicyPort> {
    unique(
        component
            .ports
            .iter()
            .filter(|(name, _)| !component.peers.contains(name))
            .map(|(_, spec)| container_port(spec)),
    )
}

/// The ports the component's pods use among themselves.
fn peer_ports(component: &Component) -> Vec<NetworkPolicyPort> {
    named_ports(component, component.peers.iter().map(String::as_str))
}

/// The container ports called `names`, skipping any that is not declared (spec
/// validation reports those).
fn named_ports<'a>(
    component: &Component,
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<NetworkPolicyPort> {
    unique(
        names
            .into_iter()
            .filter_map(|name| component.ports.get(name))
            .map(container_port),
    )
}

/// TCP ports by number.
pub fn tcp_ports(numbers: impl IntoIterator<Item = u16>) -> Vec<NetworkPolicyPort> {
    unique(numbers.into_iter().map(|n| port(n, Protocol::Tcp)))
}

/// `items` in their first-seen order, each once. The API types are not `Hash`, and the
/// lists are short, so a linear scan does.
pub fn unique<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::test_support::{self, SHOP};

    fn policy(name: &str) -> String {
        test_support::object(SHOP, "NetworkPolicy", name)
    }

    #[test]
    fn an_exposed_caller_admits_the_ingress_controller_and_reaches_what_it_needs() {
        assert_snapshot!(policy("web"));
    }

    #[test]
    fn a_needed_component_admits_its_peers_callers_and_monitoring() {
        assert_snapshot!(policy("api"));
    }

    #[test]
    fn a_worker_with_egress_rules_and_api_access() {
        assert_snapshot!(policy("projector"));
    }

    #[test]
    fn a_component_nobody_calls_denies_all_ingress_but_keeps_dns() {
        assert_snapshot!(policy("lonely"));
    }

    /// In-cluster servers are reached by their pods' labels, whoever runs them;
    /// external ones by their network.
    #[test]
    fn a_component_reaches_each_backing_service_where_its_provider_runs_it() {
        let backing = include_str!("../tests/fixtures/backing.yaml");
        assert_snapshot!(test_support::object(backing, "NetworkPolicy", "spoke"));
    }

    #[test]
    fn backing_services_without_a_network_are_noted_once() {
        let notes: Vec<String> = test_support::rendered(SHOP)
            .notes
            .into_iter()
            .filter(|n| n.contains("`cidr`"))
            .collect();
        assert_eq!(
            notes,
            [
                "service `ledger` has no `cidr`, so the components that need it may connect to any address on port 5432; set `services.ledger.cidr` to the network it runs in",
                "service `audit` has no `cidr`, so the components that need it may connect to any address on port 5432; set `services.audit.cidr` to the network it runs in",
            ]
        );
    }
}
