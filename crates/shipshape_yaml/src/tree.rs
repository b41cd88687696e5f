//! The spanned YAML tree.

use std::fmt;

/// A byte range in a source text together with the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (in characters) of `start`.
    pub column: usize,
}

impl Span {
    /// The smallest span covering both `self` and `other`.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end.max(self.end),
            line: self.line,
            column: self.column,
        }
    }
}

/// A YAML node: a value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value, with scalars resolved by the YAML 1.2 core schema.
    pub value: Value,
    /// Where the node was written.
    pub span: Span,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string (any quoted scalar, or a plain scalar that is not another type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Map),
}

impl Value {
    /// A short noun for messages: "a string", "a mapping"...
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as text (non-string scalar keys keep their source spelling).
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// A mapping that keeps source order; keys are unique (the parser rejects duplicates).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    /// The entries in source order.
    pub entries: Vec<Entry>,
}

impl Map {
    /// The entry for `key`.
    #[must_use]
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The value for `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &e.value)
    }

    /// The value for `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.value)
    }

    /// Removes `key` and returns its entry.
    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let at = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(at))
    }
}

/// One step of a path into a tree: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        PathSegment::Key(key.to_owned())
    }
}

impl From<String> for PathSegment {
    fn from(key: String) -> Self {
        PathSegment::Key(key)
    }
}

impl From<&String> for PathSegment {
    fn from(key: &String) -> Self {
        PathSegment::Key(key.clone())
    }
}

impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        PathSegment::Index(index)
    }
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Key(k) => f.write_str(k),
            PathSegment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

impl Node {
    /// A node with no position, for values built in code.
    #[must_use]
    pub fn synthetic(value: Value) -> Node {
        Node {
            value,
            span: Span::default(),
        }
    }

    /// The mapping inside this node, if it is one.
    #[must_use]
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string inside this node, if it is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The node at `path`, or `None` when some step does not exist.
    #[must_use]
    pub fn get_path(&self, path: &[PathSegment]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            node = match (seg, &node.value) {
                (PathSegment::Key(k), Value::Map(m)) => m.get(k)?,
                (PathSegment::Index(i), Value::Seq(s)) => s.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// `path` as the text writes it: a key step that meets a list becomes the index of
    /// the item spelled as that key. A spec may write a map of names as a list of them
    /// (`needs: [db]` for `needs: {db: }`), and `needs.db` should find the item `db`.
    #[must_use]
    pub fn written_path(&self, path: &[PathSegment]) -> Vec<PathSegment> {
        let mut node = Some(self);
        path.iter()
            .map(|seg| {
                let step = match (seg, node.map(|n| &n.value)) {
                    (PathSegment::Key(k), Some(Value::Seq(items))) => items
                        .iter()
                        .position(|i| i.as_str() == Some(k))
                        .map_or_else(|| seg.clone(), PathSegment::Index),
                    _ => seg.clone(),
                };
                node = node.and_then(|n| n.get_path(std::slice::from_ref(&step)));
                step
            })
            .collect()
    }

    /// The best span for `path`: the span of the deepest existing node on the way; for a
    /// path that ends at a mapping key, the key itself when `prefer_key` is set.
    #[must_use]
    pub fn span_of(&self, path: &[PathSegment], prefer_key: bool) -> Span {
        let mut node = self;
        let mut span = self.span;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            match (seg, &node.value) {
                (PathSegment::Key(k), Value::Map(m)) => match m.get_entry(k) {
                    Some(e) => {
                        span = if last && prefer_key {
                            e.key_span
                        } else {
                            e.value.span
                        };
                        node = &e.value;
                    }
                    None => return span,
                },
                (PathSegment::Index(i), Value::Seq(s)) => match s.get(*i) {
                    Some(n) => {
                        span = n.span;
                        node = n;
                    }
                    None => return span,
                },
                _ => return span,
            }
        }
        span
    }

    /// Converts to a JSON value (for schema-free consumers such as patches).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(m) => serde_json::Value::Object(
                m.entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}
