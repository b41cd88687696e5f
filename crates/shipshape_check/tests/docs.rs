//! The published rule reference (docs/rules.md) is the one the registry generates.

#[test]
fn published_rule_reference_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == shipshape_check::docs::markdown(),
        "docs/rules.md is stale: run `cargo run -q -p shipshape -- rules --format markdown > docs/rules.md`"
    );
}
