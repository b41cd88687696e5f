//! Every scenario over a generated manifest set: `workloads` workloads on
//! `workloads / 10` nodes in 10 zones. The set mixes what real ones hold: Deployments
//! with a budget, zone spread and preferred anti-affinity, StatefulSets with volumes and
//! required anti-affinity, DaemonSets on every node.

use std::fmt::Write as _;

use shipshape_manifest::{Model, ModelIndex};
use shipshape_simulate::cluster::{Cluster, NodeSize};

fn main() {
    divan::main();
}

/// `workloads` workloads: 2% DaemonSets, 15% StatefulSets, the rest Deployments, over 10
/// namespaces.
fn manifests(workloads: usize) -> String {
    let mut yaml = String::new();
    for i in 0..workloads {
        let ns = format!("team-{}", i % 10);
        let name = format!("w{i}");
        let labels = format!("{{app: {name}}}");
        let requests = "{requests: {cpu: 100m, memory: 128Mi}}";
        let (kind, extra) = match i % 50 {
            0 => ("DaemonSet", String::new()),
            1..=7 => (
                "StatefulSet",
                format!(
                    "  replicas: 3\n  serviceName: {name}\n  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}\n"
                ),
            ),
            _ => ("Deployment", "  replicas: 3\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n".to_owned()),
        };
        let affinity = match kind {
            "StatefulSet" => format!(
                "      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - {{labelSelector: {{matchLabels: {labels}}}, topologyKey: kubernetes.io/hostname}}\n"
            ),
            "Deployment" => format!(
                "      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 100\n            podAffinityTerm: {{labelSelector: {{matchLabels: {labels}}}, topologyKey: kubernetes.io/hostname}}\n      topologySpreadConstraints:\n      - {{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {{matchLabels: {labels}}}}}\n"
            ),
            _ => String::new(),
        };
        let _ = write!(
            yaml,
            "apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{extra}  selector: {{matchLabels: {labels}}}\n  template:\n    metadata: {{labels: {labels}}}\n    spec:\n{affinity}      containers:\n      - name: app\n        image: example/{name}:1\n        resources: {requests}\n        readinessProbe: {{httpGet: {{port: 8080}}, initialDelaySeconds: 5}}\n---\n"
        );
        if kind != "DaemonSet" {
            let _ = write!(
                yaml,
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  maxUnavailable: 1\n  selector: {{matchLabels: {labels}}}\n---\n"
            );
        }
    }
    yaml
}

#[divan::bench(args = [100, 300, 1000], sample_count = 10)]
fn every_scenario(bencher: divan::Bencher, workloads: usize) {
    let mut model = Model::new();
    let objects = shipshape_manifest::load("bench.yaml", &manifests(workloads), "default")
        .expect("generated YAML is valid");
    model.add_objects(objects);
    let index = ModelIndex::new(&model);
    let size = NodeSize {
        cpu: 8000,
        memory: 32 << 30,
        pods: 110,
    };
    let cluster = Cluster::uniform(10, workloads / 100, size);
    bencher.bench(|| shipshape_simulate::simulate(&index, &cluster));
}
