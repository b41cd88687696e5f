//! How a set of NetworkPolicies treats a pod's traffic, as the API defines it.
//!
//! A pod is isolated in a direction (ingress or egress) once any policy that selects it
//! restricts that direction; it then admits exactly the union of the rules of every
//! such policy, so policies only ever add. Within a rule, a missing or empty
//! `from` / `to` means every peer, and a missing or empty `ports` means every port.

use serde_json::Value;

use crate::{CheckContext, Object, PodTemplate};

/// Which traffic a policy rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Traffic to the selected pods (`ingress`, peers in `from`).
    Ingress,
    /// Traffic from the selected pods (`egress`, peers in `to`).
    Egress,
}

impl Direction {
    fn policy_type(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    fn rules_field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// Whether `policy` restricts `direction` for the pods it selects.
pub(crate) fn restricts(policy: &Object, direction: Direction) -> bool {
    if let Some(types) = policy.get("/spec/policyTypes").and_then(Value::as_array) {
        return types
            .iter()
            .any(|t| t.as_str() == Some(direction.policy_type()));
    }
    // Without policyTypes the API server fills them in: Ingress always, Egress only
    // when the policy has egress rules.
    match direction {
        Direction::Ingress => true,
        Direction::Egress => !list(policy.value(), "/spec/egress").is_empty(),
    }
}

/// The policies that isolate `pod` in `direction`: empty when its traffic that way is
/// not restricted. Pods on the host network are never isolated, since policies do not
/// apply to them.
pub(crate) fn isolating<'a>(
    cx: &CheckContext<'a>,
    pod: &PodTemplate<'_>,
    direction: Direction,
) -> Vec<&'a Object> {
    if pod.spec_get("/hostNetwork").and_then(Value::as_bool) == Some(true) {
        return Vec::new();
    }
    cx.network_policies_of(pod)
        .filter(|policy| restricts(policy, direction))
        .collect()
}

/// Every rule of `direction` in `policies`: together, all the traffic they admit.
pub(crate) fn rules<'a>(
    policies: &[&'a Object],
    direction: Direction,
) -> impl Iterator<Item = &'a Value> {
    let pointer = format!("/spec/{}", direction.rules_field());
    policies
        .iter()
        .flat_map(move |policy| list(policy.value(), &pointer))
}

/// The port traffic is sent to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Port<'a> {
    /// Its number, when known.
    pub number: Option<i64>,
    /// What the receiving container calls it.
    pub name: PortName<'a>,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: &'a str,
}

/// The name of a port on the receiving pod, which a policy may use instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortName<'a> {
    /// The container names the port.
    Named(&'a str),
    /// The container declares the port without a name.
    Unnamed,
    /// The receiving pods are not in view (egress to anywhere): a named policy port may
    /// be this port, so it counts as admitting it.
    Unknown,
}

/// Whether `rule` admits traffic to `port`, whoever its peers are.
pub(crate) fn admits_port(rule: &Value, port: &Port<'_>) -> bool {
    let ports = list(rule, "/ports");
    ports.is_empty() || ports.iter().any(|p| port_matches(p, port))
}

fn port_matches(policy_port: &Value, port: &Port<'_>) -> bool {
    let protocol = policy_port["protocol"].as_str().unwrap_or("TCP");
    if protocol != port.protocol {
        return false;
    }
    match &policy_port["port"] {
        Value::Null => true,
        Value::String(name) => match port.name {
            PortName::Named(n) => n == name,
            PortName::Unnamed => false,
            PortName::Unknown => true,
        },
        number => {
            let Some(first) = number.as_i64() else {
                return false;
            };
            let last = policy_port["endPort"].as_i64().unwrap_or(first);
            port.number.is_some_and(|n| (first..=last).contains(&n))
        }
    }
}

/// Whether ingress `rule` admits pods of namespaces other than `own`: a rule without
/// peers, an `ipBlock` (traffic may arrive from any address it covers), or a
/// `namespaceSelector` that does not name `own` alone.
pub(crate) fn admits_other_namespaces(rule: &Value, own: &str) -> bool {
    let peers = list(rule, &format!("/{}", Direction::Ingress.peers_field()));
    peers.is_empty()
        || peers.iter().any(|peer| {
            peer.get("ipBlock").is_some()
                || peer
                    .get("namespaceSelector")
                    .is_some_and(|selector| !names_only(selector, own))
        })
}

/// Whether a namespace selector matches the namespace `name` and no other, by the
/// label every namespace carries.
fn names_only(selector: &Value, name: &str) -> bool {
    selector
        .pointer("/matchLabels/kubernetes.io~1metadata.name")
        .and_then(Value::as_str)
        == Some(name)
}

/// How messages name a set of policies: "NetworkPolicy shop/api" or "NetworkPolicies
/// shop/api, shop/default-deny".
pub(crate) fn describe(policies: &[&Object]) -> String {
    let names: Vec<String> = policies
        .iter()
        .map(|p| format!("{}/{}", p.namespace(), p.name()))
        .collect();
    match names.as_slice() {
        [one] => format!("NetworkPolicy {one}"),
        _ => format!("NetworkPolicies {}", names.join(", ")),
    }
}

fn list<'a>(value: &'a Value, pointer: &str) -> &'a [Value] {
    shipshape_manifest::lookup(value, pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DNS: Port<'static> = Port {
        number: Some(53),
        name: PortName::Unknown,
        protocol: "UDP",
    };

    #[test]
    fn omitted_or_empty_ports_admit_every_port() {
        assert!(admits_port(&json!({}), &DNS));
        assert!(admits_port(&json!({"ports": []}), &DNS));
        assert!(admits_port(&json!({"ports": [{"protocol": "UDP"}]}), &DNS));
        assert!(!admits_port(&json!({"ports": [{"port": 53}]}), &DNS));
    }

    #[test]
    fn ranges_and_names_are_ports_too() {
        let range = json!({"ports": [{"port": 50, "endPort": 60, "protocol": "UDP"}]});
        assert!(admits_port(&range, &DNS));
        let named = json!({"ports": [{"port": "dns", "protocol": "UDP"}]});
        assert!(admits_port(&named, &DNS));
        let http = Port {
            number: Some(8080),
            name: PortName::Named("http"),
            protocol: "TCP",
        };
        assert!(admits_port(&json!({"ports": [{"port": "http"}]}), &http));
        assert!(!admits_port(&json!({"ports": [{"port": "web"}]}), &http));
        let unnamed = Port {
            name: PortName::Unnamed,
            ..http
        };
        assert!(!admits_port(
            &json!({"ports": [{"port": "http"}]}),
            &unnamed
        ));
    }

    #[test]
    fn other_namespaces_come_through_namespace_selectors_ip_blocks_or_no_peers() {
        assert!(admits_other_namespaces(&json!({}), "shop"));
        assert!(admits_other_namespaces(&json!({"from": []}), "shop"));
        let pods_only = json!({"from": [{"podSelector": {}}]});
        assert!(!admits_other_namespaces(&pods_only, "shop"));
        let any = json!({"from": [{"namespaceSelector": {}}]});
        assert!(admits_other_namespaces(&any, "shop"));
        let own = json!({"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}}]});
        assert!(!admits_other_namespaces(&own, "shop"));
        let block = json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]});
        assert!(admits_other_namespaces(&block, "shop"));
    }
}
