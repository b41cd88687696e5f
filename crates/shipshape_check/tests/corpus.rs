//! Realistic manifest sets, written the way third parties ship them (Helm output, an
//! operator's objects, Kustomize builds, Gateway API setups, README snippets), each
//! checked as one scope with every rule. `tests/corpus/NAME/expected.txt` lists every
//! active finding the set must get, one `RULE Kind/namespace/name /json/pointer` per line
//! (`Kind/name` when cluster-scoped; the pointer is the field the finding is about), and
//! the test asserts exactly those, as many times as they are listed: a clean set lists
//! none. A `shipshape-check.yaml` in the set's directory configures its run, as it would
//! in a repository.

mod common;

use std::path::{Path, PathBuf};

use shipshape_check::{CONFIG_FILE, Config, Options, check};
use shipshape_manifest::Model;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The set's settings: its config file, else every rule with the defaults.
fn options(dir: &Path) -> Options {
    let path = dir.join(CONFIG_FILE);
    let config = match std::fs::read_to_string(&path) {
        Ok(text) => Config::from_yaml(CONFIG_FILE, &text)
            .unwrap_or_else(|d| panic!("{}: {}", path.display(), d.render(false))),
        Err(_) => Config::default(),
    };
    Options::from_config(&config).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every manifest of the set, read as one input.
fn input(dir: &Path) -> Model {
    let mut input = Model::new();
    let files = shipshape_manifest::yaml_files(dir).expect("the corpus directory is readable");
    for file in files.iter().filter(|f| !f.ends_with(CONFIG_FILE)) {
        let name = file
            .strip_prefix(corpus())
            .unwrap_or(file)
            .display()
            .to_string();
        let text = std::fs::read_to_string(file).expect("corpus files are readable");
        let objects = shipshape_manifest::load(&name, &text, "default")
            .unwrap_or_else(|d| panic!("{name} does not load:\n{}", d.render(false)));
        input.add_objects(objects);
    }
    input
}

/// `expected.txt` without comments and blank lines, sorted, each line's words separated
/// by one space.
fn expected(dir: &Path) -> Vec<String> {
    let path = dir.join("expected.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: list the set's findings", path.display()));
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.sort();
    lines
}

/// The set's active findings as `RULE Kind/namespace/name /pointer`, sorted; on the
/// way, no two rules may report the same field.
fn found(dir: &Path) -> Vec<String> {
    let report = check(&input(dir), &options(dir));
    common::assert_no_clashes(&common::same_field_clashes(
        &dir.display().to_string(),
        &report,
    ));
    let mut lines: Vec<String> = report
        .active()
        .map(|f| {
            let o = &f.object;
            let object = match o.namespace.as_str() {
                "" => format!("{}/{}", o.kind, o.name),
                ns => format!("{}/{ns}/{}", o.kind, o.name),
            };
            format!("{} {object} {}", f.rule.id, f.pointer)
        })
        .collect();
    lines.sort();
    lines
}

/// What is in `a` and not in `b`, counting repeats.
fn minus<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut rest: Vec<&String> = b.iter().collect();
    a.iter()
        .filter(|line| match rest.iter().position(|r| r == line) {
            Some(at) => {
                rest.swap_remove(at);
                false
            }
            None => true,
        })
        .collect()
}

#[test]
fn every_corpus_set_gets_exactly_its_expected_findings() {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/corpus exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    sets.sort();
    assert!(sets.len() >= 8, "the corpus has at least eight sets");
    let mut failures = Vec::new();
    for dir in &sets {
        let (want, got) = (expected(dir), found(dir));
        if want != got {
            let missing = minus(&want, &got);
            let unexpected = minus(&got, &want);
            let lines = |lines: Vec<&String>| {
                lines
                    .iter()
                    .map(|l| format!("\n    {l}"))
                    .collect::<String>()
            };
            failures.push(format!(
                "{}:\n  missing:{}\n  unexpected:{}",
                dir.file_name().unwrap_or_default().to_string_lossy(),
                lines(missing),
                lines(unexpected),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_sets_are_clean() {
    for name in [
        "clean-web-app",
        "clean-queue-worker",
        "etcd-quorum-right",
        "helm-chart-hooks",
        "kustomize-hashed-config",
        "operator-resources",
    ] {
        assert!(
            expected(&corpus().join(name)).is_empty(),
            "{name} is meant to pass"
        );
    }
}
