//! The JSON Schema of the spec, for editor completion and validation.

use crate::app::AppSpec;

/// The JSON Schema (draft 2020-12) of `shipshape.yaml`, as pretty JSON.
#[must_use]
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(AppSpec);
    // `environments` is taken out before deserialization, so the type does not carry it.
    if let Some(props) = schema
        .as_object_mut()
        .and_then(|o| o.get_mut("properties"))
        .and_then(|p| p.as_object_mut())
    {
        props.insert(
            "environments".to_owned(),
            serde_json::json!({
                "description": "Overlays by environment name; each changes any field of the spec. Select one with `--env`.",
                "type": "object",
                "additionalProperties": {"type": "object"}
            }),
        );
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}
