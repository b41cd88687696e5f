//! The rules NetworkPolicies are made of: the cluster DNS, the API server, the pods of a
//! component and of its migration Job, the clients of a component or service, a backing
//! server where its provider says it is, ports. The policies of components, of the
//! servers shipshape runs or has an operator run, of backups and of pre-rollout Jobs all
//! build on these, so a grant reads the same wherever it appears.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_spec::{Component, Protocol};

use crate::backing::outputs::Reach;
use crate::builders;
use crate::context::Ctx;
use crate::hooks;

/// The label Kubernetes sets on every namespace to its name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The DNS port, queried over UDP and, for answers too large for a datagram, over TCP.
const DNS_PORT: u16 = 53;

/// Ports the Kubernetes API server listens on: 443 on most managed clusters, 6443 on
/// kubeadm-style ones.
const API_SERVER_PORTS: [u16; 2] = [443, 6443];

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

/// The pods of a component's migration Job, when it has one: they connect where the
/// component does, and the component's own selector does not pick them.
pub fn migration_pods(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
) -> Option<NetworkPolicyPeer> {
    component.migrations.as_ref()?.command.as_ref()?;
    let labels = hooks::job_labels(
        ctx.labels(Some(name)),
        &hooks::migration_name(name),
        hooks::MIGRATION_ROLE,
    );
    Some(NetworkPolicyPeer {
        pod_selector: Some(hooks::job_selector(&labels)),
        ..NetworkPolicyPeer::default()
    })
}

/// The pods that connect to `target` (a component or a backing service) because a
/// component `needs` it: each such component's pods and its migration Job's, with the
/// component's name, in spec order.
pub fn clients_of<'a>(ctx: &Ctx<'a>, target: &str) -> Vec<(&'a str, NetworkPolicyPeer)> {
    ctx.spec
        .components
        .iter()
        .filter(|(caller, c)| caller.as_str() != target && c.needs.0.contains_key(target))
        .flat_map(|(caller, c)| {
            std::iter::once(pods_of(ctx, caller))
                .chain(migration_pods(ctx, caller, c))
                .map(move |pods| (caller.as_str(), pods))
        })
        .collect()
}

/// A policy over the pods `selector` picks that restricts both directions: anything
/// not in `ingress` or `egress` is refused. An empty list (rather than none) refuses
/// every connection that way.
pub fn policy(
    metadata: ObjectMeta,
    selector: LabelSelector,
    ingress: Vec<NetworkPolicyIngressRule>,
    egress: Vec<NetworkPolicyEgressRule>,
) -> NetworkPolicy {
    NetworkPolicy {
        metadata,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    }
}

/// The pods labelled `pod_labels` in another namespace; every pod there when the labels
/// are empty. Namespaces are matched on the label Kubernetes gives each one: its name.
pub fn pods_in(namespace: &str, pod_labels: &IndexMap<String, String>) -> NetworkPolicyPeer {
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
pub fn network(cidr: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: cidr.to_owned(),
            except: None,
        }),
        ..NetworkPolicyPeer::default()
    }
}

/// One port number with its protocol.
pub fn port(number: u16, protocol: Protocol) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(number))),
        protocol: Some(builders::protocol(protocol).to_owned()),
        end_port: None,
    }
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
