//! The compiled form of a schema: an arena of nodes that refer to each other by index,
//! so recursive definitions (JSONSchemaProps) and shared ones (ObjectMeta) cost nothing
//! to reference and the validator follows an index instead of resolving a `$ref`.

use regex::Regex;
use serde_json::Value;

use crate::format::Format;

/// Index of a [`Node`] in its [`Schema`].
pub(crate) type NodeId = u32;

/// JSON types a node accepts, as bits; `ANY` when the schema names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Types(u8);

impl Types {
    pub const ANY: Types = Types(0);
    pub const OBJECT: Types = Types(1);
    pub const ARRAY: Types = Types(2);
    pub const STRING: Types = Types(4);
    pub const INTEGER: Types = Types(8);
    pub const NUMBER: Types = Types(16);
    pub const BOOLEAN: Types = Types(32);

    /// The type named `name` in a schema (`"integer"`); `None` for unknown names.
    pub fn named(name: &str) -> Option<Types> {
        Some(match name {
            "object" => Types::OBJECT,
            "array" => Types::ARRAY,
            "string" => Types::STRING,
            "integer" => Types::INTEGER,
            "number" => Types::NUMBER,
            "boolean" => Types::BOOLEAN,
            _ => return None,
        })
    }

    pub fn with(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    pub fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_any(self) -> bool {
        self.0 == 0
    }

    /// Whether `value` is of one of these types. An integer is also a number, and a
    /// number with no fraction (`3.0`) is an integer, as JSON Schema and kubectl agree.
    pub fn admit(self, value: &Value) -> bool {
        if self.is_any() {
            return true;
        }
        let t = match value {
            Value::Object(_) => Types::OBJECT,
            Value::Array(_) => Types::ARRAY,
            Value::String(_) => Types::STRING,
            Value::Bool(_) => Types::BOOLEAN,
            Value::Number(n) if n.is_f64() => {
                let integral = n.as_f64().is_some_and(|f| f.fract() == 0.0);
                return self.contains(Types::NUMBER) || integral && self.contains(Types::INTEGER);
            }
            Value::Number(_) => {
                return self.contains(Types::INTEGER) || self.contains(Types::NUMBER);
            }
            Value::Null => return false,
        };
        self.contains(t)
    }

    /// The types a value of `format` has, for nodes whose schema names none.
    pub fn of_format(format: Format) -> Types {
        match format {
            Format::IntOrString | Format::PortOrName | Format::IntOrPercent => {
                Types::INTEGER.with(Types::STRING)
            }
            Format::Quantity => Types::STRING.with(Types::NUMBER),
            Format::Port | Format::Int32 | Format::Int64 => Types::INTEGER,
            Format::Byte | Format::DnsLabel | Format::IanaSvcName => Types::STRING,
            Format::Labels | Format::Annotations => Types::OBJECT,
            Format::None => Types::ANY,
        }
    }

    /// How messages name these types: "an integer or a string".
    pub fn describe(self) -> String {
        const NAMES: [(Types, &str); 6] = [
            (Types::OBJECT, "a mapping"),
            (Types::ARRAY, "a list"),
            (Types::STRING, "a string"),
            (Types::INTEGER, "an integer"),
            (Types::NUMBER, "a number"),
            (Types::BOOLEAN, "a boolean"),
        ];
        let names: Vec<&str> = NAMES
            .iter()
            .filter(|(t, _)| self.contains(*t))
            .map(|(_, n)| *n)
            .collect();
        match names.as_slice() {
            [] => "any value".to_owned(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        }
    }
}

/// What a mapping may hold besides its named properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Extra {
    /// Anything (free-form objects, `x-kubernetes-preserve-unknown-fields`).
    #[default]
    Any,
    /// Nothing: an unknown key is an error (strict validation).
    Forbid,
    /// Values of this schema (maps such as labels).
    Schema(NodeId),
}

/// One schema.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub types: Types,
    pub nullable: bool,
    pub format: Format,
    /// Named properties, sorted by name for binary search.
    pub properties: Vec<(Box<str>, NodeId)>,
    pub required: Vec<Box<str>>,
    pub extra: Extra,
    pub items: Option<NodeId>,
    /// Allowed values; for string enums an empty string is accepted too (see
    /// schemas/kubernetes/overlay.yaml) unless `strict_enum` is set (CRDs).
    pub enumeration: Option<Vec<Value>>,
    pub strict_enum: bool,
    /// Constraints only custom resource schemas use.
    pub checks: Option<Box<Checks>>,
}

/// The OpenAPI v3 keywords of CustomResourceDefinition schemas beyond the basics.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    pub minimum: Option<(f64, bool)>,
    pub maximum: Option<(f64, bool)>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
    pub pattern: Option<Regex>,
    pub all_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub not: Option<NodeId>,
}

impl Node {
    /// The schema of property `name`.
    pub fn property(&self, name: &str) -> Option<NodeId> {
        self.properties
            .binary_search_by(|(k, _)| k.as_ref().cmp(name))
            .ok()
            .map(|i| self.properties[i].1)
    }

    /// Sorts properties for [`Node::property`]; call once the node is built.
    pub fn seal(&mut self) {
        self.properties.sort_by(|a, b| a.0.cmp(&b.0));
    }
}

/// Nodes that refer to each other by [`NodeId`].
#[derive(Debug, Default)]
pub(crate) struct Schema {
    nodes: Vec<Node>,
}

impl Schema {
    /// Adds `node` and returns its id.
    pub fn push(&mut self, mut node: Node) -> NodeId {
        node.seal();
        let id = NodeId::try_from(self.nodes.len()).expect("fewer than 2^32 schema nodes");
        self.nodes.push(node);
        id
    }

    /// Replaces the placeholder at `id` (reserved so that others could refer to it).
    pub fn set(&mut self, id: NodeId, mut node: Node) {
        node.seal();
        self.nodes[id as usize] = node;
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }
}
