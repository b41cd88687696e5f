//! Where Ingresses and Gateway API routes send traffic: the Service and port each
//! backend names, the Service port that resolves to, and the container that finally
//! serves it.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use crate::{CheckContext, Container, Object, PodTemplate, Selector};

/// Route kinds of the Gateway API whose `backendRefs` name Services.
const GATEWAY_ROUTES: &[&str] = &["HTTPRoute", "GRPCRoute"];

/// The API group of the Gateway API.
const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// A Service port as a backend names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PortRef<'a> {
    /// `port.number` of an Ingress backend, `port` of a backendRef: the Service's `port`.
    Number(i64),
    /// `port.name` of an Ingress backend: the Service port's `name`.
    Name(&'a str),
}

impl PortRef<'_> {
    fn of(value: Option<&Value>) -> Option<PortRef<'_>> {
        let value = value?;
        value
            .as_i64()
            .map(PortRef::Number)
            .or_else(|| value.as_str().map(PortRef::Name))
    }

    fn matches(self, port: &Value) -> bool {
        match self {
            PortRef::Number(n) => port["port"].as_i64() == Some(n),
            PortRef::Name(name) => port["name"].as_str() == Some(name),
        }
    }
}

impl fmt::Display for PortRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(name) => write!(f, "`{name}`"),
        }
    }
}

/// One backend of a route: a Service and a port it sends requests to.
#[derive(Debug, Clone)]
pub(crate) struct Backend<'a> {
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
    pub(crate) fn service_name(&self) -> String {
        crate::finding::display_name("Service", self.namespace, self.service)
    }
}

/// Every Service backend of every Ingress, HTTPRoute and GRPCRoute, once per route and
/// Service port: several paths to one backend are one backend.
pub(crate) fn backends<'a>(cx: &CheckContext<'a>) -> Vec<Backend<'a>> {
    let ingresses = cx.of_kind("Ingress").flat_map(ingress_backends);
    let routes = GATEWAY_ROUTES
        .iter()
        .flat_map(|kind| cx.of_kind(kind))
        .filter(|route| route.group() == GATEWAY_GROUP)
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
pub(crate) enum Resolution<'a> {
    /// No Service of that name in that namespace.
    NoService,
    /// The Service has no such port (or the backend names none).
    NoPort(&'a Object),
    /// The Service port the backend reaches.
    Port(ServicePort<'a>),
}

/// One entry of a Service's `spec.ports`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServicePort<'a> {
    /// The Service.
    pub service: &'a Object,
    /// The entry.
    pub value: &'a Value,
}

impl<'a> ServicePort<'a> {
    /// The port on the pods: `targetPort`, else `port`.
    pub(crate) fn target(&self) -> &'a Value {
        self.value.get("targetPort").unwrap_or(&self.value["port"])
    }

    /// `TCP` unless the entry says otherwise.
    pub(crate) fn protocol(&self) -> &'a str {
        self.value["protocol"].as_str().unwrap_or("TCP")
    }

    /// The pod templates the Service selects; none for a Service without a selector.
    pub(crate) fn pods<'s>(
        &self,
        cx: &'s CheckContext<'a>,
    ) -> impl Iterator<Item = &'s PodTemplate<'a>> + use<'a, 's> {
        let service: &'a Object = self.service;
        Selector::of_service(service.value())
            .into_iter()
            .flat_map(move |selector| cx.selected(service.namespace(), selector))
    }
}

/// Looks up the Service and port `backend` names.
pub(crate) fn resolve<'a>(cx: &CheckContext<'a>, backend: &Backend<'_>) -> Resolution<'a> {
    let Some(service) = cx.find("Service", backend.namespace, backend.service) else {
        return Resolution::NoService;
    };
    let found = backend.port.and_then(|port| {
        items(service.value(), "/spec/ports").find(|(_, entry)| port.matches(entry))
    });
    match found {
        Some((_, value)) => Resolution::Port(ServicePort { service, value }),
        None => Resolution::NoPort(service),
    }
}

/// The ports a Service has, for messages: "`http` 80, 9090".
pub(crate) fn service_ports(service: &Object) -> String {
    let ports: Vec<String> = items(service.value(), "/spec/ports")
        .map(|(_, p)| match (p["name"].as_str(), &p["port"]) {
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

/// How one pod template serves a Service's target port.
#[derive(Debug)]
pub(crate) enum Serving<'a> {
    /// A container declares the port.
    Declared {
        /// The container.
        container: Container<'a>,
        /// `containerPort`.
        number: Option<i64>,
        /// The port's `name`.
        name: Option<&'a str>,
    },
    /// A number, and the containers declare no ports at all: something may listen on it,
    /// but which container cannot be told.
    Undeclared(i64),
    /// Nothing listens: no container declares the name, or the number while others are
    /// declared.
    Missing,
}

/// How `pod` serves `target` (a Service's `targetPort`: a number or a port name).
pub(crate) fn serving<'a>(pod: &PodTemplate<'a>, target: &Value) -> Serving<'a> {
    let mut declared_any = false;
    for container in pod.containers() {
        for (name, number) in container.ports() {
            declared_any = true;
            let hit = match target.as_str() {
                Some(wanted) => name == Some(wanted),
                None => number.is_some() && number == target.as_i64(),
            };
            if hit {
                return Serving::Declared {
                    container,
                    number,
                    name,
                };
            }
        }
    }
    match target.as_i64() {
        Some(number) if !declared_any => Serving::Undeclared(number),
        _ => Serving::Missing,
    }
}

fn items<'v>(value: &'v Value, pointer: &str) -> impl Iterator<Item = (usize, &'v Value)> {
    crate::input::lookup(value, pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}
