//! Known answers of the database connection budget at every client's most.

use shipshape_manifest::{Model, ModelIndex};
use shipshape_simulate::cluster::{Cluster, NodeSize};
use shipshape_simulate::report::{DbBudget, DbClient, Finding, Report, Severity};

fn simulate(yaml: &str) -> Report {
    let mut model = Model::new();
    model.add_objects(shipshape_manifest::load("input.yaml", yaml, "default").expect("valid YAML"));
    let index = ModelIndex::new(&model);
    shipshape_simulate::simulate(&index, &Cluster::uniform(3, 2, NodeSize::default()))
}

/// A pod template labelled `app: name` whose pods open `pools`.
fn pod(name: &str, pools: &str) -> String {
    format!(
        "    metadata:
      labels: {{app: {name}}}
      annotations: {{shipshape.dev/db-connections: '{pools}'}}
    spec:
      restartPolicy: RESTART
      containers:
      - {{name: app, image: example/{name}:1, resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}}}
"
    )
}

fn input() -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: db
  annotations:
    shipshape.dev/db-max-connections: db:5432=110, cache:6379=50
    shipshape.dev/db-reserved-connections: db:5432=3
spec:
  selector: {{app: db}}
  ports: [{{port: 5432}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: api}}}}
  template:
{}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: api}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: worker}}
spec:
  replicas: 2
  serviceName: worker
  selector: {{matchLabels: {{app: worker}}}}
  template:
{}---
apiVersion: batch/v1
kind: Job
metadata: {{name: migrate}}
spec:
  template:
{}---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: report}}
spec:
  schedule: '0 * * * *'
  concurrencyPolicy: Allow
  jobTemplate:
    spec:
      template:
{}---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
{}",
        pod("api", "db:5432=20, cache:6379=5").replace("RESTART", "Always"),
        pod("worker", "db:5432=5").replace("RESTART", "Always"),
        pod("migrate", "db:5432=2").replace("RESTART", "Never"),
        pod("report", "db:5432=3")
            .replace("RESTART", "Never")
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>(),
        pod("agent", "db:5432=1").replace("RESTART", "Always"),
    )
}

fn client(workload: &str, pods: i64, counted_by: &str, pool: i64) -> DbClient {
    DbClient {
        workload: workload.to_owned(),
        pods,
        counted_by: counted_by.to_owned(),
        pool,
    }
}

#[test]
fn every_client_at_its_most_against_max_connections_less_the_reserve() {
    let report = simulate(&input());
    assert_eq!(
        report.autoscaling.databases,
        [
            // 5 × 20 + 2 × 5 + 1 × 2 + 2 × 3 = 118 of 110 − 3 = 107; the DaemonSet's
            // pods depend on the cluster and are left out.
            DbBudget {
                database: "db:5432".to_owned(),
                max_connections: Some(110),
                reserved: 3,
                connections: 118,
                spare: Some(-11),
                clients: vec![
                    client(
                        "Deployment/api",
                        5,
                        "maxReplicas of HorizontalPodAutoscaler default/api",
                        20
                    ),
                    client("StatefulSet/worker", 2, "replicas", 5),
                    client("Job/migrate", 1, "runs at once", 2),
                    client("CronJob/report", 2, "runs at once", 3),
                ],
            },
            // 5 × 5 = 25 of 50.
            DbBudget {
                database: "cache:6379".to_owned(),
                max_connections: Some(50),
                reserved: 0,
                connections: 25,
                spare: Some(25),
                clients: vec![client(
                    "Deployment/api",
                    5,
                    "maxReplicas of HorizontalPodAutoscaler default/api",
                    5
                )],
            },
        ]
    );
    let budget_findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.message.starts_with("database"))
        .collect();
    assert_eq!(
        budget_findings,
        [&Finding {
            severity: Severity::Error,
            scenario: "autoscaling at maximum".to_owned(),
            workload: "Service/db".to_owned(),
            message: "database `db:5432` accepts 110 connections, 3 kept for superusers, and its clients at their most open 118 (Deployment/api 5 × 20, StatefulSet/worker 2 × 5, Job/migrate 1 × 2, CronJob/report 2 × 3): over by 11; lower maxReplicas or the pools, raise max_connections or put a pooler in front".to_owned(),
        }]
    );
}

#[test]
fn a_pool_that_is_not_a_count_is_a_warning_and_counts_as_absent() {
    let yaml = input().replace("db:5432=5\"", "db:5432=five\"").replace(
        "annotations: {shipshape.dev/db-connections: 'db:5432=5'}",
        "annotations: {shipshape.dev/db-connections: 'db:5432=five'}",
    );
    let report = simulate(&yaml);
    assert_eq!(report.autoscaling.databases[0].connections, 108);
    assert_eq!(report.autoscaling.databases[0].spare, Some(-1));
    assert!(report.findings.contains(&Finding {
        severity: Severity::Warning,
        scenario: "autoscaling at maximum".to_owned(),
        workload: "StatefulSet/worker".to_owned(),
        message: "annotation shipshape.dev/db-connections is `db:5432=five`: `db:5432=five` is not `database=count`, so it is ignored".to_owned(),
    }));
}
