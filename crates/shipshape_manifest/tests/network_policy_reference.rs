//! The evaluator against a reference written straight from the API reference's words,
//! on generated small sets of namespaces, pods and policies. The reference shares no
//! code with the evaluator: it reads the JSON objects itself, matches labels itself and
//! decides every question by enumerating the policies.

use std::collections::BTreeMap;
use std::net::IpAddr;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use shipshape_manifest::network_policy::{
    ContainerPort, Decision, Endpoint, NetworkPolicies, Port, Protocol,
};

const NAMESPACES: [&str; 3] = ["a", "b", "c"];
const KEYS: [&str; 2] = ["app", "tier"];
const VALUES: [&str; 2] = ["x", "y"];
const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A generated pod.
#[derive(Debug, Clone)]
struct Pod {
    namespace: &'static str,
    labels: Value,
    ports: Vec<(Option<&'static str>, i64, Protocol)>,
    host_network: bool,
}

impl Pod {
    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            namespace: self.namespace,
            labels: self.labels.as_object(),
            ports: self
                .ports
                .iter()
                .map(|&(name, number, protocol)| ContainerPort {
                    name,
                    number,
                    protocol,
                })
                .collect(),
            host_network: self.host_network,
        }
    }
}

fn labels() -> impl Strategy<Value = Value> {
    proptest::collection::btree_map(
        prop::sample::select(&KEYS[..]),
        prop::sample::select(&VALUES[..]),
        0..=2,
    )
    .prop_map(|m| json!(m))
}

fn pod() -> impl Strategy<Value = Pod> {
    let port = prop::sample::select(vec![
        (Some("http"), 80, Protocol::Tcp),
        (Some("dns"), 53, Protocol::Udp),
        (Some("dns"), 53, Protocol::Tcp),
        (None, 8080, Protocol::Tcp),
        (Some("alt"), 8080, Protocol::Tcp),
    ]);
    (
        prop::sample::select(&NAMESPACES[..]),
        labels(),
        proptest::collection::vec(port, 0..=2),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(namespace, labels, ports, host_network)| Pod {
            namespace,
            labels,
            ports,
            host_network,
        })
}

/// A label selector over the generated keys, or over the namespace name label.
fn selector() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec!["app", "tier", NAME_LABEL]);
    let value = prop::sample::select(vec!["x", "y", "a", "b"]);
    let expression = (
        key.clone(),
        prop::sample::select(vec!["In", "NotIn", "Exists", "DoesNotExist"]),
        proptest::collection::vec(value.clone(), 0..=2),
    )
        .prop_map(|(key, operator, values)| match operator {
            "Exists" | "DoesNotExist" => json!({"key": key, "operator": operator}),
            _ => json!({"key": key, "operator": operator, "values": values}),
        });
    (
        proptest::option::of(proptest::collection::btree_map(key, value, 0..=1)),
        proptest::option::of(proptest::collection::vec(expression, 0..=1)),
    )
        .prop_map(|(labels, expressions)| {
            let mut selector = Map::new();
            if let Some(labels) = labels {
                selector.insert("matchLabels".into(), json!(labels));
            }
            if let Some(expressions) = expressions {
                selector.insert("matchExpressions".into(), json!(expressions));
            }
            Value::Object(selector)
        })
}

fn peer() -> impl Strategy<Value = Value> {
    prop_oneof![
        selector().prop_map(|s| json!({"podSelector": s})),
        selector().prop_map(|s| json!({"namespaceSelector": s})),
        (selector(), selector())
            .prop_map(|(n, p)| json!({"namespaceSelector": n, "podSelector": p})),
        prop::sample::select(vec![
            json!({"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}),
            json!({"ipBlock": {"cidr": "0.0.0.0/0"}}),
            json!({"ipBlock": {"cidr": "192.0.2.0/24"}}),
        ]),
    ]
}

fn policy_port() -> impl Strategy<Value = Value> {
    let protocol = prop::sample::select(vec![None, Some("TCP"), Some("UDP")]);
    let port = prop::sample::select(vec![
        None,
        Some(json!(53)),
        Some(json!(80)),
        Some(json!(8080)),
        Some(json!("http")),
        Some(json!("dns")),
    ]);
    let end = prop::sample::select(vec![None, Some(90), Some(8080)]);
    (protocol, port, end).prop_map(|(protocol, port, end)| {
        let mut entry = Map::new();
        if let Some(protocol) = protocol {
            entry.insert("protocol".into(), json!(protocol));
        }
        if let Some(port) = port {
            if let (Some(end), true) = (end, port.is_number()) {
                entry.insert("endPort".into(), json!(end));
            }
            entry.insert("port".into(), port);
        }
        Value::Object(entry)
    })
}

fn rule(peers: &'static str) -> impl Strategy<Value = Value> {
    (
        proptest::option::of(proptest::collection::vec(peer(), 0..=2)),
        proptest::option::of(proptest::collection::vec(policy_port(), 0..=2)),
    )
        .prop_map(move |(p, ports)| {
            let mut rule = Map::new();
            if let Some(p) = p {
                rule.insert(peers.into(), json!(p));
            }
            if let Some(ports) = ports {
                rule.insert("ports".into(), json!(ports));
            }
            Value::Object(rule)
        })
}

fn policy() -> impl Strategy<Value = Value> {
    let types = prop::sample::select(vec![
        None,
        Some(json!(["Ingress"])),
        Some(json!(["Egress"])),
        Some(json!(["Ingress", "Egress"])),
    ]);
    (
        prop::sample::select(&NAMESPACES[..]),
        proptest::option::of(selector()),
        types,
        proptest::option::of(proptest::collection::vec(rule("from"), 0..=2)),
        proptest::option::of(proptest::collection::vec(rule("to"), 0..=2)),
    )
        .prop_map(|(namespace, pod_selector, types, ingress, egress)| {
            let mut spec = Map::new();
            if let Some(s) = pod_selector {
                spec.insert("podSelector".into(), s);
            }
            if let Some(t) = types {
                spec.insert("policyTypes".into(), t);
            }
            if let Some(i) = ingress {
                spec.insert("ingress".into(), json!(i));
            }
            if let Some(e) = egress {
                spec.insert("egress".into(), json!(e));
            }
            json!({
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"namespace": namespace},
                "spec": spec,
            })
        })
}

fn namespace_object() -> impl Strategy<Value = Value> {
    (prop::sample::select(&NAMESPACES[..]), labels()).prop_map(|(name, labels)| {
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
    })
}

/// A generated set: policies (named by position) and Namespace objects.
fn objects() -> impl Strategy<Value = Vec<Value>> {
    (
        proptest::collection::vec(policy(), 0..=4),
        proptest::collection::vec(namespace_object(), 0..=2),
    )
        .prop_map(|(policies, namespaces)| {
            let mut objects: Vec<Value> = policies
                .into_iter()
                .enumerate()
                .map(|(i, mut p)| {
                    p["metadata"]["name"] = json!(format!("p{i}"));
                    p
                })
                .collect();
            // A cluster holds one Namespace of a name; two would make the answer depend
            // on which of them an evaluator reads.
            for namespace in namespaces {
                let name = &namespace["metadata"]["name"];
                if !objects
                    .iter()
                    .any(|o| o["kind"] == "Namespace" && o["metadata"]["name"] == *name)
                {
                    objects.push(namespace);
                }
            }
            objects
        })
}

// The reference: the API reference's sentences, one function each.

/// Whether labels match a label selector: every matchLabels pair and every expression.
fn reference_matches(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    let pairs_hold = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str());
    let expressions_hold = selector["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| {
            let value = labels.get(e["key"].as_str().unwrap());
            let values: Vec<&str> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap())
                .collect();
            match e["operator"].as_str().unwrap() {
                "In" => value.is_some_and(|v| values.contains(&v.as_str())),
                "NotIn" => value.is_none_or(|v| !values.contains(&v.as_str())),
                "Exists" => value.is_some(),
                _ => value.is_none(),
            }
        });
    pairs_hold && expressions_hold
}

fn label_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// A namespace's labels: its object's, if the set has one (the last, which applying
/// the set in order leaves), and always its name.
fn reference_namespace_labels(objects: &[Value], name: &str) -> BTreeMap<String, String> {
    let mut labels = objects
        .iter()
        .rev()
        .find(|o| o["kind"] == "Namespace" && o["metadata"]["name"] == name)
        .map(|o| label_map(&o["metadata"]["labels"]))
        .unwrap_or_default();
    labels.insert(NAME_LABEL.to_owned(), name.to_owned());
    labels
}

/// The policyTypes of a policy, defaulted as the API server does.
fn reference_types(policy: &Value) -> Vec<&str> {
    match policy["spec"]["policyTypes"].as_array() {
        Some(types) => types.iter().map(|t| t.as_str().unwrap()).collect(),
        None => {
            let has_egress = policy["spec"]["egress"]
                .as_array()
                .is_some_and(|e| !e.is_empty());
            if has_egress {
                vec!["Ingress", "Egress"]
            } else {
                vec!["Ingress"]
            }
        }
    }
}

/// The other end of a connection, as seen from the policy's side.
enum Other<'p> {
    Pod(&'p Pod),
    Address(IpAddr),
}

fn in_block(block: &Value, address: IpAddr) -> bool {
    let contains = |cidr: &str| {
        let (net, prefix) = cidr.split_once('/').unwrap();
        let (net, prefix): (IpAddr, u32) = (net.parse().unwrap(), prefix.parse().unwrap());
        match (net, address) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let shift = 32 - prefix;
                shift == 32 || (u32::from(n) >> shift) == (u32::from(a) >> shift)
            }
            _ => false,
        }
    };
    contains(block["cidr"].as_str().unwrap())
        && !block["except"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| contains(e.as_str().unwrap()))
}

/// Whether a peer takes the other end: `Some(true)` by its labels or address,
/// `Some(false)` not at all, `None` when an address block may take a pod, whose address
/// is not known.
fn reference_peer(
    objects: &[Value],
    policy: &Value,
    peer: &Value,
    other: &Other<'_>,
) -> Option<bool> {
    match other {
        Other::Address(address) => Some(peer.get("ipBlock").is_some_and(|b| in_block(b, *address))),
        Other::Pod(pod) => {
            if peer.get("ipBlock").is_some() {
                return None;
            }
            let namespace_ok = match peer.get("namespaceSelector") {
                Some(s) => {
                    reference_matches(s, &reference_namespace_labels(objects, pod.namespace))
                }
                None => policy["metadata"]["namespace"] == pod.namespace,
            };
            let pod_ok = peer
                .get("podSelector")
                .is_none_or(|s| reference_matches(s, &label_map(&pod.labels)));
            Some(namespace_ok && pod_ok)
        }
    }
}

fn reference_port(entry: &Value, port: Port, destination: Option<&Pod>) -> bool {
    let protocol = entry["protocol"].as_str().unwrap_or("TCP");
    if protocol != port.protocol.as_str() {
        return false;
    }
    match &entry["port"] {
        Value::Null => true,
        Value::String(name) => destination.is_some_and(|pod| {
            pod.ports.iter().any(|&(n, number, p)| {
                n == Some(name) && number == port.number && p == port.protocol
            })
        }),
        number => {
            let first = number.as_i64().unwrap();
            let last = entry["endPort"].as_i64().unwrap_or(first);
            first <= port.number && port.number <= last
        }
    }
}

/// How `pod`'s traffic in `direction` to or from `other` on `port` is decided: `None`
/// unrestricted, `Some(Ok((policy, rule, false)))` admitted, `Some(Ok((policy, rule,
/// true)))` admitted if an address block covers the pod, `Some(Err(policies))` denied.
type ReferenceDecision = Option<Result<(String, usize, bool), Vec<String>>>;

fn reference_decide(
    objects: &[Value],
    pod: &Pod,
    direction: &str,
    other: &Other<'_>,
    port: Port,
    destination: Option<&Pod>,
) -> ReferenceDecision {
    if pod.host_network {
        return None;
    }
    let isolating: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "NetworkPolicy")
        .filter(|p| p["metadata"]["namespace"] == pod.namespace)
        .filter(|p| {
            p["spec"]
                .get("podSelector")
                .is_none_or(|s| reference_matches(s, &label_map(&pod.labels)))
        })
        .filter(|p| reference_types(p).contains(&direction))
        .collect();
    if isolating.is_empty() {
        return None;
    }
    let (rules_field, peers_field) = if direction == "Ingress" {
        ("ingress", "from")
    } else {
        ("egress", "to")
    };
    // First a rule that takes the peer for sure, then one that may by its address.
    for sure in [true, false] {
        for policy in &isolating {
            let rules = policy["spec"][rules_field]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for (i, rule) in rules.iter().enumerate() {
                let peers = rule[peers_field].as_array().cloned().unwrap_or_default();
                let ports = rule["ports"].as_array().cloned().unwrap_or_default();
                let answers: Vec<Option<bool>> = peers
                    .iter()
                    .map(|p| reference_peer(objects, policy, p, other))
                    .collect();
                let peer_ok = if sure {
                    peers.is_empty() || answers.contains(&Some(true))
                } else {
                    answers.contains(&None)
                };
                let port_ok =
                    ports.is_empty() || ports.iter().any(|p| reference_port(p, port, destination));
                if peer_ok && port_ok {
                    let name = policy["metadata"]["name"].as_str().unwrap().to_owned();
                    return Some(Ok((name, i, !sure)));
                }
            }
        }
    }
    Some(Err(isolating
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_owned())
        .collect()))
}

fn as_reference(decision: &Decision<'_>) -> ReferenceDecision {
    match decision {
        Decision::Unrestricted => None,
        Decision::Admitted(rule) => Some(Ok((rule.policy.name().to_owned(), rule.rule, false))),
        Decision::ByAddress(rule) => Some(Ok((rule.policy.name().to_owned(), rule.rule, true))),
        Decision::Denied(policies) => {
            Some(Err(policies.iter().map(|p| p.name().to_owned()).collect()))
        }
    }
}

const PORTS: [Port; 5] = [
    Port {
        number: 53,
        protocol: Protocol::Udp,
    },
    Port {
        number: 53,
        protocol: Protocol::Tcp,
    },
    Port {
        number: 80,
        protocol: Protocol::Tcp,
    },
    Port {
        number: 85,
        protocol: Protocol::Tcp,
    },
    Port {
        number: 8080,
        protocol: Protocol::Tcp,
    },
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_evaluator_decides_as_the_reference(
        objects in objects(),
        pods in proptest::collection::vec(pod(), 1..=4),
    ) {
        let set = NetworkPolicies::new(&objects);
        for from in &pods {
            for to in &pods {
                for port in PORTS {
                    let verdict = set.reach(&from.endpoint(), &to.endpoint(), port);
                    let egress = reference_decide(&objects, from, "Egress", &Other::Pod(to), port, Some(to));
                    let ingress = reference_decide(&objects, to, "Ingress", &Other::Pod(from), port, Some(to));
                    prop_assert_eq!(as_reference(&verdict.egress), egress, "egress {:?} -> {:?} {:?}", from, to, port);
                    prop_assert_eq!(as_reference(&verdict.ingress), ingress, "ingress {:?} -> {:?} {:?}", from, to, port);
                }
            }
            for address in ["10.2.0.1", "10.1.0.1", "192.0.2.9", "203.0.113.1"] {
                let address: IpAddr = address.parse().unwrap();
                for port in PORTS {
                    let out = set.reach_address(&from.endpoint(), address, port);
                    let expected = reference_decide(&objects, from, "Egress", &Other::Address(address), port, None);
                    prop_assert_eq!(as_reference(&out), expected, "{:?} -> {} {:?}", from, address, port);
                    let inbound = set.reach_from_address(address, &from.endpoint(), port);
                    let expected = reference_decide(&objects, from, "Ingress", &Other::Address(address), port, Some(from));
                    prop_assert_eq!(as_reference(&inbound), expected, "{} -> {:?} {:?}", address, from, port);
                }
            }
        }
    }
}
