use crate::{CheckContext, Emitter, Selector, SetRule, declare_rule};
use shipshape_manifest::{kinds, selected_operated};

declare_rule! {
    /// ## What it checks
    /// Services with a selector that matches the pod template of no workload in their
    /// namespace, nor the pods an operator runs for a custom resource of the input (a
    /// CloudNativePG `Cluster`, a Prometheus, an `EtcdCluster`: see
    /// `docs/operators.md`). Services without a selector (endpoints managed by hand, or
    /// `ExternalName`) are left alone.
    ///
    /// ## Why it matters
    /// The Service gets no endpoints: every connection to it is refused, and an Ingress
    /// in front of it answers 503. It is usually a label typo, or a label that differs
    /// between the Service and the Deployment's template.
    ///
    /// ## How to fix
    /// Make `spec.selector` a subset of the labels of the pod template it should reach.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: website }
    ///   ports:
    ///     - { port: 80, targetPort: 8080 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { port: 80, targetPort: 8080 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    pub struct ServiceSelectsNoPods {
        id: "SS040",
        name: "service-selects-no-pods",
        severity: Error,
        theme: Networking,
        summary: "Service selector matches no pod template in the input",
    }
}

impl SetRule for ServiceSelectsNoPods {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for service in cx.of_kind(&kinds::SERVICE) {
            let Some(selector) = Selector::of_service(service.value()) else {
                continue;
            };
            if cx.selected(service.namespace(), selector).next().is_none()
                && selected_operated(cx, service.namespace(), selector).is_empty()
            {
                out.report(
                    service,
                    "/spec/selector",
                    "selects no pod template in its namespace: it will have no endpoints",
                );
            }
        }
    }
}
