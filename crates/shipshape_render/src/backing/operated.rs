//! The NetworkPolicy of the database pods an operator runs (CloudNativePG instances,
//! Zalando's Spilo pods). shipshape does not render those pods, but it knows the labels
//! their operator gives them, so a policy can select them like any other: without one
//! they would be the only pods of the app that anything may reach.
//!
//! In: the components that need the service and their migration Jobs on the client
//! port, the members among themselves on the replication and management ports, the
//! operator on the ports it manages the instances through, and the monitoring namespace
//! on the metrics port where the image serves one. Out: the DNS, the members, the
//! Kubernetes API (each instance's manager, or Patroni, keeps the cluster's state
//! there), and the object store that backups go to.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use shipshape_spec::{BackingService, OperatorPods};

use super::outputs::Reach;
use crate::context::Ctx;
use crate::network_rules::{
    api_server_egress, clients_of, dns_egress, egress_rule, ingress_rule, matching, pods_in,
    policy, reach_egress, tcp_ports,
};
use k8s_openapi::api::networking::v1::NetworkPolicyPeer;

/// The pods an operator runs for one service, and how they talk.
pub(super) struct Operated<'a> {
    /// The name of the policy: the name of the operator's resource.
    pub name: String,
    /// The labels the operator gives every pod of the cluster.
    pub labels: BTreeMap<String, String>,
    /// The port clients connect to.
    pub client_port: u16,
    /// Ports the members use among themselves (replication, management).
    pub member_ports: &'static [u16],
    /// Where the operator runs.
    pub operator: &'a OperatorPods,
    /// Ports the operator connects to.
    pub operator_ports: &'static [u16],
    /// The port the image serves metrics on, if it does.
    pub metrics_port: Option<u16>,
    /// Where backups go, when the spec sends them somewhere the pods upload to.
    pub store: Option<Reach>,
}

/// The policy of the pods of service `name` that `pods` describes.
pub(super) fn network_policy(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    pods: &Operated<'_>,
) -> NetworkPolicy {
    let members = || NetworkPolicyPeer {
        pod_selector: Some(matching(pods.labels.clone())),
        ..NetworkPolicyPeer::default()
    };
    let member_ports = || tcp_ports(pods.member_ports.iter().copied());
    let operator = pods_in(&pods.operator.namespace, &pods.operator.pod_labels);
    let monitoring = pods_in(&ctx.spec.platform.monitoring.namespace, &IndexMap::new());
    let ingress = clients_of(ctx, name)
        .into_iter()
        .filter_map(|(_, from)| ingress_rule(from, tcp_ports([pods.client_port])))
        .chain(ingress_rule(members(), member_ports()))
        .chain(ingress_rule(
            operator,
            tcp_ports(pods.operator_ports.iter().copied()),
        ))
        .chain(ingress_rule(monitoring, tcp_ports(pods.metrics_port)))
        .collect();
    let egress = [
        Some(dns_egress(ctx)),
        egress_rule(Some(members()), member_ports()),
        Some(api_server_egress()),
        pods.store.as_ref().and_then(reach_egress),
    ]
    .into_iter()
    .flatten()
    .collect();
    policy(
        ctx.service_metadata(&pods.name, name, service),
        matching(pods.labels.clone()),
        ingress,
        egress,
    )
}
