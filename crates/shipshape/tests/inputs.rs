//! What `check` and `validate` read: the target version a spec sets, and `List` kinds.

use assert_cmd::Command;

fn shipshape() -> Command {
    let mut cmd = Command::cargo_bin("shipshape").expect("the binary is built");
    cmd.env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stdout(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The last line: validate's summary of the target and what it validated.
fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

/// A spec that targets `version`.
fn spec(version: &str) -> String {
    format!(
        "name: shop\nkubernetes: \"{version}\"\ncomponents:\n  web:\n    kind: service\n    image: ghcr.io/example/web:1.0.0\n    ports: {{ http: 8080 }}\n    health: {{ ready: {{ http: /ready, port: http }}, live: {{ http: /live, port: http }} }}\n"
    )
}

/// A directory holding `files` (path, text).
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn validate_of_a_spec_judges_it_for_the_version_it_targets() {
    // The example states no `kubernetes:`, so it targets the spec's default, 1.33.
    let (code, out, err) = stdout(shipshape().args(["validate", "../../examples/cyoda-go"]));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(last_line(&out), "Kubernetes 1.33: 19 validated");

    let dir = tree(&[("shipshape.yaml", &spec("1.35"))]);
    let (code, out, err) = stdout(shipshape().arg("validate").arg(dir.path()));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(last_line(&out), "Kubernetes 1.35: 7 validated");

    let (_, out, _) = stdout(
        shipshape()
            .args(["validate", "--format", "json"])
            .arg(dir.path()),
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["kubernetes"], "1.35");
}

#[test]
fn the_kubernetes_flag_overrides_the_spec() {
    let (code, out, err) = stdout(shipshape().args([
        "validate",
        "../../examples/cyoda-go",
        "--kubernetes",
        "1.36",
    ]));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(last_line(&out), "Kubernetes 1.36: 19 validated");
}

#[test]
fn specs_that_target_different_versions_need_the_flag() {
    let dir = tree(&[
        ("a/shipshape.yaml", &spec("1.35")),
        ("b/shipshape.yaml", &spec("1.34")),
    ]);
    let (code, out, err) = stdout(
        shipshape()
            .current_dir(dir.path())
            .args(["validate", "a", "b"]),
    );
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(
        err,
        "\
b/shipshape.yaml:2:13:   × the specs target different Kubernetes versions: `a/shipshape.yaml` targets 1.35 and `b/
  │ shipshape.yaml` targets 1.34
   ╭─[b/shipshape.yaml:2:13]
 1 │ name: shop
 2 │ kubernetes: \"1.34\"
   ·             ───┬──
   ·                ╰── here
 3 │ components:
   ╰────
  help: give --kubernetes to choose the version to check against, or give the specs the same
        `kubernetes:`

error: 1 problem in the input; nothing was checked
"
    );

    let (code, out, err) = stdout(
        shipshape()
            .arg("validate")
            .arg(dir.path())
            .args(["--kubernetes", "1.37"]),
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(last_line(&out), "Kubernetes 1.37: 14 validated");
}

#[test]
fn check_judges_api_versions_for_the_specs_target() {
    let beta = "\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata:
  name: fast
driverName: csi.example.com
";
    let run = |version: &str, flag: Option<&str>| {
        let dir = tree(&[("shipshape.yaml", &spec(version)), ("class.yaml", beta)]);
        let mut cmd = shipshape();
        cmd.args(["check", "--select", "api"]).arg(dir.path());
        if let Some(flag) = flag {
            cmd.args(["--kubernetes", flag]);
        }
        let (code, out, _) = stdout(&mut cmd);
        let out = out.replace(&dir.path().display().to_string(), "<dir>");
        (code, out)
    };
    let (code, out) = run("1.33", None);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("0 errors, 0 warnings"), "{out}");

    let (code, out) = run("1.35", None);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(
        "<dir>/class.yaml:1:1: warning[SS061] VolumeAttributesClass default/fast: storage.k8s.io/v1beta1 VolumeAttributesClass is deprecated since Kubernetes 1.34 and removed in 1.37; use storage.k8s.io/v1"
    ), "{out}");

    let (code, out) = run("1.35", Some("1.33"));
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn lists_are_read_item_by_item() {
    // What `kubectl get services -o yaml` prints, with one item the API server would refuse.
    let list = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: web }
    spec: { ports: [{ port: 80 }] }
  - apiVersion: v1
    kind: Service
    metadata: { name: db }
    spec: { type: ClusterIp, ports: [{ port: 5432 }] }
";
    let (code, out, err) = stdout(shipshape().args(["validate", "-"]).write_stdin(list));
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains(
        "<stdin>:11:13: error[SS060] Service default/db: spec.type: `ClusterIp` is not one of ClusterIP, NodePort, LoadBalancer, ExternalName; did you mean `ClusterIP`?"
    ), "{out}");
    assert_eq!(last_line(&out), "Kubernetes 1.37: 2 validated");

    // The API server's own typed lists leave out each item's kind.
    let typed = "\
apiVersion: v1
kind: ConfigMapList
items:
  - metadata: { name: a }
    data: { k: v }
";
    let (code, out, err) = stdout(shipshape().args(["validate", "-"]).write_stdin(typed));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(last_line(&out), "Kubernetes 1.37: 1 validated");

    let (code, out, err) = stdout(
        shipshape()
            .args(["check", "-"])
            .write_stdin("apiVersion: v1\nkind: List\nitems:\n  - 42\n"),
    );
    assert_eq!(code, Some(2));
    assert_eq!(err, "");
    assert_eq!(
        out,
        "\
<stdin>:4:5:   × `items[0]` of this List is an integer, not a Kubernetes object
   ╭─[<stdin>:4:5]
 3 │ items:
 4 │   - 42
   ·     ─┬
   ·      ╰── here
   ╰────
  help: each item of a list must be a mapping with `apiVersion`, `kind` and `metadata`

0 errors, 0 warnings, 0 info in 0 objects; 0 suppressed
error: 1 problem in the input: what it holds was not checked
"
    );
}
