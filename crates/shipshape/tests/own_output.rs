//! shipshape's own output passes its own checker with no flags, in every form a user
//! checks it: the spec itself (`check shipshape.yaml`), the YAML and JSON streams
//! `render` prints, the directory `render -o` writes, and that directory beside the
//! spec; for every example, every renderer fixture, and specs from the property-based
//! generator, in every environment they define.
//!
//! The forms are read the way `check` reads them (`shipshape_input::Reader`, the target
//! version the inputs name, default options), in process, so that a few dozen generated
//! specs stay fast; `examples.rs` runs the binary itself on the examples.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use shipshape_input::Reader;
use shipshape_manifest::Format;

/// The findings of `check` on each form of the output of the spec at `spec` (a file
/// named `shipshape.yaml`) with `environment` applied, as `FORM: SS### Kind/name: message`.
fn findings(spec: &Path, environment: Option<&str>) -> Vec<String> {
    let loaded = shipshape_spec::load_path(spec, environment)
        .unwrap_or_else(|d| panic!("{} does not load:\n{}", spec.display(), d.render(false)));
    let rendered = shipshape_render::render(&loaded.spec)
        .unwrap_or_else(|p| panic!("{} does not render: {p:?}", spec.display()))
        .manifests;
    let out = tempfile::tempdir().expect("a temporary directory");
    let deploy = out.path().join("deploy");
    rendered
        .write_dir(&deploy, Format::Yaml)
        .expect("the directory is written");
    let forms = [
        ("spec", vec![spec.to_path_buf()], String::new()),
        ("YAML stream", vec![PathBuf::from("-")], rendered.to_yaml()),
        ("JSON stream", vec![PathBuf::from("-")], rendered.to_json()),
        ("directory", vec![deploy.clone()], String::new()),
        // `render -o` beside the spec, then `check .`: each object read once.
        (
            "spec beside its directory",
            vec![spec.to_path_buf(), deploy],
            String::new(),
        ),
    ];
    let mut found = Vec::new();
    for (form, paths, stdin) in forms {
        let read = Reader::new("default")
            .environment(environment)
            .stdin(stdin.as_bytes())
            .read(&paths)
            .unwrap_or_else(|e| panic!("{form} of {} is not read: {e}", spec.display()));
        let mut options = shipshape_check::Options::default();
        options.settings.api.version = read.kubernetes(None).expect("one target version");
        let report = shipshape_check::check(&read.model, &options);
        found.extend(report.findings.iter().map(|f| {
            format!(
                "{form}: {} {}: {}",
                f.rule.id,
                f.object.display_name(),
                f.message
            )
        }));
    }
    found
}

/// The findings of every form in the base spec and in each of `environments`.
fn findings_everywhere(spec: &Path, environments: &[String]) -> Vec<String> {
    let mut found = findings(spec, None);
    for e in environments {
        found.extend(
            findings(spec, Some(e))
                .into_iter()
                .map(|f| format!("--env {e}: {f}")),
        );
    }
    found
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `text` as the `shipshape.yaml` of a directory of its own, which `check` reads as a spec.
fn spec_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = dir.path().join("shipshape.yaml");
    std::fs::write(&spec, text).expect("the spec is written");
    (dir, spec)
}

/// The paths `pick` makes of the entries of `dir`, sorted; `pick` drops an entry with `None`.
fn entries(dir: &Path, pick: impl Fn(PathBuf) -> Option<PathBuf>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| pick(e.expect("readable").path()))
        .collect();
    paths.sort();
    paths
}

/// Fails naming `what` (the example or fixture) with every finding on `spec`.
fn assert_clean(what: &Path, spec: &Path) {
    let found = findings(spec, None);
    assert!(
        found.is_empty(),
        "{}:\n{}",
        what.display(),
        found.join("\n")
    );
}

#[test]
fn examples_check_clean_in_every_form() {
    let specs = entries(&root().join("examples"), |dir| {
        Some(dir.join("shipshape.yaml")).filter(|p| p.is_file())
    });
    assert!(specs.len() >= 5, "the reference examples are present");
    for spec in specs {
        assert_clean(&spec, &spec);
    }
}

#[test]
fn fixtures_check_clean_in_every_form() {
    let fixtures = entries(
        &root().join("crates/shipshape_render/tests/fixtures"),
        |file| {
            file.extension()
                .is_some_and(|e| e == "yaml")
                .then_some(file)
        },
    );
    assert!(fixtures.len() >= 4, "the renderer's fixtures are present");
    for fixture in fixtures {
        let text = std::fs::read_to_string(&fixture).expect("readable");
        let (_dir, spec) = spec_file(&text);
        assert_clean(&fixture, &spec);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_specs_check_clean_in_every_form(generated in shipshape_spec_strategy::spec()) {
        let (_dir, spec) = spec_file(&generated.text);
        let found = findings_everywhere(&spec, &generated.environments);
        prop_assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
