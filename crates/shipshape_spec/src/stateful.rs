//! What only `kind: stateful` components have: persistent volumes, the order their pods
//! start in, and the identity each pod is told about.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scalars::StorageSize;

/// What the name of a `stateful` component's governing headless Service adds to the
/// component's name; each pod's DNS name is `POD.NAME-headless.NAMESPACE.svc...`.
pub const HEADLESS_SUFFIX: &str = "-headless";

/// A persistent volume: every pod of the component gets its own claim from this template,
/// and gets the same claim back whenever it is rescheduled.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Where the volume is mounted in the container (an absolute path). It is writable,
    /// unlike the rest of the read-only root filesystem.
    pub mount: String,
    /// The size each pod's claim requests, such as `20Gi`.
    pub size: StorageSize,
    /// The StorageClass to provision from; the cluster's default class when not set.
    #[serde(default)]
    pub class: Option<String>,
    /// `read-write-once` (default), `read-write-many` or `read-only-many`.
    #[serde(default)]
    pub access: AccessMode,
}

/// How nodes may mount a volume.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AccessMode {
    /// Read and written by the pods of one node.
    #[default]
    ReadWriteOnce,
    /// Read and written from many nodes (a network file system).
    ReadWriteMany,
    /// Read from many nodes, mounted read-only.
    ReadOnlyMany,
}

impl AccessMode {
    /// The access mode as the Kubernetes API spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadWriteMany => "ReadWriteMany",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
        }
    }

    /// Whether the container may write to the volume.
    #[must_use]
    pub fn is_writable(self) -> bool {
        self != AccessMode::ReadOnlyMany
    }
}

/// How a StatefulSet creates and removes pods when it starts or scales. Rolling updates
/// replace one pod at a time, in reverse ordinal order, either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PodManagement {
    /// All pods start (and stop) at once. The default, because the members of a cluster
    /// need each other to become ready: with `ordered`, pod 0 waits for a quorum that
    /// pods 1 and 2 would form, and they are never created.
    #[default]
    Parallel,
    /// Pod N starts only when pods 0 to N-1 are ready, and pods stop in reverse: for
    /// systems whose later members copy from the first (a primary and its replicas).
    Ordered,
}

impl PodManagement {
    /// The `podManagementPolicy` of the StatefulSet.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PodManagement::Parallel => "Parallel",
            PodManagement::Ordered => "OrderedReady",
        }
    }
}

/// Environment variables, named by the user, that tell each pod who it is: its own name,
/// its own stable DNS name, and the DNS names of every pod of the component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The variable that holds the pod's name, such as `node-0`.
    #[serde(default)]
    pub pod_name: Option<String>,
    /// The variable that holds the pod's own DNS name,
    /// `node-0.node-headless.NAMESPACE.svc.cluster.local`.
    #[serde(default)]
    pub pod_dns: Option<String>,
    /// The variable that holds the DNS names of every pod, comma-separated, for as many
    /// pods as `replicas` allows at most.
    #[serde(default)]
    pub peers: Option<String>,
}

impl Identity {
    /// The variables set, with the key that names each (`pod_name`...), in the order
    /// they are defined in the container.
    #[must_use]
    pub fn vars(&self) -> Vec<(&'static str, &str)> {
        [
            ("pod_name", &self.pod_name),
            ("pod_dns", &self.pod_dns),
            ("peers", &self.peers),
        ]
        .into_iter()
        .filter_map(|(key, var)| Some((key, var.as_deref()?)))
        .collect()
    }
}
