use crate::templates::annotations;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Annotations that Kubernetes replaced with fields, on an object or its pods:
    /// `kubernetes.io/ingress.class`, the alpha seccomp annotations
    /// (`seccomp.security.alpha.kubernetes.io/pod`,
    /// `container.seccomp.security.alpha.kubernetes.io/*`), the beta AppArmor one
    /// (`container.apparmor.security.beta.kubernetes.io/*`),
    /// `scheduler.alpha.kubernetes.io/critical-pod`,
    /// `volume.beta.kubernetes.io/storage-class` and
    /// `service.alpha.kubernetes.io/tolerate-unready-endpoints`.
    ///
    /// ## Why it matters
    /// Recent Kubernetes releases ignore some of them (seccomp and critical-pod), so
    /// the protection or priority they were meant to give silently does not apply;
    /// the others work only as long as each controller still reads them, and tools that
    /// read the field (including this checker) do not see them.
    ///
    /// ## How to fix
    /// Move the setting to the field the message names, and delete the annotation.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     kubernetes.io/ingress.class: nginx
    /// spec:
    ///   defaultBackend: { service: { name: web, port: { number: 80 } } }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: nginx
    ///   defaultBackend: { service: { name: web, port: { number: 80 } } }
    /// ```
    pub struct DeprecatedAnnotation {
        id: "SS172",
        name: "deprecated-annotation",
        severity: Warning,
        theme: Deprecation,
        summary: "annotation replaced by a field, and ignored or on its way out",
    }
}

/// `(annotation key, or prefix ending in '/', the field that replaced it)`.
const DEPRECATED: [(&str, &str); 7] = [
    ("kubernetes.io/ingress.class", "spec.ingressClassName"),
    (
        "seccomp.security.alpha.kubernetes.io/pod",
        "securityContext.seccompProfile (the annotation is ignored)",
    ),
    (
        "container.seccomp.security.alpha.kubernetes.io/",
        "the container's securityContext.seccompProfile (the annotation is ignored)",
    ),
    (
        "container.apparmor.security.beta.kubernetes.io/",
        "the container's securityContext.appArmorProfile",
    ),
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        "priorityClassName: system-cluster-critical (the annotation is ignored)",
    ),
    (
        "volume.beta.kubernetes.io/storage-class",
        "spec.storageClassName",
    ),
    (
        "service.alpha.kubernetes.io/tolerate-unready-endpoints",
        "spec.publishNotReadyAddresses",
    ),
];

/// The field that replaced the annotation `key`, if it is deprecated.
fn replacement(key: &str) -> Option<&'static str> {
    DEPRECATED.iter().find_map(|(deprecated, field)| {
        let matches = match deprecated.strip_suffix('/') {
            Some(_) => key.starts_with(deprecated) && key.len() > deprecated.len(),
            None => key == *deprecated,
        };
        matches.then_some(*field)
    })
}

impl ObjectRule for DeprecatedAnnotation {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        for annotation in annotations(object) {
            if let Some(field) = replacement(annotation.key) {
                out.report(
                    object,
                    annotation.pointer,
                    format!("annotation `{}` is deprecated: use {field}", annotation.key),
                );
            }
        }
    }
}
