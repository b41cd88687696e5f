//! What operators make of the custom resources of a set: the pods and Services that
//! Prometheus, Alertmanager, CloudNativePG, Zalando's postgres-operator, etcd-operator and
//! the Keycloak operator run for an object. The manifests hold no template for them, but
//! each operator names and labels them the same way every time, so a Service, Ingress,
//! ServiceMonitor or NetworkPolicy that points at them can be judged like one that points
//! at pods the set declares. [`OPERATORS`] is the one table of those names, labels and
//! ports; `docs/operators.md` documents it per operator.

use serde_json::{Map, Value};

use crate::network_policy::{ContainerPort, Endpoint, Protocol};
use crate::{GroupKind, ModelIndex, Object, Selector};

/// A label value an operator writes: the resource's name, or a fixed value.
#[derive(Debug, Clone, Copy)]
pub enum Made {
    /// The custom resource's `metadata.name`.
    Name,
    /// The value as written.
    Fixed(&'static str),
}

impl Made {
    fn value(self, name: &str) -> Value {
        match self {
            Made::Name => Value::from(name),
            Made::Fixed(value) => Value::from(value),
        }
    }
}

/// Labels as an operator writes them.
type Labels = &'static [(&'static str, Made)];

/// A Service an operator makes for each resource.
#[derive(Debug)]
pub struct ServiceShape {
    /// Its name: the resource's name followed by `suffix`, or `fixed` when set (one
    /// Service per namespace, shared by every resource of the kind).
    pub suffix: &'static str,
    /// A name that does not depend on the resource's.
    pub fixed: Option<&'static str>,
    /// The labels the Service itself carries (what a ServiceMonitor selects).
    pub labels: Labels,
    /// Its ports: name and number.
    pub ports: &'static [(&'static str, i64)],
}

/// An operator: the custom resource it watches and what it runs for each one.
#[derive(Debug)]
pub struct Operator {
    /// The operator's name, for messages and docs.
    pub name: &'static str,
    /// The custom resource it makes pods and Services for.
    pub kind: GroupKind<'static>,
    /// The labels of each group of pods it runs for a resource (a primary and its
    /// replicas are labelled apart).
    pub pods: &'static [Labels],
    /// The ports those pods' containers declare.
    pub ports: &'static [ContainerPort<'static>],
    /// The Services it makes for a resource.
    pub services: &'static [ServiceShape],
}

/// A TCP port as the operators name it.
const fn tcp(name: &'static str, number: i64) -> ContainerPort<'static> {
    ContainerPort {
        name: Some(name),
        number,
        protocol: Protocol::Tcp,
    }
}

/// A Service named after the resource.
const fn suffixed(
    suffix: &'static str,
    labels: Labels,
    ports: &'static [(&'static str, i64)],
) -> ServiceShape {
    ServiceShape {
        suffix,
        fixed: None,
        labels,
        ports,
    }
}

/// A CloudNativePG instance's labels in `role`.
macro_rules! cnpg_instance {
    ($role:literal) => {
        &[
            ("cnpg.io/cluster", Made::Name),
            ("cnpg.io/instanceRole", Made::Fixed($role)),
            ("role", Made::Fixed($role)),
            ("cnpg.io/podRole", Made::Fixed("instance")),
        ]
    };
}

/// A Spilo pod's labels in `role`, which is also the label of the Service that sends
/// traffic to that role.
macro_rules! spilo {
    ($role:literal) => {
        &[
            ("application", Made::Fixed("spilo")),
            ("cluster-name", Made::Name),
            ("spilo-role", Made::Fixed($role)),
        ]
    };
}

const PROMETHEUS_PODS: Labels = &[
    ("app.kubernetes.io/name", Made::Fixed("prometheus")),
    ("app.kubernetes.io/instance", Made::Name),
    (
        "app.kubernetes.io/managed-by",
        Made::Fixed("prometheus-operator"),
    ),
    ("prometheus", Made::Name),
    ("operator.prometheus.io/name", Made::Name),
];

const ALERTMANAGER_PODS: Labels = &[
    ("app.kubernetes.io/name", Made::Fixed("alertmanager")),
    ("app.kubernetes.io/instance", Made::Name),
    (
        "app.kubernetes.io/managed-by",
        Made::Fixed("prometheus-operator"),
    ),
    ("alertmanager", Made::Name),
];

const CNPG_SERVICE: Labels = &[("cnpg.io/cluster", Made::Name)];
const CNPG_PORTS: &[(&str, i64)] = &[("postgres", 5432)];
const SPILO_PORTS: &[(&str, i64)] = &[("postgresql", 5432)];
const ETCD: Labels = &[("app", Made::Fixed("etcd")), ("etcd_cluster", Made::Name)];
const KEYCLOAK: Labels = &[
    ("app", Made::Fixed("keycloak")),
    ("app.kubernetes.io/instance", Made::Name),
    (
        "app.kubernetes.io/managed-by",
        Made::Fixed("keycloak-operator"),
    ),
    ("app.kubernetes.io/component", Made::Fixed("server")),
];

/// Every operator the model knows, with what it makes. Names, labels and ports are the
/// operators' documented defaults; see `docs/operators.md`.
pub const OPERATORS: &[Operator] = &[
    Operator {
        name: "prometheus-operator",
        kind: GroupKind::new("monitoring.coreos.com", "Prometheus"),
        pods: &[PROMETHEUS_PODS],
        ports: &[tcp("web", 9090)],
        services: &[ServiceShape {
            suffix: "",
            fixed: Some("prometheus-operated"),
            labels: &[
                ("operated-prometheus", Made::Fixed("true")),
                ("managed-by", Made::Fixed("prometheus-operator")),
            ],
            ports: &[("web", 9090), ("grpc", 10901)],
        }],
    },
    Operator {
        name: "prometheus-operator",
        kind: GroupKind::new("monitoring.coreos.com", "Alertmanager"),
        pods: &[ALERTMANAGER_PODS],
        ports: &[
            tcp("web", 9093),
            tcp("mesh-tcp", 9094),
            ContainerPort {
                name: Some("mesh-udp"),
                number: 9094,
                protocol: Protocol::Udp,
            },
        ],
        services: &[ServiceShape {
            suffix: "",
            fixed: Some("alertmanager-operated"),
            labels: &[
                ("operated-alertmanager", Made::Fixed("true")),
                ("managed-by", Made::Fixed("prometheus-operator")),
            ],
            ports: &[("web", 9093), ("tcp-mesh", 9094), ("udp-mesh", 9094)],
        }],
    },
    Operator {
        name: "CloudNativePG",
        kind: GroupKind::new("postgresql.cnpg.io", "Cluster"),
        pods: &[cnpg_instance!("primary"), cnpg_instance!("replica")],
        ports: &[
            tcp("postgresql", 5432),
            tcp("status", 8000),
            tcp("metrics", 9187),
        ],
        services: &[
            suffixed("-rw", CNPG_SERVICE, CNPG_PORTS),
            suffixed("-ro", CNPG_SERVICE, CNPG_PORTS),
            suffixed("-r", CNPG_SERVICE, CNPG_PORTS),
        ],
    },
    Operator {
        name: "Zalando postgres-operator",
        kind: GroupKind::new("acid.zalan.do", "postgresql"),
        pods: &[spilo!("master"), spilo!("replica")],
        ports: &[tcp("postgresql", 5432), tcp("patroni", 8008)],
        services: &[
            suffixed("", spilo!("master"), SPILO_PORTS),
            suffixed("-repl", spilo!("replica"), SPILO_PORTS),
        ],
    },
    Operator {
        name: "etcd-operator",
        kind: GroupKind::new("etcd.database.coreos.com", "EtcdCluster"),
        pods: &[ETCD],
        ports: &[tcp("client", 2379), tcp("peer", 2380)],
        services: &[
            suffixed("-client", ETCD, &[("client", 2379)]),
            suffixed("", ETCD, &[("client", 2379), ("peer", 2380)]),
        ],
    },
    Operator {
        name: "Keycloak operator",
        kind: GroupKind::new("k8s.keycloak.org", "Keycloak"),
        pods: &[KEYCLOAK],
        ports: &[
            tcp("https", 8443),
            tcp("http", 8080),
            tcp("management", 9000),
        ],
        services: &[suffixed(
            "-service",
            KEYCLOAK,
            &[("https", 8443), ("http", 8080), ("management", 9000)],
        )],
    },
];

/// The operator that acts on `object`, when the model knows one.
#[must_use]
pub fn operator_of(object: &Object) -> Option<&'static Operator> {
    OPERATORS.iter().find(|op| object.is(&op.kind))
}

/// `labels` written for the resource called `name`.
fn labels_of(labels: Labels, name: &str) -> Map<String, Value> {
    labels
        .iter()
        .map(|(key, made)| ((*key).to_owned(), made.value(name)))
        .collect()
}

/// A group of pods an operator runs for `object`, as policies and selectors see them.
#[derive(Debug, Clone)]
pub struct OperatedPods<'a> {
    /// The object the operator runs them for.
    pub object: &'a Object,
    /// The operator.
    pub operator: &'static Operator,
    /// The labels the operator gives every one of them.
    pub labels: Map<String, Value>,
    /// The ports their containers declare.
    pub ports: Vec<ContainerPort<'static>>,
}

impl<'a> OperatedPods<'a> {
    /// The groups of pods an operator runs for `object`; none when it is not a resource
    /// of an operator the model knows.
    #[must_use]
    pub fn of(object: &'a Object) -> Vec<OperatedPods<'a>> {
        let Some(operator) = operator_of(object) else {
            return Vec::new();
        };
        operator
            .pods
            .iter()
            .map(|labels| OperatedPods {
                object,
                operator,
                labels: labels_of(labels, object.name()),
                ports: operator.ports.to_vec(),
            })
            .collect()
    }

    /// The pods as a NetworkPolicy sees them.
    #[must_use]
    pub fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            namespace: self.object.namespace(),
            labels: Some(&self.labels),
            ports: self.ports.clone(),
            host_network: false,
        }
    }

    /// `the pods CloudNativePG runs for Cluster shop/db`: how messages name them.
    #[must_use]
    pub fn display_name(&self) -> String {
        format!(
            "the pods {} runs for {}",
            self.operator.name,
            self.object.display_name()
        )
    }
}

/// Every group of pods an operator runs for an object of `index`, in the order of
/// [`OPERATORS`], then of the input.
#[must_use]
pub fn operated_pods<'a>(index: &ModelIndex<'a>) -> Vec<OperatedPods<'a>> {
    OPERATORS
        .iter()
        .flat_map(|op| index.of_kind(&op.kind))
        .flat_map(OperatedPods::of)
        .collect()
}

/// The groups of pods an operator runs in `namespace` that `selector` matches.
#[must_use]
pub fn selected_operated<'a>(
    index: &ModelIndex<'a>,
    namespace: &str,
    selector: Selector<'_>,
) -> Vec<OperatedPods<'a>> {
    operated_pods(index)
        .into_iter()
        .filter(|pods| pods.object.namespace() == namespace && selector.matches(Some(&pods.labels)))
        .collect()
}

/// A Service an operator makes for an object of the set.
#[derive(Debug, Clone)]
pub struct OperatedService<'a> {
    /// The object the operator makes it for.
    pub object: &'a Object,
    /// The operator.
    pub operator: &'static Operator,
    /// Its name.
    pub name: String,
    /// Its labels.
    pub labels: Map<String, Value>,
    /// Its ports: name and number.
    pub ports: &'static [(&'static str, i64)],
}

impl OperatedService<'_> {
    /// The namespace it is made in: its resource's.
    #[must_use]
    pub fn namespace(&self) -> &str {
        self.object.namespace()
    }

    /// Whether it has a port that `name` (a port name) or `number` names.
    #[must_use]
    pub fn has_port(&self, name: Option<&str>, number: Option<i64>) -> bool {
        self.ports
            .iter()
            .any(|(n, p)| name == Some(*n) || number == Some(*p))
    }

    /// `Service shop/db-rw (made by CloudNativePG for Cluster shop/db)`.
    #[must_use]
    pub fn display_name(&self) -> String {
        format!(
            "Service {}/{} (made by {} for {})",
            self.namespace(),
            self.name,
            self.operator.name,
            self.object.display_name()
        )
    }
}

/// Every Service an operator makes for an object of `index`, in the order of
/// [`OPERATORS`], then of the input; a Service shared by several resources (one per
/// namespace) is listed once.
#[must_use]
pub fn operated_services<'a>(index: &ModelIndex<'a>) -> Vec<OperatedService<'a>> {
    let mut services: Vec<OperatedService<'a>> = Vec::new();
    for operator in OPERATORS {
        for object in index.of_kind(&operator.kind) {
            for shape in operator.services {
                let name = shape.fixed.map_or_else(
                    || format!("{}{}", object.name(), shape.suffix),
                    str::to_owned,
                );
                let namespace = object.namespace();
                if services
                    .iter()
                    .any(|s| s.name == name && s.namespace() == namespace)
                {
                    continue;
                }
                services.push(OperatedService {
                    object,
                    operator,
                    name,
                    labels: labels_of(shape.labels, object.name()),
                    ports: shape.ports,
                });
            }
        }
    }
    services
}

/// The Service called `name` in `namespace` that an operator makes for an object of
/// `index`, if any.
#[must_use]
pub fn operated_service<'a>(
    index: &ModelIndex<'a>,
    namespace: &str,
    name: &str,
) -> Option<OperatedService<'a>> {
    operated_services(index)
        .into_iter()
        .find(|s| s.namespace() == namespace && s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Manifest, Model, Provenance};
    use serde_json::json;

    fn model(objects: Vec<Value>) -> Model {
        let mut model = Model::new();
        model.add_objects(objects.into_iter().map(|value| Manifest {
            value,
            origin: None,
            spans: None,
            provenance: Provenance::new(),
        }));
        model
    }

    #[test]
    fn each_operator_labels_and_numbers_its_pods() {
        let model = model(vec![
            json!({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "db", "namespace": "shop"}}),
            json!({"apiVersion": "acid.zalan.do/v1", "kind": "postgresql", "metadata": {"name": "shop-audit", "namespace": "shop"}}),
            json!({"apiVersion": "other.example/v1", "kind": "Cluster", "metadata": {"name": "x", "namespace": "shop"}}),
            json!({"apiVersion": "etcd.database.coreos.com/v1beta2", "kind": "EtcdCluster", "metadata": {"name": "locks", "namespace": "shop"}}),
        ]);
        let index = ModelIndex::new(&model);
        let pods = operated_pods(&index);
        let seen: Vec<(&str, Value, Vec<i64>)> = pods
            .iter()
            .map(|p| {
                (
                    p.object.name(),
                    Value::Object(p.labels.clone()),
                    p.ports.iter().map(|p| p.number).collect(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "db",
                    json!({"cnpg.io/cluster": "db", "cnpg.io/instanceRole": "primary", "role": "primary", "cnpg.io/podRole": "instance"}),
                    vec![5432, 8000, 9187]
                ),
                (
                    "db",
                    json!({"cnpg.io/cluster": "db", "cnpg.io/instanceRole": "replica", "role": "replica", "cnpg.io/podRole": "instance"}),
                    vec![5432, 8000, 9187]
                ),
                (
                    "shop-audit",
                    json!({"application": "spilo", "cluster-name": "shop-audit", "spilo-role": "master"}),
                    vec![5432, 8008]
                ),
                (
                    "shop-audit",
                    json!({"application": "spilo", "cluster-name": "shop-audit", "spilo-role": "replica"}),
                    vec![5432, 8008]
                ),
                (
                    "locks",
                    json!({"app": "etcd", "etcd_cluster": "locks"}),
                    vec![2379, 2380]
                ),
            ]
        );
        assert_eq!(pods[0].endpoint().namespace, "shop");
        assert_eq!(
            pods[0].display_name(),
            "the pods CloudNativePG runs for Cluster shop/db"
        );
    }

    #[test]
    fn operators_name_their_services_after_the_resource_or_once_per_namespace() {
        let model = model(vec![
            json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "main", "namespace": "mon"}}),
            json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "second", "namespace": "mon"}}),
            json!({"apiVersion": "k8s.keycloak.org/v2alpha1", "kind": "Keycloak", "metadata": {"name": "sso", "namespace": "auth"}}),
            json!({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "db", "namespace": "shop"}}),
        ]);
        let index = ModelIndex::new(&model);
        let services = operated_services(&index);
        let names: Vec<String> = services
            .iter()
            .map(|s| format!("{}/{}", s.namespace(), s.name))
            .collect();
        assert_eq!(
            names,
            [
                "mon/prometheus-operated",
                "shop/db-rw",
                "shop/db-ro",
                "shop/db-r",
                "auth/sso-service"
            ]
        );
        assert_eq!(
            Value::Object(services[4].labels.clone()),
            json!({"app": "keycloak", "app.kubernetes.io/instance": "sso", "app.kubernetes.io/managed-by": "keycloak-operator", "app.kubernetes.io/component": "server"})
        );
        assert!(services[1].has_port(Some("postgres"), None));
        assert!(services[1].has_port(None, Some(5432)));
        assert!(!services[1].has_port(Some("http"), Some(80)));
        assert_eq!(
            services[1].display_name(),
            "Service shop/db-rw (made by CloudNativePG for Cluster shop/db)"
        );
    }
}
