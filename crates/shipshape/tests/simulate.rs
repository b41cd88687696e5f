//! `shipshape simulate` as a user runs it: every reference example keeps its promises,
//! bad cluster files are located errors, and `--fail-on` gates.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn shipshape(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const EXAMPLES: [&str; 5] = ["cyoda-go", "goverse", "projections", "spoke", "volaticloud"];

#[test]
fn every_reference_example_keeps_its_promises() {
    for example in EXAMPLES {
        let path = format!("examples/{example}");
        let out = shipshape(
            &[
                "simulate",
                &path,
                "--format",
                "json",
                "--fail-on",
                "warning",
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            text(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["findings"], serde_json::json!([]), "{example}");
        assert_eq!(
            report["traffic"]["over_wide"],
            serde_json::json!([]),
            "{example}"
        );
        for db in report["autoscaling"]["databases"]
            .as_array()
            .expect("databases")
        {
            assert!(db["spare"].as_i64().unwrap() >= 0, "{example}: {db}");
        }
        for call in report["traffic"]["calls"].as_array().expect("calls") {
            let from = call["from"].as_str().unwrap();
            let runs_to_completion = from.starts_with("Job/") || from.starts_with("CronJob/");
            if !call["declared"].is_null() && !runs_to_completion {
                assert_eq!(call["passage"], "admitted", "{example}: {call}");
            }
        }
        for scenario in report["scenarios"].as_array().expect("scenarios") {
            let kind = scenario["kind"].as_str().unwrap();
            assert_eq!(
                scenario["finished"], true,
                "{example}: {kind} {}",
                scenario["target"]
            );
            for outcome in scenario["outcomes"].as_array().unwrap() {
                let replicas = outcome["replicas"].as_i64().unwrap();
                let min = outcome["min_ready"].as_i64().unwrap();
                let what = format!(
                    "{example}: {kind} {}: {}",
                    scenario["target"], outcome["workload"]
                );
                if kind == "rollout" || kind == "drain" {
                    assert!(min >= replicas - 1, "{what}: {min} of {replicas}");
                }
                if let Some(quorum) = outcome["quorum"].as_i64() {
                    assert!(min >= quorum, "{what}: quorum {quorum}, {min} ready");
                }
                assert_eq!(outcome["pending"], serde_json::json!([]), "{what}");
            }
        }
    }
}

#[test]
fn goverse_keeps_its_etcd_quorum_through_everything() {
    let out = shipshape(&["simulate", "examples/goverse"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn a_drain_that_never_finishes_fails_the_run() {
    let input = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: example/api:1}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: api}}
";
    let out = shipshape(&["simulate", "-"], Some(input));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("error: drain node-a1: Deployment/api: the drain never finishes: PodDisruptionBudget/api refuses every eviction"),
        "{stdout}"
    );
    let out = shipshape(&["simulate", "-", "--fail-on", "never"], Some(input));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_bad_cluster_file_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    std::fs::write(
        &file,
        "nodes:\n- {name: a, zone: z, cpu: lots, memory: 1Gi}\n",
    )
    .unwrap();
    let out = shipshape(
        &[
            "simulate",
            "examples/projections",
            "--cluster",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cluster.yaml:2:27"), "{stderr}");
    assert!(stderr.contains("`lots` is not a quantity"), "{stderr}");
    assert!(out.stdout.is_empty());
    let missing = dir.path().join("absent.yaml");
    let out = shipshape(
        &[
            "simulate",
            "examples/projections",
            "--cluster",
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read the cluster file"),
        "{}",
        text(&out.stderr)
    );
    let out = shipshape(
        &["simulate", "examples/projections", "--node-memory", "lots"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--node-memory `lots` is not a quantity above zero"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_broken_document_stops_the_simulation() {
    let input = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n";
    let out = shipshape(&["simulate", "-"], Some(input));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("<stdin>:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn flags_size_the_default_cluster() {
    let out = shipshape(
        &[
            "simulate",
            "examples/projections",
            "--zones",
            "2",
            "--nodes-per-zone",
            "3",
            "--node-cpu",
            "2",
            "--node-memory",
            "8Gi",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["cluster"], "6 nodes in 2 zones, 12 CPU, 48Gi memory");
}

#[test]
fn svg_writes_one_drawing_per_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("sim");
    let out = shipshape(
        &[
            "simulate",
            "examples/projections",
            "--svg",
            out_dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 17, "{names:?}");
    assert!(names.contains(&"traffic.svg".to_owned()), "{names:?}");
    assert_eq!(names[0], "drain-node-a1.svg");
    assert!(
        names.contains(&"rollout-Deployment_projections_projections.svg".to_owned()),
        "{names:?}"
    );
    let svg = std::fs::read_to_string(out_dir.join("drain-node-a1.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("PodDisruptionBudget/projections ≥ 1"), "{svg}");
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let out = shipshape(
        &[
            "simulate",
            "examples/projections",
            "--svg",
            blocked.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot write the SVGs to"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_traffic_of_goverse_and_cyoda_go_is_what_their_env_declares() {
    let calls = |example: &str| {
        let out = shipshape(
            &[
                "simulate",
                &format!("examples/{example}"),
                "--format",
                "json",
            ],
            None,
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["traffic"]["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c["declared"].is_null())
            .map(|c| {
                format!(
                    "{} -> {} {} {}",
                    c["from"].as_str().unwrap(),
                    c["to"].as_str().unwrap(),
                    c["port"],
                    c["passage"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        calls("goverse"),
        [
            "StatefulSet/goverse/etcd -> StatefulSet/goverse/etcd 2380 admitted",
            "StatefulSet/goverse/node -> StatefulSet/goverse/etcd 2379 admitted",
            "CronJob/goverse/etcd-backup -> StatefulSet/goverse/etcd 2379 admitted",
        ]
    );
    assert_eq!(
        calls("cyoda-go"),
        [
            "Deployment/cyoda/cyoda -> Deployment/cyoda/cyoda 7946 admitted",
            "Job/cyoda/cyoda-migrate-bbf41f95 -> Deployment/cyoda/cyoda 7946 denied",
        ]
    );
}
