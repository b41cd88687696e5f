//! Pods that an operator runs for an object of the set: the instances of a
//! CloudNativePG `Cluster` and the Spilo pods of a Zalando `postgresql`. The manifests
//! hold no template for them, but their operators label and number them the same way
//! every time, so policies can select them and traffic to them can be judged like
//! traffic to any pod.

use serde_json::{Map, Value};

use crate::network_policy::{ContainerPort, Endpoint, Protocol};
use crate::{ModelIndex, Object, kinds};

/// The pods an operator runs for `object`, as policies see them.
#[derive(Debug, Clone)]
pub struct OperatedPods<'a> {
    /// The object the operator runs them for.
    pub object: &'a Object,
    /// The labels the operator gives every one of them.
    pub labels: Map<String, Value>,
    /// The ports their containers declare.
    pub ports: Vec<ContainerPort<'static>>,
}

/// A TCP port as the operators name it.
const fn tcp(name: &'static str, number: i64) -> ContainerPort<'static> {
    ContainerPort {
        name: Some(name),
        number,
        protocol: Protocol::Tcp,
    }
}

/// The ports of a CloudNativePG instance: PostgreSQL, the instance manager's status
/// endpoint, and its metrics exporter.
const CNPG_PORTS: [ContainerPort<'static>; 3] = [
    tcp("postgresql", 5432),
    tcp("status", 8000),
    tcp("metrics", 9187),
];

/// The ports of a Spilo pod: PostgreSQL and Patroni's REST API.
const SPILO_PORTS: [ContainerPort<'static>; 2] = [tcp("postgresql", 5432), tcp("patroni", 8008)];

impl<'a> OperatedPods<'a> {
    /// The pods an operator runs for `object`, when it is a resource of one the model
    /// knows.
    #[must_use]
    pub fn of(object: &'a Object) -> Option<OperatedPods<'a>> {
        let name = Value::from(object.name());
        let (labels, ports): (Vec<(&str, Value)>, &[ContainerPort<'static>]) =
            if object.is(&kinds::CNPG_CLUSTER) {
                (vec![("cnpg.io/cluster", name)], &CNPG_PORTS)
            } else if object.is(&kinds::ZALANDO_POSTGRESQL) {
                (
                    vec![
                        ("application", Value::from("spilo")),
                        ("cluster-name", name),
                    ],
                    &SPILO_PORTS,
                )
            } else {
                return None;
            };
        Some(OperatedPods {
            object,
            labels: labels.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ports: ports.to_vec(),
        })
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
}

/// Every group of pods an operator runs for an object of `index`, in input order.
#[must_use]
pub fn operated_pods<'a>(index: &ModelIndex<'a>) -> Vec<OperatedPods<'a>> {
    index
        .of_kind(&kinds::CNPG_CLUSTER)
        .chain(index.of_kind(&kinds::ZALANDO_POSTGRESQL))
        .filter_map(OperatedPods::of)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Manifest, Model, Provenance};
    use serde_json::json;

    #[test]
    fn each_operator_labels_and_numbers_its_pods() {
        let mut model = Model::new();
        model.add_objects(
            [
                json!({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "db", "namespace": "shop"}}),
                json!({"apiVersion": "acid.zalan.do/v1", "kind": "postgresql", "metadata": {"name": "shop-audit", "namespace": "shop"}}),
                json!({"apiVersion": "other.example/v1", "kind": "Cluster", "metadata": {"name": "x", "namespace": "shop"}}),
            ]
            .map(|value| Manifest {
                value,
                origin: None,
                tree: None,
                provenance: Provenance::new(),
            }),
        );
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
                    json!({"cnpg.io/cluster": "db"}),
                    vec![5432, 8000, 9187]
                ),
                (
                    "shop-audit",
                    json!({"application": "spilo", "cluster-name": "shop-audit"}),
                    vec![5432, 8008]
                ),
            ]
        );
        assert_eq!(pods[0].endpoint().namespace, "shop");
    }
}
