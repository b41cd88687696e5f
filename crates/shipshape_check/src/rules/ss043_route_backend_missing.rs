use crate::{CheckContext, Emitter, Object, SetRule, declare_rule};
use shipshape_manifest::routes::{self, Backend, Resolution};
use shipshape_manifest::{OperatedService, PortRef, ServicePort};

declare_rule! {
    /// ## What it checks
    /// Ingress backends and Gateway API `HTTPRoute` / `GRPCRoute` `backendRefs` whose
    /// Service is missing: the Service is not in the input (in the backend's namespace),
    /// or it has no port of that number or name. A Service that an operator makes for a
    /// custom resource of the input (`db-rw` for a CloudNativePG `Cluster`,
    /// `prometheus-operated`, `sso-service` for a `Keycloak`: see `docs/operators.md`)
    /// counts as present, with the ports that operator gives it. The next link, a
    /// Service `targetPort` that none of its pods declares, is SS041's finding on the
    /// Service, where it is fixed: one problem, one finding. Backends of other kinds (a
    /// `resource` backend, a backendRef to something other than a core Service) are
    /// left alone.
    ///
    /// ## Why it matters
    /// The route is accepted and the controller serves 503 (or 500 for Gateway routes)
    /// for every request on it. Each link is usually a rename: a Service renamed by a
    /// chart upgrade, a port renamed from `http` to `web`, a container port that moved.
    ///
    /// ## How to fix
    /// Name the Service and one of its ports exactly.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: web.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: { name: web, port: { name: https } }
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
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: web.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: { name: web, port: { name: http } }
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
    pub struct RouteBackendMissing {
        id: "SS043",
        name: "route-backend-missing",
        severity: Error,
        theme: Networking,
        summary: "Ingress or route backend names a missing Service or Service port",
    }
}

/// Reports a port that the Service an operator makes does not have.
fn check_operated(backend: &Backend<'_>, service: &OperatedService<'_>, out: &mut Emitter<'_>) {
    let Some(port) = backend.port else {
        return;
    };
    let (name, number) = match port {
        PortRef::Name(name) => (Some(name), None),
        PortRef::Number(number) => (None, Some(number)),
    };
    if service.has_port(name, number) {
        return;
    }
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|(name, number)| format!("`{name}` {number}"))
        .collect();
    out.report(
        backend.route,
        &backend.port_pointer,
        format!(
            "routes to port {port} of {}, which has no such port (it has {})",
            service.display_name(),
            ports.join(", "),
        ),
    );
}

impl SetRule for RouteBackendMissing {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for backend in routes::backends(cx) {
            match routes::resolve(cx, &backend) {
                Resolution::NoService => out.report(
                    backend.route,
                    &backend.name_pointer,
                    format!(
                        "routes to {}, which is not in the input: requests on this route fail",
                        backend.service_name()
                    ),
                ),
                Resolution::NoPort(service) => {
                    let Some(port) = backend.port else {
                        continue;
                    };
                    out.report(
                        backend.route,
                        &backend.port_pointer,
                        format!(
                            "routes to port {port} of {}, which has no such port (it has {})",
                            backend.service_name(),
                            service_ports(service),
                        ),
                    );
                }
                Resolution::Port(_) => {}
                Resolution::Operated(service) => check_operated(&backend, &service, out),
            }
        }
    }
}

/// The ports a Service has, for messages: "`http` 80, 9090".
fn service_ports(service: &Object) -> String {
    let ports: Vec<String> = ServicePort::all(service)
        .map(|p| match (p.value["name"].as_str(), &p.value["port"]) {
            (Some(name), number) => format!("`{name}` {number}"),
            (None, number) => number.to_string(),
        })
        .collect();
    if ports.is_empty() {
        "none".to_owned()
    } else {
        ports.join(", ")
    }
}
