//! The run as a whole: suppression, selection, severities, thresholds, ordering.

mod common;

use shipshape_check::output::json;
use shipshape_check::{Config, Options, Severity, check};

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    shipshape.dev/ignore: |
      SS012 -- pinned by the registry's immutable tags
      SS011
spec:
  containers:
    - name: web
      image: nginx
";

#[test]
fn suppressed_findings_are_kept_and_counted_and_a_reason_is_required() {
    let report = common::run("pod.yaml", POD, &["SS011", "SS012", "SS000"]);
    let suppressed: Vec<&str> = report.suppressed().map(|f| f.rule.id).collect();
    assert_eq!(suppressed, ["SS012"]);
    let active: Vec<&str> = report.active().map(|f| f.rule.id).collect();
    // SS011 has no reason: it stays, and SS000 says why.
    assert_eq!(active, ["SS000", "SS011"]);
    assert!(
        report.summary().ends_with("; 1 suppressed"),
        "{}",
        report.summary()
    );
    let json: serde_json::Value = serde_json::from_str(&json(&report)).unwrap();
    assert_eq!(json["summary"]["suppressed"], 1);
    let kept = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "SS012")
        .unwrap();
    assert_eq!(
        kept["suppressed"]["reason"],
        "pinned by the registry's immutable tags"
    );
}

#[test]
fn fail_on_and_severity_overrides() {
    let input = common::input("pod.yaml", POD);
    let report = check(&input, &common::only(&["SS011"]));
    assert!(report.fails(Severity::Warning));
    assert!(!report.fails(Severity::Error));
    let options = Options::from_config(&Config {
        select: Some(vec!["SS011".into()]),
        severity: [("ss011".to_owned(), Severity::Info)].into(),
        ..Config::default()
    })
    .unwrap();
    let report = check(&input, &options);
    assert!(!report.fails(Severity::Warning));
    assert!(report.fails(Severity::Info));
}

#[test]
fn select_and_ignore_take_ids_names_and_themes() {
    let options = Options::from_config(&Config {
        select: Some(vec!["security".into(), "missing-liveness-probe".into()]),
        ignore: vec!["SS009".into()],
        ..Config::default()
    })
    .unwrap();
    let ids: Vec<&str> = options.rules.iter().map(|r| r.meta().id).collect();
    assert!(ids.contains(&"SS001") && ids.contains(&"SS011"));
    assert!(!ids.contains(&"SS009") && !ids.contains(&"SS010"));
    let err = Options::from_config(&Config {
        select: Some(vec!["securty".into()]),
        ..Config::default()
    })
    .unwrap_err();
    assert!(err.contains("did you mean `security`?"), "{err}");
}

#[test]
fn findings_are_ordered_by_object_then_position() {
    let report = common::run("pod.yaml", POD, &["all"]);
    let places: Vec<(usize, usize)> = report
        .findings
        .iter()
        .map(|f| f.location.as_ref().map(|l| (l.line, l.column)).unwrap())
        .collect();
    let mut sorted = places.clone();
    sorted.sort_unstable();
    assert_eq!(places, sorted);
}

const REMOVED_PDB: &str = "\
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
  annotations:
    shipshape.dev/ignore: SS170 -- still on the old cluster until it is upgraded
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: web } }
";

/// SS062 and SS170 were merged: a removed API version is one finding, and `SS170`
/// still selects, ignores and suppresses the merged rule.
#[test]
fn a_removed_api_version_is_one_finding_and_the_old_id_still_names_it() {
    let report = check(&common::input("pdb.yaml", REMOVED_PDB), &Options::default());
    let removed: Vec<(&str, &str, bool)> = report
        .findings
        .iter()
        .filter(|f| f.pointer == "/apiVersion")
        .map(|f| (f.rule.id, f.message.as_str(), f.is_active()))
        .collect();
    assert_eq!(
        removed,
        [(
            "SS062",
            "policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1",
            false
        )]
    );
    let selected = common::run("pdb.yaml", REMOVED_PDB, &["ss170"]);
    let ids: Vec<&str> = selected.findings.iter().map(|f| f.rule.id).collect();
    assert_eq!(ids, ["SS062"]);
}

const BAD_LABEL: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app.kubernetes.io/version: 1.10
";

/// SS193 and the validator share the label grammar; `check` reports a bad label once
/// (SS193's finding), and the `api` rules alone (what `shipshape validate` runs) report
/// it as SS060.
#[test]
fn a_bad_label_is_one_finding() {
    let label = "/metadata/labels/app.kubernetes.io~1version";
    let on_label = |select: Option<&[&str]>| {
        let input = common::input("cm.yaml", BAD_LABEL);
        let options = select.map_or_else(Options::default, common::only);
        let report = check(&input, &options);
        report
            .findings
            .iter()
            .filter(|f| f.pointer == label)
            .map(|f| (f.rule.id, f.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        on_label(None),
        [(
            "SS193",
            "`app.kubernetes.io/version` is the number 1.1, not a string: quote it".to_owned()
        )]
    );
    assert_eq!(
        on_label(Some(&["api"])),
        [(
            "SS060",
            "metadata.labels[app.kubernetes.io/version]: must be a string, not the number `1.1`"
                .to_owned()
        )]
    );
}

/// Custom resources that share a built-in kind's name, and an autoscaler that names a
/// workload's kind in the wrong group.
const LOOKALIKES: &str = "\
apiVersion: example.com/v1
kind: Service
metadata: { name: lookalike }
spec:
  selector: { app: nothing }
---
apiVersion: example.com/v1
kind: Deployment
metadata: { name: lookalike }
spec:
  template:
    metadata: { labels: { app: lookalike } }
    spec:
      containers: [{ name: app, image: nginx:latest }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: nginx:1.27 }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: example.com/v1, kind: Deployment, name: web }
  maxReplicas: 3
";

#[test]
fn objects_are_matched_by_group_and_kind_never_kind_alone() {
    let report = common::run("lookalikes.yaml", LOOKALIKES, &["SS012", "SS030", "SS040"]);
    let found: Vec<(&str, &str, &str)> = report
        .active()
        .map(|f| (f.rule.id, f.object.name.as_str(), f.message.as_str()))
        .collect();
    // The custom Service selects nothing and the custom Deployment runs `latest`, but
    // neither is the built-in kind its name says: no SS040, no SS012. The autoscaler's
    // target is an `example.com` Deployment, which the input lacks, though it holds an
    // `apps` one of that name.
    assert_eq!(
        found,
        [(
            "SS030",
            "web",
            "scales Deployment default/web, which is not in the input: it scales nothing"
        )]
    );
}
