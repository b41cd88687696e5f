//! Builds the spanned tree from saphyr-parser's event stream.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as RawSpan};

use crate::de::Error;
use crate::limits::{Expansion, MAX_DEPTH, too_deep};
use crate::tree::{Entry, Map, Node, Span, Value};

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The root node (`Null` for an empty document).
    pub root: Node,
}

/// Parses a stream that must hold exactly one document (an empty text is one null document).
///
/// # Errors
/// A syntax error, a duplicate key, or a second document, with its position.
pub fn parse_single(text: &str) -> Result<Node, Error> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        0 => Ok(Node::synthetic(Value::Null)),
        1 => Ok(docs.remove(0).root),
        _ => Err(Error::at(
            "this file holds more than one YAML document",
            docs[1].root.span,
        )
        .with_help("a shipshape spec is a single document: remove the `---` separator")),
    }
}

/// Parses every document of a YAML stream.
///
/// # Errors
/// A syntax error or a duplicate key, with its position.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, Error> {
    let mut docs = Vec::new();
    let mut keep = |doc| docs.push(doc);
    Builder::new(text, 0, 0, &mut keep).run()?;
    Ok(docs)
}

/// The documents of a YAML stream that parse, and an error for each one that does not.
#[derive(Debug, Default)]
pub struct Stream {
    /// The documents that parsed, in order.
    pub documents: Vec<Document>,
    /// One error per document that did not, in order.
    pub errors: Vec<Error>,
}

/// Parses every document of a YAML stream, going on after a broken one: one bad document
/// in a stream of many (a rendered chart, a `kubectl get -o yaml` dump) must not hide
/// the others. After an error, parsing starts again at the next `---` line at or after
/// the error's line, so the broken document costs one error, not a cascade.
#[must_use]
pub fn parse_stream(text: &str) -> Stream {
    let mut documents = Vec::new();
    let errors = parse_stream_each(text, &mut |doc| documents.push(doc));
    Stream { documents, errors }
}

/// [`parse_stream`], handing each document to `each` as soon as it is complete and
/// returning the errors: a reader that turns documents into something smaller (the
/// manifest loader) then never holds the trees of the whole stream at once.
pub fn parse_stream_each(text: &str, each: &mut dyn FnMut(Document)) -> Vec<Error> {
    let mut errors = Vec::new();
    let (mut byte, mut lines_before) = (0, 0);
    loop {
        let outcome = Builder::new(&text[byte..], byte, lines_before, each).run();
        let Err(error) = outcome else {
            return errors;
        };
        let at = error.span().map_or(text.len(), |s| s.start.min(text.len()));
        errors.push(error);
        let Some(next) = next_document_start(text, at, byte) else {
            return errors;
        };
        lines_before += text[byte..next].matches('\n').count();
        byte = next;
    }
}

/// The byte offset of the first `---` line that starts at or after the line holding
/// `at` and after `after` (so that parsing always moves on).
fn next_document_start(text: &str, at: usize, after: usize) -> Option<usize> {
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    while start < text.len() {
        let line = &text[start..];
        let is_marker = line
            .strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']));
        if is_marker && start > after {
            return Some(start);
        }
        start += line.find('\n')? + 1;
    }
    None
}

/// A collection still open; `slot` is the index it will take in its parent.
enum Frame {
    Seq {
        start: Span,
        items: Vec<Node>,
        anchor: usize,
        slot: usize,
    },
    Map {
        start: Span,
        map: Map,
        /// The key read, waiting for its value.
        pending_key: Option<(String, Span)>,
        /// The keys so far, once there are many of them.
        index: KeyIndex,
        anchor: usize,
        slot: usize,
    },
}

impl Frame {
    fn slot(&self) -> usize {
        match self {
            Frame::Seq { slot, .. } | Frame::Map { slot, .. } => *slot,
        }
    }

    /// The finished child at `slot` (an item, or a mapping's value).
    fn child(&self, slot: usize) -> Option<&Node> {
        match self {
            Frame::Seq { items, .. } => items.get(slot),
            Frame::Map { map, .. } => map.entries.get(slot).map(|e| &e.value),
        }
    }

    /// The slot the next node pushed into this frame takes, or `None` for a mapping key.
    fn next_slot(&self) -> Option<usize> {
        match self {
            Frame::Seq { items, .. } => Some(items.len()),
            Frame::Map {
                map, pending_key, ..
            } => pending_key.as_ref().map(|_| map.entries.len()),
        }
    }
}

/// Where an anchored node is, so an alias can copy it. Collections are found again by
/// their position rather than copied when anchored: copying every anchored node would
/// cost the square of the nesting when anchors nest.
enum Anchored {
    /// A scalar or a mapping key, kept as a copy.
    Copy(Node),
    /// A collection: the child slots from the document's root.
    At(Vec<usize>),
}

struct Builder<'a, 's> {
    text: &'a str,
    /// Where `text` starts in the whole stream, so spans point into the stream.
    base_byte: usize,
    base_line: usize,
    /// Byte offset of every char, present only when the text is not ASCII.
    char_to_byte: Option<Vec<usize>>,
    stack: Vec<Frame>,
    /// The anchors of the document being read: as in go-yaml (and so kubectl), an
    /// alias names an anchor of its own document only.
    anchors: HashMap<usize, Anchored>,
    expansion: Expansion,
    /// Where each complete document goes.
    sink: &'s mut dyn FnMut(Document),
    root: Option<Node>,
}

impl<'a, 's> Builder<'a, 's> {
    fn new(
        text: &'a str,
        base_byte: usize,
        base_line: usize,
        sink: &'s mut dyn FnMut(Document),
    ) -> Self {
        let char_to_byte = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            v
        });
        Builder {
            text,
            base_byte,
            base_line,
            char_to_byte,
            stack: Vec::new(),
            anchors: HashMap::new(),
            expansion: Expansion::default(),
            sink,
            root: None,
        }
    }

    /// The byte offset in the whole stream of the char at `char_index` of `text`.
    fn byte(&self, char_index: usize) -> usize {
        self.base_byte
            + match &self.char_to_byte {
                None => char_index.min(self.text.len()),
                Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
            }
    }

    fn marker_span(&self, m: &Marker) -> Span {
        let b = self.byte(m.index());
        Span {
            start: b,
            end: b,
            line: m.line() + self.base_line,
            column: m.col() + 1,
        }
    }

    fn span(&self, raw: &RawSpan) -> Span {
        let start = self.marker_span(&raw.start);
        let end = self.byte(raw.end.index()).max(start.start);
        Span { end, ..start }
    }

    /// Builds the documents into `docs` until the end of the text or the first error.
    fn run(&mut self) -> Result<(), Error> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(next) = parser.next_event() {
            let (event, raw) = next.map_err(|e| {
                Error::at(
                    format!("invalid YAML: {}", e.info()),
                    self.marker_span(e.marker()),
                )
            })?;
            let span = self.span(&raw);
            match event {
                Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    self.root = None;
                    self.anchors.clear();
                    self.expansion = Expansion::default();
                }
                Event::DocumentEnd => {
                    let root = self
                        .root
                        .take()
                        .unwrap_or_else(|| Node::synthetic(Value::Null));
                    (self.sink)(Document { root });
                }
                Event::Alias(id) => {
                    let target = self.anchored(id).ok_or_else(|| {
                        Error::at("this alias names an anchor that is not defined", span)
                    })?;
                    let mut expansion = self.expansion;
                    expansion.alias(target, span)?;
                    let value = target.value.clone();
                    self.expansion = expansion;
                    self.push_node(Node { value, span })?;
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let forced_str = tag
                        .as_ref()
                        .is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                    let value = if style == ScalarStyle::Plain && !forced_str {
                        resolve_plain(&text)
                    } else {
                        Value::Str(text.into_owned())
                    };
                    let node = Node { value, span };
                    self.expansion.written(&node);
                    if anchor > 0 {
                        self.anchors.insert(anchor, Anchored::Copy(node.clone()));
                    }
                    self.push_node(node)?;
                }
                Event::SequenceStart(anchor, _) => {
                    let slot = self.open(span)?;
                    self.stack.push(Frame::Seq {
                        start: span,
                        items: Vec::new(),
                        anchor,
                        slot,
                    });
                }
                Event::MappingStart(anchor, _) => {
                    let slot = self.open(span)?;
                    self.stack.push(Frame::Map {
                        start: span,
                        map: Map::default(),
                        pending_key: None,
                        index: KeyIndex::default(),
                        anchor,
                        slot,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (value, start, anchor) = match self.stack.pop() {
                        Some(Frame::Seq {
                            start,
                            items,
                            anchor,
                            ..
                        }) => (Value::Seq(items), start, anchor),
                        Some(Frame::Map {
                            start, map, anchor, ..
                        }) => (Value::Map(map), start, anchor),
                        None => continue,
                    };
                    let node = Node {
                        value,
                        span: start.to(span),
                    };
                    self.expansion.written(&node);
                    if anchor > 0 {
                        let site = self.site_of_next(&node);
                        self.anchors.insert(anchor, site);
                    }
                    self.push_node(node)?;
                }
            }
        }
        Ok(())
    }

    /// Checks that a collection may open at the current depth, and returns the slot it
    /// will take in its parent: none for a mapping key (refused once complete, but
    /// anchors inside it may be aliased before that), the root's 0 for the root.
    fn open(&self, span: Span) -> Result<usize, Error> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(span));
        }
        Ok(match self.stack.last() {
            None => 0,
            Some(top) => top.next_slot().unwrap_or(usize::MAX),
        })
    }

    /// Where `node`, about to be pushed, can be found again.
    fn site_of_next(&self, node: &Node) -> Anchored {
        let Some(top) = self.stack.last() else {
            return Anchored::At(Vec::new());
        };
        match top.next_slot() {
            Some(slot) => {
                let mut path: Vec<usize> = self.stack[1..].iter().map(Frame::slot).collect();
                path.push(slot);
                Anchored::At(path)
            }
            None => Anchored::Copy(node.clone()),
        }
    }

    /// The node anchor `id` names, wherever it is now.
    fn anchored(&self, id: usize) -> Option<&Node> {
        let path = match self.anchors.get(&id)? {
            Anchored::Copy(node) => return Some(node),
            Anchored::At(path) => path.as_slice(),
        };
        if self.stack.is_empty() {
            return descend(self.root.as_ref()?, path);
        }
        // The frames still open that lead to the node are the first ones of the stack.
        let mut depth = 0;
        while depth + 1 < self.stack.len() && path.get(depth) == Some(&self.stack[depth + 1].slot())
        {
            depth += 1;
        }
        let child = self.stack[depth].child(*path.get(depth)?)?;
        descend(child, &path[depth + 1..])
    }

    fn push_node(&mut self, node: Node) -> Result<(), Error> {
        let at_root = self.stack.len() == 1;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                map,
                pending_key,
                index,
                ..
            }) => match pending_key.take() {
                None => {
                    let key_text = match node.value {
                        Value::Str(s) => s,
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(Error::at(
                                "a mapping key must be a plain value, not a list or mapping",
                                node.span,
                            ));
                        }
                    };
                    *pending_key = Some((key_text, node.span));
                }
                Some((key_text, key_span)) => {
                    if let Some(first) = index.find(map, &key_text) {
                        if at_root && starts_object(map, &key_text) {
                            return Err(Error::at(
                                format!("two objects without `---` between them: add `---` before line {}", key_span.line),
                                key_span,
                            )
                            .with_help(format!(
                                "`{key_text}` is already set on line {}: each Kubernetes object is a YAML document of its own, and a line `---` separates it from the one before",
                                map.entries[first].key_span.line
                            )));
                        }
                        return Err(Error::at(format!("duplicate key `{key_text}`"), key_span)
                            .with_help(format!(
                                "`{key_text}` is already set on line {}; keep one of them",
                                map.entries[first].key_span.line
                            )));
                    }
                    map.entries.push(Entry {
                        key: key_text,
                        key_span,
                        value: node,
                    });
                    index.added(map);
                }
            },
        }
        Ok(())
    }
}

/// Whether a second `key` in a document's root mapping `map` is where a second object
/// starts: the mapping already names an object's `apiVersion` or `kind`, and `key` is
/// one an object starts with. A forgotten `---` reads as such a duplicate.
fn starts_object(map: &Map, key: &str) -> bool {
    let named = map
        .entries
        .iter()
        .any(|e| e.key == "apiVersion" || e.key == "kind");
    named && matches!(key, "apiVersion" | "kind" | "metadata")
}

/// Finds a mapping's keys for the duplicate check: by a scan while the mapping is small,
/// as nearly all are, and by a hash from [`KeyIndex::FROM`] keys on, so a mapping of
/// 100,000 keys costs 100,000 lookups rather than five billion comparisons.
#[derive(Default)]
struct KeyIndex {
    positions: HashMap<String, usize>,
}

impl KeyIndex {
    const FROM: usize = 32;

    /// The position of `key` among `map`'s entries.
    fn find(&self, map: &Map, key: &str) -> Option<usize> {
        if map.entries.len() < Self::FROM {
            map.entries.iter().position(|e| e.key == key)
        } else {
            self.positions.get(key).copied()
        }
    }

    /// Takes note of the entry just added to `map`.
    fn added(&mut self, map: &Map) {
        let count = map.entries.len();
        if count == Self::FROM {
            self.positions = map
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
        } else if count > Self::FROM {
            self.positions
                .insert(map.entries[count - 1].key.clone(), count - 1);
        }
    }
}

/// The node at child slots `path` below `node`.
fn descend<'n>(mut node: &'n Node, path: &[usize]) -> Option<&'n Node> {
    for &slot in path {
        node = match &node.value {
            Value::Seq(items) => items.get(slot)?,
            Value::Map(map) => &map.entries.get(slot)?.value,
            _ => return None,
        };
    }
    Some(node)
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(i);
    }
    let bytes = text.as_bytes();
    let digits = bytes
        .strip_prefix(b"-")
        .or(bytes.strip_prefix(b"+"))
        .unwrap_or(bytes);
    if !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Int(i);
    }
    let looks_float = !digits.is_empty()
        && digits
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.iter().any(u8::is_ascii_digit);
    if looks_float && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f);
    }
    Value::Str(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PathSegment;

    #[test]
    fn resolves_core_schema_scalars() {
        assert_eq!(resolve_plain("12"), Value::Int(12));
        assert_eq!(resolve_plain("-3"), Value::Int(-3));
        assert_eq!(resolve_plain("1.5"), Value::Float(1.5));
        assert_eq!(resolve_plain("true"), Value::Bool(true));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
        assert_eq!(resolve_plain("500m"), Value::Str("500m".into()));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain("2..10"), Value::Str("2..10".into()));
    }

    #[test]
    fn keeps_positions_and_rejects_duplicates() {
        let node = parse_single("a: 1\nb:\n  c: [x, \"y\"]\n").unwrap();
        let c = node.get_path(&["b".into(), "c".into()]).unwrap();
        assert_eq!((c.span.line, c.span.column), (3, 6));
        let err = parse_single("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.span().map(|s| (s.line, s.column)), Some((2, 1)));
        assert!(err.to_string().contains("duplicate key `a`"));
    }

    #[test]
    fn a_stream_goes_on_after_a_broken_document() {
        let text = "a: 1\n---\nb: [1\nc: 2\n---\nd: \u{e9}\n---\ne: 1\ne: 2\n---\nf: 3\n";
        let stream = parse_stream(text);
        let roots: Vec<(String, usize, usize)> = stream
            .documents
            .iter()
            .map(|d| {
                let (key, value) = d
                    .root
                    .as_map()
                    .unwrap()
                    .entries
                    .first()
                    .map(|e| (e.key.clone(), &e.value))
                    .unwrap();
                (key, value.span.line, value.span.start)
            })
            .collect();
        // Spans point into the whole stream, past the broken documents.
        assert_eq!(
            roots,
            [
                ("a".into(), 1, 3),
                ("d".into(), 6, 27),
                ("f".into(), 11, 51)
            ]
        );
        assert_eq!(&text[51..52], "3");
        let errors: Vec<(String, usize, usize)> = stream
            .errors
            .iter()
            .map(|e| {
                (
                    e.message().to_owned(),
                    e.span().unwrap().line,
                    e.span().unwrap().column,
                )
            })
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].0.starts_with("invalid YAML: "), "{errors:?}");
        assert_eq!((errors[0].1, errors[0].2), (4, 2));
        assert_eq!(errors[1], ("duplicate key `e`".into(), 9, 1));
    }

    #[test]
    fn a_stream_whose_last_document_is_broken_keeps_the_ones_before() {
        let stream = parse_stream("a: 1\n---\nb: {\n");
        assert_eq!(stream.documents.len(), 1);
        assert_eq!(stream.errors.len(), 1);
        assert!(parse_documents("a: 1\n---\nb: {\n").is_err());
    }

    #[test]
    fn a_missing_document_separator_is_named() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\napiVersion: v1\nkind: Secret\n";
        let err = parse_documents(text).unwrap_err();
        assert_eq!(
            err.message(),
            "two objects without `---` between them: add `---` before line 4"
        );
        assert_eq!(err.span().map(|s| (s.line, s.column)), Some((4, 1)));
        assert_eq!(
            err.help(),
            Some(
                "`apiVersion` is already set on line 1: each Kubernetes object is a YAML document of its own, and a line `---` separates it from the one before"
            )
        );
        // Only at a document's root, and only for the keys an object starts with.
        let nested = "apiVersion: v1\nkind: List\nitems:\n  - kind: A\n    kind: B\n";
        assert_eq!(
            parse_documents(nested).unwrap_err().message(),
            "duplicate key `kind`"
        );
        let plain = "apiVersion: v1\nkind: A\ndata: 1\ndata: 2\n";
        assert_eq!(
            parse_documents(plain).unwrap_err().message(),
            "duplicate key `data`"
        );
        let not_an_object = "metadata: 1\nmetadata: 2\n";
        assert_eq!(
            parse_documents(not_an_object).unwrap_err().message(),
            "duplicate key `metadata`"
        );
    }

    #[test]
    fn duplicates_in_a_large_mapping_are_found_by_their_index() {
        let keys: String = (0..2_000).map(|i| format!("k{i}: v\n")).collect();
        let node = parse_single(&keys).unwrap();
        assert_eq!(node.as_map().unwrap().entries.len(), 2_000);
        for (dup, line) in [("k3", 4), ("k31", 32), ("k32", 33), ("k1999", 2_000)] {
            let err = parse_single(&format!("{keys}{dup}: again\n")).unwrap_err();
            let span = err.span().unwrap();
            assert_eq!((span.line, span.column), (2_001, 1));
            assert_eq!(err.message(), format!("duplicate key `{dup}`"));
            assert_eq!(
                err.help(),
                Some(format!("`{dup}` is already set on line {line}; keep one of them").as_str())
            );
        }
    }

    #[test]
    fn a_key_step_into_a_list_finds_the_item_spelled_as_the_key() {
        let node = parse_single("needs: [db, cache]\nports: { http: 80 }\n").unwrap();
        let written = |path: &[&str]| {
            let path: Vec<PathSegment> = path.iter().map(|k| (*k).into()).collect();
            node.written_path(&path)
        };
        assert_eq!(
            written(&["needs", "cache"]),
            [PathSegment::from("needs"), PathSegment::Index(1)]
        );
        assert_eq!(
            written(&["needs", "queue"]),
            [PathSegment::from("needs"), PathSegment::from("queue")]
        );
        assert_eq!(
            written(&["ports", "http"]),
            [PathSegment::from("ports"), PathSegment::from("http")]
        );
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "name: café\nport: x\n";
        let node = parse_single(text).unwrap();
        let port = node.get_path(&["port".into()]).unwrap();
        assert_eq!(&text[port.span.start..port.span.end], "x");
    }

    /// The classic bomb: nine levels of nine aliases, 9^9 (387 million) strings.
    const BILLION_LAUGHS: &str = "\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
";

    #[test]
    fn a_billion_laughs_stop_at_the_alias_that_crosses_the_bound() {
        let started = std::time::Instant::now();
        let err = parse_documents(BILLION_LAUGHS).unwrap_err();
        let span = err.span().unwrap();
        // The fifth `*c` of line 4: the text writes 38 nodes, so at most 3762 may be copies.
        assert_eq!((span.line, span.column), (4, 20));
        assert_eq!(&BILLION_LAUGHS[span.start..span.end], "*c");
        assert_eq!(
            err.message(),
            "excessive aliasing: with this alias, 3763 of the document's 3801 nodes \
             would be copies made by aliases"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn aliases_find_their_anchors_in_open_and_closed_collections() {
        let text = "\
a: &x {k: [1, &y [2, 3]]}
b: [&z {m: 1}, *z, *y]
c: *x
d: &s str
e: *s
";
        let docs = parse_documents(text).unwrap();
        let json = docs[0].root.to_json();
        assert_eq!(
            json,
            serde_json::json!({
                "a": {"k": [1, [2, 3]]},
                "b": [{"m": 1}, {"m": 1}, [2, 3]],
                "c": {"k": [1, [2, 3]]},
                "d": "str",
                "e": "str",
            })
        );
        let c = docs[0].root.get_path(&["c".into()]).unwrap();
        assert_eq!((c.span.line, c.span.column), (3, 4));
        // A list as a key is refused as soon as it is complete, aliases inside or not.
        for text in [
            "x: [9]\n? [&a [1], *a]\n: *a\n",
            "x: [9]\n? [&a [1]]\n: v\n",
        ] {
            let err = parse_single(text).unwrap_err();
            let span = err.span().unwrap();
            assert_eq!((span.line, span.column), (2, 3), "{text}");
            assert_eq!(
                err.message(),
                "a mapping key must be a plain value, not a list or mapping"
            );
        }
    }

    #[test]
    fn an_alias_names_an_anchor_of_its_own_document_only() {
        // As go-yaml (and so kubectl) reads a stream: each document afresh.
        let text = "a: &x 1\n---\nb: *x\n";
        let err = parse_documents(text).unwrap_err();
        let span = err.span().unwrap();
        assert_eq!((span.line, span.column), (3, 4));
        assert_eq!(
            err.message(),
            "this alias names an anchor that is not defined"
        );
        let mut seen = Vec::new();
        let errors = parse_stream_each("a: &x 1\nb: *x\n---\nc: 2\n", &mut |doc| {
            seen.push(doc.root.to_json());
        });
        assert!(errors.is_empty());
        assert_eq!(
            seen,
            [
                serde_json::json!({"a": 1, "b": 1}),
                serde_json::json!({"c": 2})
            ]
        );
    }

    #[test]
    fn each_document_counts_its_own_aliases() {
        // As go-yaml, which decodes each document afresh: nodes written in one document
        // buy no copies in the next.
        let plain = format!("[{}]\n", vec!["x"; 100_000].join(", "));
        let stream = format!("{plain}---\n{BILLION_LAUGHS}");
        let err = parse_documents(&stream).unwrap_err();
        let span = err.span().unwrap();
        assert_eq!((span.line, span.column), (6, 20));
        assert!(err.message().contains("3763 of the document's 3801 nodes"));
    }

    #[test]
    fn nesting_is_bounded() {
        // Block collections: saphyr-parser itself stops flow ones at 255 levels.
        let deep = format!("{}x\n", "- ".repeat(MAX_DEPTH));
        let mut node = &parse_single(&deep).unwrap();
        for _ in 0..MAX_DEPTH {
            let Value::Seq(items) = &node.value else {
                panic!("a list at every level")
            };
            node = &items[0];
        }
        assert_eq!(node.as_str(), Some("x"));
        let deeper = format!("a:\n  {}x\n", "- ".repeat(MAX_DEPTH + 1));
        let err = parse_single(&deeper).unwrap_err();
        let span = err.span().unwrap();
        assert_eq!((span.line, span.column), (2, 2 * MAX_DEPTH + 1));
        assert_eq!(
            err.message(),
            "this collection nests deeper than 1000 levels"
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse_single("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.span().is_some());
        assert!(err.to_string().starts_with("invalid YAML"));
    }
}
