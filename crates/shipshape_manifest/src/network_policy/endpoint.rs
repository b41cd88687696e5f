//! The two ends of a connection as policies see them: a pod's namespace, labels and
//! declared ports, and the port and protocol traffic is sent to.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::{ModelIndex, PodTemplate, Selector};

/// A transport protocol of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `TCP`, what the API server fills in when a port names no protocol.
    Tcp,
    /// `UDP`.
    Udp,
    /// `SCTP`.
    Sctp,
}

impl Protocol {
    /// The protocol a `protocol` field names: TCP when the field is absent, as the API
    /// server defaults it; `None` for any other value, which the API server rejects.
    #[must_use]
    pub fn of_field(field: Option<&Value>) -> Option<Protocol> {
        match field {
            None | Some(Value::Null) => Some(Protocol::Tcp),
            Some(value) => Protocol::parse(value.as_str()?),
        }
    }

    /// The protocol called `name` (`TCP`, `UDP`, `SCTP`), if it is one.
    #[must_use]
    pub fn parse(name: &str) -> Option<Protocol> {
        match name {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// Its name as the API writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// Where traffic is sent: a port number and its protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port {
    /// The port number.
    pub number: i64,
    /// The protocol.
    pub protocol: Protocol,
}

impl Port {
    /// Port `number` over TCP.
    #[must_use]
    pub fn tcp(number: i64) -> Port {
        Port {
            number,
            protocol: Protocol::Tcp,
        }
    }

    /// Port `number` over UDP.
    #[must_use]
    pub fn udp(number: i64) -> Port {
        Port {
            number,
            protocol: Protocol::Udp,
        }
    }
}

/// A port a pod's container declares (`containerPort`, `name`, `protocol`): what a
/// policy's named port means on that pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerPort<'a> {
    /// `name`, if it has one.
    pub name: Option<&'a str>,
    /// `containerPort`.
    pub number: i64,
    /// `protocol`, TCP when unset.
    pub protocol: Protocol,
}

/// A pod as NetworkPolicies see it: where it runs, its labels and the ports it declares.
/// Pods of the manifest set and pods outside it (the ingress controller, the cluster DNS,
/// a monitoring agent) are described alike, so every question about traffic has one
/// answer whoever asks.
///
/// Pod IP addresses are not modelled: a pod is never inside an `ipBlock`, which the API
/// reference reserves for addresses outside the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint<'a> {
    /// The namespace it runs in.
    pub namespace: &'a str,
    /// Its labels.
    pub labels: Option<&'a Map<String, Value>>,
    /// The ports its containers declare, which named policy ports resolve against.
    pub ports: Vec<ContainerPort<'a>>,
    /// Whether it runs on the host network. Policies do not apply to such pods (the API
    /// leaves their behaviour undefined, and network plugins exempt them), so they are
    /// never isolated.
    pub host_network: bool,
}

/// Where the cluster DNS runs when the manifest set does not hold its pods: the
/// `kube-dns` (or CoreDNS) pods of `kube-system`.
pub const CLUSTER_DNS_NAMESPACE: &str = "kube-system";

/// The labels of the cluster DNS pods, `k8s-app: kube-dns`, which kubeadm, kOps and the
/// managed clouds give both kube-dns and CoreDNS.
#[must_use]
pub fn cluster_dns_labels() -> &'static Map<String, Value> {
    static LABELS: LazyLock<Map<String, Value>> = LazyLock::new(|| {
        let mut labels = Map::new();
        labels.insert("k8s-app".to_owned(), Value::from("kube-dns"));
        labels
    });
    &LABELS
}

/// The cluster DNS pods of the model: those labelled `k8s-app: kube-dns` in
/// `kube-system`; empty when the manifests do not run the cluster DNS, which
/// [`Endpoint::cluster_dns`] then models.
#[must_use]
pub fn cluster_dns_pods<'a>(index: &ModelIndex<'a>) -> Vec<Endpoint<'a>> {
    index
        .selected(
            CLUSTER_DNS_NAMESPACE,
            Selector::Labels(cluster_dns_labels()),
        )
        .map(Endpoint::of_template)
        .collect()
}

impl<'a> Endpoint<'a> {
    /// A pod of `namespace` with `labels` that declares no ports.
    #[must_use]
    pub fn new(namespace: &'a str, labels: Option<&'a Map<String, Value>>) -> Endpoint<'a> {
        Endpoint {
            namespace,
            labels,
            ports: Vec::new(),
            host_network: false,
        }
    }

    /// The pods of a pod spec (`spec` of a Pod or of a workload's template) in
    /// `namespace`, labelled `labels`. The ports of init containers count too: a native
    /// sidecar serves on them. A port without a numeric `containerPort` or with an
    /// unknown protocol is left out; the API server rejects both.
    #[must_use]
    pub fn of_pod(
        namespace: &'a str,
        labels: Option<&'a Map<String, Value>>,
        spec: &'a Value,
    ) -> Endpoint<'a> {
        let ports = ["initContainers", "containers"]
            .into_iter()
            .filter_map(|list| spec.get(list)?.as_array())
            .flatten()
            .filter_map(|container| container.get("ports")?.as_array())
            .flatten()
            .filter_map(|port| {
                Some(ContainerPort {
                    name: port.get("name").and_then(Value::as_str),
                    number: port.get("containerPort")?.as_i64()?,
                    protocol: Protocol::of_field(port.get("protocol"))?,
                })
            })
            .collect();
        Endpoint {
            namespace,
            labels,
            ports,
            host_network: spec.get("hostNetwork").and_then(Value::as_bool) == Some(true),
        }
    }

    /// The pods of a workload (or a bare Pod) of the model.
    #[must_use]
    pub fn of_template(pod: &PodTemplate<'a>) -> Endpoint<'a> {
        Endpoint::of_pod(pod.object.namespace(), pod.labels(), pod.spec)
    }

    /// The cluster DNS as it runs when the manifest set does not hold it: a pod of
    /// `kube-system` labelled `k8s-app: kube-dns` serving port 53 as `dns` over UDP and
    /// `dns-tcp` over TCP, the names kube-dns and CoreDNS deployments use.
    #[must_use]
    pub fn cluster_dns() -> Endpoint<'static> {
        Endpoint {
            namespace: CLUSTER_DNS_NAMESPACE,
            labels: Some(cluster_dns_labels()),
            ports: vec![
                ContainerPort {
                    name: Some("dns"),
                    number: 53,
                    protocol: Protocol::Udp,
                },
                ContainerPort {
                    name: Some("dns-tcp"),
                    number: 53,
                    protocol: Protocol::Tcp,
                },
            ],
            host_network: false,
        }
    }

    /// Whether the pod declares `port` under `name`: what a policy port that names a
    /// port means on this pod.
    #[must_use]
    pub fn names_port(&self, name: &str, port: Port) -> bool {
        self.ports.iter().any(|declared| {
            declared.name == Some(name)
                && declared.number == port.number
                && declared.protocol == port.protocol
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn protocols_default_to_tcp_and_unknown_ones_are_none() {
        assert_eq!(Protocol::of_field(None), Some(Protocol::Tcp));
        assert_eq!(Protocol::of_field(Some(&Value::Null)), Some(Protocol::Tcp));
        assert_eq!(
            Protocol::of_field(Some(&json!("SCTP"))),
            Some(Protocol::Sctp)
        );
        assert_eq!(Protocol::of_field(Some(&json!("udp"))), None);
        assert_eq!(Protocol::of_field(Some(&json!(17))), None);
        assert_eq!(Protocol::Udp.as_str(), "UDP");
    }

    #[test]
    fn a_pod_declares_the_ports_of_all_its_containers() {
        let spec = json!({
            "hostNetwork": true,
            "initContainers": [{"name": "proxy", "ports": [{"name": "admin", "containerPort": 9901}]}],
            "containers": [
                {"name": "app", "ports": [
                    {"name": "http", "containerPort": 8080},
                    {"containerPort": 5353, "protocol": "UDP"},
                    {"name": "broken", "containerPort": "8081"},
                    {"name": "odd", "containerPort": 7000, "protocol": "QUIC"},
                ]},
                {"name": "sidecar"},
            ],
        });
        let pod = Endpoint::of_pod("shop", None, &spec);
        assert_eq!(
            pod.ports,
            [
                ContainerPort {
                    name: Some("admin"),
                    number: 9901,
                    protocol: Protocol::Tcp
                },
                ContainerPort {
                    name: Some("http"),
                    number: 8080,
                    protocol: Protocol::Tcp
                },
                ContainerPort {
                    name: None,
                    number: 5353,
                    protocol: Protocol::Udp
                },
            ]
        );
        assert!(pod.host_network);
        assert!(pod.names_port("http", Port::tcp(8080)));
        assert!(!pod.names_port("http", Port::udp(8080)));
        assert!(!pod.names_port("http", Port::tcp(8081)));
    }

    #[test]
    fn the_modelled_cluster_dns_serves_53_over_both_protocols() {
        let dns = Endpoint::cluster_dns();
        assert_eq!(dns.namespace, "kube-system");
        assert_eq!(
            dns.labels.and_then(|l| l.get("k8s-app")),
            Some(&json!("kube-dns"))
        );
        assert!(dns.names_port("dns", Port::udp(53)));
        assert!(dns.names_port("dns-tcp", Port::tcp(53)));
        assert!(!dns.names_port("dns", Port::tcp(53)));
    }
}
