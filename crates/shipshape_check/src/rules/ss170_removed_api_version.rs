use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Objects of a built-in API version that Kubernetes no longer serves:
    /// `extensions/v1beta1`, `apps/v1beta1` and `v1beta2`, `networking.k8s.io/v1beta1`,
    /// `batch/v1beta1`, `policy/v1beta1`, `autoscaling/v2beta1` and `v2beta2`, the
    /// `v1beta1` versions of RBAC, admission, CRDs, storage, certificates, leases,
    /// endpoint slices, events, runtime classes and priority classes, and the beta
    /// versions of API priority and fairness.
    ///
    /// ## Why it matters
    /// The API server refuses them: every supported Kubernetes release removed these
    /// versions (between 1.16 and 1.32), so the apply fails, and charts that still
    /// carry them block cluster upgrades.
    ///
    /// ## How to fix
    /// Use the stable version the message names and adjust the fields that changed
    /// (an Ingress backend became `service.name` and `service.port`, a Deployment
    /// needs a `selector`). `kubectl convert` does most of it. PodSecurityPolicy has no
    /// successor object: label namespaces for Pod Security Admission instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1beta1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: { app: web }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: { app: web }
    /// ```
    pub struct RemovedApiVersion {
        id: "SS170",
        name: "removed-api-version",
        severity: Error,
        theme: Deprecation,
        summary: "object uses an API version Kubernetes no longer serves",
    }
}

/// Removed API versions: `(apiVersion, last release that served it, its successor)`.
const REMOVED: &[(&str, &str, &str)] = &[
    ("extensions/v1beta1", "1.21", "apps/v1"),
    ("apps/v1beta1", "1.15", "apps/v1"),
    ("apps/v1beta2", "1.15", "apps/v1"),
    ("networking.k8s.io/v1beta1", "1.21", "networking.k8s.io/v1"),
    ("batch/v1beta1", "1.24", "batch/v1"),
    ("batch/v2alpha1", "1.20", "batch/v1"),
    ("policy/v1beta1", "1.24", "policy/v1"),
    ("autoscaling/v2beta1", "1.24", "autoscaling/v2"),
    ("autoscaling/v2beta2", "1.25", "autoscaling/v2"),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "1.21",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        "1.21",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "1.21",
        "admissionregistration.k8s.io/v1",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        "1.21",
        "apiextensions.k8s.io/v1",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        "1.21",
        "apiregistration.k8s.io/v1",
    ),
    ("scheduling.k8s.io/v1beta1", "1.21", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", "1.21", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "1.26", "storage.k8s.io/v1"),
    (
        "certificates.k8s.io/v1beta1",
        "1.21",
        "certificates.k8s.io/v1",
    ),
    (
        "coordination.k8s.io/v1beta1",
        "1.21",
        "coordination.k8s.io/v1",
    ),
    ("discovery.k8s.io/v1beta1", "1.24", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "1.24", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", "1.24", "node.k8s.io/v1"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "1.25",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "1.28",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "1.31",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// What to use instead of `kind` of a removed `api_version`, whose usual successor is
/// `successor`: the kinds that moved to another group, or went away.
fn replacement(api_version: &str, kind: &str, successor: &'static str) -> &'static str {
    match (api_version, kind) {
        (_, "PodSecurityPolicy") => "Pod Security Admission (namespace labels)",
        ("extensions/v1beta1", "Ingress" | "NetworkPolicy") => "networking.k8s.io/v1",
        _ => successor,
    }
}

impl ObjectRule for RemovedApiVersion {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let version = object.api_version();
        let Some((_, last, successor)) = REMOVED.iter().find(|(v, _, _)| *v == version) else {
            return;
        };
        out.report(
            object,
            "/apiVersion",
            format!(
                "{version} was last served by Kubernetes {last}: use {}",
                replacement(version, object.kind(), successor)
            ),
        );
    }
}
