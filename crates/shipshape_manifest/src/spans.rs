//! Where the fields of an object read from a file were written, kept beside its JSON
//! value as a compact table rather than as a second tree.
//!
//! The model holds every object once, as JSON. Keeping the spanned YAML tree as well
//! doubled the memory of a large input (a node of the tree and its JSON copy cost about
//! the same), while only a finding's location ever reads it. The table keeps what
//! locations need, twenty bytes per node: the line and column of the node's key and of
//! its value, and the size of its subtree so a walk can step over siblings.

use std::sync::Arc;

use serde_json::Value as Json;
use shipshape_yaml::{Entry, Map, Node, Span, Value};

/// A 1-based line and column; line 0 for a node that was not written (an `apiVersion`
/// an item inherits from its typed list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Pos {
    line: u32,
    column: u32,
}

impl Pos {
    fn of(span: Span) -> Pos {
        // Lines and columns past 4 billion saturate; no file this tool reads has them.
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Pos {
            line: narrow(span.line),
            column: narrow(span.column),
        }
    }

    fn written(self) -> bool {
        self.line != 0
    }

    fn span(self) -> Span {
        Span {
            start: 0,
            end: 0,
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// One node of an object, in the pre-order of its JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    /// Where the node is named: a mapping entry's key; for a list item or the root, the
    /// node itself.
    key: Pos,
    /// Where the node's value starts.
    value: Pos,
    /// How many places its subtree takes, itself included.
    size: u32,
}

/// Where each node of one object read from a file was written, in the order of the
/// object's JSON value, which it must be read beside.
#[derive(Debug, Clone, PartialEq)]
pub struct Spans {
    places: Arc<[Place]>,
}

/// Turns a spanned tree into its JSON value and the table of where its nodes were
/// written, moving the strings rather than copying them.
pub(crate) fn split(node: Node) -> (Json, Spans) {
    let mut places = Vec::new();
    let key = Pos::of(node.span);
    let value = convert(node, key, &mut places);
    let spans = Spans {
        places: places.into(),
    };
    (value, spans)
}

fn convert(node: Node, key: Pos, places: &mut Vec<Place>) -> Json {
    let at = places.len();
    places.push(Place {
        key,
        value: Pos::of(node.span),
        size: 1,
    });
    let json = match node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Int(i) => Json::from(i),
        Value::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s),
        Value::Seq(items) => items
            .into_iter()
            .map(|item| {
                let key = Pos::of(item.span);
                convert(item, key, places)
            })
            .collect(),
        Value::Map(map) => Json::Object(
            map.entries
                .into_iter()
                .map(|entry| {
                    let value = convert(entry.value, Pos::of(entry.key_span), places);
                    (entry.key, value)
                })
                .collect(),
        ),
    };
    places[at].size = u32::try_from(places.len() - at).unwrap_or(u32::MAX);
    json
}

/// One step of a walk: the child of `value` that `token` names and its position among
/// `value`'s children. A token is a list index where `value` is a list (as the spanned
/// tree's paths read it), a key everywhere else.
fn step<'v>(value: &'v Json, token: &str) -> Option<(&'v Json, usize)> {
    match value {
        // serde_json's map has no lookup by position; a scan is cheap, since only a
        // finding's location walks here.
        Json::Object(map) => map
            .iter()
            .enumerate()
            .find_map(|(ordinal, (key, child))| (key == token).then_some((child, ordinal))),
        Json::Array(items) => {
            let ordinal: usize = token.parse().ok()?;
            Some((items.get(ordinal)?, ordinal))
        }
        _ => None,
    }
}

/// The tokens of a JSON pointer, unescaped.
fn tokens(pointer: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    pointer.split('/').skip(1).map(|token| {
        if token.contains('~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        }
    })
}

impl Spans {
    /// The place of child `ordinal` of the node at place `parent`; `None` past its last
    /// child (a field added after reading, such as a defaulted namespace).
    fn child(&self, parent: usize, ordinal: usize) -> Option<usize> {
        let end = parent + self.places.get(parent)?.size as usize;
        let mut at = parent + 1;
        for _ in 0..ordinal {
            at += self.places.get(at)?.size as usize;
        }
        (at < end).then_some(at)
    }

    /// The places along `pointer` in `value` (the object these spans belong to), from
    /// the root to the deepest step that was written, with the value there and whether
    /// every step was.
    fn walk<'v>(&self, value: &'v Json, pointer: &str) -> (usize, &'v Json, bool) {
        let (mut at, mut node) = (0, value);
        for token in tokens(pointer) {
            let next = step(node, &token).and_then(|(child, ordinal)| {
                let place = self.child(at, ordinal)?;
                self.places[place].key.written().then_some((place, child))
            });
            match next {
                Some((place, child)) => (at, node) = (place, child),
                None => return (at, node, false),
            }
        }
        (at, node, true)
    }

    /// Where the field at the JSON `pointer` of `value` was written: its key, else the
    /// key (or list item) of the deepest part of the path that was, so a missing
    /// `resources.limits` points at `resources:`.
    pub(crate) fn locate(&self, value: &Json, pointer: &str) -> Option<Span> {
        let (at, _, _) = self.walk(value, pointer);
        let key = self.places.get(at)?.key;
        key.written().then(|| key.span())
    }

    /// The field at `pointer` of `value` as the spanned tree it was read from, for
    /// reading it again with located errors; `None` when it was not written.
    pub(crate) fn node_at(&self, value: &Json, pointer: &str) -> Option<Node> {
        let (at, node, complete) = self.walk(value, pointer);
        complete.then(|| self.node(node, Some(at)))
    }

    /// `value` as a spanned node, with the spans of the subtree at `place` where there
    /// is one.
    fn node(&self, value: &Json, place: Option<usize>) -> Node {
        let span = place
            .and_then(|p| self.places.get(p))
            .map_or_else(Span::default, |p| p.value.span());
        let mut children = place.map(|p| (p + 1, p + self.places[p].size as usize));
        // The place of the next child, moving past it.
        let mut next = || {
            let (at, end) = children.as_mut()?;
            let place = (*at < *end).then_some(*at)?;
            *at += self.places[place].size as usize;
            Some(place)
        };
        let value = match value {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n
                .as_i64()
                .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
            Json::String(s) => Value::Str(s.clone()),
            Json::Array(items) => {
                Value::Seq(items.iter().map(|item| self.node(item, next())).collect())
            }
            Json::Object(map) => Value::Map(Map {
                entries: map
                    .iter()
                    .map(|(key, item)| {
                        let place = next();
                        Entry {
                            key: key.clone(),
                            key_span: place
                                .map_or_else(Span::default, |p| self.places[p].key.span()),
                            value: self.node(item, place),
                        }
                    })
                    .collect(),
            }),
        };
        Node { value, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "\
apiVersion: v1
kind: Service
metadata: { name: web, labels: {a: b} }
spec:
  ports:
    - port: 80
      name: http
    - port: 443
  selector:
    app.kubernetes.io/name: web
    \"x/y~z\": 1
";

    fn object() -> (Json, Spans) {
        split(shipshape_yaml::parse_single(OBJECT).unwrap())
    }

    fn at(spans: &Spans, value: &Json, pointer: &str) -> Option<(usize, usize)> {
        spans.locate(value, pointer).map(|s| (s.line, s.column))
    }

    #[test]
    fn split_gives_the_same_json_as_the_tree() {
        let tree = shipshape_yaml::parse_single(OBJECT).unwrap();
        let json = tree.to_json();
        assert_eq!(split(tree).0, json);
    }

    #[test]
    fn locates_keys_items_and_the_deepest_written_step() {
        let (value, spans) = object();
        assert_eq!(at(&spans, &value, ""), Some((1, 1)));
        assert_eq!(at(&spans, &value, "/kind"), Some((2, 1)));
        assert_eq!(at(&spans, &value, "/metadata/labels/a"), Some((3, 33)));
        assert_eq!(at(&spans, &value, "/spec/ports/1"), Some((8, 7)));
        assert_eq!(at(&spans, &value, "/spec/ports/0/name"), Some((7, 7)));
        assert_eq!(at(&spans, &value, "/spec/ports/2/port"), Some((5, 3)));
        assert_eq!(at(&spans, &value, "/spec/selector/x~1y~0z"), Some((11, 5)));
        assert_eq!(at(&spans, &value, "/spec/missing/deeper"), Some((4, 1)));
        assert_eq!(at(&spans, &value, "/kind/deeper"), Some((2, 1)));
    }

    #[test]
    fn fields_added_after_reading_are_not_located() {
        let (mut value, spans) = object();
        value["metadata"]["namespace"] = "default".into();
        assert_eq!(at(&spans, &value, "/metadata/namespace"), Some((3, 1)));
        assert!(spans.node_at(&value, "/metadata/namespace").is_none());
        let metadata = spans.node_at(&value, "/metadata").unwrap();
        let entry = metadata.as_map().unwrap().get_entry("namespace").unwrap();
        assert_eq!((entry.key_span.line, entry.value.span.line), (0, 0));
    }

    #[test]
    fn node_at_gives_back_the_spanned_tree() {
        let (value, spans) = object();
        let tree = shipshape_yaml::parse_single(OBJECT).unwrap();
        let ports = spans.node_at(&value, "/spec/ports").unwrap();
        let original = tree.get_path(&["spec".into(), "ports".into()]).unwrap();
        assert_eq!(ports.to_json(), original.to_json());
        let first = &ports.value;
        let Value::Seq(items) = first else {
            panic!("a list")
        };
        let port = items[0].as_map().unwrap().get_entry("port").unwrap();
        assert_eq!((port.key_span.line, port.key_span.column), (6, 7));
        assert_eq!((port.value.span.line, port.value.span.column), (6, 13));
        assert_eq!((items[1].span.line, items[1].span.column), (8, 7));
    }
}
