//! Patches on generated objects: well-formed JSON merge patches and JSON patches.

use serde_json::Value;

use super::{Known, exactly_one, under};
use crate::patches::Patch;
use crate::path;
use crate::problem::{Path, Problem};

/// The operations of RFC 6902.
const OPS: &[&str] = &["add", "remove", "replace", "move", "copy", "test"];

/// Every patch under `patches:`.
pub(super) fn check(patches: &[Patch], out: &mut Vec<Problem>) {
    for (i, p) in patches.iter().enumerate() {
        let at = path!["patches", i];
        let one = exactly_one(
            &at,
            "a patch",
            &[("merge", p.merge.is_some()), ("json", p.json.is_some())],
            out,
        );
        if let (true, Some(ops)) = (one, &p.json) {
            for (j, op) in ops.iter().enumerate() {
                check_op(op, &under!(at, "json", j), out);
            }
        }
    }
}

fn check_op(op: &Value, at: &Path, out: &mut Vec<Problem>) {
    let Some(fields) = op.as_object() else {
        out.push(
            Problem::new(at.clone(), "a JSON patch operation must be a mapping")
                .help("write `{op: replace, path: /spec/replicas, value: 3}`"),
        );
        return;
    };
    let name = match fields.get("op") {
        Some(Value::String(name)) => name.as_str(),
        _ => {
            out.push(
                Problem::new(at.clone(), "a JSON patch operation needs `op`")
                    .help(format!("add `op:` with one of {}", super::list(OPS))),
            );
            return;
        }
    };
    if let Some(p) =
        Known::fixed("a JSON patch operation", OPS.iter().copied()).check(under!(at, "op"), name)
    {
        out.push(p);
        return;
    }
    check_pointer(fields.get("path"), "path", at, out);
    match name {
        "move" | "copy" => check_pointer(fields.get("from"), "from", at, out),
        "add" | "replace" | "test" if !fields.contains_key("value") => out.push(
            Problem::new(at.clone(), format!("`{name}` needs `value`"))
                .help("add `value:` with the value to set"),
        ),
        _ => {}
    }
}

/// `key` must be a JSON pointer into the object: a string starting with `/`.
fn check_pointer(value: Option<&Value>, key: &str, at: &Path, out: &mut Vec<Problem>) {
    let example = "a JSON pointer such as `/spec/template/spec/containers/0/args`";
    let message = match value {
        Some(Value::String(p)) if p.starts_with('/') => return,
        Some(Value::String(p)) => format!("the JSON pointer `{p}` does not start with `/`"),
        Some(other) => format!("`{key}` must be a JSON pointer, not `{other}`"),
        None => {
            out.push(
                Problem::new(at.clone(), format!("a JSON patch operation needs `{key}`"))
                    .help(format!("add `{key}:` with {example}")),
            );
            return;
        }
    };
    out.push(Problem::new(under!(at, key), message).help(format!("write {example}")));
}
