//! The inventory of a deploy, as an ApplySet (KEP-3659, what `kubectl apply --prune
//! --applyset` reads and writes): a parent Secret whose label is the set's ID and whose
//! annotations list the group-kinds and namespaces its members live in, and on every
//! member the label `applyset.kubernetes.io/part-of: <ID>`. Pruning lists exactly those
//! kinds in those namespaces by that label, so it never sees, let alone deletes, an object
//! another tool (or another set) applied.

use std::collections::BTreeSet;

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cluster::ObjectRef;
use crate::health::text;

/// The label every member carries, with the set's ID.
pub const PART_OF: &str = "applyset.kubernetes.io/part-of";
/// The parent's label, with the set's ID.
pub const ID: &str = "applyset.kubernetes.io/id";
/// The parent's annotation naming the tool that manages the set.
pub const TOOLING: &str = "applyset.kubernetes.io/tooling";
/// The parent's annotation listing the group-kinds of the members.
pub const GROUP_KINDS: &str = "applyset.kubernetes.io/contains-group-kinds";
/// The parent's annotation listing the namespaces of members other than its own.
pub const NAMESPACES: &str = "applyset.kubernetes.io/additional-namespaces";

/// `base64` of `bytes`, as Kubernetes writes Secret data.
#[must_use]
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Bytes of `base64` text, as Kubernetes writes Secret data; `None` when it is not.
#[must_use]
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// One deploy's inventory: its parent's address and the set's ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// The deploy's name (the app's).
    pub name: String,
    /// The namespace of the parent, the history and the lock.
    pub namespace: String,
}

/// What the inventory holds: where its members may be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// `Kind.group` of every member kind.
    pub group_kinds: BTreeSet<String>,
    /// Every namespace a member is in, the parent's included; empty for cluster-scoped
    /// members only.
    pub namespaces: BTreeSet<String>,
}

impl Contents {
    /// Where `objects` are.
    #[must_use]
    pub fn of<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut contents = Self::default();
        for object in objects {
            let target = ObjectRef::of(object);
            contents.group_kinds.insert(target.group_kind());
            if !target.namespace.is_empty() {
                contents.namespaces.insert(target.namespace.clone());
            }
        }
        contents
    }

    /// Both together.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self {
            group_kinds: self
                .group_kinds
                .union(&other.group_kinds)
                .cloned()
                .collect(),
            namespaces: self.namespaces.union(&other.namespaces).cloned().collect(),
        }
    }
}

impl Inventory {
    /// The inventory of the deploy `name` kept in `namespace`.
    #[must_use]
    pub fn new(name: &str, namespace: &str) -> Self {
        Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
        }
    }

    /// The parent Secret's name.
    #[must_use]
    pub fn parent_name(&self) -> String {
        format!("shipshape-{}", self.name)
    }

    /// The parent's address.
    #[must_use]
    pub fn parent(&self) -> ObjectRef {
        ObjectRef {
            api_version: "v1".into(),
            kind: "Secret".into(),
            namespace: self.namespace.clone(),
            name: self.parent_name(),
        }
    }

    /// The set's ID, as the ApplySet KEP defines it: `applyset-` + unpadded URL-safe
    /// base64 of the SHA-256 of `name.namespace.kind.group` of the parent, + `-v1`.
    #[must_use]
    pub fn id(&self) -> String {
        let digest = Sha256::digest(format!("{}.{}.Secret.", self.parent_name(), self.namespace));
        format!(
            "applyset-{}-v1",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
        )
    }

    /// `object` with the member label.
    #[must_use]
    pub fn label(&self, object: &Value) -> Value {
        let mut labelled = object.clone();
        labelled["metadata"]["labels"][PART_OF] = json!(self.id());
        labelled
    }

    /// The parent Secret, listing `contents`.
    #[must_use]
    pub fn parent_object(&self, contents: &Contents) -> Value {
        let others: Vec<&str> = contents
            .namespaces
            .iter()
            .map(String::as_str)
            .filter(|ns| *ns != self.namespace)
            .collect();
        let kinds: Vec<&str> = contents.group_kinds.iter().map(String::as_str).collect();
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "shipshape.dev/applyset",
            "metadata": {
                "name": self.parent_name(),
                "namespace": self.namespace,
                "labels": {ID: self.id()},
                "annotations": {
                    TOOLING: concat!("shipshape/v", env!("CARGO_PKG_VERSION")),
                    GROUP_KINDS: kinds.join(","),
                    NAMESPACES: others.join(","),
                },
            },
        })
    }

    /// What a stored parent lists.
    #[must_use]
    pub fn contents(&self, parent: &Value) -> Contents {
        let list = |annotation: &str| -> BTreeSet<String> {
            text(
                parent,
                &format!("/metadata/annotations/{}", escape(annotation)),
            )
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
        };
        let mut namespaces = list(NAMESPACES);
        namespaces.insert(self.namespace.clone());
        Contents {
            group_kinds: list(GROUP_KINDS),
            namespaces,
        }
    }

    /// Whether `live` belongs to another ApplySet (so this deploy must not take it over).
    #[must_use]
    pub fn foreign_set<'a>(&self, live: &'a Value) -> Option<&'a str> {
        let set = text(live, &format!("/metadata/labels/{}", escape(PART_OF)));
        (!set.is_empty() && set != self.id()).then_some(set)
    }
}

/// A label or annotation key as one JSON pointer token (`/` becomes `~1`).
#[must_use]
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_follows_the_applyset_kep() {
        let inventory = Inventory::new("shop", "shop");
        // sha256("shipshape-shop.shop.Secret.") in unpadded URL-safe base64.
        let digest = Sha256::digest("shipshape-shop.shop.Secret.");
        let expected = format!(
            "applyset-{}-v1",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
        );
        assert_eq!(inventory.id(), expected);
        assert_eq!(inventory.id().len(), "applyset-".len() + 43 + "-v1".len());
    }

    #[test]
    fn the_parent_lists_kinds_and_other_namespaces_and_reads_back() {
        let inventory = Inventory::new("shop", "shop");
        let objects = [
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "namespace": "shop"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "edge"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        ];
        let contents = Contents::of(&objects);
        let parent = inventory.parent_object(&contents);
        assert_eq!(
            parent["metadata"]["annotations"][GROUP_KINDS],
            "ConfigMap,Deployment.apps,Namespace"
        );
        assert_eq!(parent["metadata"]["annotations"][NAMESPACES], "edge");
        assert_eq!(inventory.contents(&parent), contents);
    }
}
