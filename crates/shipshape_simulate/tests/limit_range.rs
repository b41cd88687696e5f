//! Known answers of LimitRange admission: defaults fill containers before placement and
//! the budgets; bounds crossed are findings.

use shipshape_manifest::{Model, ModelIndex};
use shipshape_simulate::cluster::{Cluster, NodeSize};
use shipshape_simulate::report::{Finding, Report, Severity};

fn simulate(yaml: &str, cluster: &Cluster) -> Report {
    let mut model = Model::new();
    model.add_objects(shipshape_manifest::load("input.yaml", yaml, "default").expect("valid YAML"));
    let index = ModelIndex::new(&model);
    shipshape_simulate::simulate(&index, cluster)
}

const LIMIT_RANGE: &str = "apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits:
  - type: Container
    defaultRequest: {cpu: 250m, memory: 256Mi}
    default: {cpu: '1', memory: 1Gi}
    min: {cpu: 100m}
    max: {memory: 2Gi}
---
";

fn deployment(name: &str, replicas: i64, resources: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - {{name: app, image: example/{name}:1, resources: {resources}}}
---
"
    )
}

fn findings<'r>(report: &'r Report, scenario: &str) -> Vec<&'r Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.scenario == scenario)
        .collect()
}

#[test]
fn default_requests_fill_containers_before_placement_and_the_quota() {
    let yaml = [
        LIMIT_RANGE,
        &deployment("bare", 5, "{}"),
        &deployment("small", 1, "{requests: {cpu: 100m}}"),
        "apiVersion: v1
kind: ResourceQuota
metadata: {name: team}
spec:
  hard: {requests.cpu: '1'}
",
    ]
    .concat();
    // One node of 1100m: four of bare's 250m pods fit (1000m), the fifth does not;
    // small's 100m fits beside them. Without the LimitRange, bare asks for nothing.
    let cluster = Cluster::uniform(
        1,
        1,
        NodeSize {
            cpu: 1100,
            memory: 16 << 30,
            pods: 110,
        },
    );
    let report = simulate(&yaml, &cluster);
    assert_eq!(
        report.defaulted,
        [
            "Deployment/bare: container `app`: cpu 250m (LimitRange default/defaults)",
            "Deployment/bare: container `app`: memory 256Mi (LimitRange default/defaults)",
            "Deployment/small: container `app`: memory 256Mi (LimitRange default/defaults)",
        ]
    );
    assert_eq!(report.placement[0].per_zone, [("zone-a".to_owned(), 4)]);
    assert_eq!(
        report.placement[0].pending,
        ["pod 4: 0/1 nodes are available: 1 Insufficient cpu."]
    );
    assert_eq!(report.placement[1].per_zone, [("zone-a".to_owned(), 1)]);
    // 5 × 250m + 100m = 1350m against the quota's 1.
    assert_eq!(
        findings(&report, "autoscaling at maximum"),
        [&Finding {
            severity: Severity::Warning,
            scenario: "autoscaling at maximum".to_owned(),
            workload: "ResourceQuota/default/team".to_owned(),
            message: "requests.cpu is 1350m at every autoscaler's maximum, above the quota's 1: the pods above it are never created; raise the quota or lower maxReplicas".to_owned(),
        }]
    );
    assert!(findings(&report, "admission").is_empty());
    assert!(
        !report
            .not_modelled
            .iter()
            .any(|n| n.starts_with("LimitRange defaults")),
        "{:?}",
        report.not_modelled
    );
}

#[test]
fn requests_and_limits_outside_the_bounds_are_refused() {
    let yaml = [
        LIMIT_RANGE,
        &deployment("tiny", 1, "{requests: {cpu: 50m}}"),
        // Requests copy the limit: 4Gi, above the max as request and as limit.
        &deployment("big", 1, "{limits: {cpu: 500m, memory: 4Gi}}"),
        &deployment("fine", 1, "{requests: {cpu: 100m, memory: 2Gi}}"),
    ]
    .concat();
    let report = simulate(&yaml, &Cluster::uniform(3, 2, NodeSize::default()));
    let refusal = |workload: &str, why: &str| Finding {
        severity: Severity::Error,
        scenario: "admission".to_owned(),
        workload: workload.to_owned(),
        message: format!(
            "the API server refuses every pod ({why}), so none is created, though the simulation places them; fit the requests and limits within the LimitRange"
        ),
    };
    assert_eq!(
        findings(&report, "admission"),
        [
            &refusal(
                "Deployment/tiny",
                "container `app` requests cpu 50m, below the min 100m of LimitRange default/defaults"
            ),
            &refusal(
                "Deployment/big",
                "container `app` requests memory 4Gi, above the max 2Gi of LimitRange default/defaults; container `app` is limited to memory 4Gi, above the max 2Gi of LimitRange default/defaults"
            ),
        ]
    );
}
