//! The published schema (docs/shipshape.schema.json, which the examples point editors
//! at) is the one the code generates.

#[test]
fn published_schema_is_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/shipshape.schema.json");
    let published = std::fs::read_to_string(&path).expect("docs/shipshape.schema.json exists");
    assert!(
        published == shipshape_spec::json_schema(),
        "docs/shipshape.schema.json is stale: run `cargo run -q -p shipshape -- schema > docs/shipshape.schema.json`"
    );
}
