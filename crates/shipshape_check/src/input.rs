//! What the checker reads: objects from files and objects rendered from specs.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value;
use shipshape_manifest::{Manifest, ManifestSet, Origin};
use shipshape_yaml::{Location, Node, PathSegment, SourceFile};

use crate::pod::{PodTemplate, pod_template, template_pointer};

/// A `shipshape.yaml` that objects were rendered from, kept so that findings on those
/// objects point back at the spec line that caused them.
#[derive(Debug)]
pub struct SpecSource {
    /// The spec's text and name.
    pub source: SourceFile,
    /// Its spanned tree, with the selected environment applied.
    pub tree: Node,
}

/// One Kubernetes object under check.
#[derive(Debug)]
pub struct Object {
    /// Position in the input; findings sort by it when they have no location.
    index: usize,
    manifest: Manifest,
    spec: Option<Arc<SpecSource>>,
    /// `kind`, `metadata.namespace` and `metadata.name`, read once: every rule asks for
    /// them, and on a large input the lookups added up to a tenth of a check.
    identity: [Box<str>; 3],
    /// Where the pod template is (`/spec/template`), for kinds that run pods.
    template: Option<&'static str>,
}

impl Object {
    /// The object as JSON.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.manifest.value
    }

    /// The value at a JSON pointer (`/spec/replicas`).
    #[must_use]
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        lookup(&self.manifest.value, pointer)
    }

    /// The string at a JSON pointer, if it is a string.
    #[must_use]
    pub fn str_at(&self, pointer: &str) -> Option<&str> {
        self.get(pointer).and_then(Value::as_str)
    }

    /// `apiVersion`.
    #[must_use]
    pub fn api_version(&self) -> &str {
        self.manifest.api_version()
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    #[must_use]
    pub fn group(&self) -> &str {
        self.api_version()
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    /// `kind`.
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.identity[0]
    }

    /// `metadata.name`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.identity[2]
    }

    /// `metadata.namespace`; empty for cluster-scoped kinds.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.identity[1]
    }

    /// `Kind namespace/name`, or `Kind name` when cluster-scoped: how messages name it.
    #[must_use]
    pub fn display_name(&self) -> String {
        crate::finding::display_name(self.kind(), self.namespace(), self.name())
    }

    /// The pod template this object runs, for Pods and the workload kinds.
    #[must_use]
    pub fn pod_template(&self) -> Option<PodTemplate<'_>> {
        pod_template(self, self.template?)
    }

    /// Whether shipshape rendered this object from a spec (rather than reading it).
    #[must_use]
    pub fn is_rendered(&self) -> bool {
        matches!(self.manifest.origin, Some(Origin::Spec(_)))
    }

    /// The position of this object in the input.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// Where the field at `pointer` was written. For an object read from a file, the
    /// field itself (or the deepest part of its path that exists); for a rendered object,
    /// the spec value that produced it; `None` when neither is known.
    #[must_use]
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        match (&self.manifest.origin, &self.spec) {
            (Some(Origin::File(start)), _) => self
                .manifest
                .locate(pointer)
                .or_else(|| Some(start.clone())),
            (Some(Origin::Spec(path)), Some(spec)) => Some(spec_location(spec, path, pointer)),
            _ => None,
        }
    }
}

/// The value at a JSON `pointer` (RFC 6901) in `value`: what `Value::pointer` does,
/// without allocating for tokens that need no unescaping. Rules look up pointers
/// millions of times on a large input, and that allocation was a third of a check.
pub(crate) fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    pointer
        .strip_prefix('/')?
        .split('/')
        .try_fold(value, |target, token| {
            let token = if token.contains('~') {
                Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(token)
            };
            match target {
                Value::Object(map) => map.get(token.as_ref()),
                Value::Array(items) => index(&token).and_then(|i| items.get(i)),
                _ => None,
            }
        })
}

/// A list index as JSON pointers write it: digits, without a sign or leading zeros.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// Where in the spec the field at `pointer` of an object rendered from `path` comes from.
/// A container field maps to the component key that sets it (a missing readiness probe
/// points at `health`, or at the component when `health` is absent); anything else points
/// at `path` itself.
fn spec_location(spec: &SpecSource, path: &[PathSegment], pointer: &str) -> Location {
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

/// Everything one run checks, as one scope: cross-object rules see all of it.
#[derive(Debug, Default)]
pub struct Input {
    objects: Vec<Object>,
}

impl Input {
    /// No objects yet.
    #[must_use]
    pub fn new() -> Self {
        Input::default()
    }

    /// Adds objects read from YAML (see [`shipshape_manifest::load`]).
    pub fn add_objects(&mut self, objects: impl IntoIterator<Item = Manifest>) {
        for manifest in objects {
            self.push(manifest, None);
        }
    }

    /// Adds the objects rendered from a spec; findings on them point into `spec`.
    pub fn add_rendered(&mut self, set: ManifestSet, spec: SpecSource) {
        let spec = Arc::new(spec);
        for manifest in set.into_items() {
            self.push(manifest, Some(Arc::clone(&spec)));
        }
    }

    fn push(&mut self, manifest: Manifest, spec: Option<Arc<SpecSource>>) {
        let index = self.objects.len();
        let identity = [manifest.kind(), manifest.namespace(), manifest.name()].map(Box::from);
        self.objects.push(Object {
            index,
            template: template_pointer(&identity[0]),
            identity,
            manifest,
            spec,
        });
    }

    /// The objects, in input order.
    #[must_use]
    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    /// Number of objects.
    #[must_use]
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::lookup;
    use serde_json::json;

    #[test]
    fn lookup_finds_what_value_pointer_finds() {
        let value = json!({
            "metadata": {"annotations": {"shipshape.dev/ignore": "x", "a~b": "y"}},
            "spec": {"ports": [{"port": 80}, {"port": 443}]},
        });
        for pointer in [
            "",
            "/metadata/annotations/shipshape.dev~1ignore",
            "/metadata/annotations/a~0b",
            "/spec/ports/1/port",
            "/spec/ports/01",
            "/spec/ports/+1",
            "/spec/ports/2",
            "/spec/missing/deeper",
            "no-leading-slash",
        ] {
            assert_eq!(lookup(&value, pointer), value.pointer(pointer), "{pointer}");
        }
    }
}
