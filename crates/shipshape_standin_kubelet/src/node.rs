//! The fake Nodes: one Kubernetes Node per node of a `shipshape simulate` cluster (the
//! same file, so a simulation and the harness describe one cluster), with its zone,
//! capacity and taints, and the heartbeat that keeps the node controller from marking
//! it unreachable.

use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::Node;
use serde_json::{Value, json};
use shipshape_simulate::cluster;

/// The annotation that marks a Node as the stand-in's, so a reader can tell it from a
/// real one.
pub const STANDIN_ANNOTATION: &str = "standin.shipshape.dev/kubelet";

/// The address every fake node reports: the harness runs on one machine.
pub const NODE_ADDRESS: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// The Node object for one node of the cluster, status included (a kubelet registers
/// its Node with its status; the API server keeps it on create). `kubelet_port` is where
/// the API server finds the node's kubelet (for logs): the stand-in's log server.
///
/// # Errors
/// Only if k8s-openapi refuses its own shape, which would be a bug here.
pub fn node_object(
    node: &cluster::Node,
    now: &str,
    kubelet_port: Option<u16>,
) -> serde_json::Result<Node> {
    let taints: Vec<Value> = node
        .taints
        .iter()
        .map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect}))
        .collect();
    let resources = json!({
        "cpu": format!("{}m", node.cpu),
        "memory": node.memory.to_string(),
        "pods": node.pods.to_string(),
    });
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": node.name,
            "labels": labels(node),
            "annotations": {STANDIN_ANNOTATION: "true"},
        },
        "spec": {"taints": taints},
        "status": {
            "capacity": resources,
            "allocatable": resources,
            "conditions": conditions(now),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": kubelet_port.unwrap_or(0)}},
            "addresses": [
                {"type": "InternalIP", "address": NODE_ADDRESS.to_string()},
                {"type": "Hostname", "address": node.name},
            ],
            "nodeInfo": {
                "machineID": node.name, "systemUUID": node.name, "bootID": node.name,
                "kernelVersion": "standin", "osImage": "shipshape stand-in kubelet",
                "containerRuntimeVersion": "standin://0", "kubeletVersion": "v1.20.2",
                "kubeProxyVersion": "v1.20.2", "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }))
}

/// The node's labels: its own, then the well-known ones a kubelet sets.
fn labels(node: &cluster::Node) -> Value {
    let mut labels = serde_json::Map::new();
    for (key, value) in &node.labels {
        labels.insert(key.clone(), json!(value));
    }
    labels.insert(cluster::HOSTNAME_LABEL.to_owned(), json!(node.name));
    labels.insert(cluster::ZONE_LABEL.to_owned(), json!(node.zone));
    labels.insert("kubernetes.io/os".to_owned(), json!("linux"));
    labels.insert("kubernetes.io/arch".to_owned(), json!("amd64"));
    Value::Object(labels)
}

/// A healthy node's conditions, heartbeat at `now`.
fn conditions(now: &str) -> Value {
    let condition = |kind: &str, status: &str, reason: &str| {
        json!({
            "type": kind, "status": status, "reason": reason,
            "lastHeartbeatTime": now, "lastTransitionTime": now,
        })
    };
    json!([
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID"),
        condition("Ready", "True", "KubeletReady"),
    ])
}

/// The status patch a heartbeat sends: a strategic merge patch, so each condition
/// (merged by type) keeps its transition time and only its heartbeat moves.
#[must_use]
pub fn heartbeat(now: &str) -> Value {
    let beat = |kind: &str, status: &str| json!({"type": kind, "status": status, "lastHeartbeatTime": now});
    json!({"status": {"conditions": [
        beat("MemoryPressure", "False"),
        beat("DiskPressure", "False"),
        beat("PIDPressure", "False"),
        beat("Ready", "True"),
    ]}})
}

#[cfg(test)]
mod tests {
    use shipshape_simulate::cluster::Cluster;

    use super::*;

    #[test]
    fn a_node_carries_its_zone_size_labels_and_taints() {
        let file = "nodes:\n- name: db-1\n  zone: eu-west-1a\n  cpu: 3500m\n  memory: 14Gi\n  \
                    pods: 58\n  labels: {pool: db}\n  \
                    taints: [{key: dedicated, value: db, effect: NoSchedule}]\n";
        let cluster = Cluster::from_yaml("cluster.yaml", file).expect("a cluster");
        let entry = &cluster.nodes[0];
        let node = serde_json::to_value(
            node_object(entry, "2026-01-02T03:04:05Z", Some(10250)).expect("a node"),
        )
        .expect("JSON");
        assert_eq!(
            node["metadata"]["labels"],
            json!({
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": "db-1",
                "kubernetes.io/os": "linux",
                "pool": "db",
                "topology.kubernetes.io/zone": "eu-west-1a",
            })
        );
        let resources = json!({"cpu": "3500m", "memory": "15032385536", "pods": "58"});
        assert_eq!(node["status"]["capacity"], resources);
        assert_eq!(node["status"]["allocatable"], resources);
        assert_eq!(
            node["spec"]["taints"],
            json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])
        );
        assert_eq!(
            node["status"]["daemonEndpoints"],
            json!({"kubeletEndpoint": {"Port": 10250}})
        );
        assert_eq!(node["status"]["conditions"][3]["type"], "Ready");
        assert_eq!(node["status"]["conditions"][3]["status"], "True");
    }

    #[test]
    fn a_heartbeat_moves_only_the_heartbeat_times() {
        let beat = heartbeat("2026-01-02T03:04:05Z");
        assert_eq!(
            beat["status"]["conditions"][3],
            json!({"type": "Ready", "status": "True", "lastHeartbeatTime": "2026-01-02T03:04:05Z"})
        );
        assert_eq!(
            beat["status"]["conditions"].as_array().map(Vec::len),
            Some(4)
        );
    }
}
