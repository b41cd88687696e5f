//! Known answers of the traffic matrix, worked out by hand from the NetworkPolicy rules.

use shipshape_manifest::{Model, ModelIndex};
use shipshape_simulate::cluster::{Cluster, NodeSize};
use shipshape_simulate::report::{Call, Finding, Opening, Passage, Report, Severity};

fn simulate(yaml: &str) -> Report {
    let mut model = Model::new();
    model.add_objects(shipshape_manifest::load("input.yaml", yaml, "default").expect("valid YAML"));
    let index = ModelIndex::new(&model);
    shipshape_simulate::simulate(&index, &Cluster::uniform(3, 2, NodeSize::default()))
}

/// A workload `name` of `kind` labelled `app: name`, with `ports` and `env` as flow
/// sequences.
fn workload(kind: &str, name: &str, ports: &str, env: &str) -> String {
    let (spec, restart) = match kind {
        "Job" => ("", "      restartPolicy: Never\n"),
        _ => (
            "  replicas: 2\n  selector: {matchLabels: {app: NAME}}\n",
            "",
        ),
    };
    format!(
        "apiVersion: {}
kind: {kind}
metadata: {{name: {name}}}
spec:
{}  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{restart}      containers:
      - name: app
        image: example/{name}:1
        ports: {ports}
        env: {env}
        resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
---
",
        if kind == "Job" { "batch/v1" } else { "apps/v1" },
        spec.replace("NAME", name),
    )
}

const POLICIES: &str = "apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api}
spec:
  rules:
  - host: api.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: api, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
  - from: [{namespaceSelector: {}}]
    ports: [{port: 9090}]
  - from: [{podSelector: {matchLabels: {app: batch}}}]
  - from: [{namespaceSelector: {}}]
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: batch}
spec:
  podSelector: {matchLabels: {app: batch}}
  egress: [{}]
---
";

fn input() -> String {
    [
        workload(
            "Deployment",
            "api",
            "[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]",
            "[]",
        ),
        workload(
            "Deployment",
            "web",
            "[]",
            "[{name: ORDERS_URL, value: 'http://api:80/v1'}]",
        ),
        workload(
            "Deployment",
            "worker",
            "[]",
            "[{name: API_HOST, value: api}, {name: API_PORT, value: '80'}]",
        ),
        workload("Deployment", "batch", "[]", "[]"),
        workload(
            "Job",
            "migrate",
            "[]",
            "[{name: ORDERS_URL, value: 'http://api/'}]",
        ),
        POLICIES.to_owned(),
    ]
    .concat()
}

fn call(from: &str, port: i64, declared: Option<&str>, passage: Passage) -> Call {
    Call {
        from: from.to_owned(),
        to: "Deployment/api".to_owned(),
        port,
        protocol: "TCP".to_owned(),
        declared: declared.map(str::to_owned),
        passage,
    }
}

#[test]
fn declared_calls_are_judged_and_wider_openings_named() {
    let report = simulate(&input());
    let traffic = &report.traffic;
    assert_eq!(
        traffic.calls,
        [
            // web's egress admits 8080 to api, api's ingress[0] admits web on 8080.
            call(
                "Deployment/web",
                8080,
                Some("`ORDERS_URL` (Service/api port 80)"),
                Passage::Admitted
            ),
            // worker's egress is default-deny's alone.
            call(
                "Deployment/worker",
                8080,
                Some("`API_HOST` (Service/api port 80)"),
                Passage::Denied
            ),
            // The Job's call is denied too, and shown, but not judged.
            call(
                "Job/migrate",
                8080,
                Some("`ORDERS_URL` (Service/api port 80)"),
                Passage::Denied
            ),
            // batch's egress admits everything and api's ingress[2] admits it on every
            // port: both of api's ports, declared by no one.
            call("Deployment/batch", 8080, None, Passage::Admitted),
            call("Deployment/batch", 9090, None, Passage::Admitted),
        ]
    );
    assert!(traffic.unrestricted.is_empty());
    let declared = vec![
        "Deployment/web on 8080".to_owned(),
        "Deployment/worker on 8080".to_owned(),
        "Job/migrate on 8080".to_owned(),
    ];
    assert_eq!(
        traffic.over_wide,
        [
            // Every namespace on the metrics port, which no route sends to; ingress[3]
            // opens 8080 to every namespace too, but the Ingress routes there.
            Opening {
                workload: "Deployment/api".to_owned(),
                rule: "NetworkPolicy/api ingress[1]".to_owned(),
                any_namespace: true,
                admits: vec![],
                ports: vec![9090],
                other_ports: false,
                declared: declared.clone(),
            },
            // No `ports`: batch reaches ports 1 and 65535, which nothing declares.
            Opening {
                workload: "Deployment/api".to_owned(),
                rule: "NetworkPolicy/api ingress[2]".to_owned(),
                any_namespace: false,
                admits: vec!["Deployment/batch".to_owned()],
                ports: vec![],
                other_ports: true,
                declared,
            },
        ]
    );
    let traffic_findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.scenario == "traffic")
        .collect();
    assert_eq!(
        traffic_findings,
        [
            &Finding {
                severity: Severity::Error,
                scenario: "traffic".to_owned(),
                workload: "Deployment/worker".to_owned(),
                message: "`API_HOST` (Service/api port 80) calls Deployment/api on port 8080/TCP, but NetworkPolicy/default-deny restricts its egress and no rule admits it: every call times out; add a rule for this port and peer".to_owned(),
            },
            &Finding {
                severity: Severity::Warning,
                scenario: "traffic".to_owned(),
                workload: "Deployment/api".to_owned(),
                message: "NetworkPolicy/api ingress[1] admits any pod of any namespace on 9090, wider than any declared use (the declared calls are Deployment/web on 8080, Deployment/worker on 8080, Job/migrate on 8080); narrow its `from` to the callers and its `ports` to the ports they use".to_owned(),
            },
            &Finding {
                severity: Severity::Warning,
                scenario: "traffic".to_owned(),
                workload: "Deployment/api".to_owned(),
                message: "NetworkPolicy/api ingress[2] admits Deployment/batch on ports no container declares, wider than any declared use (the declared calls are Deployment/web on 8080, Deployment/worker on 8080, Job/migrate on 8080); narrow its `from` to the callers and its `ports` to the ports they use".to_owned(),
            },
        ]
    );
}

#[test]
fn without_policies_every_declared_call_passes_and_ingress_is_open() {
    let yaml = workload("Deployment", "api", "[{containerPort: 8080}]", "[]")
        + &workload(
            "Deployment",
            "web",
            "[]",
            "[{name: ORDERS_URL, value: 'http://api:80'}]",
        )
        + "apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
";
    let report = simulate(&yaml);
    assert_eq!(
        report.traffic.calls,
        [call(
            "Deployment/web",
            8080,
            Some("`ORDERS_URL` (Service/api port 80)"),
            Passage::Admitted
        )]
    );
    assert_eq!(
        report.traffic.unrestricted,
        ["Deployment/api", "Deployment/web"]
    );
    assert!(report.traffic.over_wide.is_empty());
    assert!(report.findings.iter().all(|f| f.scenario != "traffic"));
}
