use serde_json::Value;

use crate::templates::describe;
use crate::{CheckContext, Container, Emitter, PodTemplate, SetRule, declare_rule};
use shipshape_manifest::probes;
use shipshape_manifest::routes::{self, Resolution};
use shipshape_manifest::{Serving, serving};

declare_rule! {
    /// ## What it checks
    /// Containers that serve an Ingress backend or a Gateway API `HTTPRoute` /
    /// `GRPCRoute` backendRef without a `readinessProbe`: the route's Service selects
    /// the pods, and the container that declares the Service's target port has no
    /// readiness probe. When the containers declare no ports, it is enough that one
    /// application container has a readiness probe.
    ///
    /// ## Why it matters
    /// Without a readiness probe the pod joins the Service's endpoints the moment its
    /// process starts, so the ingress controller sends public requests to pods that
    /// cannot answer yet, after every rollout, restart and scale-up, and keeps sending
    /// them to pods that are overloaded or shutting down. Users see 502s that no
    /// dashboard of the app shows.
    ///
    /// ## How to fix
    /// Give the serving container a `readinessProbe` on the port the route reaches,
    /// answering only when it can serve a request.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: gateway.networking.k8s.io/v1
    /// kind: HTTPRoute
    /// metadata:
    ///   name: web
    /// spec:
    ///   parentRefs: [{ name: public }]
    ///   rules:
    ///     - backendRefs: [{ name: web, port: 80 }]
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { name: http, port: 80, targetPort: http }
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
    ///           ports:
    ///             - { name: http, containerPort: 8080 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: gateway.networking.k8s.io/v1
    /// kind: HTTPRoute
    /// metadata:
    ///   name: web
    /// spec:
    ///   parentRefs: [{ name: public }]
    ///   rules:
    ///     - backendRefs: [{ name: web, port: 80 }]
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { name: http, port: 80, targetPort: http }
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
    ///           ports:
    ///             - { name: http, containerPort: 8080 }
    ///           readinessProbe:
    ///             httpGet: { path: /ready, port: http }
    /// ```
    pub struct RouteBackendNotReady {
        id: "SS044",
        name: "route-backend-not-ready",
        severity: Warning,
        theme: Networking,
        summary: "container behind an Ingress or route has no readiness probe",
    }
}

/// What lacks a readiness probe when the pods serving `target` have none for it:
/// "container `web`", or "no container" when the containers declare no ports.
fn unready(pod: &PodTemplate<'_>, target: &Value) -> Option<String> {
    let has_probe = |c: &Container<'_>| probes::probe(c, "/readinessProbe").is_some();
    match serving(pod, target) {
        Serving::Declared { container, .. } if !has_probe(&container) => {
            Some(format!("{} has no readiness probe", describe(&container)))
        }
        Serving::Undeclared(_) if !pod.app_containers().any(|c| has_probe(&c)) => {
            Some("no container has a readiness probe".to_owned())
        }
        _ => None,
    }
}

impl SetRule for RouteBackendNotReady {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for backend in routes::backends(cx) {
            let Resolution::Port(service_port) = routes::resolve(cx, &backend) else {
                continue;
            };
            let pods = service_port.pods(cx).filter(|pod| pod.is_long_running());
            for pod in pods {
                if let Some(what) = unready(pod, service_port.target()) {
                    out.report(
                        backend.route,
                        &backend.name_pointer,
                        format!(
                            "routes through {} to {}, where {what}: requests arrive before the pods can answer",
                            backend.service_name(),
                            pod.object.display_name(),
                        ),
                    );
                }
            }
        }
    }
}
