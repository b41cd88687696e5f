//! Custom resource kinds from CustomResourceDefinitions: those in the input, those given
//! with `--crd`, and those shipshape itself emits objects of (schemas/crds/, embedded at
//! build time by build.rs).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::compile::{self, Role};
use crate::schema::{NodeId, Schema};

/// The CRD files of schemas/crds/, as `(file name, text)`.
static SHIPPED_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/shipped_crds.rs"));

static SHIPPED: OnceLock<CustomKinds> = OnceLock::new();

/// The served versions of one custom kind.
#[derive(Debug)]
struct Served {
    /// `crontabs.stable.example.com`, for messages.
    crd: String,
    versions: Vec<(String, NodeId)>,
}

/// What a set of CRDs says about a custom resource's group, version and kind.
#[derive(Debug)]
pub(crate) enum Lookup<'a> {
    /// The schema of the version.
    Found(&'a Schema, NodeId),
    /// The kind is defined, but not in this version.
    OtherVersions {
        crd: &'a str,
        versions: Vec<&'a str>,
    },
    /// No CRD defines the kind.
    Unknown,
}

/// Custom kinds compiled from CRDs; a later CRD for the same group and kind replaces
/// an earlier one.
#[derive(Debug, Default)]
pub(crate) struct CustomKinds {
    schema: Schema,
    kinds: HashMap<(String, String), Served>,
}

/// Whether `value` is a CustomResourceDefinition shipshape can read.
pub(crate) fn is_crd(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && value.get("apiVersion").and_then(Value::as_str) == Some("apiextensions.k8s.io/v1")
}

impl CustomKinds {
    /// The kinds shipshape emits objects of, compiled at first use.
    pub fn shipped() -> &'static CustomKinds {
        SHIPPED.get_or_init(|| {
            let mut kinds = CustomKinds::default();
            for (name, text) in SHIPPED_FILES {
                let objects = shipshape_manifest::load(name, text, "default")
                    .unwrap_or_else(|e| panic!("schemas/crds/{name} does not load: {e}"));
                for object in objects.iter().filter(|o| is_crd(&o.value)) {
                    kinds.add(&object.value);
                }
            }
            kinds
        })
    }

    /// Adds the served versions of the CRD `crd` (see [`is_crd`]). A CRD without a
    /// group, kind or schema adds nothing: its own validation reports why.
    pub fn add(&mut self, crd: &Value) {
        let spec = &crd["spec"];
        let (Some(group), Some(kind)) = (spec["group"].as_str(), spec["names"]["kind"].as_str())
        else {
            return;
        };
        let name = crd["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let versions = spec["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["served"].as_bool() != Some(false))
            .filter_map(|v| {
                let version = v["name"].as_str()?;
                let root = v["schema"]["openAPIV3Schema"].as_object()?;
                Some((version.to_owned(), self.compile_root(root)))
            })
            .collect();
        self.kinds.insert(
            (group.to_owned(), kind.to_owned()),
            Served {
                crd: name,
                versions,
            },
        );
    }

    /// A version's root schema, where `apiVersion`, `kind` and `metadata` are implied.
    /// `metadata` is checked against the built-in ObjectMeta by the caller: the API
    /// server ignores what a CRD says about it beyond the name.
    fn compile_root(&mut self, root: &serde_json::Map<String, Value>) -> NodeId {
        let mut root = Value::Object(root.clone());
        let props = root
            .as_object_mut()
            .expect("cloned from a map")
            .entry("properties")
            .or_insert_with(|| json!({}));
        if let Some(props) = props.as_object_mut() {
            props.insert("apiVersion".into(), json!({"type": "string"}));
            props.insert("kind".into(), json!({"type": "string"}));
            props.insert(
                "metadata".into(),
                json!({"x-kubernetes-preserve-unknown-fields": true}),
            );
        }
        compile::custom(&mut self.schema, &root, Role::Structural)
    }

    /// What these CRDs say about `version` of `kind` in `group`.
    pub fn lookup(&self, group: &str, version: &str, kind: &str) -> Lookup<'_> {
        let Some(served) = self.kinds.get(&(group.to_owned(), kind.to_owned())) else {
            return Lookup::Unknown;
        };
        match served.versions.iter().find(|(v, _)| v == version) {
            Some((_, root)) => Lookup::Found(&self.schema, *root),
            None => Lookup::OtherVersions {
                crd: &served.crd,
                versions: served.versions.iter().map(|(v, _)| v.as_str()).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of schemas/crds/ loads and defines at least one kind (none at all
    /// while the directory is empty).
    #[test]
    fn shipped_crds_load() {
        let shipped = CustomKinds::shipped();
        assert!(SHIPPED_FILES.is_empty() || !shipped.kinds.is_empty());
        for ((group, kind), served) in &shipped.kinds {
            assert!(
                !served.versions.is_empty(),
                "{kind}.{group} serves no version with a schema"
            );
        }
    }
}
