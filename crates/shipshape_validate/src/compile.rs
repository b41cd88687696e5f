//! Turning schema JSON into [`Schema`] nodes: the pruned built-in definitions of
//! schemas/kubernetes/, and the `openAPIV3Schema` of CustomResourceDefinitions.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::format::Format;
use crate::schema::{Checks, Extra, Node, NodeId, Schema, Types};

/// Compiles the built-in `definitions` into `schema`; returns each definition's id.
pub(crate) fn definitions(
    schema: &mut Schema,
    defs: &Map<String, Value>,
) -> HashMap<String, NodeId> {
    // Reserve an id per definition first, so a `$ref` to one not yet compiled (or to
    // itself: JSONSchemaProps) resolves to its final place.
    let ids: HashMap<String, NodeId> = defs
        .keys()
        .map(|name| (name.clone(), schema.push(Node::default())))
        .collect();
    for (name, def) in defs {
        let node = builtin_node(schema, &ids, def);
        schema.set(ids[name], node);
    }
    ids
}

/// The id of a `$ref`'d definition, or a new node for an inline schema.
fn builtin_child(schema: &mut Schema, ids: &HashMap<String, NodeId>, json: &Value) -> NodeId {
    match json.get("$ref").and_then(Value::as_str) {
        Some(name) => *ids
            .get(name)
            .unwrap_or_else(|| panic!("embedded schema refers to missing definition {name}")),
        None => {
            let node = builtin_node(schema, ids, json);
            schema.push(node)
        }
    }
}

fn builtin_node(schema: &mut Schema, ids: &HashMap<String, NodeId>, json: &Value) -> Node {
    let mut node = basics(json);
    if let Some(props) = json.get("properties").and_then(Value::as_object) {
        node.properties = props
            .iter()
            .map(|(k, v)| (k.as_str().into(), builtin_child(schema, ids, v)))
            .collect();
    }
    if let Some(items) = json.get("items") {
        node.items = Some(builtin_child(schema, ids, items));
    }
    node.extra = match json.get("additionalProperties") {
        Some(Value::Bool(false)) => Extra::Forbid,
        Some(extra @ Value::Object(_)) => Extra::Schema(builtin_child(schema, ids, extra)),
        _ => Extra::Any,
    };
    node
}

/// What built-in and custom schemas spell alike: type, nullable, format, enum, required.
fn basics(json: &Value) -> Node {
    let format = json
        .get("format")
        .and_then(Value::as_str)
        .map_or(Format::None, Format::named);
    let types = match json.get("type") {
        Some(Value::String(t)) => Types::named(t).unwrap_or(Types::ANY),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().and_then(Types::named))
            .fold(Types::ANY, Types::with),
        _ => Types::ANY,
    };
    Node {
        types: if types.is_any() {
            Types::of_format(format)
        } else {
            types
        },
        nullable: json.get("nullable").and_then(Value::as_bool) == Some(true),
        format,
        enumeration: json.get("enum").and_then(Value::as_array).cloned(),
        required: json
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(Into::into)
            .collect(),
        ..Node::default()
    }
}

/// How a custom resource schema node is used.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Declares structure: unknown fields are errors unless preserved.
    Structural,
    /// A branch of `allOf`, `anyOf`, `oneOf` or `not`: it only adds checks to the
    /// structure declared around it, so fields it does not name are not unknown.
    Value,
}

/// Compiles a CustomResourceDefinition `openAPIV3Schema` (or part of one).
pub(crate) fn custom(schema: &mut Schema, json: &Value, role: Role) -> NodeId {
    let mut node = basics(json);
    node.strict_enum = true;
    // Of the formats a CRD may name, only these have a grammar here; shipshape's own
    // (`port`, `labels`...) are for built-in schemas and never read from a CRD.
    if !matches!(node.format, Format::Int32 | Format::Int64 | Format::Byte) {
        node.format = Format::None;
    }
    let flag = |key: &str| json.get(key).and_then(Value::as_bool) == Some(true);
    if flag("x-kubernetes-int-or-string") {
        node.format = Format::IntOrString;
        node.types = Types::of_format(Format::IntOrString);
    }
    if let Some(props) = json.get("properties").and_then(Value::as_object) {
        node.properties = props
            .iter()
            .map(|(k, v)| (k.as_str().into(), custom(schema, v, role)))
            .collect();
    }
    if flag("x-kubernetes-embedded-resource") {
        embed_resource_fields(schema, &mut node);
    }
    if let Some(items) = json.get("items") {
        node.items = Some(custom(schema, items, role));
    }
    node.extra = match json.get("additionalProperties") {
        Some(extra @ Value::Object(_)) => Extra::Schema(custom(schema, extra, role)),
        Some(Value::Bool(true)) => Extra::Any,
        _ if flag("x-kubernetes-preserve-unknown-fields") || role == Role::Value => Extra::Any,
        // Only an object's fields can be unknown; a node of another type, or of none
        // (any JSON), holds no declared structure to hold them to.
        _ if !node.types.contains(Types::OBJECT) => Extra::Any,
        _ => Extra::Forbid,
    };
    node.checks = checks(schema, json);
    schema.push(node)
}

/// `apiVersion`, `kind` and `metadata`, which an embedded resource may always carry.
fn embed_resource_fields(schema: &mut Schema, node: &mut Node) {
    for field in ["apiVersion", "kind", "metadata"] {
        if !node.properties.iter().any(|(k, _)| &**k == field) {
            let any = schema.push(Node::default());
            node.properties.push((field.into(), any));
        }
    }
}

fn checks(schema: &mut Schema, json: &Value) -> Option<Box<Checks>> {
    let number = |key: &str| json.get(key).and_then(Value::as_f64);
    let count = |key: &str| {
        json.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let flag = |key: &str| json.get(key).and_then(Value::as_bool) == Some(true);
    let mut branches = |key: &str| -> Vec<NodeId> {
        json.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|b| custom(schema, b, Role::Value))
            .collect()
    };
    let all_of = branches("allOf");
    let any_of = branches("anyOf");
    let one_of = branches("oneOf");
    let not = json.get("not").map(|n| custom(schema, n, Role::Value));
    let checks = Checks {
        minimum: number("minimum").map(|m| (m, flag("exclusiveMinimum"))),
        maximum: number("maximum").map(|m| (m, flag("exclusiveMaximum"))),
        min_length: count("minLength"),
        max_length: count("maxLength"),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        min_properties: count("minProperties"),
        max_properties: count("maxProperties"),
        // A pattern Rust's regex cannot compile (look-around) is skipped, not guessed at.
        pattern: json
            .get("pattern")
            .and_then(Value::as_str)
            .and_then(|p| regex::Regex::new(p).ok()),
        all_of,
        any_of,
        one_of,
        not,
    };
    let empty = checks.minimum.is_none()
        && checks.maximum.is_none()
        && checks.min_length.is_none()
        && checks.max_length.is_none()
        && checks.min_items.is_none()
        && checks.max_items.is_none()
        && checks.min_properties.is_none()
        && checks.max_properties.is_none()
        && checks.pattern.is_none()
        && checks.all_of.is_empty()
        && checks.any_of.is_empty()
        && checks.one_of.is_empty()
        && checks.not.is_none();
    (!empty).then(|| Box::new(checks))
}
