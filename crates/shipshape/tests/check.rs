//! `shipshape check`, `rules` and `rule` as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn shipshape(args: &[&str], stdin: Option<&str>, cwd: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipshape"));
    cmd.args(args).env("NO_COLOR", "1");
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        let written = child.stdin.take().unwrap().write_all(text.as_bytes());
        // A run that exits before reading all of its input (a usage error) closes the
        // pipe; that is the behaviour under test, not a failed write.
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    child.wait_with_output().unwrap()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const LATEST: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: { type: RuntimeDefault }
  containers:
    - name: web
      image: nginx:latest
      resources:
        requests: { cpu: 10m, memory: 16Mi }
        limits: { memory: 32Mi }
      readinessProbe: { tcpSocket: { port: 80 } }
      livenessProbe: { tcpSocket: { port: 80 } }
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
";

#[test]
fn the_reference_examples_pass_with_no_findings() {
    let out = shipshape(&["check", examples().to_str().unwrap()], None, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).starts_with("0 errors, 0 warnings, 0 info in "));
}

#[test]
fn findings_on_standard_input_are_located_and_fail_the_run() {
    let out = shipshape(&["check", "-", "--ignore", "SS042"], Some(LATEST), None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("<stdin>:12:7: warning[SS012] Pod default/web: container `web` image `nginx:latest` uses the moving tag `latest`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("12 |       image: nginx:latest"),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 errors, 1 warning, 0 info in 1 object; 0 suppressed"),
        "{stdout}"
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    let args = ["check", "-", "--ignore", "SS042", "--fail-on", "error"];
    let out = shipshape(&args, Some(LATEST), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = shipshape(&["check", "-", "--fail-on", "info"], Some(LATEST), None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn directories_are_read_recursively_and_namespaces_defaulted() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("apps/web")).unwrap();
    std::fs::write(tmp.path().join("apps/web/pod.yml"), LATEST).unwrap();
    std::fs::write(tmp.path().join("README.md"), "not yaml").unwrap();
    let out = shipshape(
        &[
            "check",
            ".",
            "--namespace",
            "shop",
            "--select",
            "SS012",
            "--format",
            "json",
        ],
        None,
        Some(tmp.path()),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "SS012");
    assert_eq!(finding["object"]["namespace"], "shop");
    assert_eq!(finding["location"]["file"], "./apps/web/pod.yml");
    assert_eq!(finding["location"]["line"], 12);
    assert_eq!(finding["pointer"], "/spec/containers/0/image");
    assert_eq!(report["summary"]["objects"], 1);
}

#[test]
fn invalid_yaml_is_a_located_error_not_an_empty_input() {
    // In the report, beside the findings of the rest (tests/robust_input.rs).
    let out = shipshape(&["check", "-"], Some("apiVersion: v1\nkind: [Pod\n"), None);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("<stdin>:"), "{stdout}");
    assert!(stdout.contains("invalid YAML"), "{stdout}");
    let out = shipshape(&["check", "-"], Some("name: not-an-object\n"), None);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("<stdin>:1:1:"), "{stdout}");
    assert!(
        stdout.contains("this object has no `apiVersion`"),
        "{stdout}"
    );
}

#[test]
fn missing_paths_and_unknown_rules_are_usage_errors() {
    let out = shipshape(&["check", "no/such/dir"], None, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("`no/such/dir` does not exist"));
    let out = shipshape(&["check", "-", "--select", "SS0100"], Some(LATEST), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`SS0100` is not a rule id"));
    let empty = tempfile::tempdir().unwrap();
    let out = shipshape(&["check"], None, Some(empty.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no YAML files found"));
}

#[test]
fn sarif_output_has_the_2_1_0_shape() {
    let out = shipshape(&["check", "-", "--format", "sarif"], Some(LATEST), None);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "shipshape");
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 20);
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SS012")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
}

#[test]
fn findings_on_rendered_objects_point_into_the_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = "name: shop\ncomponents:\n  api:\n    kind: service\n    image: ghcr.io/example/shop:latest\n    allow_mutable_tag: true\n    ports: { http: 8080 }\n    health:\n      live: { http: /livez, port: http }\n      ready: { http: /readyz, port: http }\n";
    std::fs::write(tmp.path().join("shipshape.yaml"), spec).unwrap();
    let out = shipshape(&["check", "shipshape.yaml"], None, Some(tmp.path()));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("shipshape.yaml:5:5: warning[SS012] Deployment shop/api"),
        "{stdout}"
    );
    assert!(
        stdout.contains("5 |     image: ghcr.io/example/shop:latest"),
        "{stdout}"
    );
}

/// Each finding points at the key render recorded for its field: `replicas:` for a single
/// pod, the component's `image:` for its migration Job, and for a probe the spec does not
/// declare, where it would go (inside `health:`).
#[test]
fn findings_on_rendered_fields_point_at_the_key_that_made_them() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = "name: shop\ncomponents:\n  api:\n    kind: service\n    image: ghcr.io/example/shop:latest\n    allow_mutable_tag: true\n    replicas: 1\n    ports: { http: 8080 }\n    health:\n      live: { http: /livez, port: http }\n    migrations:\n      command: [/app, migrate]\n";
    std::fs::write(tmp.path().join("shipshape.yaml"), spec).unwrap();
    let out = shipshape(&["check", "shipshape.yaml"], None, Some(tmp.path()));
    let stdout = text(&out.stdout);
    let mut located: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("shipshape.yaml:"))
        .map(|line| line.split(" Deployment").next().unwrap_or(line))
        .map(|line| line.split(" Job").next().unwrap_or(line))
        .collect();
    located.sort_unstable();
    assert_eq!(
        located,
        [
            "shipshape.yaml:10:7: warning[SS010]",
            "shipshape.yaml:5:5: warning[SS012]",
            "shipshape.yaml:5:5: warning[SS012]",
            "shipshape.yaml:7:5: warning[SS150]",
        ],
        "{stdout}"
    );
}

#[test]
fn config_file_and_annotations_suppress_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("shipshape-check.yaml"),
        "ignore: [networking]\nfail-on: warning\n",
    )
    .unwrap();
    let suppressed = LATEST.replace(
        "  name: web\n",
        "  name: web\n  annotations:\n    shipshape.dev/ignore: SS012 -- the image is mirrored and frozen\n",
    );
    std::fs::write(tmp.path().join("pod.yaml"), suppressed).unwrap();
    let out = shipshape(&["check"], None, Some(tmp.path()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("; 1 suppressed"));
    let out = shipshape(&["check", "--show-suppressed"], None, Some(tmp.path()));
    assert!(text(&out.stdout).contains("(suppressed: the image is mirrored and frozen)"));
    std::fs::write(tmp.path().join("shipshape-check.yaml"), "fail_on: error\n").unwrap();
    let out = shipshape(&["check"], None, Some(tmp.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("shipshape-check.yaml:1:1"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn rules_lists_every_rule_and_rule_explains_one() {
    let out = shipshape(&["rules"], None, None);
    assert_eq!(out.status.code(), Some(0));
    let table = text(&out.stdout);
    assert!(table.starts_with("ID "));
    assert!(table.lines().count() > 20);
    assert!(table.contains("SS014  error"), "{table}");
    let out = shipshape(&["rules", "--format", "json"], None, None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["id"], "SS000");
    let out = shipshape(&["rule", "pdb-blocks-eviction"], None, None);
    assert_eq!(out.status.code(), Some(0));
    let page = text(&out.stdout);
    for section in [
        "# SS014 pdb-blocks-eviction",
        "## Why it matters",
        "## Fixed",
    ] {
        assert!(page.contains(section), "{page}");
    }
    let out = shipshape(&["rule", "ss170"], None, None);
    assert_eq!(out.status.code(), Some(0));
    let page = text(&out.stdout);
    assert!(
        page.starts_with(
            "SS170 was merged into SS062; it names SS062 wherever rules are named.\n\n# SS062 removed-api-version"
        ),
        "{page}"
    );
    let out = shipshape(&["rule", "SS14"], None, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean"),
        "{}",
        text(&out.stderr)
    );
}

/// The README's flow, `render -o deploy/` beside the spec and then `check .`: the spec's
/// output is not read a second time, and the run says so.
#[test]
fn a_spec_beside_its_rendered_output_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let spec = examples().join("volaticloud/shipshape.yaml");
    std::fs::copy(&spec, dir.path().join("shipshape.yaml")).unwrap();
    let rendered = shipshape(&["render", ".", "-o", "deploy"], None, Some(dir.path()));
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let alone = shipshape(&["check", "shipshape.yaml"], None, Some(dir.path()));
    let objects = text(&alone.stdout);
    assert!(
        objects.starts_with("0 errors, 0 warnings, 0 info in "),
        "{objects}"
    );

    let out = shipshape(&["check", "."], None, Some(dir.path()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), objects);
    let files = std::fs::read_dir(dir.path().join("deploy"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    assert_eq!(
        text(&out.stderr),
        format!(
            "note: {files} objects in the {files} files of `./deploy` are the rendered output of `./shipshape.yaml`, which is read in their place\n"
        )
    );

    // Output edited after it was rendered is out of date: the run says what to do.
    let budget = dir
        .path()
        .join("deploy/04-poddisruptionbudget-backend.yaml");
    let edited = std::fs::read_to_string(&budget)
        .unwrap()
        .replace("maxUnavailable: 1", "maxUnavailable: 3");
    std::fs::write(&budget, edited).unwrap();
    let out = shipshape(&["check", "."], None, Some(dir.path()));
    assert!(
        text(&out.stderr).ends_with("which is read in their place; 1 of them differs from what it renders now: render it again with `shipshape render ./shipshape.yaml -o ./deploy`, and make changes by hand in the spec's `patches`\n"),
        "{}",
        text(&out.stderr)
    );
}
