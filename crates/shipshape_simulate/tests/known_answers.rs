//! Hand-computed cases: each asserts the exact numbers a person works out on paper from
//! the controllers' and the scheduler's rules.

use shipshape_manifest::{Model, ModelIndex};
use shipshape_simulate::cluster::{Cluster, NodeSize};
use shipshape_simulate::report::{Kind, Outcome, Report, Scenario, Severity};

fn simulate(yaml: &str, cluster: &Cluster) -> Report {
    let mut model = Model::new();
    model.add_objects(shipshape_manifest::load("input.yaml", yaml, "default").expect("valid YAML"));
    let index = ModelIndex::new(&model);
    shipshape_simulate::simulate(&index, cluster)
}

fn nodes(zones: usize, per_zone: usize) -> Cluster {
    Cluster::uniform(zones, per_zone, NodeSize::default())
}

fn scenario<'r>(report: &'r Report, kind: Kind, target: &str) -> &'r Scenario {
    report
        .scenarios
        .iter()
        .find(|s| s.kind == kind && s.target == target)
        .unwrap_or_else(|| panic!("no {kind:?} of {target}"))
}

fn outcome<'r>(report: &'r Report, kind: Kind, target: &str, workload: &str) -> &'r Outcome {
    scenario(report, kind, target)
        .outcomes
        .iter()
        .find(|o| o.workload == workload)
        .unwrap_or_else(|| panic!("{workload} not in {kind:?} of {target}"))
}

/// A Deployment `name` of `replicas` pods labelled `app: name`, with `extra` spliced
/// into its pod spec and `strategy` as its strategy.
fn deployment(name: &str, replicas: i64, strategy: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  strategy: {strategy}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: app
        image: example/{name}:1
        resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}
{extra}
---
"
    )
}

fn budget(name: &str, rule: &str) -> String {
    format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}}}
spec:
  {rule}
  selector: {{matchLabels: {{app: {name}}}}}
---
"
    )
}

const ROLLING_1_0: &str = "{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}";

#[test]
fn a_two_replica_deployment_with_min_available_two_never_drains() {
    let yaml = deployment("api", 2, ROLLING_1_0, "") + &budget("api", "minAvailable: 2");
    let report = simulate(&yaml, &nodes(3, 2));
    let placed = &report.placement[0];
    assert_eq!(
        placed.per_node,
        [("node-a1".to_owned(), 1), ("node-b1".to_owned(), 1)]
    );
    let drain = scenario(&report, Kind::Drain, "node-a1");
    assert!(!drain.finished);
    let api = &drain.outcomes[0];
    assert_eq!(
        (api.min_ready, api.end_ready, api.blocked, api.violated),
        (2, 2, true, false)
    );
    let findings: Vec<(&str, Severity)> = report
        .findings
        .iter()
        .map(|f| (f.scenario.as_str(), f.severity))
        .collect();
    assert_eq!(
        findings,
        [
            ("drain node-a1", Severity::Error),
            ("drain node-b1", Severity::Error)
        ]
    );
    assert_eq!(
        report.findings[0].message,
        "the drain never finishes: PodDisruptionBudget/api refuses every eviction (it needs 2 of 2 ready and a replacement cannot become ready first); allow one disruption (maxUnavailable: 1) or run more replicas"
    );
    // A node without its pods drains at once.
    let empty = scenario(&report, Kind::Drain, "node-a2");
    assert!(empty.finished && empty.outcomes.is_empty());
}

#[test]
fn a_three_member_etcd_with_required_anti_affinity_on_two_nodes_leaves_one_pending() {
    let yaml = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etcd}
spec:
  replicas: 3
  serviceName: etcd
  selector: {matchLabels: {app: etcd}}
  template:
    metadata: {labels: {app: etcd}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: etcd}}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: etcd
        image: quay.io/coreos/etcd:v3.5.25
        resources: {requests: {cpu: 100m, memory: 128Mi}}
";
    let report = simulate(yaml, &nodes(1, 2));
    let placed = &report.placement[0];
    assert_eq!(
        placed.per_node,
        [("node-a1".to_owned(), 1), ("node-a2".to_owned(), 1)]
    );
    assert_eq!(
        placed.pending,
        ["pod 2: 0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules."]
    );
    assert_eq!(report.findings[0].scenario, "initial placement");
    assert_eq!(report.findings[0].severity, Severity::Error);
    // Two of three members run, a bare quorum; a rollout starts with the Pending
    // highest ordinal, which never becomes ready, so it never goes further.
    let rollout = scenario(&report, Kind::Rollout, "StatefulSet/etcd");
    assert!(!rollout.finished);
    let etcd = &rollout.outcomes[0];
    assert_eq!(
        (etcd.replicas, etcd.min_ready, etcd.quorum),
        (3, 2, Some(2))
    );
    assert_eq!(etcd.quorum_kept(), Some(true));
}

#[test]
fn max_unavailable_one_with_three_replicas_dips_to_two() {
    let strategy = "{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}";
    let report = simulate(&deployment("api", 3, strategy, ""), &nodes(3, 2));
    let rollout = scenario(&report, Kind::Rollout, "Deployment/api");
    assert!(rollout.finished);
    let api = &rollout.outcomes[0];
    assert_eq!(api.min_ready, 2);
    // One pod at a time, each ready 5 s after it is created.
    assert_eq!(api.timeline, [(0, 2), (15, 3)]);
    assert_eq!(rollout.duration, 15);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn recreate_takes_every_pod_away() {
    let report = simulate(&deployment("api", 3, "{type: Recreate}", ""), &nodes(3, 2));
    let api = outcome(&report, Kind::Rollout, "Deployment/api", "Deployment/api");
    assert_eq!((api.min_ready, api.end_ready), (0, 3));
    assert_eq!(api.timeline, [(0, 0), (5, 3)]);
    assert_eq!(
        report.findings[0].message,
        "only 0 of 3 pods stay ready (the promise is at least 2); use a RollingUpdate with maxUnavailable 0 or 1 and room to surge"
    );
}

#[test]
fn a_zone_loss_with_max_skew_one_over_three_zones_keeps_two_thirds() {
    let spread = "      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: api}}";
    let report = simulate(&deployment("api", 6, ROLLING_1_0, spread), &nodes(3, 2));
    let placed = &report.placement[0];
    let zones: Vec<i64> = placed.per_zone.iter().map(|(_, n)| *n).collect();
    assert_eq!(zones, [2, 2, 2]);
    for zone in ["zone-a", "zone-b", "zone-c"] {
        let api = outcome(&report, Kind::ZoneLoss, zone, "Deployment/api");
        assert_eq!(api.min_ready, 4, "{zone}");
        // Replaced after the 300 s unreachable toleration, ready 5 s later; the spread
        // over the two zones left allows it.
        assert_eq!(api.timeline, [(0, 4), (305, 6)], "{zone}");
    }
}

#[test]
fn required_anti_affinity_with_no_spare_node_stalls_a_surge_rollout() {
    let anti = "      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: api}}
            topologyKey: kubernetes.io/hostname";
    let report = simulate(&deployment("api", 3, ROLLING_1_0, anti), &nodes(3, 1));
    let rollout = scenario(&report, Kind::Rollout, "Deployment/api");
    assert!(!rollout.finished);
    let api = &rollout.outcomes[0];
    assert_eq!(api.min_ready, 3);
    assert_eq!(
        api.pending,
        [
            "Deployment/api pod 3: 0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
        ]
    );
    assert_eq!(
        report.findings[0].message,
        "the rollout never finishes: Deployment/api pod 3: 0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
    );
}

#[test]
fn min_domains_above_the_zones_there_are_caps_each_zone_at_max_skew() {
    let spread = "      topologySpreadConstraints:
      - maxSkew: 1
        minDomains: 3
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: api}}";
    let report = simulate(&deployment("api", 3, ROLLING_1_0, spread), &nodes(2, 2));
    let placed = &report.placement[0];
    assert_eq!(
        placed.per_zone,
        [("zone-a".to_owned(), 1), ("zone-b".to_owned(), 1)]
    );
    assert_eq!(
        placed.pending,
        ["pod 2: 0/4 nodes are available: 4 node(s) didn't match pod topology spread constraints."]
    );
}

#[test]
fn node_selectors_taints_and_resources_decide_where_pods_go() {
    let cluster = Cluster::from_yaml(
        "cluster.yaml",
        "nodes:
- {name: db-1, zone: a, cpu: 2, memory: 4Gi, labels: {pool: db}, taints: [{key: dedicated, value: db, effect: NoSchedule}]}
- {name: db-2, zone: b, cpu: 1, memory: 4Gi, labels: {pool: db}, taints: [{key: dedicated, value: db, effect: NoSchedule}]}
- {name: web-1, zone: a, cpu: 8, memory: 32Gi}
",
    )
    .expect("valid cluster");
    let pinned = "      nodeSelector: {pool: db}
      tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]";
    let yaml = deployment("db", 3, ROLLING_1_0, pinned) + &deployment("web", 2, ROLLING_1_0, "");
    let report = simulate(&yaml, &cluster);
    let db = &report.placement[0];
    // 500m each: db-1 takes 4 by CPU, db-2 2; the scheduler prefers the emptier node.
    assert_eq!(
        db.per_node,
        [("db-1".to_owned(), 2), ("db-2".to_owned(), 1)]
    );
    let web = &report.placement[1];
    assert_eq!(web.per_node, [("web-1".to_owned(), 2)]);
    // web-1 is the only node for web; its drain leaves web nowhere to go.
    let drained = outcome(&report, Kind::Drain, "web-1", "Deployment/web");
    assert_eq!((drained.min_ready, drained.end_ready), (0, 0));
    assert_eq!(
        drained.pending[0],
        "Deployment/web pod 2: 0/3 nodes are available: 2 node(s) had untolerated taint, 1 node(s) were unschedulable."
    );
}

#[test]
fn a_lost_node_keeps_a_stateful_pod_terminating_and_a_deployment_pod_comes_back() {
    let stateful = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: example/db:1
        readinessProbe: {httpGet: {port: 80}, initialDelaySeconds: 10}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
";
    let yaml = stateful.to_owned() + &deployment("api", 2, ROLLING_1_0, "");
    let report = simulate(&yaml, &nodes(2, 1));
    let lost = scenario(&report, Kind::NodeLoss, "node-a1");
    let db = &lost.outcomes[0];
    assert_eq!(
        (db.workload.as_str(), db.min_ready, db.end_ready),
        ("StatefulSet/db", 1, 1)
    );
    assert_eq!(
        lost.notes,
        [
            "StatefulSet/db: 1 pod(s) stay Terminating on the lost node(s) until their Node objects are deleted; no replacement starts before"
        ]
    );
    let api = &lost.outcomes[1];
    assert_eq!(api.timeline, [(0, 1), (305, 2)]);
    // The StatefulSet rolls out from its highest ordinal, each pod ready 15 s later.
    let rollout = outcome(&report, Kind::Rollout, "StatefulSet/db", "StatefulSet/db");
    assert_eq!(rollout.timeline, [(0, 1), (30, 2)]);
}

#[test]
fn a_drain_through_a_budget_of_one_keeps_replicas_minus_one() {
    let yaml = deployment("api", 3, ROLLING_1_0, "") + &budget("api", "maxUnavailable: 1");
    // Three pods on two nodes: node-a1 holds two, which go one after the other.
    let report = simulate(&yaml, &nodes(1, 2));
    let drain = scenario(&report, Kind::Drain, "node-a1");
    assert!(drain.finished);
    let api = &drain.outcomes[0];
    assert_eq!((api.min_ready, api.blocked, api.violated), (2, true, false));
    // Evicted at 0, replacement ready at 5, the second evicted at the retry at 5,
    // its replacement ready at 10.
    assert_eq!(api.timeline, [(0, 2), (10, 3)]);
    assert_eq!(drain.duration, 10);
}

#[test]
fn an_autoscaler_at_its_maximum_that_outgrows_the_cluster_and_the_quota() {
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: team}
spec:
  hard: {requests.cpu: '4', pods: '20'}
---
";
    let yaml = deployment("api", 2, ROLLING_1_0, "") + hpa;
    // Two nodes of 2 CPU: 500m pods fit four to a node, eight in all.
    let size = NodeSize {
        cpu: 2000,
        ..NodeSize::default()
    };
    let report = simulate(&yaml, &Cluster::uniform(2, 1, size));
    let api = &report.autoscaling.workloads[0];
    assert_eq!(
        (api.min, api.max, api.cpu, api.memory),
        (2, 10, 5000, 10 << 30)
    );
    assert_eq!(api.pending, 2);
    assert_eq!(
        api.reason.as_deref(),
        Some("0/2 nodes are available: 2 Insufficient cpu.")
    );
    assert_eq!(report.autoscaling.pending_together, 2);
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "at maxReplicas 10, 2 pods stay Pending (0/2 nodes are available: 2 Insufficient cpu.); lower maxReplicas or give the cluster room",
            "requests.cpu is 5 at every autoscaler's maximum, above the quota's 4: the pods above it are never created; raise the quota or lower maxReplicas",
        ]
    );
}
