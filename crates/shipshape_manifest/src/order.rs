//! Apply order of kinds.

/// Kinds in the order a cluster should receive them: what others refer to comes first.
/// The order follows Helm's install order, with the custom kinds shipshape renders put
/// where their dependencies are met.
const ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "ExternalSecret",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "Certificate",
    "IngressClass",
    "Ingress",
    "HTTPRoute",
    "GRPCRoute",
    "ServiceMonitor",
    "PodMonitor",
];

/// The position of `kind` in apply order; unknown kinds go last.
#[must_use]
pub fn kind_rank(kind: &str) -> usize {
    ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len())
}
