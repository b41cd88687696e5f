//! The model of a manifest set: every object of one run, whether read from YAML or
//! rendered from specs, as one scope.

use std::sync::Arc;

use crate::manifest::{Manifest, ManifestSet};
use crate::object::Object;
use crate::pod::template_pointer;
use crate::source::SpecSource;

/// Every object of one run, in input order: what check, validate, simulate, export and
/// deploy read. Built from rendered [`ManifestSet`]s and from loaded YAML alike; index it
/// with [`ModelIndex`](crate::ModelIndex) to relate objects.
#[derive(Debug, Default)]
pub struct Model {
    objects: Vec<Object>,
}

impl Model {
    /// No objects yet.
    #[must_use]
    pub fn new() -> Self {
        Model::default()
    }

    /// Adds objects read from YAML (see [`load`](crate::load)).
    pub fn add_objects(&mut self, objects: impl IntoIterator<Item = Manifest>) {
        for manifest in objects {
            self.push(manifest, None);
        }
    }

    /// Adds the objects rendered from a spec; their locations point into `spec`.
    pub fn add_rendered(&mut self, set: ManifestSet, spec: SpecSource) {
        let spec = Arc::new(spec);
        for manifest in set.into_items() {
            self.push(manifest, Some(Arc::clone(&spec)));
        }
    }

    fn push(&mut self, manifest: Manifest, spec: Option<Arc<SpecSource>>) {
        let mut object = Object::new(self.objects.len(), manifest, spec);
        object.template = template_pointer(&object.group_kind());
        self.objects.push(object);
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
