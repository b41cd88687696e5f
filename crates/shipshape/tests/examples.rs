//! Every reference example renders, and its output is pinned as a snapshot: a change to
//! any rendered byte shows up in review.

use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.join("shipshape.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn render(dir: &Path, environment: Option<&str>) -> String {
    let loaded = shipshape_spec::load_path(dir, environment)
        .unwrap_or_else(|d| panic!("{} does not load:\n{}", dir.display(), d.render(false)));
    shipshape_render::render(&loaded.spec)
        .unwrap_or_else(|p| panic!("{} does not render: {p:?}", dir.display()))
        .manifests
        .to_yaml()
}

#[test]
fn examples_render_as_pinned() {
    let dirs = examples();
    assert!(dirs.len() >= 3, "the reference examples are present");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name.clone(), render(&dir, None));
    }
}

#[test]
fn rendering_is_deterministic() {
    for dir in examples() {
        assert_eq!(render(&dir, None), render(&dir, None), "{}", dir.display());
    }
}

/// shipshape's own output passes its own checker: every rule, every severity.
#[test]
fn examples_have_no_findings() {
    for dir in examples() {
        let loaded = shipshape_spec::load_path(&dir, None).expect("loads");
        let rendered = shipshape_render::render(&loaded.spec).expect("renders");
        let mut input = shipshape_manifest::Model::new();
        input.add_rendered(
            rendered.manifests,
            shipshape_manifest::SpecSource {
                source: loaded.source,
                tree: loaded.tree,
            },
        );
        let report = shipshape_check::check(&input, &shipshape_check::Options::default());
        let found: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{} {}: {}", f.rule.id, f.object.display_name(), f.message))
            .collect();
        assert!(found.is_empty(), "{}:\n{}", dir.display(), found.join("\n"));
    }
}
