//! The Secrets a rendered set uses but does not contain, named on the objects that use
//! them.
//!
//! A spec's `existing` secrets are made by a person or another system, its `generate`d
//! ones once at install time by a hooked Job, and neither is a Secret object of the
//! output. A check of the written files (`render -o deploy/ && check deploy/`) cannot
//! know that unless the files say so: each object that runs pods names them in
//! [`EXTERNAL_SECRETS_ANNOTATION`], and the model's reference check honours it.
//! Secrets the set does make (ExternalSecrets, operator-made database users) are left
//! out, since the model already sees who makes them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use shipshape_manifest::{EXTERNAL_SECRETS_ANNOTATION, ManifestSet, Model, ModelIndex, kinds};

/// Writes the annotation on every object whose pods use a Secret `out` does not make.
pub fn annotate(out: &mut ManifestSet) {
    let mut model = Model::new();
    model.add_objects(out.items().to_vec());
    let index = ModelIndex::new(&model);
    let mut named: Vec<(usize, String)> = Vec::new();
    for pod in index.pod_templates() {
        let missing: BTreeSet<&str> = pod
            .references()
            .into_iter()
            .filter(|r| r.kind == kinds::SECRET && !index.provides(pod.object.namespace(), r))
            .map(|r| r.name)
            .collect();
        if !missing.is_empty() {
            let names = missing.into_iter().collect::<Vec<_>>().join(",");
            named.push((pod.object.index(), names));
        }
    }
    let items = out.items_mut();
    for (at, names) in named {
        let Some(metadata) = items[at].value["metadata"].as_object_mut() else {
            continue;
        };
        let annotations = metadata
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = annotations {
            map.insert(EXTERNAL_SECRETS_ANNOTATION.to_owned(), Value::String(names));
            // Annotations are written in key order, as k8s-openapi's maps write them.
            map.sort_keys();
        }
    }
}
