//! What every renderer module shares: the spec, the output, and the naming and labelling
//! conventions, so that selectors always match and names never collide.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;
use sha2::{Digest, Sha256};
use shipshape_grammar::names::to_label_value;
use shipshape_manifest::{ManifestSet, Provenance};
use shipshape_spec::{AppSpec, BackingService, Component, Problem, SpecPath};

/// The label that names a component; part of every selector.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
/// The label that names the application; part of every selector.
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

/// Rendering state: the spec being rendered and the objects made so far.
pub struct Ctx<'a> {
    /// The spec.
    pub spec: &'a AppSpec,
    /// The objects rendered so far.
    pub out: ManifestSet,
    /// Problems found while rendering (references that only the renderer can resolve).
    pub problems: Vec<Problem>,
    /// Notes for the user about allowed but risky choices.
    pub notes: Vec<String>,
}

impl<'a> Ctx<'a> {
    /// A fresh context.
    pub fn new(spec: &'a AppSpec) -> Self {
        Ctx {
            spec,
            out: ManifestSet::new(),
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The namespace of every object.
    pub fn namespace(&self) -> &str {
        self.spec.namespace()
    }

    /// Labels on every object that belongs to `component` (or to the app as a whole when
    /// `None`). The version label is added to pod templates only, never to selectors.
    pub fn labels(&self, component: Option<&str>) -> BTreeMap<String, String> {
        let mut labels: BTreeMap<String, String> = self
            .spec
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        labels.insert(
            NAME_LABEL.to_owned(),
            component.unwrap_or(&self.spec.name).to_owned(),
        );
        labels.insert(INSTANCE_LABEL.to_owned(), self.spec.name.clone());
        labels.insert(
            "app.kubernetes.io/part-of".to_owned(),
            self.spec.name.clone(),
        );
        labels.insert(
            "app.kubernetes.io/managed-by".to_owned(),
            "shipshape".to_owned(),
        );
        if let Some(c) = component.and_then(|c| self.spec.components.get(c)) {
            labels.insert("app.kubernetes.io/component".to_owned(), c.kind.to_string());
        }
        labels
    }

    /// Labels for the pods of a component: the object labels plus the image version.
    pub fn pod_labels(&self, name: &str, component: &Component) -> BTreeMap<String, String> {
        let mut labels = self.labels(Some(name));
        if let Some(v) = component.image.version() {
            labels.insert("app.kubernetes.io/version".to_owned(), to_label_value(&v));
        }
        labels
    }

    /// The stable labels that select a component's pods.
    pub fn selector_labels(&self, component: &str) -> BTreeMap<String, String> {
        BTreeMap::from([
            (NAME_LABEL.to_owned(), component.to_owned()),
            (INSTANCE_LABEL.to_owned(), self.spec.name.clone()),
        ])
    }

    /// A label selector for a component's pods.
    pub fn selector(&self, component: &str) -> LabelSelector {
        LabelSelector {
            match_labels: Some(self.selector_labels(component)),
            ..LabelSelector::default()
        }
    }

    /// Metadata for a namespaced object named `name` that belongs to `component`.
    pub fn metadata(&self, name: &str, component: Option<&str>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(self.namespace().to_owned()),
            labels: Some(self.labels(component)),
            ..ObjectMeta::default()
        }
    }

    /// Labels on every object of the backing service `name`: the app's, with the
    /// service's type as the component.
    pub fn service_labels(&self, name: &str, service: &BackingService) -> BTreeMap<String, String> {
        let mut labels = self.labels(Some(name));
        labels.insert(
            "app.kubernetes.io/component".to_owned(),
            service.kind.to_string(),
        );
        labels
    }

    /// Metadata for the object named `object` that belongs to the backing service `name`.
    pub fn service_metadata(
        &self,
        object: &str,
        name: &str,
        service: &BackingService,
    ) -> ObjectMeta {
        ObjectMeta {
            labels: Some(self.service_labels(name, service)),
            ..self.metadata(object, None)
        }
    }

    /// The in-cluster DNS name of the Service `name` in the app's namespace.
    pub fn service_host(&self, name: &str) -> String {
        format!("{name}.{}.svc.cluster.local", self.namespace())
    }

    /// Adds an object that came from the spec value at `path`, with the spec keys that
    /// produced its fields (`fields`, pointers from the object's root).
    pub fn emit(&mut self, object: &impl Serialize, path: SpecPath, fields: Provenance) {
        self.out.push_rendered(object, path, fields);
    }
}

/// Path of a component in the spec, for origins and problems.
pub fn component_path(name: &str) -> SpecPath {
    shipshape_spec::path!["components", name]
}

/// Path of a key inside a component: `components.NAME` followed by `rest`.
pub fn component_key(name: &str, rest: SpecPath) -> SpecPath {
    let mut path = component_path(name);
    path.extend(rest);
    path
}

/// Records, for each `(pointer, key, written)` whose key the spec writes, that the field
/// at `pointer` came from the key (`at` turns a key into its path in the spec). A key the
/// spec leaves out gives its field a default, which no key produced.
pub fn record_written(
    fields: &mut Provenance,
    at: impl Fn(SpecPath) -> SpecPath,
    keys: &[(&str, &str, bool)],
) {
    for (pointer, key, written) in keys {
        if *written {
            fields.record(pointer, at(shipshape_spec::path![*key]));
        }
    }
}

/// Records, for each field whose key the spec leaves out (`applies`), the default the
/// field holds, in words, with the key that would set it: a pointer, a key under `at`,
/// whether the default applies, and the default.
pub fn record_defaults(
    fields: &mut Provenance,
    at: impl Fn(SpecPath) -> SpecPath,
    defaults: &[(&str, &str, bool, String)],
) {
    for (pointer, key, applies, value) in defaults {
        if *applies {
            fields.record_default(pointer, at(shipshape_spec::path![*key]), value.clone());
        }
    }
}

/// Path of a backing service in the spec, for origins.
pub fn service_path(name: &str) -> SpecPath {
    shipshape_spec::path!["services", name]
}

/// Path of a key inside a backing service: `services.NAME` followed by `rest`.
pub fn service_key(name: &str, rest: SpecPath) -> SpecPath {
    let mut path = service_path(name);
    path.extend(rest);
    path
}

/// The first `len` hex digits of the SHA-256 of `parts`, for content-derived names and
/// checksum annotations. Parts are length-prefixed so that `["ab", "c"]` and
/// `["a", "bc"]` differ.
pub fn content_hash<'p>(parts: impl IntoIterator<Item = &'p str>, len: usize) -> String {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update((p.len() as u64).to_le_bytes());
        hasher.update(p.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..len.min(hex.len())].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_length_prefixed() {
        assert_eq!(content_hash(["a"], 8), content_hash(["a"], 8));
        assert_ne!(content_hash(["ab", "c"], 8), content_hash(["a", "bc"], 8));
        assert_eq!(content_hash(["x"], 8).len(), 8);
    }
}
