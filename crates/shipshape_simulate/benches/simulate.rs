//! Every scenario over a generated manifest set: `workloads` workloads on
//! `workloads / 10` nodes in 10 zones. The set mixes what real ones hold: Deployments
//! with a budget, zone spread and preferred anti-affinity, StatefulSets with volumes and
//! required anti-affinity, DaemonSets on every node; a Service per workload, each
//! calling the next through its env (`http://w{i+1}.team-{n}:80`), NetworkPolicies
//! that deny by default and admit exactly those calls, a LimitRange per namespace that
//! defaults the DaemonSets' requests, and a database every workload pools connections
//! to. The traffic matrix asks about every pair of workloads.

use std::fmt::Write as _;

use shipshape_manifest::{Model, ModelIndex};
use shipshape_simulate::cluster::{Cluster, NodeSize};

fn main() {
    // The set must be one that keeps its promises, or the figures measure reports of
    // broken ones: every call w{i} -> w{i+1} declared and admitted, nothing else.
    let (model, cluster) = input(100);
    let report = shipshape_simulate::simulate(&ModelIndex::new(&model), &cluster);
    assert_eq!(report.findings, [], "the generated set breaks a promise");
    assert_eq!(report.traffic.calls.len(), 100);
    divan::main();
}

/// `workloads` workloads: 2% DaemonSets, 15% StatefulSets, the rest Deployments, over 10
/// namespaces.
fn manifests(workloads: usize) -> String {
    let mut yaml = String::new();
    for n in 0..10 {
        let _ = write!(
            yaml,
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: default-deny, namespace: team-{n}}}\nspec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}\n---\napiVersion: v1\nkind: LimitRange\nmetadata: {{name: defaults, namespace: team-{n}}}\nspec:\n  limits:\n  - {{type: Container, defaultRequest: {{cpu: 50m, memory: 64Mi}}, max: {{memory: 4Gi}}}}\n---\n"
        );
    }
    for i in 0..workloads {
        let ns = format!("team-{}", i % 10);
        let name = format!("w{i}");
        let next = (i + 1) % workloads;
        let previous = (i + workloads - 1) % workloads;
        let labels = format!("{{app: {name}}}");
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
        let requests = if kind == "DaemonSet" {
            "{}"
        } else {
            "{requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}"
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
            "apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{extra}  selector: {{matchLabels: {labels}}}\n  template:\n    metadata:\n      labels: {labels}\n      annotations: {{shipshape.dev/db-connections: 'db.internal:5432=5'}}\n    spec:\n{affinity}      containers:\n      - name: app\n        image: example/{name}:1\n        ports: [{{name: http, containerPort: 8080}}]\n        env: [{{name: NEXT_URL, value: 'http://w{next}.team-{}:80/'}}]\n        resources: {requests}\n        readinessProbe: {{httpGet: {{port: 8080}}, initialDelaySeconds: 5}}\n---\n",
            next % 10
        );
        let _ = write!(
            yaml,
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{selector: {labels}, ports: [{{port: 80, targetPort: http}}]}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  podSelector: {{matchLabels: {labels}}}\n  ingress:\n  - from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: team-{}}}}}, podSelector: {{matchLabels: {{app: w{previous}}}}}}}]\n    ports: [{{port: 8080}}]\n  egress:\n  - to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: team-{}}}}}, podSelector: {{matchLabels: {{app: w{next}}}}}}}]\n    ports: [{{port: 8080}}]\n---\n",
            previous % 10,
            next % 10
        );
        if kind != "DaemonSet" {
            let _ = write!(
                yaml,
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  maxUnavailable: 1\n  selector: {{matchLabels: {labels}}}\n---\n"
            );
        }
    }
    yaml.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n  namespace: team-0\n  annotations: {shipshape.dev/db-max-connections: 'db.internal:5432=100000'}\n");
    yaml
}

/// The generated set as the simulator reads it, and the cluster: 10 zones of
/// `workloads / 100` nodes.
fn input(workloads: usize) -> (Model, Cluster) {
    let mut model = Model::new();
    let objects = shipshape_manifest::load("bench.yaml", &manifests(workloads), "default")
        .expect("generated YAML is valid");
    model.add_objects(objects);
    let size = NodeSize {
        cpu: 8000,
        memory: 32 << 30,
        pods: 110,
    };
    (model, Cluster::uniform(10, workloads / 100, size))
}

#[divan::bench(args = [100, 300, 1000], sample_count = 10)]
fn every_scenario(bencher: divan::Bencher, workloads: usize) {
    let (model, cluster) = input(workloads);
    let index = ModelIndex::new(&model);
    bencher.bench(|| shipshape_simulate::simulate(&index, &cluster));
}

/// The traffic matrix alone, the one part whose cost grows with workloads squared.
#[divan::bench(args = [100, 300, 1000], sample_count = 10)]
fn traffic(bencher: divan::Bencher, workloads: usize) {
    let (model, _) = input(workloads);
    let index = ModelIndex::new(&model);
    bencher.bench(|| shipshape_simulate::traffic::matrix(&index, &mut Vec::new()));
}
