//! YAML with source positions.
//!
//! shipshape promises that every bad input is reported with its file, line and column.
//! Generic YAML libraries either drop positions after parsing or only keep them for
//! syntax errors, so this crate parses into a small spanned tree ([`Node`]), deserializes
//! typed values from that tree with serde while keeping the position of every failure
//! ([`from_node`]), and renders located [`Diagnostic`]s. Emission of output YAML goes
//! through [`to_yaml_string`], which quotes everything a YAML 1.1 reader (kubectl) could
//! misread.

mod de;
mod diagnostic;
mod emit;
mod excerpt;
mod limits;
mod parse;
mod tree;

pub use de::{Error, from_node};
pub use diagnostic::{Diagnostic, Diagnostics, Location, SourceFile};
pub use emit::to_yaml_string;
pub use excerpt::{CutLine, SNIPPET_WIDTH, cut_line};
pub use limits::{MAX_DEPTH, STRING_BYTES_PER_NODE};
pub use parse::{Document, Stream, parse_documents, parse_single, parse_stream, parse_stream_each};
pub use tree::{Entry, Map, Node, PathSegment, Span, Value};
