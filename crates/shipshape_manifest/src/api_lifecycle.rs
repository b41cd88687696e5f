//! The one table of API versions that Kubernetes deprecated or stopped serving, with
//! what replaces them. The validator refuses removed kinds with it, and the checker's
//! SS061 and SS062 report from it.
//!
//! Entries are keyed by group, version and kind: a kind alone says nothing (`Ingress`
//! of `extensions/v1beta1` is removed, of `networking.k8s.io/v1` it is current, and a
//! custom resource may be called `Ingress` too), and the version alone says too much
//! (`storage.k8s.io/v1beta1` lost CSIDriver in 1.22 but VolumeAttributesClass only in
//! 1.37).
//!
//! Sources: the Kubernetes Deprecated API Migration Guide
//! (kubernetes.io/docs/reference/using-api/deprecation-guide/) for every removal up to
//! 1.32; the embedded schemas themselves for the beta APIs removed since (the first
//! version whose OpenAPI document no longer has them: `removals_match_the_schemas`
//! checks every entry against them); and the API server's deprecation warnings for
//! kinds deprecated in place (v1 Endpoints since 1.33, v1 ComponentStatus since 1.19).

use shipshape_grammar::KubeVersion;

/// One API version (or some of its kinds) that was deprecated or removed.
#[derive(Debug, PartialEq, Eq)]
pub struct ApiChange {
    /// `policy/v1beta1`.
    pub api_version: &'static str,
    /// The kinds concerned.
    pub kinds: &'static [&'static str],
    /// The first version that warns about it, when it is still served.
    pub deprecated_in: Option<KubeVersion>,
    /// The first version that no longer serves it.
    pub removed_in: Option<KubeVersion>,
    /// What to use instead: an API version of the same kind (`policy/v1`), or another
    /// kind or mechanism in words.
    pub replacement: &'static str,
}

/// Where an API version stands in a target version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStatus {
    /// Served, with a deprecation warning.
    Deprecated(&'static ApiChange),
    /// No longer served: the API server refuses the object.
    Removed(&'static ApiChange),
}

const fn v(minor: u32) -> Option<KubeVersion> {
    Some(KubeVersion::new(minor))
}

const WORKLOADS: &[&str] = &["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"];
const APPS_BETA: &[&str] = &[
    "ControllerRevision",
    "Deployment",
    "DaemonSet",
    "ReplicaSet",
    "StatefulSet",
];
const RBAC: &[&str] = &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
const FLOW: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];

/// The table, oldest removal first.
pub static API_CHANGES: &[ApiChange] = &[
    // 1.16
    change("extensions/v1beta1", WORKLOADS, v(16), "apps/v1"),
    change("apps/v1beta1", APPS_BETA, v(16), "apps/v1"),
    change("apps/v1beta2", APPS_BETA, v(16), "apps/v1"),
    change(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        v(16),
        "networking.k8s.io/v1",
    ),
    change(
        "extensions/v1beta1",
        &["PodSecurityPolicy"],
        v(16),
        "policy/v1beta1, itself removed in 1.25: use Pod Security Admission",
    ),
    // 1.21
    change("batch/v2alpha1", &["CronJob"], v(21), "batch/v1"),
    // 1.22
    change(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        v(22),
        "admissionregistration.k8s.io/v1",
    ),
    change(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        v(22),
        "apiextensions.k8s.io/v1",
    ),
    change(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        v(22),
        "apiregistration.k8s.io/v1",
    ),
    change(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        v(22),
        "authentication.k8s.io/v1",
    ),
    change(
        "authorization.k8s.io/v1beta1",
        &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SubjectAccessReview",
            "SelfSubjectRulesReview",
        ],
        v(22),
        "authorization.k8s.io/v1",
    ),
    change(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        v(22),
        "certificates.k8s.io/v1",
    ),
    change(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        v(22),
        "coordination.k8s.io/v1",
    ),
    change(
        "extensions/v1beta1",
        &["Ingress"],
        v(22),
        "networking.k8s.io/v1",
    ),
    change(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        v(22),
        "networking.k8s.io/v1",
    ),
    change(
        "rbac.authorization.k8s.io/v1beta1",
        RBAC,
        v(22),
        "rbac.authorization.k8s.io/v1",
    ),
    change(
        "rbac.authorization.k8s.io/v1alpha1",
        RBAC,
        v(22),
        "rbac.authorization.k8s.io/v1",
    ),
    change(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        v(22),
        "scheduling.k8s.io/v1",
    ),
    change(
        "scheduling.k8s.io/v1alpha1",
        &["PriorityClass"],
        v(22),
        "scheduling.k8s.io/v1",
    ),
    change(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        v(22),
        "storage.k8s.io/v1",
    ),
    // 1.25
    change("batch/v1beta1", &["CronJob"], v(25), "batch/v1"),
    change(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        v(25),
        "discovery.k8s.io/v1",
    ),
    change(
        "events.k8s.io/v1beta1",
        &["Event"],
        v(25),
        "events.k8s.io/v1",
    ),
    change(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        v(25),
        "autoscaling/v2",
    ),
    change(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        v(25),
        "policy/v1",
    ),
    change(
        "policy/v1beta1",
        &["PodSecurityPolicy"],
        v(25),
        "Pod Security Admission (the pod-security.kubernetes.io/* namespace labels)",
    ),
    change(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        v(25),
        "node.k8s.io/v1",
    ),
    // 1.26
    change(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        FLOW,
        v(26),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    change(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        v(26),
        "autoscaling/v2",
    ),
    // 1.27
    change(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        v(27),
        "storage.k8s.io/v1",
    ),
    // 1.29
    change(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        FLOW,
        v(29),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // 1.32
    change(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        FLOW,
        v(32),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // 1.34, 1.37: read from the schemas (see the module comment)
    change(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
        ],
        v(34),
        "admissionregistration.k8s.io/v1",
    ),
    ApiChange {
        api_version: "networking.k8s.io/v1beta1",
        kinds: &["IPAddress", "ServiceCIDR"],
        deprecated_in: v(33),
        removed_in: v(37),
        replacement: "networking.k8s.io/v1",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["VolumeAttributesClass"],
        deprecated_in: v(34),
        removed_in: v(37),
        replacement: "storage.k8s.io/v1",
    },
    // Deprecated in place, still served.
    ApiChange {
        api_version: "v1",
        kinds: &["Endpoints"],
        deprecated_in: v(33),
        removed_in: None,
        replacement: "discovery.k8s.io/v1 EndpointSlice",
    },
    ApiChange {
        api_version: "v1",
        kinds: &["ComponentStatus"],
        deprecated_in: v(19),
        removed_in: None,
        replacement: "the API server's /livez and /readyz endpoints",
    },
];

/// A removal whose deprecation no supported target predates.
const fn change(
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: Option<KubeVersion>,
    replacement: &'static str,
) -> ApiChange {
    ApiChange {
        api_version,
        kinds,
        deprecated_in: None,
        removed_in,
        replacement,
    }
}

/// `(group, version)` of an `apiVersion`; the core group is empty.
fn group_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// Where `kind` of `api_version` stands in `target`: deprecated, removed, or neither.
#[must_use]
pub fn status(api_version: &str, kind: &str, target: KubeVersion) -> Option<ApiStatus> {
    let key = group_version(api_version);
    let change = API_CHANGES
        .iter()
        .find(|c| c.kinds.contains(&kind) && group_version(c.api_version) == key)?;
    if change.removed_in.is_some_and(|r| target >= r) {
        Some(ApiStatus::Removed(change))
    } else if change.deprecated_in.is_some_and(|d| target >= d) {
        Some(ApiStatus::Deprecated(change))
    } else {
        None
    }
}

impl ApiChange {
    /// `use policy/v1`, or `use discovery.k8s.io/v1 EndpointSlice`.
    #[must_use]
    pub fn advice(&self) -> String {
        format!("use {}", self.replacement)
    }

    /// `policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1`.
    #[must_use]
    pub fn removed_message(&self, kind: &str) -> String {
        let when = self
            .removed_in
            .map_or_else(String::new, |r| format!(" in Kubernetes {r}"));
        format!(
            "{} {kind} was removed{when}; {}",
            self.api_version,
            self.advice()
        )
    }

    /// `v1 Endpoints is deprecated since Kubernetes 1.33; use ...`, with the removal
    /// version when one is planned.
    #[must_use]
    pub fn deprecated_message(&self, kind: &str) -> String {
        let since = self
            .deprecated_in
            .map_or_else(String::new, |d| format!(" since Kubernetes {d}"));
        let until = self
            .removed_in
            .map_or_else(String::new, |r| format!(" and removed in {r}"));
        format!(
            "{} {kind} is deprecated{since}{until}; {}",
            self.api_version,
            self.advice()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_depends_on_the_target() {
        let at = |minor| {
            status(
                "storage.k8s.io/v1beta1",
                "VolumeAttributesClass",
                KubeVersion::new(minor),
            )
        };
        assert!(at(33).is_none());
        assert!(matches!(at(34), Some(ApiStatus::Deprecated(_))));
        assert!(matches!(at(37), Some(ApiStatus::Removed(_))));
        assert_eq!(
            status("policy/v1beta1", "PodDisruptionBudget", KubeVersion::NEWEST).map(|s| match s {
                ApiStatus::Removed(c) => c.removed_message("PodDisruptionBudget"),
                ApiStatus::Deprecated(c) => c.deprecated_message("PodDisruptionBudget"),
            }),
            Some(
                "policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1"
                    .to_owned()
            )
        );
    }

    /// SS170 read the version alone; the table is keyed by group and kind, so a kind
    /// that an API version still serves is not called removed because a sibling was.
    #[test]
    fn lookups_use_group_version_and_kind() {
        let removed = |api_version, kind, minor| {
            matches!(
                status(api_version, kind, KubeVersion::new(minor)),
                Some(ApiStatus::Removed(_))
            )
        };
        assert!(removed("storage.k8s.io/v1beta1", "CSIDriver", 33));
        assert!(!removed(
            "storage.k8s.io/v1beta1",
            "VolumeAttributesClass",
            33
        ));
        assert!(removed("extensions/v1beta1", "Ingress", 33));
        assert!(!removed("networking.k8s.io/v1", "Ingress", 37));
        assert!(!removed("example.com/v1beta1", "Ingress", 37));
        assert!(removed("batch/v2alpha1", "CronJob", 33));
        assert!(removed("apps/v1beta2", "ControllerRevision", 33));
        assert_eq!(group_version("v1"), ("", "v1"));
        assert_eq!(group_version("apps/v1"), ("apps", "v1"));
    }
}
