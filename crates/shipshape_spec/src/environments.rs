//! Environment overlays: `environments: {prod: {...}}` changes any field of the base spec.
//!
//! Merging happens on the spanned tree, before deserialization, so a value that came from
//! an overlay is reported at its place in the overlay. Mappings merge key by key; lists
//! of mappings that all have a `name` merge item by item on that name; anything else is
//! replaced; `null` removes the key.

use shipshape_yaml::{Diagnostic, Map, Node, SourceFile, Value};

use crate::problem::{Problem, closest};

/// Named overlays, in source order.
pub type Overlays = Vec<(String, Node)>;

/// Takes `environments` out of the root, leaving the base spec.
pub fn split(mut root: Node) -> Result<(Node, Overlays), Problem> {
    let Value::Map(map) = &mut root.value else {
        return Err(Problem::new(
            vec![],
            "a spec must be a mapping with at least `name` and `components`",
        )
        .help("run `shipshape init` to write a commented starter spec"));
    };
    let Some(entry) = map.remove("environments") else {
        return Ok((root, Vec::new()));
    };
    let mut overlays = Vec::new();
    match entry.value.value {
        Value::Map(envs) => {
            for e in envs.entries {
                if !matches!(e.value.value, Value::Map(_) | Value::Null) {
                    return Err(Problem::new(
                        vec!["environments".into(), e.key.into()],
                        "an environment must be a mapping of the fields it changes",
                    ));
                }
                overlays.push((e.key, e.value));
            }
        }
        Value::Null => {}
        _ => {
            return Err(Problem::new(
                vec!["environments".into()],
                "`environments` must map names to overlays: `environments: {prod: {...}}`",
            ));
        }
    }
    Ok((root, overlays))
}

/// The diagnostic for an `--env` that the spec does not define.
pub fn unknown(wanted: &str, overlays: &Overlays, source: &SourceFile) -> Diagnostic {
    let names: Vec<&str> = overlays.iter().map(|(n, _)| n.as_str()).collect();
    let mut d = Diagnostic::new(format!(
        "environment `{wanted}` is not defined in {}",
        source.name()
    ));
    d = match (closest(wanted, names.iter().copied()), names.is_empty()) {
        (Some(s), _) => d.with_help(format!("did you mean `{s}`?")),
        (None, true) => d.with_help("the spec defines no `environments:`"),
        (None, false) => d.with_help(format!("defined environments: {}", names.join(", "))),
    };
    d
}

/// The base with `overlay` merged over it. An empty overlay (`staging:` with nothing
/// under it) changes nothing; merged as a value, its `null` would replace the whole spec.
#[must_use]
pub fn apply(base: &Node, overlay: &Node) -> Node {
    let mut out = base.clone();
    if overlay.value != Value::Null {
        merge(&mut out, overlay);
    }
    out
}

fn merge(target: &mut Node, overlay: &Node) {
    match (&mut target.value, &overlay.value) {
        (Value::Map(t), Value::Map(o)) => merge_maps(t, o),
        (Value::Seq(t), Value::Seq(o)) if all_named(t) && all_named(o) => {
            for item in o {
                let name = item_name(item);
                match t.iter_mut().find(|x| item_name(x) == name) {
                    Some(existing) => merge(existing, item),
                    None => t.push(item.clone()),
                }
            }
        }
        _ => *target = overlay.clone(),
    }
}

fn merge_maps(target: &mut Map, overlay: &Map) {
    for e in &overlay.entries {
        if e.value.value == Value::Null {
            target.remove(&e.key);
            continue;
        }
        match target.get_mut(&e.key) {
            Some(existing) => merge(existing, &e.value),
            None => target.entries.push(e.clone()),
        }
    }
}

fn item_name(node: &Node) -> Option<&str> {
    node.as_map()?.get("name")?.as_str()
}

fn all_named(items: &[Node]) -> bool {
    !items.is_empty() && items.iter().all(|i| item_name(i).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_yaml::parse_single;

    #[test]
    fn merges_maps_and_named_lists_and_deletes_with_null() {
        let base = parse_single(
            "a: {x: 1, y: 2}\nl: [{name: p, v: 1}, {name: q, v: 2}]\ns: [1, 2]\nz: 3\n",
        )
        .unwrap();
        let overlay =
            parse_single("a: {y: 20}\nl: [{name: q, v: 3}, {name: r}]\ns: [9]\nz: null\n").unwrap();
        let merged = apply(&base, &overlay);
        assert_eq!(
            merged.to_json(),
            serde_json::json!({
                "a": {"x": 1, "y": 20},
                "l": [{"name": "p", "v": 1}, {"name": "q", "v": 3}, {"name": "r"}],
                "s": [9]
            })
        );
        let y = merged.get_path(&["a".into(), "y".into()]).unwrap();
        assert_eq!(y.span.line, 1, "overlay values keep their own positions");
    }

    #[test]
    fn an_empty_overlay_changes_nothing() {
        let base = parse_single("a: 1\n").unwrap();
        let empty = parse_single("~").unwrap();
        assert_eq!(apply(&base, &empty), base);
    }
}
