//! Specs that objects were rendered from, and where in a spec a rendered field comes
//! from.

use shipshape_yaml::{Location, Node, PathSegment, SourceFile};

/// A `shipshape.yaml` that objects were rendered from, kept so that findings on those
/// objects point back at the spec line that caused them.
#[derive(Debug)]
pub struct SpecSource {
    /// The spec's text and name.
    pub source: SourceFile,
    /// Its spanned tree, with the selected environment applied.
    pub tree: Node,
}

/// Where in the spec the field at `pointer` of an object rendered from `path` comes from.
/// A container field maps to the component key that sets it (a missing readiness probe
/// points at `health`, or at the component when `health` is absent); anything else points
/// at `path` itself.
pub(crate) fn spec_location(spec: &SpecSource, path: &[PathSegment], pointer: &str) -> Location {
    let mut full = path.to_vec();
    let is_component = matches!(path, [PathSegment::Key(k), _] if k == "components");
    if is_component && let Some(keys) = spec_keys_for(pointer) {
        full.extend(keys.iter().map(|k| PathSegment::from(*k)));
    }
    let span = spec.tree.span_of(&full, true);
    Location {
        file: spec.source.name().to_owned(),
        line: span.line.max(1),
        column: span.column.max(1),
    }
}

/// The component keys that set a container field.
fn spec_keys_for(pointer: &str) -> Option<&'static [&'static str]> {
    const FIELDS: &[(&str, &[&str])] = &[
        ("/image", &["image"]),
        ("/resources", &["resources"]),
        ("/readinessProbe", &["health", "ready"]),
        ("/livenessProbe", &["health", "live"]),
        ("/startupProbe", &["health", "start"]),
        ("/ports", &["ports"]),
        ("/env", &["env"]),
    ];
    let (_, field) = pointer.split_once("/containers/")?;
    let field = field.trim_start_matches(|c: char| c.is_ascii_digit());
    FIELDS
        .iter()
        .find(|(prefix, _)| field.starts_with(prefix))
        .map(|(_, keys)| *keys)
}
