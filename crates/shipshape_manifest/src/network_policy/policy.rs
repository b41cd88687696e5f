//! One NetworkPolicy, read once into the pieces evaluation needs: which pods it selects,
//! which directions it restricts, and its rules with their peers and ports.

use std::net::IpAddr;

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::endpoint::{Endpoint, Port, Protocol};
use crate::Selector;

/// The label every namespace carries with its own name, set by the API server.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Which traffic of a pod a policy restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Traffic to the pod (`ingress` rules, peers in `from`).
    Ingress,
    /// Traffic from the pod (`egress` rules, peers in `to`).
    Egress,
}

impl Direction {
    /// The `policyTypes` entry for the direction.
    #[must_use]
    pub fn policy_type(self) -> &'static str {
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

/// A missing `podSelector`: the API server decodes it as the empty selector.
static NO_SELECTOR: Value = Value::Null;

/// A `networking.k8s.io` NetworkPolicy (or its `extensions/v1beta1` predecessor, the same
/// type) of the manifest set.
#[derive(Debug, Clone)]
pub struct NetworkPolicy<'a> {
    value: &'a Value,
    namespace: &'a str,
    name: &'a str,
    pod_selector: &'a Value,
    /// The ingress rules when the policy restricts ingress.
    ingress: Option<Vec<Rule<'a>>>,
    /// The egress rules when the policy restricts egress.
    egress: Option<Vec<Rule<'a>>>,
}

impl<'a> NetworkPolicy<'a> {
    /// The policy `object` is; `None` for any other object, a Calico policy of the same
    /// kind name included (identity is group and kind).
    #[must_use]
    pub fn parse(object: &'a Value) -> Option<NetworkPolicy<'a>> {
        let api_version = object.get("apiVersion")?.as_str()?;
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        let is_policy = object.get("kind")?.as_str()? == "NetworkPolicy"
            && matches!(group, "networking.k8s.io" | "extensions");
        if !is_policy {
            return None;
        }
        let spec = object.get("spec").unwrap_or(&Value::Null);
        let restricts =
            |direction: Direction| match spec.get("policyTypes").and_then(Value::as_array) {
                Some(types) => types
                    .iter()
                    .any(|t| t.as_str() == Some(direction.policy_type())),
                // Without policyTypes the API server fills them in: Ingress always, Egress
                // only when the policy has egress rules.
                None => match direction {
                    Direction::Ingress => true,
                    Direction::Egress => !list(spec, "egress").is_empty(),
                },
            };
        let rules = |direction: Direction| {
            restricts(direction).then(|| {
                list(spec, direction.rules_field())
                    .iter()
                    .map(|rule| Rule::parse(rule, direction))
                    .collect()
            })
        };
        Some(NetworkPolicy {
            value: object,
            namespace: metadata(object, "namespace"),
            name: metadata(object, "name"),
            pod_selector: spec.get("podSelector").unwrap_or(&NO_SELECTOR),
            ingress: rules(Direction::Ingress),
            egress: rules(Direction::Egress),
        })
    }

    /// The object.
    #[must_use]
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// Its namespace.
    #[must_use]
    pub fn namespace(&self) -> &'a str {
        self.namespace
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Which pods of its namespace it applies to.
    #[must_use]
    pub fn pod_selector(&self) -> Selector<'a> {
        Selector::LabelSelector(self.pod_selector)
    }

    /// Whether its `podSelector` has no terms (or is missing), so that it applies to
    /// every pod of its namespace.
    #[must_use]
    pub fn selects_whole_namespace(&self) -> bool {
        let terms = |field| {
            self.pod_selector.get(field).is_some_and(|v| {
                v.as_object().is_some_and(|m| !m.is_empty())
                    || v.as_array().is_some_and(|a| !a.is_empty())
            })
        };
        !terms("matchLabels") && !terms("matchExpressions")
    }

    /// Whether it applies to `pod`.
    #[must_use]
    pub fn selects(&self, pod: &Endpoint<'_>) -> bool {
        pod.namespace == self.namespace && self.pod_selector().matches(pod.labels)
    }

    /// Whether it restricts `direction` for the pods it selects.
    #[must_use]
    pub fn restricts(&self, direction: Direction) -> bool {
        self.rules(direction).is_some()
    }

    /// Whether some rule of `direction` admits `port` from or to some peer, whoever
    /// the peers are: what tells "no rule names the port" from "the rules name it for
    /// other peers". Named ports resolve against `destination`.
    #[must_use]
    pub fn names_port(&self, direction: Direction, port: Port, destination: &Endpoint<'_>) -> bool {
        self.rules(direction)
            .into_iter()
            .flatten()
            .any(|rule| rule.admits_port(port, Some(destination)))
    }

    pub(crate) fn rules(&self, direction: Direction) -> Option<&[Rule<'a>]> {
        match direction {
            Direction::Ingress => self.ingress.as_deref(),
            Direction::Egress => self.egress.as_deref(),
        }
    }
}

/// One rule of a policy: traffic passes when a peer and a port match.
#[derive(Debug, Clone)]
pub(crate) struct Rule<'a> {
    /// Empty: every peer.
    peers: Vec<Peer<'a>>,
    /// Empty: every port.
    ports: Vec<PolicyPort<'a>>,
}

/// One entry of `from` or `to`.
#[derive(Debug, Clone)]
enum Peer<'a> {
    /// Pods picked by labels: of the policy's namespace when `namespaces` is `None`,
    /// of every namespace it selects otherwise; every pod there when `pods` is `None`.
    Pods {
        namespaces: Option<&'a Value>,
        pods: Option<&'a Value>,
    },
    /// Addresses outside the cluster.
    Block {
        cidr: Option<Cidr>,
        except: Vec<Option<Cidr>>,
    },
    /// A peer the API server rejects (empty, or with an unknown field only): matches
    /// nothing.
    Nothing,
}

/// One entry of `ports`.
#[derive(Debug, Clone)]
struct PolicyPort<'a> {
    /// `None`: a protocol the API server rejects; the entry matches nothing.
    protocol: Option<Protocol>,
    port: PortSpec<'a>,
}

#[derive(Debug, Clone)]
enum PortSpec<'a> {
    /// No `port`: every port of the protocol.
    Any,
    /// A number, or a range up to `endPort`.
    Range(i64, i64),
    /// A port name, resolved on the destination pod.
    Named(&'a str),
    /// Neither: matches nothing.
    Invalid,
}

impl<'a> Rule<'a> {
    fn parse(rule: &'a Value, direction: Direction) -> Rule<'a> {
        Rule {
            peers: list(rule, direction.peers_field())
                .iter()
                .map(Peer::parse)
                .collect(),
            ports: list(rule, "ports").iter().map(PolicyPort::parse).collect(),
        }
    }

    /// Whether traffic to `port` passes, whoever the peer. Named ports resolve against
    /// `destination`; with none (traffic to an address outside the cluster), a named
    /// port matches nothing.
    pub(crate) fn admits_port(&self, port: Port, destination: Option<&Endpoint<'_>>) -> bool {
        self.ports.is_empty()
            || self.ports.iter().any(|p| {
                p.protocol == Some(port.protocol)
                    && match p.port {
                        PortSpec::Any => true,
                        PortSpec::Range(first, last) => (first..=last).contains(&port.number),
                        PortSpec::Named(name) => {
                            destination.is_some_and(|d| d.names_port(name, port))
                        }
                        PortSpec::Invalid => false,
                    }
            })
    }

    /// Whether `peer`, whose namespace carries `namespace_labels`, is a peer of the rule
    /// of a policy in `own` namespace.
    pub(crate) fn admits_pod(
        &self,
        peer: &Endpoint<'_>,
        namespace_labels: &Map<String, Value>,
        own: &str,
    ) -> PeerMatch {
        let by_labels = self.peers.iter().any(|p| match p {
            Peer::Pods { namespaces, pods } => {
                let in_namespace = match namespaces {
                    None => peer.namespace == own,
                    Some(selector) => {
                        Selector::LabelSelector(selector).matches(Some(namespace_labels))
                    }
                };
                in_namespace && pods.is_none_or(|s| Selector::LabelSelector(s).matches(peer.labels))
            }
            Peer::Block { .. } | Peer::Nothing => false,
        });
        self.pod_match(by_labels)
    }

    /// Whether `address`, outside the cluster, is a peer of the rule.
    pub(crate) fn admits_address(&self, address: IpAddr) -> bool {
        self.peers.is_empty()
            || self.peers.iter().any(|p| match p {
                Peer::Block { cidr, except } => {
                    cidr.is_some_and(|c| c.contains(address))
                        && !except.iter().flatten().any(|e| e.contains(address))
                }
                Peer::Pods { .. } | Peer::Nothing => false,
            })
    }

    /// Whether some pod of a namespace other than `own`, whose labels and namespace
    /// labels are unknown, may be a peer of the rule: it has no peers, or a namespace
    /// selector that does not pin the namespace name to `own`.
    pub(crate) fn admits_other_namespace(&self, own: &str) -> PeerMatch {
        let by_labels = self.peers.iter().any(|p| match p {
            Peer::Pods {
                namespaces: Some(selector),
                ..
            } => may_select_other_namespace(selector, own),
            Peer::Pods {
                namespaces: None, ..
            }
            | Peer::Block { .. }
            | Peer::Nothing => false,
        });
        self.pod_match(by_labels)
    }

    /// How the rule's peers take a pod that its pod and namespace peers take
    /// (`by_labels`) or not: a rule without peers takes every pod, and one with an
    /// address block may take it by its address.
    fn pod_match(&self, by_labels: bool) -> PeerMatch {
        let has_block = self
            .peers
            .iter()
            .any(|p| matches!(p, Peer::Block { cidr: Some(_), .. }));
        if self.peers.is_empty() || by_labels {
            PeerMatch::Yes
        } else if has_block {
            PeerMatch::ByAddress
        } else {
            PeerMatch::No
        }
    }
}

/// Whether a rule's peers take a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PeerMatch {
    /// By its labels and namespace, or because the rule takes every peer.
    Yes,
    /// Only an address block may take it: whether it covers the pod's address is not
    /// modelled.
    ByAddress,
    /// No.
    No,
}

impl<'a> Peer<'a> {
    fn parse(peer: &'a Value) -> Peer<'a> {
        if let Some(block) = peer.get("ipBlock") {
            let cidr = |v: &Value| v.as_str().and_then(Cidr::parse);
            return Peer::Block {
                cidr: block.get("cidr").and_then(cidr),
                except: list(block, "except").iter().map(cidr).collect(),
            };
        }
        let namespaces = peer.get("namespaceSelector");
        let pods = peer.get("podSelector");
        if namespaces.is_none() && pods.is_none() {
            return Peer::Nothing;
        }
        Peer::Pods { namespaces, pods }
    }
}

impl<'a> PolicyPort<'a> {
    fn parse(port: &'a Value) -> PolicyPort<'a> {
        let spec = match port.get("port") {
            None | Some(Value::Null) => PortSpec::Any,
            Some(Value::String(name)) => PortSpec::Named(name),
            Some(number) => match number.as_i64() {
                Some(first) => {
                    let last = port.get("endPort").and_then(Value::as_i64).unwrap_or(first);
                    PortSpec::Range(first, last)
                }
                None => PortSpec::Invalid,
            },
        };
        PolicyPort {
            protocol: Protocol::of_field(port.get("protocol")),
            port: spec,
        }
    }
}

/// Whether a namespace selector may select a namespace not called `own`: unless it pins
/// the name label to `own` (by `matchLabels` or an `In` of `own` alone), demands that
/// the label be absent, which no namespace is, or has an operator that selects nothing.
/// Other labels are unknown, so they may match.
fn may_select_other_namespace(selector: &Value, own: &str) -> bool {
    let pinned = selector
        .get("matchLabels")
        .and_then(|labels| labels.get(NAMESPACE_NAME_LABEL))
        .is_some_and(|name| name.as_str() == Some(own) || !name.is_string());
    let excluded = list(selector, "matchExpressions").iter().any(|e| {
        e.get("key").and_then(Value::as_str) == Some(NAMESPACE_NAME_LABEL)
            && match e.get("operator").and_then(Value::as_str) {
                Some("In") => list(e, "values")
                    .iter()
                    .all(|v| v.as_str() == Some(own) || !v.is_string()),
                Some("DoesNotExist") => true,
                _ => false,
            }
            // The API server rejects any other operator; such a selector selects nothing.
            || !matches!(
                e.get("operator").and_then(Value::as_str),
                Some("In" | "NotIn" | "Exists" | "DoesNotExist")
            )
    });
    !pinned && !excluded
}

/// `metadata.<field>` of `object`, or "".
pub(crate) fn metadata<'v>(object: &'v Value, field: &str) -> &'v str {
    object
        .get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn list<'v>(value: &'v Value, field: &str) -> &'v [Value] {
    value
        .get(field)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
