//! The binary as a user runs it: exit codes, streams, files, errors.

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

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn render_prints_a_stream_and_exits_zero() {
    let out = shipshape(
        &["render", example("cyoda-go").to_str().unwrap()],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("---\napiVersion: v1\nkind: Namespace\n"));
    assert!(stdout.contains("kind: Deployment"));
}

#[test]
fn render_provenance_lists_the_key_behind_each_field() {
    let spec = "name: shop\ncomponents:\n  api:\n    kind: service\n    image: example/api:1.0.0\n    replicas: 3\n    ports: { http: 8080 }\n";
    let out = shipshape(&["render", "-", "--provenance"], Some(spec), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // Object, field and key are single words; the value column is the rest of the line.
    let lines: Vec<Vec<String>> = stdout
        .lines()
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let (columns, value) = words.split_at(3.min(words.len()));
            let mut row: Vec<String> = columns.iter().map(|w| (*w).to_owned()).collect();
            row.push(value.join(" "));
            row
        })
        .collect();
    assert_eq!(lines[0], ["OBJECT", "FIELD", "SPEC", "KEY VALUE"]);
    for row in [
        [
            "Service/api",
            "/spec/ports/0",
            "components.api.ports.http",
            "from the spec",
        ],
        [
            "Deployment/api",
            "/spec/replicas",
            "components.api.replicas",
            "from the spec",
        ],
        [
            "Deployment/api",
            "/spec/template/spec/containers/0/image",
            "components.api.image",
            "from the spec",
        ],
        [
            "Deployment/api",
            "/spec/template/spec/containers/0/ports/0",
            "components.api.ports.http",
            "from the spec",
        ],
        // The values that matter in production say where they came from when no one
        // wrote them.
        [
            "Deployment/api",
            "/spec/template/spec/containers/0/resources",
            "components.api.resources",
            "default: size small: cpu 250m..500m, memory 256Mi..512Mi (request..limit)",
        ],
        [
            "Deployment/api",
            "/spec/template/spec/terminationGracePeriodSeconds",
            "components.api.shutdown.grace",
            "default: 30s: 5s pause + 20s drain + 5s margin",
        ],
        [
            "Deployment/api",
            "/spec/progressDeadlineSeconds",
            "components.api.rollout.progress_deadline",
            "default: 600s before a stuck rollout is reported failed",
        ],
        [
            "PodDisruptionBudget/api",
            "/spec/maxUnavailable",
            "components.api.disruption.max_unavailable",
            "default: 1 pod at a time may be evicted",
        ],
    ] {
        assert!(
            lines.contains(&row.map(str::to_owned).to_vec()),
            "{row:?} in\n{stdout}"
        );
    }
    let scaled = "name: shop\ncomponents:\n  api:\n    kind: service\n    image: example/api:1.0.0\n    replicas: 2..5\n    ports: { http: 8080 }\n    autoscale: { memory: 70 }\n  nightly:\n    kind: cron\n    image: example/api:1.0.0\n    schedule: '0 3 * * *'\n    deadline: 20m\n";
    let out = shipshape(&["render", "-", "--provenance"], Some(scaled), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let row = |object: &str, field: &str| {
        stdout
            .lines()
            .find(|line| line.split_whitespace().take(2).eq([object, field]))
            .map(|line| {
                line.split_whitespace()
                    .skip(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    };
    // The HPA's target is written: no default row; the cron's deadline likewise.
    assert_eq!(
        row("HorizontalPodAutoscaler/api", "/spec/metrics/0"),
        Some("components.api.autoscale.memory from the spec".to_owned())
    );
    assert_eq!(
        row(
            "CronJob/nightly",
            "/spec/jobTemplate/spec/activeDeadlineSeconds"
        ),
        Some("components.nightly.deadline from the spec".to_owned())
    );
    assert_eq!(
        row("CronJob/nightly", "/spec/startingDeadlineSeconds"),
        Some(
            "components.nightly.starting_deadline default: 600s, after which a missed run is skipped"
                .to_owned()
        )
    );
    let unset = scaled.replace("    autoscale: { memory: 70 }\n", "");
    let out = shipshape(&["render", "-", "--provenance"], Some(&unset), None);
    let stdout = text(&out.stdout);
    assert!(
        stdout.lines().any(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")
            == "HorizontalPodAutoscaler/api /spec/metrics/0 components.api.autoscale.cpu default: 80% average CPU utilisation of the requests"),
        "{stdout}"
    );
    assert!(!stdout.contains("apiVersion"), "no objects: {stdout}");
    let out = shipshape(
        &["render", "-", "--provenance", "-o", "out"],
        Some(spec),
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn render_reads_standard_input() {
    let spec = std::fs::read_to_string(example("projections").join("shipshape.yaml")).unwrap();
    let out = shipshape(&["render", "-", "--format", "json"], Some(&spec), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    assert!(list["items"].as_array().unwrap().len() > 3);
}

#[test]
fn render_to_a_directory_writes_one_file_per_object_and_replaces_its_own_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let spec = example("volaticloud");
    for _ in 0..2 {
        let out = shipshape(
            &[
                "render",
                spec.to_str().unwrap(),
                "-o",
                out_dir.to_str().unwrap(),
            ],
            None,
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.contains(&"00-namespace-volaticloud.yaml".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"21-deployment-backend.yaml".to_owned()),
        "{names:?}"
    );
}

#[test]
fn render_refuses_a_foreign_directory_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let out = shipshape(
        &[
            "render",
            example("volaticloud").to_str().unwrap(),
            "-o",
            tmp.path().to_str().unwrap(),
        ],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("holds files shipshape did not write"));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn bad_input_is_located_exits_two_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("shipshape.yaml");
    std::fs::write(
        &spec,
        "name: demo\ncomponents:\n  api:\n    kind: service\n    image: r/api:1\n    replica: 2\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("out");
    let out = shipshape(
        &[
            "render",
            spec.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
        ],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("shipshape.yaml:6:5: "), "{stderr}");
    assert!(stderr.contains("unknown key `replica`"), "{stderr}");
    assert!(stderr.contains("did you mean `replicas`?"), "{stderr}");
    assert!(!out_dir.exists(), "nothing is written on error");
}

#[test]
fn unknown_environment_is_a_usage_error() {
    let out = shipshape(
        &[
            "render",
            example("cyoda-go").to_str().unwrap(),
            "--env",
            "deb",
        ],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("environment `deb` is not defined"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `dev`?"), "{stderr}");
}

#[test]
fn environments_change_the_output() {
    let base = shipshape(
        &["render", example("cyoda-go").to_str().unwrap()],
        None,
        None,
    );
    let dev = shipshape(
        &[
            "render",
            example("cyoda-go").to_str().unwrap(),
            "--env",
            "dev",
        ],
        None,
        None,
    );
    assert_eq!(dev.status.code(), Some(0), "{}", text(&dev.stderr));
    assert!(text(&base.stdout).contains("replicas: 3"));
    assert!(text(&dev.stdout).contains("replicas: 1"));
    assert!(text(&dev.stderr).contains("note: component `cyoda` runs a single pod"));
}

#[test]
fn init_writes_starters_that_render_and_never_overwrites_by_accident() {
    let tmp = tempfile::tempdir().unwrap();
    for template in ["service", "worker"] {
        let file = format!("{template}.yaml");
        let out = shipshape(
            &[
                "init",
                "--template",
                template,
                "--name",
                "shop",
                "-o",
                &file,
            ],
            None,
            Some(tmp.path()),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let render = shipshape(&["render", &file], None, Some(tmp.path()));
        assert_eq!(
            render.status.code(),
            Some(0),
            "{template}: {}",
            text(&render.stderr)
        );
        assert!(text(&render.stdout).contains("name: shop"));
        let again = shipshape(&["init", "-o", &file], None, Some(tmp.path()));
        assert_eq!(again.status.code(), Some(2));
        assert!(text(&again.stderr).contains("exists already"));
    }
    let bad = shipshape(&["init", "--name", "Bad_Name", "-o", "-"], None, None);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn schema_is_json_with_the_top_level_keys() {
    let out = shipshape(&["schema"], None, None);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "name",
        "components",
        "secrets",
        "services",
        "environments",
        "patches",
    ] {
        assert!(schema["properties"][key].is_object(), "{key}");
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = shipshape(&["completions", shell], None, None);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("render"), "{shell}");
    }
}

#[test]
fn help_for_every_command_and_usage_errors_exit_two() {
    for cmd in [
        &["--help"][..],
        &["render", "--help"],
        &["init", "--help"],
        &["schema", "--help"],
        &["completions", "--help"],
        &["check", "--help"],
        &["rules", "--help"],
        &["rule", "--help"],
    ] {
        let out = shipshape(cmd, None, None);
        assert_eq!(out.status.code(), Some(0), "{cmd:?}");
    }
    let out = shipshape(&["render", "--format", "xml"], None, None);
    assert_eq!(out.status.code(), Some(2));
    let out = shipshape(&["frobnicate"], None, None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_spec_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let out = shipshape(&["render"], None, Some(tmp.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("run `shipshape init`"));
}

/// Nine levels of nine aliases: 387 million strings if expanded.
const BILLION_LAUGHS: &str = "\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
";

/// How every command reports the bomb in a file named `file`.
fn excessive_aliasing(file: &str) -> String {
    format!(
        "\
{file}:4:20:   × excessive aliasing: with this alias, 3763 of the document's 3801 nodes would be copies made by
  │ aliases
   ╭─[{file}:4:20]
 3 │ c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
 4 │ d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
   ·                    ─┬
   ·                     ╰── here
 5 │ e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
   ╰────
  help: aliases that repeat anchors holding aliases multiply (a \"billion laughs\" document);
        shipshape, like kubectl, lets copies be at most 99% of a document up to 400000 nodes and
        10% of one past 4000000: write the repeated values out or use fewer aliases

"
    )
}

#[test]
fn a_billion_laughs_is_a_located_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.yaml");
    std::fs::write(&bomb, BILLION_LAUGHS).unwrap();
    let spec_dir = dir.path().join("app");
    std::fs::create_dir(&spec_dir).unwrap();
    std::fs::write(spec_dir.join("shipshape.yaml"), BILLION_LAUGHS).unwrap();
    let spec = spec_dir.join("shipshape.yaml");
    let (bomb, spec_dir, spec) = (
        bomb.to_str().unwrap(),
        spec_dir.to_str().unwrap(),
        spec.to_str().unwrap(),
    );
    let manifest = dir.path().join("ok.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n",
    )
    .unwrap();
    let manifest = manifest.to_str().unwrap();
    let not_written = "error: 1 problem found; nothing was written\n";
    let not_checked = "error: 1 problem in the input; nothing was checked\n";
    // A bad input file is reported in the report, beside whatever else was read.
    let in_report = |file: &str, after: &str| {
        excessive_aliasing(file)
            + "0 errors, 0 warnings, 0 info in 0 objects; 0 suppressed\n\
               error: 1 problem in the input: what it holds was not checked\n"
            + after
    };
    let validated = "Kubernetes 1.37: 0 validated\n";
    let on_stderr: [(&[&str], Option<&str>, String); 4] = [
        (
            &["render", "-"],
            Some(BILLION_LAUGHS),
            excessive_aliasing("<stdin>") + not_written,
        ),
        (
            &["render", spec_dir],
            None,
            excessive_aliasing(spec) + not_written,
        ),
        (
            &["check", manifest, "--config", bomb],
            None,
            excessive_aliasing(bomb) + not_checked,
        ),
        (
            &["validate", manifest, "--crd", bomb],
            None,
            excessive_aliasing(bomb) + not_checked,
        ),
    ];
    let on_stdout: [(&[&str], Option<&str>, String); 5] = [
        (
            &["check", "-"],
            Some(BILLION_LAUGHS),
            in_report("<stdin>", ""),
        ),
        (&["check", bomb], None, in_report(bomb, "")),
        (&["check", spec_dir], None, in_report(spec, "")),
        (
            &["validate", "-"],
            Some(BILLION_LAUGHS),
            in_report("<stdin>", validated),
        ),
        (&["validate", spec], None, in_report(spec, validated)),
    ];
    let runs = on_stderr
        .into_iter()
        .map(|(args, stdin, expected)| (args, stdin, expected, String::new()))
        .chain(
            on_stdout
                .into_iter()
                .map(|(args, stdin, expected)| (args, stdin, String::new(), expected)),
        );
    for (args, stdin, stderr, stdout) in runs {
        let started = std::time::Instant::now();
        let out = shipshape(args, stdin, None);
        assert_eq!(text(&out.stderr), stderr, "{args:?}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&out.stdout), stdout, "{args:?}");
        // Milliseconds in fact; a generous bound that a debug build under load still meets.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{args:?}"
        );
    }
}

/// A `v1 List` on one line of over a megabyte, as minified JSON comes: a ConfigMap
/// holding a megabyte, then a Pod.
fn one_long_line(pod_metadata: &str) -> String {
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\
         \"metadata\":{{\"name\":\"big\"}},\"data\":{{\"blob\":\"{}\"}}}},{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\
         \"metadata\":{pod_metadata},\"spec\":{{\"automountServiceAccountToken\":false,\"securityContext\":\
         {{\"runAsNonRoot\":true,\"seccompProfile\":{{\"type\":\"RuntimeDefault\"}}}},\"containers\":[{{\"name\":\"web\",\
         \"image\":\"nginx:latest\",\"resources\":{{\"requests\":{{\"cpu\":\"10m\",\"memory\":\"16Mi\"}},\"limits\":\
         {{\"memory\":\"32Mi\"}}}},\"readinessProbe\":{{\"tcpSocket\":{{\"port\":80}}}},\"livenessProbe\":\
         {{\"tcpSocket\":{{\"port\":80}}}},\"securityContext\":{{\"allowPrivilegeEscalation\":false,\
         \"readOnlyRootFilesystem\":true,\"capabilities\":{{\"drop\":[\"ALL\"]}}}}}}]}}}}]}}",
        "x".repeat(1 << 20)
    )
}

#[test]
fn a_finding_on_a_megabyte_line_shows_the_part_around_it() {
    let input = one_long_line("{\"name\":\"web\"}");
    let out = shipshape(&["check", "-", "--ignore", "SS042"], Some(&input), None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "\
<stdin>:1:1048917: warning[SS012] Pod default/web: container `web` image `nginx:latest` uses the moving tag `latest`
  |
1 | …eDefault\"}},\"containers\":[{\"name\":\"web\",\"image\":\"nginx:latest\",\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"},\"li…
  |                                          ^^^^^^^ mutable-image-tag

0 errors, 1 warning, 0 info in 2 objects; 0 suppressed
"
    );
}

#[test]
fn an_error_on_a_megabyte_line_shows_the_part_around_it() {
    let input = one_long_line("{\"name\":\"web\",\"name\":\"x\"}");
    let out = shipshape(&["check", "-"], Some(&input), None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "");
    assert_eq!(
        text(&out.stdout),
        "\
<stdin>:1:1048760:   × duplicate key `name`
   ╭─[<stdin>:1:1048760]
 1 │ …\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"name\":\"x\"},\"spec\":{\"automountServiceAccountToken\":false,\"securityContext\":{\"run…
   ·                                          ───┬──
   ·                                             ╰── here
   ╰────
  help: `name` is already set on line 1; keep one of them

0 errors, 0 warnings, 0 info in 0 objects; 0 suppressed
error: 1 problem in the input: what it holds was not checked
"
    );
}

#[test]
fn an_alias_heavy_spec_renders_as_its_written_out_twin() {
    // Forty workers sharing one environment of thirty variables and one size: most of
    // the document's nodes are copies, as in specs that share blocks.
    let env: String = (0..30).map(|i| format!("VAR_{i}: value-{i}, ")).collect();
    let env = format!("{{ {} }}", env.trim_end_matches(", "));
    let resources = "{ cpu: 100m..500m, memory: 128Mi..256Mi }";
    let spec = |share: bool| {
        let mut text = String::from("name: fleet\ncomponents:\n");
        for i in 0..40 {
            let (env, resources) = match (share, i) {
                (false, _) => (env.clone(), resources.to_owned()),
                (true, 0) => (format!("&env {env}"), format!("&size {resources}")),
                (true, _) => ("*env".to_owned(), "*size".to_owned()),
            };
            text.push_str(&format!(
                "  w{i}:\n    kind: worker\n    image: example/w:1.0.0\n    env: {env}\n    resources: {resources}\n"
            ));
        }
        text
    };
    let shared = shipshape(&["render", "-"], Some(&spec(true)), None);
    assert_eq!(shared.status.code(), Some(0), "{}", text(&shared.stderr));
    let written = shipshape(&["render", "-"], Some(&spec(false)), None);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    assert_eq!(text(&shared.stdout), text(&written.stdout));
    assert_eq!(text(&shared.stdout).matches("name: VAR_29").count(), 40);
}

/// A component that serves traffic without a readiness probe renders, with a located
/// warning that says how to add one or how to say why it needs none; said why, the
/// output carries the reason as a suppression, and checks clean.
#[test]
fn a_serving_component_without_readiness_is_warned_about_until_it_says_why() {
    let spec = |health: &str| {
        format!(
            "name: shop\ncomponents:\n  api:\n    kind: service\n    image: example/api:1.0.0\n    ports: {{ http: 8080 }}\n{health}"
        )
    };
    let out = shipshape(&["render", "-"], Some(&spec("")), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The words, without miette's frame and line breaks.
    let raw = text(&out.stderr);
    let stderr = raw
        .split_whitespace()
        .filter(|w| !["│", "×"].contains(w))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        stderr.starts_with("warning: <stdin>:3:3: `api` serves traffic but has no readiness probe: its pods get requests before they can answer, and a rollout goes on even when the new pods do not work"),
        "{stderr}"
    );
    assert!(
        stderr.contains("add `health: { ready: { http: /ready, port: http } }` (or `{ tcp: http }`); or, if the pods need none, say why with `health: { no_ready: \"...\" }`"),
        "{stderr}"
    );
    let checked = shipshape(&["check", "-"], Some(&text(&out.stdout)), None);
    assert!(
        text(&checked.stdout).contains("SS010"),
        "{}",
        text(&checked.stdout)
    );

    let opted_out = spec(
        "    health: { live: { tcp: http }, no_ready: the load balancer checks the port itself }\n",
    );
    let out = shipshape(&["render", "-"], Some(&opted_out), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("shipshape.dev/ignore: SS010 -- the load balancer checks the port itself"),
        "{stdout}"
    );
    let checked = shipshape(&["check", "-"], Some(&stdout), None);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stdout));
}
