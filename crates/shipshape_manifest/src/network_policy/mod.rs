//! NetworkPolicy evaluation: may one pod reach another (or an address outside the
//! cluster) on a port, and which policy decided.
//!
//! The semantics are the API's: a pod is isolated in a direction once some policy that
//! selects it restricts that direction (`policyTypes`, defaulted by the API server:
//! Ingress always, Egress when the policy has egress rules); it then admits exactly the
//! union of the rules of those policies. Traffic between two pods needs both the
//! sender's egress and the receiver's ingress. Rules, the peers of a rule and its ports
//! are alternatives; an empty `from`/`to` means every peer and an empty `ports` every
//! port. A `podSelector` peer alone means pods of the policy's namespace, a
//! `namespaceSelector` alone every pod of the namespaces it selects, both together
//! their intersection. Namespaces carry the labels of their Namespace object in the set
//! plus `kubernetes.io/metadata.name`; a namespace the set does not hold carries only
//! that one. Named ports resolve against the receiving pod's declared ports, for egress
//! rules too. `ipBlock` peers are for addresses outside the cluster; pod addresses are
//! not modelled, so whether a block covers a pod is left open ([`Decision::ByAddress`]):
//! the API leaves it to the network plugin, and most match pod addresses too.

mod cidr;
mod endpoint;
mod policy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

use serde_json::{Map, Value};

pub use endpoint::{
    CLUSTER_DNS_NAMESPACE, ContainerPort, Endpoint, Port, Protocol, cluster_dns_labels,
    cluster_dns_pods,
};
pub use policy::{Direction, NAMESPACE_NAME_LABEL, NetworkPolicy};

use crate::{GroupKind, ModelIndex, Object, kinds};
use policy::{PeerMatch, Rule, metadata};

/// `extensions/v1beta1` NetworkPolicy: the same type before `networking.k8s.io`, removed
/// in Kubernetes 1.16 and still found in old manifests.
const EXTENSIONS_NETWORK_POLICY: GroupKind<'static> = GroupKind::new("extensions", "NetworkPolicy");

/// The NetworkPolicies and Namespaces of a manifest set, indexed for evaluation.
#[derive(Debug, Default)]
pub struct NetworkPolicies<'a> {
    policies: Vec<NetworkPolicy<'a>>,
    /// The labels of every Namespace object of the set, its name label included. Of a
    /// namespace defined twice, the last counts, as applying the set in order leaves it.
    namespace_labels: HashMap<&'a str, Map<String, Value>>,
    /// Policies by namespace, for those whose `podSelector` has no `matchLabels` pair.
    unlabelled: HashMap<&'a str, Vec<usize>>,
    /// Policies by one `matchLabels` pair of their `podSelector`, key then value: a pod
    /// looks only at the policies one of its labels can satisfy.
    by_label: HashMap<&'a str, HashMap<&'a str, Vec<usize>>>,
}

/// How one direction of a pod's traffic is decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision<'p> {
    /// No policy restricts the direction for the pod: all traffic passes.
    Unrestricted,
    /// This rule admits the traffic (the first that does, in input order).
    Admitted(RuleRef<'p>),
    /// No rule admits the pod by its namespace and labels, but this one (the first)
    /// admits an address block on the port: the traffic passes when the block covers the
    /// pod's address, which the manifests do not say.
    ByAddress(RuleRef<'p>),
    /// These policies restrict the direction for the pod, in input order, and none of
    /// their rules admits the traffic.
    Denied(Vec<&'p NetworkPolicy<'p>>),
}

impl Decision<'_> {
    /// Whether the traffic passes, whatever the pods' addresses.
    #[must_use]
    pub fn admits(&self) -> bool {
        matches!(self, Decision::Unrestricted | Decision::Admitted(_))
    }

    /// Whether the traffic may pass: unless it is denied.
    #[must_use]
    pub fn may_admit(&self) -> bool {
        !matches!(self, Decision::Denied(_))
    }
}

/// One rule of a policy: `spec.ingress[rule]` or `spec.egress[rule]` of `policy`.
#[derive(Debug, Clone, Copy)]
pub struct RuleRef<'p> {
    /// The policy.
    pub policy: &'p NetworkPolicy<'p>,
    /// The rule's index in the policy's list of its direction.
    pub rule: usize,
}

impl PartialEq for RuleRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.policy, other.policy) && self.rule == other.rule
    }
}

impl PartialEq for NetworkPolicy<'_> {
    /// Policies are the same when they are the same object of the set.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.value(), other.value())
    }
}

/// A pod prepared for many questions: see [`NetworkPolicies::prepare`].
#[derive(Debug, Clone)]
pub struct Prepared<'s, 'e, 'a> {
    pod: &'e Endpoint<'e>,
    egress: Vec<&'s NetworkPolicy<'a>>,
    ingress: Vec<&'s NetworkPolicy<'a>>,
    namespace_labels: Cow<'s, Map<String, Value>>,
}

impl Prepared<'_, '_, '_> {
    /// Whether some policy restricts the pod's ingress.
    #[must_use]
    pub fn ingress_restricted(&self) -> bool {
        !self.ingress.is_empty()
    }
}

/// How traffic from one pod to another is decided: it passes when both sides admit it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict<'p> {
    /// The sender's egress.
    pub egress: Decision<'p>,
    /// The receiver's ingress.
    pub ingress: Decision<'p>,
}

impl Verdict<'_> {
    /// Whether the traffic passes, whatever the pods' addresses.
    #[must_use]
    pub fn admits(&self) -> bool {
        self.egress.admits() && self.ingress.admits()
    }

    /// Whether the traffic may pass: unless a side denies it.
    #[must_use]
    pub fn may_admit(&self) -> bool {
        self.egress.may_admit() && self.ingress.may_admit()
    }
}

/// Whether a pod may look up names: DNS on port 53 over UDP, which resolvers use first,
/// and over TCP, which they fall back to for long answers.
#[derive(Debug, Clone, PartialEq)]
pub struct NameResolution<'p> {
    /// Port 53 over UDP.
    pub udp: Verdict<'p>,
    /// Port 53 over TCP.
    pub tcp: Verdict<'p>,
}

impl<'a> NetworkPolicies<'a> {
    /// Reads the NetworkPolicies and Namespaces among `objects`; other objects are
    /// skipped.
    pub fn new(objects: impl IntoIterator<Item = &'a Value>) -> NetworkPolicies<'a> {
        let mut set = NetworkPolicies::default();
        for object in objects {
            if let Some(policy) = NetworkPolicy::parse(object) {
                let i = set.policies.len();
                match policy.pod_selector().first_label() {
                    Some((key, value)) => set
                        .by_label
                        .entry(key)
                        .or_default()
                        .entry(value)
                        .or_default()
                        .push(i),
                    None => set
                        .unlabelled
                        .entry(policy.namespace())
                        .or_default()
                        .push(i),
                }
                set.policies.push(policy);
            } else if is_namespace(object) {
                let name = metadata(object, "name");
                let mut labels = object
                    .pointer("/metadata/labels")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                labels.insert(NAMESPACE_NAME_LABEL.to_owned(), Value::from(name));
                set.namespace_labels.insert(name, labels);
            }
        }
        set
    }

    /// The NetworkPolicies and Namespaces of the model `index` relates.
    #[must_use]
    pub fn of_model(index: &ModelIndex<'a>) -> NetworkPolicies<'a> {
        let objects = index
            .of_kind(&kinds::NETWORK_POLICY)
            .chain(index.of_kind(&EXTENSIONS_NETWORK_POLICY))
            .chain(index.of_kind(&kinds::NAMESPACE));
        NetworkPolicies::new(objects.map(Object::value))
    }

    /// The labels of namespace `name`.
    #[must_use]
    pub fn namespace_labels(&self, name: &str) -> Cow<'_, Map<String, Value>> {
        match self.namespace_labels.get(name) {
            Some(labels) => Cow::Borrowed(labels),
            None => {
                let mut labels = Map::new();
                labels.insert(NAMESPACE_NAME_LABEL.to_owned(), Value::from(name));
                Cow::Owned(labels)
            }
        }
    }

    /// The policies that apply to `pod`, in input order.
    #[must_use]
    pub fn selecting(&self, pod: &Endpoint<'_>) -> Vec<&NetworkPolicy<'a>> {
        let labelled = pod
            .labels
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| self.by_label.get(key.as_str())?.get(value.as_str()?));
        let mut candidates: Vec<usize> = self
            .unlabelled
            .get(pod.namespace)
            .into_iter()
            .chain(labelled)
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates
            .into_iter()
            .map(|i| &self.policies[i])
            .filter(|policy| policy.selects(pod))
            .collect()
    }

    /// The policies that isolate `pod` in `direction`, in input order: empty when its
    /// traffic that way is not restricted.
    #[must_use]
    pub fn isolating(&self, pod: &Endpoint<'_>, direction: Direction) -> Vec<&NetworkPolicy<'a>> {
        if pod.host_network {
            return Vec::new();
        }
        let mut policies = self.selecting(pod);
        policies.retain(|policy| policy.restricts(direction));
        policies
    }

    /// Whether `from` may send to `to` on `port`, and which policies decided each side.
    #[must_use]
    pub fn reach(&self, from: &Endpoint<'_>, to: &Endpoint<'_>, port: Port) -> Verdict<'_> {
        self.reach_prepared(&self.prepare(from), &self.prepare(to), port)
    }

    /// `pod` with what every question about it looks up first: the policies that
    /// isolate it each way and its namespace's labels. For asking about many pairs of
    /// the same pods ([`NetworkPolicies::reach_prepared`]).
    #[must_use]
    pub fn prepare<'s, 'e>(&'s self, pod: &'e Endpoint<'e>) -> Prepared<'s, 'e, 'a> {
        Prepared {
            pod,
            egress: self.isolating(pod, Direction::Egress),
            ingress: self.isolating(pod, Direction::Ingress),
            namespace_labels: self.namespace_labels(pod.namespace),
        }
    }

    /// [`NetworkPolicies::reach`] for prepared pods.
    #[must_use]
    pub fn reach_prepared<'s>(
        &'s self,
        from: &Prepared<'s, '_, 'a>,
        to: &Prepared<'s, '_, 'a>,
        port: Port,
    ) -> Verdict<'s> {
        Verdict {
            egress: self.egress_decision(from, to, port),
            ingress: self.ingress_decision(from, to, port),
        }
    }

    /// Whether traffic from `from` to `to` on `port` passes, whatever the pods'
    /// addresses, and if so the ingress rule that admits it (`None` inside when `to`'s
    /// ingress is not restricted). The receiving side is only asked when the sending
    /// side admits the traffic, so most denied pairs cost one side.
    #[must_use]
    pub fn passes<'s>(
        &'s self,
        from: &Prepared<'s, '_, 'a>,
        to: &Prepared<'s, '_, 'a>,
        port: Port,
    ) -> Option<Option<RuleRef<'s>>> {
        if !self.egress_decision(from, to, port).admits() {
            return None;
        }
        match self.ingress_decision(from, to, port) {
            Decision::Unrestricted => Some(None),
            Decision::Admitted(rule) => Some(Some(rule)),
            Decision::ByAddress(_) | Decision::Denied(_) => None,
        }
    }

    fn egress_decision<'s>(
        &'s self,
        from: &Prepared<'s, '_, 'a>,
        to: &Prepared<'s, '_, 'a>,
        port: Port,
    ) -> Decision<'s> {
        self.decide_among(&from.egress, Direction::Egress, |policy, rule| {
            if !rule.admits_port(port, Some(to.pod)) {
                return PeerMatch::No;
            }
            rule.admits_pod(to.pod, &to.namespace_labels, policy.namespace())
        })
    }

    fn ingress_decision<'s>(
        &'s self,
        from: &Prepared<'s, '_, 'a>,
        to: &Prepared<'s, '_, 'a>,
        port: Port,
    ) -> Decision<'s> {
        self.decide_among(&to.ingress, Direction::Ingress, |policy, rule| {
            if !rule.admits_port(port, Some(to.pod)) {
                return PeerMatch::No;
            }
            rule.admits_pod(from.pod, &from.namespace_labels, policy.namespace())
        })
    }

    /// Whether `from` may send to `address`, outside the cluster, on `port`. A named
    /// policy port admits nothing there: no pod declares it.
    #[must_use]
    pub fn reach_address(&self, from: &Endpoint<'_>, address: IpAddr, port: Port) -> Decision<'_> {
        self.decide(from, Direction::Egress, |_, rule| {
            certain(rule.admits_port(port, None) && rule.admits_address(address))
        })
    }

    /// Whether `address`, outside the cluster, may send to `to` on `port`.
    #[must_use]
    pub fn reach_from_address(
        &self,
        address: IpAddr,
        to: &Endpoint<'_>,
        port: Port,
    ) -> Decision<'_> {
        self.decide(to, Direction::Ingress, |_, rule| {
            certain(rule.admits_port(port, Some(to)) && rule.admits_address(address))
        })
    }

    /// Whether `to`'s ingress may admit `port` from some pod of another namespace whose
    /// namespace and labels are not known, such as an ingress controller: a rule admits
    /// it when it has no peers or a namespace selector that does not pin the namespace
    /// name to `to`'s, and may admit it by an address block.
    #[must_use]
    pub fn reach_from_other_namespace(&self, to: &Endpoint<'_>, port: Port) -> Decision<'_> {
        self.decide(to, Direction::Ingress, |_, rule| {
            if !rule.admits_port(port, Some(to)) {
                return PeerMatch::No;
            }
            rule.admits_other_namespace(to.namespace)
        })
    }

    /// Whether `from` may look up names at one of `servers`, the cluster DNS pods of the
    /// set; when the set holds none, at the cluster DNS as
    /// [`Endpoint::cluster_dns`] models it. With several servers, each protocol's
    /// verdict is that of the first server that admits it most surely: by both sides,
    /// else by both sides maybe (address blocks), else by the egress side, else by the
    /// egress side maybe, else the first.
    #[must_use]
    pub fn resolve_names(
        &self,
        from: &Endpoint<'_>,
        servers: &[Endpoint<'_>],
    ) -> NameResolution<'_> {
        let modelled = [Endpoint::cluster_dns()];
        let (first, rest) = servers.split_first().unwrap_or((&modelled[0], &[]));
        let rank = |v: &Verdict<'_>| {
            (
                v.admits(),
                v.may_admit(),
                v.egress.admits(),
                v.egress.may_admit(),
            )
        };
        let best = |port: Port| {
            rest.iter()
                .fold(self.reach(from, first, port), |best, server| {
                    let verdict = self.reach(from, server, port);
                    if rank(&verdict) > rank(&best) {
                        verdict
                    } else {
                        best
                    }
                })
        };
        NameResolution {
            udp: best(Port::udp(53)),
            tcp: best(Port::tcp(53)),
        }
    }

    fn decide(
        &self,
        pod: &Endpoint<'_>,
        direction: Direction,
        admits: impl Fn(&NetworkPolicy<'a>, &Rule<'a>) -> PeerMatch,
    ) -> Decision<'_> {
        self.decide_among(&self.isolating(pod, direction), direction, admits)
    }

    /// The decision of the policies `isolating` a pod in `direction`.
    fn decide_among<'s>(
        &'s self,
        isolating: &[&'s NetworkPolicy<'a>],
        direction: Direction,
        admits: impl Fn(&NetworkPolicy<'a>, &Rule<'a>) -> PeerMatch,
    ) -> Decision<'s> {
        if isolating.is_empty() {
            return Decision::Unrestricted;
        }
        let mut by_address = None;
        for &policy in isolating {
            let rules = policy.rules(direction).unwrap_or_default();
            for (rule, r) in rules.iter().enumerate() {
                match admits(policy, r) {
                    PeerMatch::Yes => return Decision::Admitted(RuleRef { policy, rule }),
                    PeerMatch::ByAddress => {
                        by_address.get_or_insert(RuleRef { policy, rule });
                    }
                    PeerMatch::No => {}
                }
            }
        }
        match by_address {
            Some(rule) => Decision::ByAddress(rule),
            None => Decision::Denied(isolating.iter().map(|&p| p as _).collect()),
        }
    }
}

/// A rule's answer about an address: there is no doubt about addresses.
fn certain(admits: bool) -> PeerMatch {
    if admits {
        PeerMatch::Yes
    } else {
        PeerMatch::No
    }
}

/// Whether `object` is a core `v1` Namespace.
fn is_namespace(object: &Value) -> bool {
    object.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && object.get("kind").and_then(Value::as_str) == Some("Namespace")
}
