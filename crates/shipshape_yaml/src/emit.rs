//! Deterministic YAML emission.

/// Serializes a JSON value as block-style YAML.
///
/// Key order is the value's own (insertion order), so the caller decides it. Strings that
/// a YAML 1.1 reader would take for another type (`"on"`, `"0755"`, `"y"`) are quoted,
/// because kubectl and Helm still read YAML with 1.1 rules.
///
/// # Errors
/// Only if the emitter fails, which does not happen for JSON values.
pub fn to_yaml_string(value: &serde_json::Value) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_ambiguous_strings_and_keeps_order() {
        let v =
            serde_json::json!({"kind": "X", "apiVersion": "v1", "a": ["on", "0755", "y", "plain"]});
        let out = to_yaml_string(&v).unwrap();
        assert_eq!(
            out,
            "kind: X\napiVersion: v1\na:\n- \"on\"\n- \"0755\"\n- \"y\"\n- plain\n"
        );
    }
}
