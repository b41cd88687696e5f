//! Which kinds live in a namespace.

/// Built-in and common third-party kinds that are cluster-scoped. Anything not listed is
/// taken to be namespaced, which is what almost every custom resource is.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterSecretStore",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "GatewayClass",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeSnapshotClass",
];

/// Whether objects of `kind` belong to a namespace.
#[must_use]
pub fn is_namespaced(kind: &str) -> bool {
    !CLUSTER_SCOPED.contains(&kind)
}

/// Gives a namespaced object without `metadata.namespace` the namespace `namespace`.
pub(crate) fn set_default_namespace(value: &mut serde_json::Value, namespace: &str) {
    let kind = value.get("kind").and_then(serde_json::Value::as_str);
    if !kind.is_some_and(is_namespaced) {
        return;
    }
    let Some(object) = value.as_object_mut() else {
        return;
    };
    let metadata = object
        .entry("metadata")
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    if let Some(metadata) = metadata.as_object_mut() {
        let missing = metadata
            .get("namespace")
            .and_then(serde_json::Value::as_str)
            .is_none_or(str::is_empty);
        if missing {
            metadata.insert("namespace".to_owned(), namespace.into());
        }
    }
}
