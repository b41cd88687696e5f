//! Input that cannot be read, as `check` and `validate` report it: beside the findings of
//! the rest, located, in every output format, with exit status 2.

use assert_cmd::Command;

/// `shipshape ARGS` run in `dir`: (exit status, standard output, standard error).
fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("shipshape")
        .expect("the binary is built")
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
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

/// A Service that selects nothing (SS040, an error), then a document whose flow mapping
/// never closes, then a ConfigMap: the ConfigMap and the Service are still read.
const BROKEN: &str = "\
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: a
---
apiVersion: v1
kind: ConfigMap
metadata: { name: b }
";

const MERGED: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: { name: c }
apiVersion: v1
kind: ConfigMap
metadata: { name: d }
";

const SUMMARY: &str = "1 error, 0 warnings, 0 info in 2 objects; 0 suppressed\n\
                       error: 2 problems in the input: what they hold was not checked\n";

#[test]
fn a_broken_document_is_reported_beside_the_findings_of_the_rest() {
    let dir = tree(&[("a.yaml", BROKEN), ("b.yaml", MERGED)]);
    let (code, out, err) = run(dir.path(), &["check", "a.yaml", "b.yaml"]);
    assert_eq!((code, err.as_str()), (Some(2), ""));
    let expected = format!(
        "\
a.yaml:5:3: error[SS040] Service default/web: selects no pod template in its namespace: it will have no endpoints
  |
5 |   selector: {{ app: web }}
  |   ^^^^^^^^ service-selects-no-pods

a.yaml:11:1:   × invalid YAML: while parsing a flow mapping, did not find expected ',' or '}}'
    ╭─[a.yaml:11:1]
 10 │ metadata: {{ name: a
 11 │ ---
    · ┬
    · ╰── here
 12 │ apiVersion: v1
    ╰────

b.yaml:4:1:   × two objects without `---` between them: add `---` before line 4
   ╭─[b.yaml:4:1]
 3 │ metadata: {{ name: c }}
 4 │ apiVersion: v1
   · ─────┬────
   ·      ╰── here
 5 │ kind: ConfigMap
   ╰────
  help: `apiVersion` is already set on line 1: each Kubernetes object is a YAML document of its
        own, and a line `---` separates it from the one before

{SUMMARY}"
    );
    assert_eq!(out, expected);
}

#[test]
fn json_output_lists_the_problems_as_errors() {
    let dir = tree(&[("a.yaml", BROKEN), ("b.yaml", MERGED)]);
    let (code, out, err) = run(
        dir.path(),
        &["check", "a.yaml", "b.yaml", "--format", "json"],
    );
    assert_eq!((code, err.as_str()), (Some(2), ""));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["objects"], 2);
    assert_eq!(report["findings"][0]["rule"], "SS040");
    assert_eq!(
        report["errors"],
        serde_json::json!([
            {
                "message": "invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'",
                "help": null,
                "location": { "file": "a.yaml", "line": 11, "column": 1 },
            },
            {
                "message": "two objects without `---` between them: add `---` before line 4",
                "help": "`apiVersion` is already set on line 1: each Kubernetes object is a YAML document of its own, and a line `---` separates it from the one before",
                "location": { "file": "b.yaml", "line": 4, "column": 1 },
            },
        ])
    );
    // A clean read has no `errors` key, as before.
    let (code, out, _) = run(dir.path(), &["check", "--format", "json", "-"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "{\n  \"version\": 1,\n  \"summary\": {\n    \"objects\": 0,\n    \"error\": 0,\n    \"warning\": 0,\n    \"info\": 0,\n    \"suppressed\": 0\n  },\n  \"findings\": []\n}\n"
    );
}

#[test]
fn sarif_output_has_the_problems_as_notifications_of_a_failed_invocation() {
    let dir = tree(&[("a.yaml", BROKEN), ("b.yaml", MERGED)]);
    let (code, out, err) = run(
        dir.path(),
        &["check", "a.yaml", "b.yaml", "--format", "sarif"],
    );
    assert_eq!((code, err.as_str()), (Some(2), ""));
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["results"][0]["ruleId"], "SS040");
    assert_eq!(
        run["invocations"],
        serde_json::json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": { "text": "invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'" },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": "a.yaml" },
                        "region": { "startLine": 11, "startColumn": 1 },
                    }}],
                },
                {
                    "level": "error",
                    "message": { "text": "two objects without `---` between them: add `---` before line 4; `apiVersion` is already set on line 1: each Kubernetes object is a YAML document of its own, and a line `---` separates it from the one before" },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": "b.yaml" },
                        "region": { "startLine": 4, "startColumn": 1 },
                    }}],
                },
            ],
        }])
    );
}

const CHART: [(&str, &str); 3] = [
    (
        "chart/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    ),
    ("chart/values.yaml", "replicas: 2\n"),
    (
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\n",
    ),
];

#[test]
fn a_helm_chart_gets_one_message_that_says_how_to_pipe_it() {
    let dir = tree(&CHART);
    for command in ["check", "validate"] {
        let (code, out, err) = run(dir.path(), &[command, "chart"]);
        assert_eq!((code, err.as_str()), (Some(2), ""), "{command}");
        let tail = if command == "validate" {
            "Kubernetes 1.37: 0 validated\n"
        } else {
            ""
        };
        assert_eq!(
            out,
            format!(
                "  × `chart` is a Helm chart, whose templates are not manifests yet: render it and pipe the result\n  \
                 │ in: `helm template NAME chart | shipshape {command} -`\n  \
                 help: NAME is the release name; give the values you deploy with (`-f values-prod.yaml`), since\n        \
                 they decide what is rendered\n\n\
                 0 errors, 0 warnings, 0 info in 0 objects; 0 suppressed\n\
                 error: 1 problem in the input: what it holds was not checked\n{tail}"
            ),
            "{command}"
        );
    }
    let (code, out, _) = run(dir.path(), &["check", "chart", "--format", "json"]);
    assert_eq!(code, Some(2));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["errors"],
        serde_json::json!([{
            "message": "`chart` is a Helm chart, whose templates are not manifests yet: render it and pipe the result in: `helm template NAME chart | shipshape check -`",
            "help": "NAME is the release name; give the values you deploy with (`-f values-prod.yaml`), since they decide what is rendered",
            "location": null,
        }])
    );
    let (code, out, _) = run(dir.path(), &["check", "chart", "--format", "sarif"]);
    assert_eq!(code, Some(2));
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        log["runs"][0]["invocations"][0]["toolExecutionNotifications"],
        serde_json::json!([{
            "level": "error",
            "message": { "text": "`chart` is a Helm chart, whose templates are not manifests yet: render it and pipe the result in: `helm template NAME chart | shipshape check -`; NAME is the release name; give the values you deploy with (`-f values-prod.yaml`), since they decide what is rendered" },
        }])
    );
}

#[test]
fn a_kustomization_gets_one_message_that_says_how_to_pipe_it() {
    let dir = tree(&[
        (
            "overlay/kustomization.yaml",
            "resources: [../base]\npatches: [{ path: replicas.yaml }]\n",
        ),
        (
            "overlay/replicas.yaml",
            "kind: Deployment\nspec: { replicas: 3 }\n",
        ),
    ]);
    let (code, out, err) = run(dir.path(), &["check", "overlay", "--format", "json"]);
    assert_eq!((code, err.as_str()), (Some(2), ""));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["errors"][0]["message"],
        "`overlay` is a kustomization, which is not manifests yet: build it and pipe the result in: `kustomize build overlay | shipshape check -` (or `kubectl kustomize overlay | shipshape check -`)"
    );
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(1));
}

#[test]
fn parse_only_reports_the_problems_and_fails() {
    let dir = tree(&[("b.yaml", MERGED)]);
    let (code, out, err) = run(dir.path(), &["check", "--parse-only", "b.yaml"]);
    assert_eq!(code, Some(2));
    assert_eq!(out, "0 objects parsed\n");
    assert!(
        err.starts_with(
            "b.yaml:4:1:   × two objects without `---` between them: add `---` before line 4\n"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("error: 1 problem in the input; nothing was checked\n"),
        "{err}"
    );
}
