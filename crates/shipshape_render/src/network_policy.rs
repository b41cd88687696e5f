//! NetworkPolicies: each component admits exactly its declared traffic, in both directions.
//!
//! One policy per component selects its pods and lists `Ingress` and `Egress`, so anything
//! not declared is refused:
//!
//! - in: the ingress controller to the exposed port, the component's own pods to its
//!   `peers` ports, each component that `needs` this one (and that component's
//!   migration Job) to the ports it serves (`serves`), and the monitoring namespace to
//!   the metrics port;
//! - out: the cluster DNS, the component's own pods on its `peers` ports, each needed
//!   component on the ports it serves, each needed backing service where its provider
//!   says it is (the pods of an in-cluster server, the pods an operator runs, or the
//!   declared network of an external one), the component's own `egress:` rules, and the
//!   Kubernetes API only for components that use it (`api_access` or `permissions`) or
//!   whose pods wait through it (for their migration, for a migration's database).
//!
//! Ports are the pods' container ports, not Service ports: a policy is enforced at the pod,
//! after the Service has translated its port into the pod's. Rules keep the spec's order
//! and appear once, so the output is stable and a reviewer reads each grant once.

use indexmap::IndexMap;
use k8s_openapi::api::networking::v1::{
    NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPort,
};
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, PortSpec, SpecPath, path};

use crate::backing::{self, Reach};
use crate::context::{Ctx, component_key, component_path};
use crate::network_rules::{
    api_server_egress, clients_of, dns_egress, egress_rule, ingress_rule, network, pods_in,
    pods_of, policy, port, reach_egress, tcp_ports, unique,
};
use crate::wiring::{self, Dependency};

/// Renders the NetworkPolicy of one component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let (ingress, ingress_fields) = ingress_rules(ctx, name, component);
    // A migration command makes a Job the pods wait for (`migrations`).
    let migrates = component
        .migrations
        .as_ref()
        .is_some_and(|m| m.command.is_some());
    let wait = migrates.then(|| path!["migrations", "command"]);
    let (egress, egress_fields) = egress_rules(ctx, name, component, Pods::Component, wait);
    let mut fields = Provenance::new();
    fields.nest("/spec/ingress", ingress_fields);
    fields.nest("/spec/egress", egress_fields);
    // A component nobody calls gets an empty ingress list: no inbound traffic at all.
    let policy = policy(
        ctx.metadata(name, Some(name)),
        ctx.selector(name),
        ingress,
        egress,
    );
    ctx.emit(&policy, component_path(name), fields);
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
/// monitoring; with the spec key behind each rule (pointers from the list).
fn ingress_rules(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
) -> (Vec<NetworkPolicyIngressRule>, Provenance) {
    let key = |rest| Some(component_key(name, rest));
    let platform = &ctx.spec.platform;
    let controller = component.expose.as_ref().and_then(|expose| {
        let from = pods_in(&platform.ingress.namespace, &platform.ingress.pod_labels);
        ingress_rule(from, named_ports(component, [expose.port.as_str()]))
    });
    let peers = ingress_rule(pods_of(ctx, name), peer_ports(component));
    let callers = clients_of(ctx, name)
        .into_iter()
        .filter_map(|(caller, pods)| {
            let rule = ingress_rule(pods, served_ports(component))?;
            Some((rule, Some(component_key(caller, path!["needs", name]))))
        });
    let monitoring = component.metrics.as_ref().and_then(|metrics| {
        let from = pods_in(&platform.monitoring.namespace, &IndexMap::new());
        ingress_rule(from, named_ports(component, [metrics.port.as_str()]))
    });
    traced(
        controller
            .map(|rule| (rule, key(path!["expose"])))
            .into_iter()
            .chain(peers.map(|rule| (rule, key(path!["peers"]))))
            .chain(callers)
            .chain(monitoring.map(|rule| (rule, key(path!["metrics"])))),
    )
}

/// `rules` each once, in the order first seen, with the spec key of the first that made
/// each recorded at its index (pointers from the list).
fn traced<T: PartialEq>(
    rules: impl IntoIterator<Item = (T, Option<SpecPath>)>,
) -> (Vec<T>, Provenance) {
    let mut out = Vec::new();
    let mut fields = Provenance::new();
    for (rule, key) in rules {
        if out.contains(&rule) {
            continue;
        }
        if let Some(key) = key {
            fields.record(&format!("/{}", out.len()), key);
        }
        out.push(rule);
    }
    (out, fields)
}

/// Whose egress [`egress_rules`] are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pods {
    /// The component's own pods.
    Component,
    /// Its migration Job's pods, which connect where the component does but are no
    /// member of it, so they get no `peers` ports.
    Migration,
}

/// Where the component (or its migration Job) may connect: DNS, its peers, its needs,
/// its `egress:` rules, maybe the API; with the spec key behind each rule (pointers
/// from the list). `wait` is the spec key that makes the pods wait for an object
/// through the API (a migration, a database), if any.
pub fn egress_rules(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    pods: Pods,
    wait: Option<SpecPath>,
) -> (Vec<NetworkPolicyEgressRule>, Provenance) {
    let key = |rest| Some(component_key(name, rest));
    let peers = (pods == Pods::Component)
        .then(|| egress_rule(Some(pods_of(ctx, name)), peer_ports(component)))
        .flatten();
    let needs = wiring::dependencies(ctx, component)
        .into_iter()
        .filter_map(|dependency| {
            let (needed, rule) = match dependency {
                Dependency::Component { name, spec } => (
                    name,
                    egress_rule(Some(pods_of(ctx, name)), served_ports(spec)),
                ),
                Dependency::Service { name, spec } => {
                    (name, reach_egress(&backing::outputs(ctx, name, spec).reach))
                }
            };
            Some((rule?, key(path!["needs", needed])))
        });
    let declared = component.egress.iter().enumerate().filter_map(|(i, rule)| {
        let rule = egress_rule(
            rule.cidr.as_deref().map(network),
            tcp_ports(rule.ports.iter().copied()),
        )?;
        Some((rule, key(path!["egress", i])))
    });
    // The API is open to a component that asks for it or has permissions to use, and to
    // pods that wait through it.
    let api_key = if component.api_access.is_some() {
        key(path!["api_access"])
    } else if !component.permissions.is_empty() {
        key(path!["permissions"])
    } else {
        wait.as_ref().map(|rest| component_key(name, rest.clone()))
    };
    let api = (component.uses_api() || wait.is_some()).then(api_server_egress);
    traced(
        std::iter::once((dns_egress(ctx), None))
            .chain(peers.map(|rule| (rule, key(path!["peers"]))))
            .chain(needs)
            .chain(declared)
            .chain(api.map(|rule| (rule, api_key))),
    )
}

/// A declared container port.
fn container_port(spec: &PortSpec) -> NetworkPolicyPort {
    port(spec.0.port, spec.0.protocol)
}

/// The ports a component serves its callers (`serves`, or its default).
fn served_ports(component: &Component) -> Vec<NetworkPolicyPort> {
    named_ports(component, component.served_ports())
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
