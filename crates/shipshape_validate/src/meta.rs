//! The rules for an object's own name and namespace, which depend on its kind and so
//! are not in the (shared) ObjectMeta schema.

use serde_json::Value;

use crate::problem::{Problem, Step};
use shipshape_grammar::names;

/// The kinds whose names the API server checks with a rule other than the RFC 1123
/// subdomain most kinds use.
fn name_rule(kind: &str) -> fn(&str) -> Result<(), String> {
    match kind {
        "Namespace" => names::dns1123_label,
        "Service" => names::dns1035_label,
        // RBAC names are path segments, so `system:controller:x` is allowed.
        "ClusterRole" | "ClusterRoleBinding" | "Role" | "RoleBinding" => names::path_segment,
        _ => names::dns1123_subdomain,
    }
}

/// Problems with `metadata.name` and `metadata.namespace` of an object of `kind`.
pub(crate) fn check(kind: &str, object: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let metadata = object.get("metadata");
    let text = |field: &str| metadata.and_then(|m| m.get(field)).and_then(Value::as_str);
    let at = |field: &'static str, message: String| {
        Problem::at(&[Step::Key("metadata"), Step::Key(field)], None, message)
    };
    match metadata.and_then(|m| m.get("name")) {
        Some(Value::String(name)) if !name.is_empty() => {
            if let Err(e) = name_rule(kind)(name) {
                problems.push(at("name", e));
            }
        }
        // A name of the wrong type is the schema's to report.
        Some(v) if !v.is_null() && !v.is_string() => {}
        _ if text("generateName").is_some_and(|g| !g.is_empty()) => {}
        _ => problems.push(at(
            "name",
            "required field is missing: give the object a name (or a generateName)".to_owned(),
        )),
    }
    if let Some(namespace) = text("namespace").filter(|n| !n.is_empty())
        && let Err(e) = names::dns1123_label(namespace)
    {
        problems.push(at("namespace", e));
    }
    problems
}
