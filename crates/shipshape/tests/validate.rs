//! `shipshape validate` as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn shipshape(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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
        // The process may exit before reading everything (bad flags); that is its answer.
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("shipshape.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

const CRONTAB: &str = "\
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: nightly
spec:
  cronSpec: '0 3 * * *'
  replicas: 20
  concurrency: Sometimes
  port: [80]
  extra: { anything: [1, 2] }
  imagePullPolicy: Always
";

#[test]
fn every_example_validates_with_no_errors_in_every_version() {
    for dir in examples() {
        let dir = dir.to_string_lossy().into_owned();
        for version in ["1.33", "1.35", "1.37"] {
            let out = shipshape(&["validate", &dir, "--kubernetes", version], None);
            let stdout = text(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{dir} on {version}:\n{stdout}");
            assert!(
                stdout.starts_with("0 errors, 0 warnings"),
                "{dir}: {stdout}"
            );
            assert!(
                stdout.contains(&format!("Kubernetes {version}: ")),
                "{stdout}"
            );
        }
    }
}

#[test]
fn invalid_objects_are_located_and_fail_the_run() {
    let yaml = "\
apiVersion: v1
kind: Service
metadata:
  name: Web
spec:
  type: ClusterIp
  ports:
    - port: 80
      targetPort: \"8080\"
";
    let out = shipshape(&["validate", "-"], Some(yaml));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    for line in [
        "<stdin>:4:3: error[SS060] Service default/Web: metadata.name: `Web` is not a lowercase RFC 1123 label",
        "<stdin>:6:3: error[SS060] Service default/Web: spec.type: `ClusterIp` is not one of ClusterIP, NodePort, LoadBalancer, ExternalName; did you mean `ClusterIP`?",
        "<stdin>:9:7: error[SS060] Service default/Web: spec.ports[0].targetPort: `8080` is not a port name or number: a port name must contain at least one letter (e.g. 'http')",
        "3 errors, 0 warnings, 0 info in 1 object; 0 suppressed",
        "Kubernetes 1.37: 1 validated",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
}

#[test]
fn api_versions_are_judged_for_the_target_version() {
    let yaml = "\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata:
  name: fast
driverName: csi.example.com
";
    let out = shipshape(&["validate", "-", "--kubernetes", "1.34"], Some(yaml));
    assert_eq!(out.status.code(), Some(0), "a warning does not fail");
    assert!(text(&out.stdout).contains(
        "storage.k8s.io/v1beta1 VolumeAttributesClass is deprecated since Kubernetes 1.34 and removed in 1.37; use storage.k8s.io/v1"
    ));
    let out = shipshape(&["validate", "-", "--kubernetes", "1.37"], Some(yaml));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(
        "storage.k8s.io/v1beta1 VolumeAttributesClass was removed in Kubernetes 1.37; use storage.k8s.io/v1"
    ));
}

#[test]
fn custom_resources_use_crds_or_are_skipped() {
    let out = shipshape(&["validate", "-"], Some(CRONTAB));
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(
        "Kubernetes 1.37: 0 validated, 1 skipped: no CustomResourceDefinition for stable.example.com/v1 CronTab (1) (give one with --crd)"
    ));

    let out = shipshape(&["validate", "-", "--strict-crds"], Some(CRONTAB));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(
        "<stdin>:2:1: error[SS060] CronTab default/nightly: kind: no schema for CronTab in stable.example.com/v1: give its CustomResourceDefinition with --crd or in the input"
    ));

    let crd = "tests/fixtures/crontab-crd.yaml";
    let out = shipshape(
        &["validate", "-", "--crd", crd, "--strict-crds"],
        Some(CRONTAB),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    for line in [
        "<stdin>:7:3: error[SS060] CronTab default/nightly: spec.replicas: 20 must be at most 10",
        "<stdin>:8:3: error[SS060] CronTab default/nightly: spec.concurrency: `Sometimes` is not one of Allow, Forbid",
        "<stdin>:9:3: error[SS060] CronTab default/nightly: spec.port: must be a string or an integer, not a list",
        "<stdin>:11:3: error[SS060] CronTab default/nightly: spec.imagePullPolicy: unknown field",
        "4 errors, 0 warnings, 0 info in 1 object; 0 suppressed",
        "Kubernetes 1.37: 1 validated",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }

    // The same CRD in the input counts as much as one given with --crd.
    let both = format!(
        "{}---\n{CRONTAB}",
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(crd)).unwrap()
    );
    let out = shipshape(&["validate", "-", "--format", "json"], Some(&both));
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["error"], 4);
    assert_eq!(report["summary"]["skipped"], 0);
    assert_eq!(report["summary"]["kubernetes"], "1.37");
}

#[test]
fn bad_flags_and_inputs_are_usage_errors() {
    let out = shipshape(&["validate", "-", "--kubernetes", "1.20"], Some(CRONTAB));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(
        "shipshape has no schemas for Kubernetes 1.20; supported: 1.33, 1.34, 1.35, 1.36, 1.37"
    ));
    let out = shipshape(
        &["validate", "-", "--crd", "../../examples/cyoda-go"],
        Some(CRONTAB),
    );
    assert_eq!(out.status.code(), Some(2));
    let out = shipshape(
        &["validate", "-", "--crd", "tests/validate.rs"],
        Some(CRONTAB),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = shipshape(&["validate", "no/such/file.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = shipshape(&["validate", "--versions"], None);
    assert_eq!(
        text(&out.stdout),
        "1.33\n1.34\n1.35\n1.36\n1.37 (default)\n"
    );
}

#[test]
fn check_runs_the_same_validation() {
    let out = shipshape(
        &[
            "check",
            "-",
            "--select",
            "api",
            "--crd",
            "tests/fixtures/crontab-crd.yaml",
        ],
        Some(CRONTAB),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("spec.replicas: 20 must be at most 10"));
}
