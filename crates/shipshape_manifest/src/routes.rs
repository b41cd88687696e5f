//! Where Ingresses and Gateway API routes send traffic: the Service and port each
//! backend names, and the Service port that resolves to (the pods and container port
//! behind it are [`ServicePort`]'s to say).

use std::collections::HashSet;

use crate::identity::{GroupKind, display_name, kinds};
use crate::index::ModelIndex;
use crate::object::Object;
use crate::operated::{OperatedService, operated_service};
use crate::pointer::items;
use crate::service::{PortRef, ServicePort};

/// Route kinds of the Gateway API whose `backendRefs` name Services.
const GATEWAY_ROUTES: &[GroupKind<'static>] = &[kinds::HTTP_ROUTE, kinds::GRPC_ROUTE];

/// One backend of a route: a Service and a port it sends requests to.
#[derive(Debug, Clone)]
pub struct Backend<'a> {
    /// The Ingress, HTTPRoute or GRPCRoute.
    pub route: &'a Object,
    /// The Service's namespace.
    pub namespace: &'a str,
    /// The Service's name.
    pub service: &'a str,
    /// The Service port, when the backend names one.
    pub port: Option<PortRef<'a>>,
    /// JSON pointer of the Service's name in the route.
    pub name_pointer: String,
    /// JSON pointer of the port in the route (of where it belongs when absent).
    pub port_pointer: String,
}

impl Backend<'_> {
    /// How messages name the Service: `Service shop/web`.
    #[must_use]
    pub fn service_name(&self) -> String {
        display_name("Service", self.namespace, self.service)
    }
}

/// Every Service backend of every Ingress, HTTPRoute and GRPCRoute, once per route and
/// Service port: several paths to one backend are one backend.
#[must_use]
pub fn backends<'a>(index: &ModelIndex<'a>) -> Vec<Backend<'a>> {
    let ingresses = [kinds::INGRESS, kinds::EXTENSIONS_INGRESS]
        .iter()
        .flat_map(|kind| index.of_kind(kind))
        .flat_map(ingress_backends);
    let routes = GATEWAY_ROUTES
        .iter()
        .flat_map(|kind| index.of_kind(kind))
        .flat_map(gateway_backends);
    let mut seen = HashSet::new();
    ingresses
        .chain(routes)
        .filter(|b| seen.insert((b.route.index(), b.namespace, b.service, b.port)))
        .collect()
}

/// `spec.defaultBackend` and the backend of every path.
fn ingress_backends(ingress: &Object) -> Vec<Backend<'_>> {
    let mut pointers = vec!["/spec/defaultBackend".to_owned()];
    for (i, rule) in items(ingress.value(), "/spec/rules") {
        for (j, _) in items(rule, "/http/paths") {
            pointers.push(format!("/spec/rules/{i}/http/paths/{j}/backend"));
        }
    }
    pointers
        .into_iter()
        .filter_map(|at| {
            let service = ingress.get(&format!("{at}/service"))?;
            let port = service.get("port");
            let port_field = match port {
                Some(p) if p.get("name").is_some() => "name",
                _ => "number",
            };
            Some(Backend {
                route: ingress,
                namespace: ingress.namespace(),
                service: service["name"].as_str()?,
                port: PortRef::of(port.and_then(|p| p.get(port_field))),
                name_pointer: format!("{at}/service/name"),
                port_pointer: format!("{at}/service/port/{port_field}"),
            })
        })
        .collect()
}

/// The `backendRefs` of every rule that name a core Service.
fn gateway_backends(route: &Object) -> Vec<Backend<'_>> {
    let mut found = Vec::new();
    for (i, rule) in items(route.value(), "/spec/rules") {
        for (j, backend) in items(rule, "/backendRefs") {
            let is_service = backend["kind"].as_str().unwrap_or("Service") == "Service"
                && backend["group"].as_str().unwrap_or("").is_empty();
            let Some(name) = backend["name"].as_str().filter(|_| is_service) else {
                continue;
            };
            let at = format!("/spec/rules/{i}/backendRefs/{j}");
            found.push(Backend {
                route,
                namespace: backend["namespace"].as_str().unwrap_or(route.namespace()),
                service: name,
                port: PortRef::of(backend.get("port")),
                name_pointer: format!("{at}/name"),
                port_pointer: format!("{at}/port"),
            });
        }
    }
    found
}

/// What a backend reaches.
#[derive(Debug)]
pub enum Resolution<'a> {
    /// No Service of that name in that namespace.
    NoService,
    /// The Service has no such port (or the backend names none).
    NoPort(&'a Object),
    /// The Service port the backend reaches.
    Port(ServicePort<'a>),
    /// No Service in the input, but an operator makes one of that name for a resource
    /// of the set.
    Operated(OperatedService<'a>),
}

/// Looks up the Service and port `backend` names.
#[must_use]
pub fn resolve<'a>(index: &ModelIndex<'a>, backend: &Backend<'_>) -> Resolution<'a> {
    let Some(service) = index.find(&kinds::SERVICE, backend.namespace, backend.service) else {
        return operated_service(index, backend.namespace, backend.service)
            .map_or(Resolution::NoService, Resolution::Operated);
    };
    match backend
        .port
        .and_then(|port| ServicePort::find(service, port))
    {
        Some(port) => Resolution::Port(port),
        None => Resolution::NoPort(service),
    }
}
