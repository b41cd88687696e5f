//! The cluster the simulation runs on: nodes with a zone, allocatable CPU, memory and
//! pods, labels and taints, from a small YAML file (`--cluster FILE`) or a default of
//! zones × nodes of one size.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Taint;
use serde::Deserialize;
use shipshape_grammar::quantity::Quantity;
use shipshape_yaml::{Diagnostics, SourceFile};

/// The label every node carries with its own name.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
/// The label every node carries with its zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// One node: what the scheduler sees of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `metadata.name`.
    pub name: String,
    /// Its zone (`topology.kubernetes.io/zone`).
    pub zone: String,
    /// Allocatable CPU, in millicores.
    pub cpu: i64,
    /// Allocatable memory, in bytes.
    pub memory: i64,
    /// How many pods it may run.
    pub pods: i64,
    /// Its labels, `kubernetes.io/hostname` and `topology.kubernetes.io/zone` included.
    pub labels: BTreeMap<String, String>,
    /// Its taints.
    pub taints: Vec<Taint>,
}

/// The nodes of a cluster, in the order written (which breaks ties between equal nodes).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The nodes.
    pub nodes: Vec<Node>,
}

/// The size of each node of a default cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSize {
    /// Allocatable CPU, in millicores.
    pub cpu: i64,
    /// Allocatable memory, in bytes.
    pub memory: i64,
    /// How many pods it may run.
    pub pods: i64,
}

impl Default for NodeSize {
    /// 4 CPUs, 16 GiB and 110 pods: a common general-purpose node (the kubelet's default
    /// pod limit is 110).
    fn default() -> Self {
        NodeSize {
            cpu: 4000,
            memory: 16 * 1024 * 1024 * 1024,
            pods: 110,
        }
    }
}

impl Cluster {
    /// `zones` zones (`zone-a`, `zone-b`, ...) of `per_zone` nodes each (`node-a1`,
    /// `node-a2`, ...), all of `size`, nodes listed zone by zone.
    #[must_use]
    pub fn uniform(zones: usize, per_zone: usize, size: NodeSize) -> Cluster {
        let mut nodes = Vec::with_capacity(zones * per_zone);
        for z in 0..zones {
            let letter = zone_letter(z);
            for n in 1..=per_zone {
                nodes.push(Node::new(
                    format!("node-{letter}{n}"),
                    format!("zone-{letter}"),
                    size,
                    BTreeMap::new(),
                    Vec::new(),
                ));
            }
        }
        Cluster { nodes }
    }

    /// Reads a cluster file; `name` is what errors call it.
    ///
    /// # Errors
    /// Invalid YAML, unknown keys, wrong values, quantities outside the grammar, no nodes
    /// or two nodes of one name, each located at its line and column.
    pub fn from_yaml(name: &str, text: &str) -> Result<Cluster, Diagnostics> {
        let source = SourceFile::new(name, text);
        let located = |e: &shipshape_yaml::Error| Diagnostics::from(source.diagnostic(e));
        let tree = shipshape_yaml::parse_single(text).map_err(|e| located(&e))?;
        let file: ClusterFile = shipshape_yaml::from_node(&tree).map_err(|e| located(&e))?;
        if file.nodes.is_empty() {
            let error = shipshape_yaml::Error::at("the cluster has no nodes", tree.span)
                .with_help("list at least one node under `nodes:`");
            return Err(located(&error));
        }
        let mut nodes: Vec<Node> = Vec::with_capacity(file.nodes.len());
        let list = tree
            .as_map()
            .and_then(|m| m.get("nodes"))
            .and_then(|n| match &n.value {
                shipshape_yaml::Value::Seq(items) => Some(items.as_slice()),
                _ => None,
            })
            .unwrap_or(&[]);
        for (i, entry) in file.nodes.into_iter().enumerate() {
            if nodes.iter().any(|n| n.name == entry.name) {
                let span = list.get(i).map_or(tree.span, |n| n.span);
                let error = shipshape_yaml::Error::at(
                    format!("two nodes are named `{}`", entry.name),
                    span,
                )
                .with_help("give every node its own name");
                return Err(located(&error));
            }
            let size = NodeSize {
                cpu: entry.cpu.0,
                memory: entry.memory.0,
                pods: entry.pods,
            };
            nodes.push(Node::new(
                entry.name,
                entry.zone,
                size,
                entry.labels,
                entry
                    .taints
                    .into_iter()
                    .map(TaintEntry::into_taint)
                    .collect(),
            ));
        }
        Ok(Cluster { nodes })
    }

    /// The zones, in the order their first node is listed.
    #[must_use]
    pub fn zones(&self) -> Vec<&str> {
        let mut zones: Vec<&str> = Vec::new();
        for node in &self.nodes {
            if !zones.contains(&node.zone.as_str()) {
                zones.push(&node.zone);
            }
        }
        zones
    }

    /// One line that says what the cluster is: `6 nodes in 3 zones, 24 CPU, 96Gi`.
    #[must_use]
    pub fn summary(&self) -> String {
        let cpu: i64 = self.nodes.iter().map(|n| n.cpu).sum();
        let memory: i64 = self.nodes.iter().map(|n| n.memory).sum();
        format!(
            "{} nodes in {} zones, {} CPU, {} memory",
            self.nodes.len(),
            self.zones().len(),
            format_cpu(cpu),
            format_memory(memory)
        )
    }
}

impl Node {
    fn new(
        name: String,
        zone: String,
        size: NodeSize,
        mut labels: BTreeMap<String, String>,
        taints: Vec<Taint>,
    ) -> Node {
        labels
            .entry(HOSTNAME_LABEL.to_owned())
            .or_insert_with(|| name.clone());
        labels
            .entry(ZONE_LABEL.to_owned())
            .or_insert_with(|| zone.clone());
        Node {
            name,
            zone,
            cpu: size.cpu,
            memory: size.memory,
            pods: size.pods,
            labels,
            taints,
        }
    }
}

/// `a`..`z`, then `z26`, ... for more zones than letters.
fn zone_letter(z: usize) -> String {
    match u8::try_from(z) {
        Ok(n) if n < 26 => char::from(b'a' + n).to_string(),
        _ => format!("z{z}"),
    }
}

/// Millicores as a person writes them: `4`, `1.5`, `250m`, `500m`.
#[must_use]
pub fn format_cpu(millicores: i64) -> String {
    if millicores % 1000 == 0 {
        format!("{}", millicores / 1000)
    } else if millicores % 100 == 0 && millicores > 1000 {
        format!("{}.{}", millicores / 1000, (millicores % 1000) / 100)
    } else {
        format!("{millicores}m")
    }
}

/// Bytes in the largest binary unit that keeps them whole, or to one decimal in GiB.
#[must_use]
pub fn format_memory(bytes: i64) -> String {
    const UNITS: [(&str, i64); 3] = [("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    if bytes >= 1 << 30 {
        // Tenths of a GiB, rounded to the nearest.
        let tenths = (bytes * 10 + (1 << 29)) >> 30;
        return format!("{}.{}Gi", tenths / 10, tenths % 10);
    }
    format!("{bytes}")
}

/// The cluster file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterFile {
    nodes: Vec<NodeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeEntry {
    name: String,
    zone: String,
    cpu: Cpu,
    memory: Memory,
    #[serde(default = "default_pods")]
    pods: i64,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    taints: Vec<TaintEntry>,
}

fn default_pods() -> i64 {
    NodeSize::default().pods
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaintEntry {
    key: String,
    #[serde(default)]
    value: Option<String>,
    effect: Effect,
}

/// The three effects the API server accepts.
#[derive(Debug, Deserialize)]
enum Effect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEntry {
    fn into_taint(self) -> Taint {
        let effect = match self.effect {
            Effect::NoSchedule => "NoSchedule",
            Effect::PreferNoSchedule => "PreferNoSchedule",
            Effect::NoExecute => "NoExecute",
        };
        Taint {
            key: self.key,
            value: self.value,
            effect: effect.to_owned(),
            time_added: None,
        }
    }
}

/// A CPU quantity (`4`, `3500m`), in millicores.
#[derive(Debug)]
struct Cpu(i64);

/// A memory quantity (`16Gi`), in bytes.
#[derive(Debug)]
struct Memory(i64);

/// A quantity field: a string or a number, in the grammar of `shipshape_grammar`, more
/// than zero.
fn quantity<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    exponent: i32,
    what: &str,
) -> Result<i64, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Int(i64),
        Float(f64),
        Str(String),
    }
    let text = match Text::deserialize(deserializer)? {
        Text::Int(n) => n.to_string(),
        Text::Float(f) => f.to_string(),
        Text::Str(s) => s,
    };
    let parsed = Quantity::parse(&text).map_err(D::Error::custom)?;
    if !parsed.is_positive() {
        return Err(D::Error::custom(format!(
            "{what} must be more than zero, not `{text}`"
        )));
    }
    parsed
        .ceil_scaled(exponent)
        .ok_or_else(|| D::Error::custom(format!("{what} `{text}` is too large")))
}

impl<'de> Deserialize<'de> for Cpu {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        quantity(deserializer, -3, "cpu").map(Cpu)
    }
}

impl<'de> Deserialize<'de> for Memory {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        quantity(deserializer, 0, "memory").map(Memory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cluster_is_zones_of_equal_nodes() {
        let cluster = Cluster::uniform(3, 2, NodeSize::default());
        let names: Vec<&str> = cluster.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "node-a1", "node-a2", "node-b1", "node-b2", "node-c1", "node-c2"
            ]
        );
        assert_eq!(cluster.zones(), ["zone-a", "zone-b", "zone-c"]);
        assert_eq!(cluster.nodes[2].labels[ZONE_LABEL], "zone-b");
        assert_eq!(cluster.nodes[2].labels[HOSTNAME_LABEL], "node-b1");
        assert_eq!(cluster.summary(), "6 nodes in 3 zones, 24 CPU, 96Gi memory");
    }

    #[test]
    fn reads_nodes_with_quantities_labels_and_taints() {
        let text = "nodes:\n- name: big\n  zone: eu-1a\n  cpu: 3500m\n  memory: 1.5Gi\n  pods: 30\n  labels: {pool: db}\n  taints: [{key: dedicated, value: db, effect: NoSchedule}]\n- name: small\n  zone: eu-1b\n  cpu: 2\n  memory: 4Gi\n";
        let cluster = Cluster::from_yaml("cluster.yaml", text).expect("valid");
        let big = &cluster.nodes[0];
        assert_eq!((big.cpu, big.memory, big.pods), (3500, 1_610_612_736, 30));
        assert_eq!(big.labels["pool"], "db");
        assert_eq!(big.labels[ZONE_LABEL], "eu-1a");
        assert_eq!(big.taints[0].effect, "NoSchedule");
        assert_eq!(big.taints[0].value.as_deref(), Some("db"));
        assert_eq!((cluster.nodes[1].cpu, cluster.nodes[1].pods), (2000, 110));
    }

    fn error(text: &str) -> String {
        let diags = Cluster::from_yaml("cluster.yaml", text).expect_err("invalid");
        let d = &diags.0[0];
        let at = d.location().expect("located");
        format!("{}:{}:{}: {}", at.file, at.line, at.column, d.message())
    }

    #[test]
    fn bad_files_are_located_errors() {
        assert_eq!(
            error("nodes:\n- name: a\n  zone: z\n  cpu: 4 cores\n  memory: 1Gi\n"),
            "cluster.yaml:4:8: `4 cores` is not a quantity: write a number with an optional unit, such as `250m`, `1.5`, `512Mi` or `2Gi`"
        );
        assert_eq!(
            error("nodes:\n- name: a\n  zone: z\n  cpu: 0\n  memory: 1Gi\n"),
            "cluster.yaml:4:8: cpu must be more than zero, not `0`"
        );
        assert_eq!(
            error("nodes:\n- name: a\n  zone: z\n  cpus: 4\n  memory: 1Gi\n"),
            "cluster.yaml:4:3: unknown key `cpus`"
        );
        assert_eq!(
            error("nodes: []\n"),
            "cluster.yaml:1:1: the cluster has no nodes"
        );
        assert_eq!(
            error(
                "nodes:\n- {name: a, zone: z, cpu: 1, memory: 1Gi}\n- {name: a, zone: y, cpu: 1, memory: 1Gi}\n"
            ),
            "cluster.yaml:3:3: two nodes are named `a`"
        );
        assert_eq!(
            error(
                "nodes:\n- {name: a, zone: z, cpu: 1, memory: 1Gi, taints: [{key: k, effect: Never}]}\n"
            ),
            "cluster.yaml:2:69: unknown value `Never`, expected one of `NoSchedule`, `PreferNoSchedule`, `NoExecute`"
        );
    }

    #[test]
    fn quantities_read_back_as_written() {
        assert_eq!(format_cpu(4000), "4");
        assert_eq!(format_cpu(1500), "1.5");
        assert_eq!(format_cpu(250), "250m");
        assert_eq!(format_memory(16 << 30), "16Gi");
        assert_eq!(format_memory(512 << 20), "512Mi");
        assert_eq!(format_memory((3 << 30) + (1 << 28)), "3328Mi");
        assert_eq!(format_memory((3 << 30) + 1000), "3.0Gi");
        assert_eq!(format_memory(1000), "1000");
    }
}
