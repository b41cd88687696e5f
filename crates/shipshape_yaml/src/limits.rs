//! The bounds on what one YAML document may make the parser build.
//!
//! An alias repeats the node its anchor names, and aliases that name nodes full of
//! aliases multiply: ten short lines (a "billion laughs" document) describe 10^9 nodes.
//! The tree is built eagerly, so an unbounded expansion runs until memory is gone. The
//! rule for how much may come from aliases is go-yaml v3's (which `kubectl` and the API
//! server read YAML with), so a document kubectl takes is taken here too: past 100
//! copied nodes and 1,000 nodes in all, at most 99 % of a document of up to 400,000
//! nodes may be copies, a share that falls evenly to 10 % at 4,000,000 nodes and stays
//! there. go-yaml shares strings between copies; this tree copies them, so a string
//! weighs one node per [`STRING_BYTES_PER_NODE`] bytes as well.
//!
//! Nesting is bounded too ([`MAX_DEPTH`]): everything downstream (serde, the conversion
//! to JSON, dropping the tree) walks it recursively, and a document of a million `[`
//! would overflow the stack instead of getting an error.

use crate::de::Error;
use crate::tree::{Node, Span, Value};

/// How deep collections may nest. go-yaml v3 stops at 10,000; real manifests and specs
/// stay under 30 (a CRD's schema, the deepest, under 60), and 10,000 levels of the
/// recursive walks downstream do not fit a 2 MiB thread stack in a debug build.
pub const MAX_DEPTH: usize = 1_000;

/// The string bytes that weigh as much as one node when counting copies (a node of the
/// tree takes about this much memory).
pub const STRING_BYTES_PER_NODE: usize = 64;

/// Below this many copied nodes, aliases are never too many.
const MIN_ALIASED: u64 = 100;
/// Below this many nodes in all, aliases are never too many.
const MIN_DECODED: u64 = 1_000;
/// Up to this many nodes, 99 % may be copies.
const RATIO_RANGE_LOW: u64 = 400_000;
/// From this many nodes on, 10 % may be copies.
const RATIO_RANGE_HIGH: u64 = 4_000_000;

/// What the nodes of a document have cost so far: all of them, and those copied by aliases.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Expansion {
    decoded: u64,
    aliased: u64,
}

impl Expansion {
    /// Counts a node the text itself writes.
    pub(crate) fn written(&mut self, node: &Node) {
        self.decoded += weight(node);
    }

    /// Counts the copy an alias at `at` makes of `target`, or refuses it when the copy
    /// would make the document's aliasing excessive. The walk stops as soon as the
    /// bound is crossed, so refusing a copy of a billion nodes costs a few hundred
    /// thousand steps, not a billion.
    /// go-yaml counts the alias itself as a node the text writes, and so does this.
    pub(crate) fn alias(&mut self, target: &Node, at: Span) -> Result<(), Error> {
        self.decoded += 1;
        let mut copied = 0u64;
        let mut pending = vec![target];
        while let Some(node) = pending.pop() {
            copied += weight(node);
            let (aliased, decoded) = (self.aliased + copied, self.decoded + copied);
            if excessive(aliased, decoded) {
                return Err(Error::at(
                    format!(
                        "excessive aliasing: with this alias, {aliased} of the document's \
                         {decoded} nodes would be copies made by aliases"
                    ),
                    at,
                )
                .with_help(
                    "aliases that repeat anchors holding aliases multiply (a \"billion laughs\" \
                     document); shipshape, like kubectl, lets copies be at most 99% of a \
                     document up to 400000 nodes and 10% of one past 4000000: write the \
                     repeated values out or use fewer aliases",
                ));
            }
            match &node.value {
                Value::Seq(items) => pending.extend(items.iter()),
                Value::Map(map) => pending.extend(map.entries.iter().map(|e| &e.value)),
                _ => {}
            }
        }
        self.aliased += copied;
        self.decoded += copied;
        Ok(())
    }
}

/// What a node costs by itself (its children count on their own): one, plus its
/// string's bytes or, for a mapping, its keys' bytes.
fn weight(node: &Node) -> u64 {
    let bytes = match &node.value {
        Value::Str(s) => s.len(),
        Value::Map(map) => map.entries.iter().map(|e| e.key.len()).sum(),
        _ => 0,
    };
    1 + (bytes / STRING_BYTES_PER_NODE) as u64
}

/// go-yaml v3's test: too many of `decoded` nodes are the `aliased` copies.
fn excessive(aliased: u64, decoded: u64) -> bool {
    aliased > MIN_ALIASED
        && decoded > MIN_DECODED
        && aliased as f64 / decoded as f64 > allowed_ratio(decoded)
}

/// The share of a document of `decoded` nodes that may be copies.
fn allowed_ratio(decoded: u64) -> f64 {
    if decoded <= RATIO_RANGE_LOW {
        0.99
    } else if decoded >= RATIO_RANGE_HIGH {
        0.10
    } else {
        let along =
            (decoded - RATIO_RANGE_LOW) as f64 / (RATIO_RANGE_HIGH - RATIO_RANGE_LOW) as f64;
        0.99 - 0.89 * along
    }
}

/// The error for a collection at `at` that would nest deeper than [`MAX_DEPTH`].
pub(crate) fn too_deep(at: Span) -> Error {
    Error::at(
        format!("this collection nests deeper than {MAX_DEPTH} levels"),
        at,
    )
    .with_help(format!(
        "shipshape reads documents nested at most {MAX_DEPTH} levels deep; no manifest or spec \
         needs more: flatten the structure"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowed_share_falls_from_99_to_10_percent() {
        assert!((allowed_ratio(1_000) - 0.99).abs() < f64::EPSILON);
        assert!((allowed_ratio(400_000) - 0.99).abs() < f64::EPSILON);
        assert!((allowed_ratio(2_200_000) - 0.545).abs() < 1e-9);
        assert!((allowed_ratio(4_000_000) - 0.10).abs() < f64::EPSILON);
        assert!((allowed_ratio(40_000_000) - 0.10).abs() < f64::EPSILON);
    }

    #[test]
    fn small_documents_may_be_all_aliases() {
        assert!(!excessive(100, 100_000));
        assert!(!excessive(999, 1_000));
        assert!(excessive(991, 1_001));
        assert!(!excessive(990, 1_001));
        assert!(!excessive(101, 1_001));
        assert!(!excessive(100, 100));
    }

    #[test]
    fn a_string_weighs_a_node_per_64_bytes() {
        let node = |s: &str| Node::synthetic(Value::Str(s.to_owned()));
        assert_eq!(weight(&node("")), 1);
        assert_eq!(weight(&node(&"x".repeat(63))), 1);
        assert_eq!(weight(&node(&"x".repeat(64))), 2);
        assert_eq!(weight(&node(&"x".repeat(1 << 20))), 16_385);
    }
}
