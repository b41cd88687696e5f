//! One object of the model: a manifest with its identity read once and, for rendered
//! objects, the spec it came from.

use std::sync::Arc;

use serde_json::Value;
use shipshape_yaml::Location;

use crate::identity::{GroupKind, ObjectId, api_group, api_version_of, display_name};
use crate::manifest::{Manifest, Origin};
use crate::pointer::lookup;
use crate::source::{SpecSource, spec_location};

/// The annotation with which an object that runs pods names the Secrets they use that
/// are created outside the manifests (by hand, by a secret manager, or once at install
/// time by a generator Job), comma-separated: the per-object form of a checker's
/// `--external-refs secret`. shipshape's render writes it for the `existing` and
/// `generate` secrets of a spec, so its output checks clean wherever it is checked.
pub const EXTERNAL_SECRETS_ANNOTATION: &str = "shipshape.dev/external-secrets";

/// One Kubernetes object of a [`Model`](crate::Model).
#[derive(Debug)]
pub struct Object {
    /// Position in the model; findings sort by it when they have no location.
    index: usize,
    manifest: Manifest,
    spec: Option<Arc<SpecSource>>,
    /// API group, `kind`, `metadata.namespace`, `metadata.name` and `apiVersion`, read
    /// once: every consumer asks for them, and on a large input the lookups added up to
    /// a tenth of a check.
    identity: [Box<str>; 5],
    /// Where the pod template is (`/spec/template`), for kinds that run pods.
    pub(crate) template: Option<&'static str>,
}

impl Object {
    /// The object at position `index` of its model, rendered from `spec` if it was.
    pub(crate) fn new(index: usize, manifest: Manifest, spec: Option<Arc<SpecSource>>) -> Self {
        let group = api_group(manifest.api_version());
        let identity = [
            group,
            manifest.kind(),
            manifest.namespace(),
            manifest.name(),
            manifest.api_version(),
        ]
        .map(Box::from);
        Object {
            index,
            manifest,
            spec,
            identity,
            template: None,
        }
    }

    /// The object as JSON.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.manifest.value
    }

    /// The manifest it was built from.
    #[must_use]
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
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
        &self.identity[4]
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    #[must_use]
    pub fn group(&self) -> &str {
        &self.identity[0]
    }

    /// `kind`.
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.identity[1]
    }

    /// Its API group and kind.
    #[must_use]
    pub fn group_kind(&self) -> GroupKind<'_> {
        GroupKind::new(self.group(), self.kind())
    }

    /// Its full identity: group, version, kind, namespace and name.
    #[must_use]
    pub fn id(&self) -> ObjectId<'_> {
        ObjectId {
            kind: self.group_kind(),
            version: api_version_of(self.api_version()),
            namespace: self.namespace(),
            name: self.name(),
        }
    }

    /// Whether it is of `kind`, group included: a custom resource called `Deployment` is
    /// not a [`kinds::DEPLOYMENT`](crate::kinds::DEPLOYMENT).
    #[must_use]
    pub fn is(&self, kind: &GroupKind<'_>) -> bool {
        self.kind() == kind.kind && self.group() == kind.group
    }

    /// `metadata.namespace`; empty for cluster-scoped kinds.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.identity[2]
    }

    /// `metadata.name`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.identity[3]
    }

    /// `Kind namespace/name`, or `Kind name` when cluster-scoped: how messages name it.
    #[must_use]
    pub fn display_name(&self) -> String {
        display_name(self.kind(), self.namespace(), self.name())
    }

    /// Whether shipshape rendered this object from a spec (rather than reading it).
    #[must_use]
    pub fn is_rendered(&self) -> bool {
        matches!(self.manifest.origin, Some(Origin::Spec(_)))
    }

    /// The Secrets this object declares are created outside the manifests, in its
    /// [`EXTERNAL_SECRETS_ANNOTATION`].
    pub fn external_secrets(&self) -> impl Iterator<Item = &str> {
        self.value()["metadata"]["annotations"][EXTERNAL_SECRETS_ANNOTATION]
            .as_str()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
    }

    /// The position of this object in its model.
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
            (Some(Origin::Spec(_)), Some(spec)) => {
                let path = self.manifest.spec_path(pointer)?;
                Some(spec_location(spec, path))
            }
            _ => None,
        }
    }
}
