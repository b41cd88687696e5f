//! What rules may read about the run, apart from the objects: a leaf that the context
//! rules see and the configuration that fills it both build on.

use std::collections::BTreeSet;

use serde::Deserialize;
use shipshape_manifest::{GroupKind, kinds};

/// A kind of object that pod templates refer to by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    /// ConfigMaps (volumes, `envFrom`, `configMapKeyRef`).
    ConfigMap,
    /// Secrets (volumes, `envFrom`, `secretKeyRef`, `imagePullSecrets`).
    Secret,
    /// ServiceAccounts (`serviceAccountName`).
    ServiceAccount,
    /// PersistentVolumeClaims (`persistentVolumeClaim` volumes).
    PersistentVolumeClaim,
    /// All of the above.
    All,
}

impl RefKind {
    /// The Kubernetes kind.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            RefKind::ConfigMap => "ConfigMap",
            RefKind::Secret => "Secret",
            RefKind::ServiceAccount => "ServiceAccount",
            RefKind::PersistentVolumeClaim => "PersistentVolumeClaim",
            RefKind::All => "*",
        }
    }

    /// The reference kind of objects of `kind`; `None` for kinds references are not
    /// checked for.
    #[must_use]
    pub fn of(kind: &GroupKind<'_>) -> Option<RefKind> {
        [
            (kinds::CONFIG_MAP, RefKind::ConfigMap),
            (kinds::SECRET, RefKind::Secret),
            (kinds::SERVICE_ACCOUNT, RefKind::ServiceAccount),
            (
                kinds::PERSISTENT_VOLUME_CLAIM,
                RefKind::PersistentVolumeClaim,
            ),
        ]
        .into_iter()
        .find_map(|(k, ref_kind)| (k == *kind).then_some(ref_kind))
    }
}

/// What rules may read about the run.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Kinds whose objects live outside the input (created by another tool or team), so
    /// a reference to one that is not in the input is fine.
    pub external_refs: BTreeSet<RefKind>,
    /// What the `api` rules validate against: Kubernetes version and extra CRDs.
    pub api: shipshape_validate::Target,
}

impl Settings {
    /// Whether objects of `kind` may live outside the input.
    #[must_use]
    pub fn is_external(&self, kind: RefKind) -> bool {
        self.external_refs.contains(&RefKind::All) || self.external_refs.contains(&kind)
    }
}
