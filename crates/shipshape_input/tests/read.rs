//! Assembling inputs from files, directories, standard input and specs.

use std::io::Read;
use std::path::{Path, PathBuf};

use shipshape_grammar::KubeVersion;
use shipshape_input::{Error, Inputs, OwnOutput, Reader};

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
";

const SERVICE_AND_CONFIG: &str = "\
# a comment before the first document
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
---
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
";

const SPEC: &str = "\
name: shop
kubernetes: \"1.35\"
components:
  web:
    kind: service
    image: ghcr.io/example/web:1.0.0
    ports: { http: 8080 }
";

/// A directory holding `files` (path, text), removed when dropped.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `Kind namespace/name @ file:line:column` of every object, the directory written `<dir>`.
fn placed(inputs: &Inputs, dir: &Path) -> Vec<String> {
    inputs
        .model
        .objects()
        .iter()
        .map(|o| {
            let at = o.locate("").map_or("nowhere".into(), |l| l.to_string());
            format!("{} {}/{} @ {}", o.kind(), o.namespace(), o.name(), at)
                .replace(&dir.display().to_string(), "<dir>")
        })
        .collect()
}

/// The error as text, the directory written `<dir>`.
fn error_text(err: &Error, dir: &Path) -> String {
    err.to_string().replace(&dir.display().to_string(), "<dir>")
}

fn read(paths: &[PathBuf]) -> Result<Inputs, Error> {
    Reader::new("default").read(paths)
}

#[test]
fn a_file_gives_every_document_at_its_own_line() {
    let dir = tree(&[("all.yaml", SERVICE_AND_CONFIG)]);
    let inputs = read(&[dir.path().join("all.yaml")]).unwrap();
    assert_eq!(
        placed(&inputs, dir.path()),
        [
            "Service shop/web @ <dir>/all.yaml:3:1",
            "ConfigMap default/settings @ <dir>/all.yaml:8:1",
        ]
    );
    assert!(inputs.stdin.is_none());
    assert!(inputs.specs.is_empty());
    assert_eq!(inputs.kubernetes(None).unwrap(), KubeVersion::NEWEST);
}

#[test]
fn a_directory_gives_its_yaml_files_recursively_in_sorted_order() {
    let dir = tree(&[
        ("z.yaml", DEPLOYMENT),
        ("a/b.yml", SERVICE_AND_CONFIG),
        ("a/notes.md", "not YAML"),
        (".git/x.yaml", "not: an object"),
        ("shipshape-check.yaml", "ignore: [SS012]\n"),
    ]);
    let inputs = Reader::new("shop")
        .skip_file_name("shipshape-check.yaml")
        .read(&[dir.path().to_path_buf()])
        .unwrap();
    assert_eq!(
        placed(&inputs, dir.path()),
        [
            "Service shop/web @ <dir>/a/b.yml:3:1",
            "ConfigMap shop/settings @ <dir>/a/b.yml:8:1",
            "Deployment shop/web @ <dir>/z.yaml:1:1",
        ]
    );
}

#[test]
fn standard_input_is_read_and_kept_for_snippets_when_asked() {
    let inputs = Reader::new("default")
        .stdin(DEPLOYMENT.as_bytes())
        .keep_stdin(true)
        .read(&[PathBuf::from("-")])
        .unwrap();
    assert_eq!(
        placed(&inputs, Path::new("/nowhere")),
        ["Deployment default/web @ <stdin>:1:1"]
    );
    assert_eq!(inputs.stdin.as_deref(), Some(DEPLOYMENT));

    let inputs = Reader::new("default")
        .stdin(DEPLOYMENT.as_bytes())
        .read(&[PathBuf::from("-")])
        .unwrap();
    assert_eq!(inputs.model.len(), 1);
    assert_eq!(inputs.stdin, None);
}

#[test]
fn empty_standard_input_is_an_input_without_objects() {
    // `helm template` of a chart that renders nothing is a valid, empty stream.
    let inputs = Reader::new("default")
        .stdin(&b""[..])
        .keep_stdin(true)
        .read(&[PathBuf::from("-")])
        .unwrap();
    assert_eq!(inputs.model.len(), 0);
    assert_eq!(inputs.stdin.as_deref(), Some(""));
}

#[test]
fn lists_are_expanded_with_each_item_at_its_own_line() {
    let list = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: token }
---
apiVersion: v1
kind: ConfigMapList
items:
  - metadata: { name: a }
  - metadata: { name: b, namespace: shop }
";
    let dir = tree(&[("get.yaml", list)]);
    let inputs = read(&[dir.path().join("get.yaml")]).unwrap();
    assert_eq!(
        placed(&inputs, dir.path()),
        [
            "Secret default/token @ <dir>/get.yaml:4:5",
            "ConfigMap default/a @ <dir>/get.yaml:11:5",
            "ConfigMap shop/b @ <dir>/get.yaml:12:5",
        ]
    );
}

#[test]
fn a_list_with_an_item_that_is_not_an_object_is_a_located_error() {
    let list = "apiVersion: v1\nkind: List\nitems:\n  - just text\n";
    let err = Reader::new("default")
        .stdin(list.as_bytes())
        .read(&[PathBuf::from("-")])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "<stdin>:4:5: `items[0]` of this List is a string, not a Kubernetes object"
    );
}

#[test]
fn a_spec_is_rendered_and_its_objects_point_into_it() {
    let dir = tree(&[("app/shipshape.yaml", SPEC), ("extra.yaml", DEPLOYMENT)]);
    // A spec given as a file, or found in a directory, is the same spec.
    for path in [
        dir.path().join("app/shipshape.yaml"),
        dir.path().join("app"),
    ] {
        let inputs = read(std::slice::from_ref(&path)).unwrap();
        assert_eq!(
            placed(&inputs, dir.path()),
            [
                "Namespace /shop @ <dir>/app/shipshape.yaml:1:1",
                "NetworkPolicy shop/default-deny @ <dir>/app/shipshape.yaml:1:1",
                "NetworkPolicy shop/web @ <dir>/app/shipshape.yaml:4:3",
                "PodDisruptionBudget shop/web @ <dir>/app/shipshape.yaml:4:3",
                "ServiceAccount shop/web @ <dir>/app/shipshape.yaml:4:3",
                "Service shop/web @ <dir>/app/shipshape.yaml:4:3",
                "Deployment shop/web @ <dir>/app/shipshape.yaml:4:3",
            ],
            "{}",
            path.display()
        );
        assert!(inputs.model.objects().iter().all(|o| o.is_rendered()));
        assert_eq!(inputs.kubernetes(None).unwrap(), KubeVersion::new(35));
        let flag = Some(KubeVersion::new(37));
        assert_eq!(inputs.kubernetes(flag).unwrap(), KubeVersion::new(37));
    }
    // Next to manifests, the spec is rendered and the manifests read.
    let inputs = read(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(inputs.model.len(), 8);
    assert_eq!(inputs.specs.len(), 1);
}

/// `spec` rendered into `dir` as `render -o dir` writes it.
fn render_into(spec: &str, dir: &Path) {
    let loaded = shipshape_spec::load_str("shipshape.yaml", spec, Path::new("."), None).unwrap();
    shipshape_render::render(&loaded.spec)
        .unwrap()
        .manifests
        .write_dir(dir, shipshape_manifest::Format::Yaml)
        .unwrap();
}

#[test]
fn a_spec_beside_its_rendered_output_is_read_once() {
    let dir = tree(&[("shipshape.yaml", SPEC)]);
    render_into(SPEC, &dir.path().join("deploy"));
    let inputs = read(&[dir.path().to_path_buf()]).unwrap();
    // The spec's render stands in for its output, so findings point into the spec.
    assert_eq!(inputs.model.len(), 7);
    assert!(inputs.model.objects().iter().all(|o| o.is_rendered()));
    let files: Vec<String> = [
        "00-namespace-shop",
        "01-networkpolicy-default-deny",
        "01-networkpolicy-web",
        "04-poddisruptionbudget-web",
        "05-serviceaccount-web",
        "17-service-web",
        "21-deployment-web",
    ]
    .map(|f| format!("<dir>/deploy/{f}.yaml"))
    .to_vec();
    let passed: Vec<OwnOutput> = inputs
        .own_output
        .iter()
        .map(|p| OwnOutput {
            spec: p.spec.replace(&dir.path().display().to_string(), "<dir>"),
            files: p
                .files
                .iter()
                .map(|f| f.replace(&dir.path().display().to_string(), "<dir>"))
                .collect(),
            ..p.clone()
        })
        .collect();
    assert_eq!(
        passed,
        [OwnOutput {
            spec: "<dir>/shipshape.yaml".to_owned(),
            files,
            objects: 7,
            stale: 0,
        }]
    );
    // Given as two paths, the same.
    let inputs = read(&[dir.path().join("deploy"), dir.path().join("shipshape.yaml")]).unwrap();
    assert_eq!(inputs.model.len(), 7);
    assert_eq!(inputs.own_output[0].objects, 7);
    // Without the spec, the output is read as it is.
    let inputs = read(&[dir.path().join("deploy")]).unwrap();
    assert_eq!(inputs.model.len(), 7);
    assert!(inputs.own_output.is_empty());
}

#[test]
fn output_that_changed_is_counted_and_other_objects_are_kept() {
    let dir = tree(&[("shipshape.yaml", SPEC)]);
    let deploy = dir.path().join("deploy");
    render_into(SPEC, &deploy);
    // Edited by hand after it was rendered, and a component the spec no longer has.
    let budget = deploy.join("04-poddisruptionbudget-web.yaml");
    let text = std::fs::read_to_string(&budget).unwrap();
    std::fs::write(
        &budget,
        text.replace("maxUnavailable: 1", "maxUnavailable: 2"),
    )
    .unwrap();
    let old = std::fs::read_to_string(deploy.join("05-serviceaccount-web.yaml")).unwrap();
    std::fs::write(
        deploy.join("05-serviceaccount-old.yaml"),
        old.replace("name: web", "name: old"),
    )
    .unwrap();
    // Another app's object, and one of the user's own, in the same directory.
    let other = old
        .replace("part-of: shop", "part-of: billing")
        .replace("name: web", "name: billing");
    std::fs::write(deploy.join("other.yaml"), other).unwrap();
    std::fs::write(deploy.join("mine.yaml"), DEPLOYMENT).unwrap();
    let inputs = read(&[dir.path().to_path_buf()]).unwrap();
    let kept: Vec<String> = placed(&inputs, dir.path())
        .into_iter()
        .filter(|p| !p.contains("shipshape.yaml"))
        .collect();
    assert_eq!(
        kept,
        [
            "Deployment default/web @ <dir>/deploy/mine.yaml:1:1",
            "ServiceAccount shop/billing @ <dir>/deploy/other.yaml:1:1",
        ]
    );
    assert_eq!(inputs.model.len(), 9);
    let passed = &inputs.own_output[0];
    assert_eq!((passed.objects, passed.stale), (8, 2));
    assert_eq!(passed.files.len(), 8);
}

#[test]
fn a_spec_that_does_not_load_is_a_located_error() {
    let dir = tree(&[(
        "shipshape.yaml",
        &SPEC.replace("kind: service", "kind: servce"),
    )]);
    let err = read(&[dir.path().to_path_buf()]).unwrap_err();
    assert_eq!(
        error_text(&err, dir.path()),
        "<dir>/shipshape.yaml:5:11: unknown value `servce`, expected one of `service`, `worker`, `stateful`, `job`, `cron`"
    );
}

#[test]
fn a_spec_that_does_not_render_is_a_located_error() {
    let patched = format!(
        "{SPEC}patches:\n  - target: {{ kind: Deployment, name: nope }}\n    merge: {{ spec: {{ paused: true }} }}\n"
    );
    let dir = tree(&[("shipshape.yaml", &patched)]);
    let err = read(&[dir.path().join("shipshape.yaml")]).unwrap_err();
    assert_eq!(
        error_text(&err, dir.path()),
        "<dir>/shipshape.yaml:9:39: no generated object is a Deployment named `nope`"
    );
}

#[test]
fn specs_that_target_different_versions_need_the_flag_to_choose() {
    let dir = tree(&[
        ("a/shipshape.yaml", SPEC),
        ("b/shipshape.yaml", &SPEC.replace("\"1.35\"", "\"1.34\"")),
    ]);
    let inputs = read(&[dir.path().join("a"), dir.path().join("b")]).unwrap();
    let err = inputs.kubernetes(None).unwrap_err().0.remove(0);
    assert_eq!(
        err.to_string()
            .replace(&dir.path().display().to_string(), "<dir>"),
        "the specs target different Kubernetes versions: `<dir>/a/shipshape.yaml` targets 1.35 and `<dir>/b/shipshape.yaml` targets 1.34"
    );
    let at = err.location().unwrap();
    assert_eq!(
        (at.file.ends_with("b/shipshape.yaml"), at.line, at.column),
        (true, 2, 13)
    );
    let flag = Some(KubeVersion::new(36));
    assert_eq!(inputs.kubernetes(flag).unwrap(), KubeVersion::new(36));
}

#[test]
fn a_missing_path_is_an_error() {
    let dir = tree(&[]);
    let err = read(&[dir.path().join("nope.yaml")]).unwrap_err();
    assert_eq!(
        error_text(&err, dir.path()),
        "`<dir>/nope.yaml` does not exist"
    );
}

#[test]
fn an_unreadable_file_is_an_error() {
    let dir = tree(&[]);
    std::fs::write(dir.path().join("bytes.yaml"), [0xff, 0xfe, b'\n']).unwrap();
    let err = read(&[dir.path().join("bytes.yaml")]).unwrap_err();
    assert_eq!(
        error_text(&err, dir.path()),
        "cannot read `<dir>/bytes.yaml`: stream did not contain valid UTF-8"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("locked/a.yaml", DEPLOYMENT)]);
    let locked = dir.path().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok();
    let result = read(std::slice::from_ref(&locked));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        // Root reads any directory: there is nothing to refuse.
        assert_eq!(result.unwrap().model.len(), 1);
        return;
    }
    assert_eq!(
        error_text(&result.unwrap_err(), dir.path()),
        "cannot read `<dir>/locked`: Permission denied (os error 13)"
    );
}

#[test]
fn invalid_yaml_is_a_located_error() {
    let dir = tree(&[("bad.yaml", "apiVersion: v1\nkind: [Service\n")]);
    let err = read(&[dir.path().join("bad.yaml")]).unwrap_err();
    let Error::Invalid(diags) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(diags.0.len(), 1);
    let at = diags.0[0].location().unwrap();
    assert_eq!((at.line, at.column), (3, 1));
    assert_eq!(
        error_text(&err, dir.path()),
        format!("<dir>/bad.yaml:3:1: {}", diags.0[0].message())
    );
    assert!(diags.0[0].message().starts_with("invalid YAML: "), "{err}");
}

/// Standard input that fails when read.
struct Broken;

impl Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("the pipe broke"))
    }
}

#[test]
fn standard_input_that_cannot_be_read_is_an_error() {
    let err = Reader::new("default")
        .stdin(Broken)
        .read(&[PathBuf::from("-")])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot read standard input: the pipe broke"
    );
}

#[test]
fn paths_without_yaml_files_are_an_error() {
    let dir = tree(&[("README.md", "# nothing here")]);
    let err = read(&[dir.path().to_path_buf()]).unwrap_err();
    assert!(matches!(err, Error::NoFiles));
    assert_eq!(
        err.to_string(),
        "no YAML files found: give files, directories holding *.yaml or *.yml, or `-` for standard input"
    );
}

#[test]
fn every_problem_in_every_path_is_reported_together() {
    let dir = tree(&[("bad.yaml", "- 1\n"), ("good.yaml", DEPLOYMENT)]);
    let paths = [
        dir.path().join("missing"),
        dir.path().join("bad.yaml"),
        dir.path().join("good.yaml"),
    ];
    let err = read(&paths).unwrap_err();
    assert_eq!(
        error_text(&err, dir.path()),
        "`<dir>/missing` does not exist\n<dir>/bad.yaml:1:1: this document is a list, not a Kubernetes object"
    );
}

#[test]
fn the_selected_environment_can_set_the_target() {
    let spec = format!("{SPEC}environments:\n  old:\n    kubernetes: \"1.33\"\n");
    let dir = tree(&[("shipshape.yaml", &spec)]);
    let paths = [dir.path().to_path_buf()];
    let inputs = read(&paths).unwrap();
    assert_eq!(inputs.kubernetes(None).unwrap(), KubeVersion::new(35));
    let inputs = Reader::new("default")
        .environment(Some("old"))
        .read(&paths)
        .unwrap();
    assert_eq!(inputs.kubernetes(None).unwrap(), KubeVersion::new(33));
    let (_, span) = inputs.specs[0].stated.as_ref().unwrap();
    assert_eq!((span.line, span.column), (10, 17));
}

/// Every problem of a partial read as text, the directory written `<dir>`.
fn problems(inputs: &Inputs, dir: &Path) -> Vec<String> {
    inputs
        .problems
        .iter()
        .map(|d| {
            let at = d.location().map_or(String::new(), |l| format!("{l}: "));
            format!("{at}{}", d.message()).replace(&dir.display().to_string(), "<dir>")
        })
        .collect()
}

const TEMPLATE: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include \"web.fullname\" . }}
  labels:
    {{- include \"web.labels\" . | nindent 4 }}
";

#[test]
fn a_broken_document_is_a_problem_beside_the_objects_of_the_rest() {
    let broken =
        format!("{DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata: [\n---\n{DEPLOYMENT}");
    let dir = tree(&[("a.yaml", &broken), ("b.yaml", SERVICE_AND_CONFIG)]);
    let inputs = Reader::new("default")
        .read_partial(&[dir.path().to_path_buf()])
        .unwrap();
    assert_eq!(
        placed(&inputs, dir.path()),
        [
            "Deployment default/web @ <dir>/a.yaml:1:1",
            "Deployment default/web @ <dir>/a.yaml:10:1",
            "Service shop/web @ <dir>/b.yaml:3:1",
            "ConfigMap default/settings @ <dir>/b.yaml:8:1",
        ]
    );
    assert_eq!(
        problems(&inputs, dir.path()),
        [
            "<dir>/a.yaml:9:1: invalid YAML: while parsing a node, did not find expected node content"
        ]
    );
    // A command that needs every object gets every problem and no objects.
    let err = read(&[dir.path().to_path_buf()]).unwrap_err();
    assert_eq!(
        error_text(&err, dir.path()),
        "<dir>/a.yaml:9:1: invalid YAML: while parsing a node, did not find expected node content"
    );
}

#[test]
fn a_helm_chart_is_one_problem_that_says_how_to_render_it() {
    let dir = tree(&[
        ("deploy/web.yaml", DEPLOYMENT),
        (
            "deploy/charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        ),
        ("deploy/charts/web/values.yaml", "replicas: 2\n"),
        ("deploy/charts/web/templates/deployment.yaml", TEMPLATE),
        ("deploy/charts/web/templates/service.yaml", TEMPLATE),
    ]);
    let inputs = Reader::new("default")
        .command("validate")
        .read_partial(&[dir.path().join("deploy")])
        .unwrap();
    assert_eq!(
        placed(&inputs, dir.path()),
        ["Deployment default/web @ <dir>/deploy/web.yaml:1:1"]
    );
    assert_eq!(
        problems(&inputs, dir.path()),
        [
            "`<dir>/deploy/charts/web` is a Helm chart, whose templates are not manifests yet: render it and pipe the result in: `helm template NAME <dir>/deploy/charts/web | shipshape validate -`"
        ]
    );
    assert_eq!(
        inputs.problems[0].help_text(),
        Some(
            "NAME is the release name; give the values you deploy with (`-f values-prod.yaml`), since they decide what is rendered"
        )
    );

    // Its `templates/` alone is the chart too.
    let inputs = Reader::new("default")
        .read_partial(&[dir.path().join("deploy/charts/web/templates")])
        .unwrap();
    assert_eq!(inputs.model.len(), 0);
    assert_eq!(
        problems(&inputs, dir.path()),
        [
            "`<dir>/deploy/charts/web/templates` is a Helm chart, whose templates are not manifests yet: render it and pipe the result in: `helm template NAME <dir>/deploy/charts/web/templates | shipshape check -`"
        ]
    );
    assert!(matches!(
        read(&[dir.path().join("deploy/charts/web")]),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn a_kustomization_is_one_problem_that_says_how_to_build_it() {
    for file in ["kustomization.yaml", "kustomization.yml", "Kustomization"] {
        let dir = tree(&[
            ("base/deployment.yaml", DEPLOYMENT),
            (&format!("base/{file}"), "resources: [deployment.yaml]\n"),
        ]);
        let inputs = Reader::new("default")
            .read_partial(&[dir.path().join("base")])
            .unwrap();
        assert_eq!(inputs.model.len(), 0, "{file}");
        assert_eq!(
            problems(&inputs, dir.path()),
            [
                "`<dir>/base` is a kustomization, which is not manifests yet: build it and pipe the result in: `kustomize build <dir>/base | shipshape check -` (or `kubectl kustomize <dir>/base | shipshape check -`)"
            ],
            "{file}"
        );
    }
}

#[test]
fn a_template_file_is_one_problem_at_its_first_action() {
    let dir = tree(&[("deployment.yaml", TEMPLATE), ("good.yaml", DEPLOYMENT)]);
    let inputs = Reader::new("default")
        .read_partial(&[
            dir.path().join("deployment.yaml"),
            dir.path().join("good.yaml"),
        ])
        .unwrap();
    assert_eq!(
        placed(&inputs, dir.path()),
        ["Deployment default/web @ <dir>/good.yaml:1:1"]
    );
    assert_eq!(
        problems(&inputs, dir.path()),
        [
            "<dir>/deployment.yaml:4:9: `<dir>/deployment.yaml` is a Helm template (`{{` on line 4), not a manifest: render its chart and pipe the result in: `helm template NAME CHART_DIR | shipshape check -`"
        ]
    );
    // A valid manifest that holds `{{` in a value (an alerting template) is a manifest.
    let alerting = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: alerts }\ndata:\n  t: \"{{ .Labels.job }}\"\n";
    let dir = tree(&[("alerts.yaml", alerting)]);
    let inputs = read(&[dir.path().join("alerts.yaml")]).unwrap();
    assert_eq!(inputs.model.len(), 1);
}
