//! Manifests as they are read or rendered: a JSON value with its origin, and ordered sets
//! of them that serialize deterministically.

use serde::Serialize;
use shipshape_yaml::{Location, Node, PathSegment, Span};

use crate::order::kind_rank;
use crate::provenance::Provenance;
use crate::scope::set_default_namespace;
use crate::spans::Spans;

/// Where an object came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Rendered from the spec value at this path.
    Spec(Vec<PathSegment>),
    /// Read from a file.
    File(Location),
}

/// One Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The object, with `apiVersion`, `kind` and `metadata` first.
    pub value: serde_json::Value,
    /// Where it came from, when known.
    pub origin: Option<Origin>,
    /// Where each field of `value` was written, for objects read from a file; `None` for
    /// objects built in code (rendered objects point into the spec through `origin`).
    pub spans: Option<Spans>,
    /// For a rendered object, the spec key each of its fields came from; empty otherwise.
    pub provenance: Provenance,
}

impl Manifest {
    /// The string at `path` (keys from the root), or "". A walk by key rather than a
    /// JSON pointer: checkers ask for the kind and name of every object many times, and
    /// `Value::pointer` allocates for every step.
    fn str_at(&self, path: &[&str]) -> &str {
        path.iter()
            .try_fold(&self.value, |value, key| value.get(key))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    }

    /// `apiVersion`.
    #[must_use]
    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"])
    }

    /// `kind`.
    #[must_use]
    pub fn kind(&self) -> &str {
        self.str_at(&["kind"])
    }

    /// `metadata.name`.
    #[must_use]
    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"])
    }

    /// `metadata.namespace`, empty for cluster-scoped objects.
    #[must_use]
    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"])
    }

    /// The spec key that produced the field at the JSON `pointer` of a rendered object:
    /// the key recorded for the field (or for the nearest field that contains it), else
    /// the spec value the whole object was rendered from. `None` for objects read from a
    /// file.
    #[must_use]
    pub fn spec_path(&self, pointer: &str) -> Option<&[PathSegment]> {
        let Some(Origin::Spec(origin)) = &self.origin else {
            return None;
        };
        Some(self.provenance.spec_path(pointer).unwrap_or(origin))
    }

    /// Where the field at the JSON `pointer` (`/spec/template/spec/containers/0/image`)
    /// was written: the key of the field when it exists, else the key (or list item) of
    /// the deepest part of the path that does, so a missing `resources.limits` points at
    /// `resources:`. `None` for objects that were not read from a file.
    #[must_use]
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let spans = self.spans.as_ref()?;
        self.location_of(spans.locate(&self.value, pointer)?)
    }

    /// The field at the JSON `pointer` as the spanned YAML it was read from, for objects
    /// read from a file: built again from the value and its spans, for reading the field
    /// once more with located errors.
    #[must_use]
    pub fn node_at(&self, pointer: &str) -> Option<Node> {
        self.spans.as_ref()?.node_at(&self.value, pointer)
    }

    /// Where `span` (of the object as read) is in its file; `None` for objects that
    /// were not read from a file or for a span of a field that was not written.
    #[must_use]
    pub fn location_of(&self, span: Span) -> Option<Location> {
        let Some(Origin::File(start)) = &self.origin else {
            return None;
        };
        if span.line == 0 {
            return None;
        }
        Some(Location {
            file: start.file.clone(),
            line: span.line,
            column: span.column,
        })
    }
}

/// An ordered collection of objects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ManifestSet {
    items: Vec<Manifest>,
}

impl ManifestSet {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        ManifestSet::default()
    }

    /// Adds a typed object (k8s-openapi or any serializable type).
    ///
    /// # Panics
    /// If the object does not serialize to JSON, which typed Kubernetes objects always do.
    pub fn push(&mut self, object: &impl Serialize, origin: Option<Origin>) {
        let value = serde_json::to_value(object).expect("Kubernetes objects serialize to JSON");
        self.push_value(value, origin);
    }

    /// Adds an object given as JSON.
    pub fn push_value(&mut self, value: serde_json::Value, origin: Option<Origin>) {
        self.items.push(Manifest {
            value: without_nulls(value),
            origin,
            spans: None,
            provenance: Provenance::new(),
        });
    }

    /// Adds an object rendered from the spec value at `origin`, with the spec keys its
    /// fields came from (entries for fields the object does not have are dropped).
    ///
    /// # Panics
    /// If the object does not serialize to JSON, which typed Kubernetes objects always do.
    pub fn push_rendered(
        &mut self,
        object: &impl Serialize,
        origin: Vec<PathSegment>,
        provenance: Provenance,
    ) {
        let value = serde_json::to_value(object).expect("Kubernetes objects serialize to JSON");
        let value = without_nulls(value);
        let mut provenance = provenance;
        provenance.keep_fields_of(&value);
        self.items.push(Manifest {
            value,
            origin: Some(Origin::Spec(origin)),
            spans: None,
            provenance,
        });
    }

    /// Adds objects read by [`load`], which carry their own origin and spans.
    pub fn extend(&mut self, objects: impl IntoIterator<Item = Manifest>) {
        self.items.extend(objects);
    }

    /// Gives every namespaced object without a namespace the namespace `namespace`.
    pub fn set_default_namespace(&mut self, namespace: &str) {
        for m in &mut self.items {
            set_default_namespace(&mut m.value, namespace);
        }
    }

    /// Takes the objects out of the set.
    #[must_use]
    pub fn into_items(self) -> Vec<Manifest> {
        self.items
    }

    /// The objects, in their current order.
    #[must_use]
    pub fn items(&self) -> &[Manifest] {
        &self.items
    }

    /// The objects, mutably.
    pub fn items_mut(&mut self) -> &mut [Manifest] {
        &mut self.items
    }

    /// Number of objects.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no objects.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The object of `kind` named `name`.
    pub fn find_mut(&mut self, kind: &str, name: &str) -> Option<&mut Manifest> {
        self.items
            .iter_mut()
            .find(|m| m.kind() == kind && m.name() == name)
    }

    /// Puts the objects in apply order: by kind (namespaces and policies first,
    /// workloads after what they use, routes and monitors last), then namespace, then name.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (kind_rank(a.kind()), a.kind(), a.namespace(), a.name()).cmp(&(
                kind_rank(b.kind()),
                b.kind(),
                b.namespace(),
                b.name(),
            ))
        });
    }

    /// One multi-document YAML stream.
    #[must_use]
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        for m in &self.items {
            out.push_str("---\n");
            out.push_str(&to_yaml(&m.value));
        }
        out
    }

    /// A `v1 List` of every object, as pretty JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        let list = serde_json::json!({
            "apiVersion": "v1",
            "kind": "List",
            "items": self.items.iter().map(|m| &m.value).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&list).expect("JSON values serialize");
        text.push('\n');
        text
    }
}

/// YAML text of one object.
#[must_use]
pub fn to_yaml(value: &serde_json::Value) -> String {
    shipshape_yaml::to_yaml_string(value).expect("JSON values serialize to YAML")
}

/// Drops `null` fields, which k8s-openapi leaves for unset optionals in some places and
/// which would otherwise clutter the output.
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(without_nulls).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_in_apply_order_and_emits_a_stream() {
        let mut set = ManifestSet::new();
        set.push_value(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}}),
            None,
        );
        set.push_value(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "x": null}}),
            None,
        );
        set.push_value(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}),
            None,
        );
        set.sort();
        let kinds: Vec<&str> = set.items().iter().map(Manifest::kind).collect();
        assert_eq!(kinds, ["Namespace", "Service", "Deployment"]);
        assert_eq!(
            set.to_yaml(),
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n"
        );
    }
}
