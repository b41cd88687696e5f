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
