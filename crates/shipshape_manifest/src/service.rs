//! Services: the ports they expose, the pods they select, and which container port a
//! Service port reaches, resolved as the endpoints controller resolves `targetPort`.

use std::fmt;

use serde_json::Value;

use crate::index::ModelIndex;
use crate::object::Object;
use crate::pod::{Container, ContainerKind, PodTemplate};
use crate::pointer::items;
use crate::selector::Selector;

/// A Service port as a client names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortRef<'a> {
    /// `port.number` of an Ingress backend, `port` of a backendRef: the Service's `port`.
    Number(i64),
    /// `port.name` of an Ingress backend: the Service port's `name`.
    Name(&'a str),
}

impl PortRef<'_> {
    /// A number or a name, as a reference writes it; `None` for anything else.
    #[must_use]
    pub fn of(value: Option<&Value>) -> Option<PortRef<'_>> {
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
    /// `80`, or `` `http` `` for a name: how messages quote it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(name) => write!(f, "`{name}`"),
        }
    }
}

/// One entry of a Service's `spec.ports`.
#[derive(Debug, Clone, Copy)]
pub struct ServicePort<'a> {
    /// The Service.
    pub service: &'a Object,
    /// The entry.
    pub value: &'a Value,
}

impl<'a> ServicePort<'a> {
    /// Every entry of `service`'s `spec.ports`, in order.
    pub fn all(service: &'a Object) -> impl Iterator<Item = ServicePort<'a>> + 'a {
        items(service.value(), "/spec/ports").map(move |(_, value)| ServicePort { service, value })
    }

    /// The entry of `service`'s `spec.ports` that `port` names.
    #[must_use]
    pub fn find(service: &'a Object, port: PortRef<'_>) -> Option<Self> {
        ServicePort::all(service).find(|entry| port.matches(entry.value))
    }

    /// The port on the pods: `targetPort`, else `port`.
    #[must_use]
    pub fn target(&self) -> &'a Value {
        self.value.get("targetPort").unwrap_or(&self.value["port"])
    }

    /// `TCP` unless the entry says otherwise.
    #[must_use]
    pub fn protocol(&self) -> &'a str {
        self.value["protocol"].as_str().unwrap_or("TCP")
    }

    /// The port on `pod`'s pods that the endpoints controller sends this Service port's
    /// traffic to (`FindPort`): a numbered `targetPort` as it is, a named one looked up
    /// among the ports of the application containers, then of the sidecars (init
    /// containers with `restartPolicy: Always`), with the same protocol. `None` when no
    /// container declares the name, and the pod gets no endpoint for this port.
    #[must_use]
    pub fn endpoint_port(&self, pod: &PodTemplate<'_>) -> Option<i64> {
        let target = self.target();
        if let Some(number) = target.as_i64() {
            return Some(number);
        }
        let name = target.as_str()?;
        let protocol = self.protocol();
        let sidecars = pod
            .containers_of(ContainerKind::Init)
            .filter(|c| c.value["restartPolicy"].as_str() == Some("Always"));
        pod.app_containers()
            .chain(sidecars)
            .flat_map(|c| items(c.value, "/ports").map(|(_, port)| port))
            .find(|port| {
                port["name"].as_str() == Some(name)
                    && port["protocol"].as_str().unwrap_or("TCP") == protocol
            })
            .and_then(|port| port["containerPort"].as_i64())
    }

    /// The pod templates the Service selects; none for a Service without a selector.
    pub fn pods<'s>(
        &self,
        index: &'s ModelIndex<'a>,
    ) -> impl Iterator<Item = &'s PodTemplate<'a>> + use<'a, 's> {
        let service: &'a Object = self.service;
        Selector::of_service(service.value())
            .into_iter()
            .flat_map(move |selector| index.selected(service.namespace(), selector))
    }
}

/// How one pod template serves a Service's target port.
#[derive(Debug)]
pub enum Serving<'a> {
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

/// How `pod` serves `target` (a Service's `targetPort`: a number or a port name). A name
/// is looked up among the containers' named ports, as the endpoints controller does.
#[must_use]
pub fn serving<'a>(pod: &PodTemplate<'a>, target: &Value) -> Serving<'a> {
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
