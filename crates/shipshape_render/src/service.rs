//! Services: the client Service of a `service` component, the metrics Service of a worker.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_spec::{Component, ComponentKind, Protocol};

use crate::context::{Ctx, component_path};

/// The name of a worker's metrics Service.
pub fn metrics_service_name(component: &str) -> String {
    format!("{component}-metrics")
}

/// The name of the Service that carries a component's metrics port, if it has one.
pub fn metrics_service_of(name: &str, component: &Component) -> Option<String> {
    component.metrics.as_ref()?;
    Some(match component.kind {
        ComponentKind::Service => name.to_owned(),
        ComponentKind::Worker => metrics_service_name(name),
    })
}

/// Renders a `service` component's Service (every declared port), or a worker's metrics
/// Service (its metrics port only).
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let (service_name, ports): (String, Vec<_>) = match component.kind {
        ComponentKind::Service => (name.to_owned(), component.ports.iter().collect()),
        ComponentKind::Worker => match &component.metrics {
            Some(m) => (
                metrics_service_name(name),
                component
                    .ports
                    .iter()
                    .filter(|(n, _)| **n == m.port)
                    .collect(),
            ),
            None => return,
        },
    };
    if ports.is_empty() {
        return;
    }
    let service = Service {
        metadata: ctx.metadata(&service_name, Some(name)),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            selector: Some(ctx.selector_labels(name)),
            ports: Some(
                ports
                    .into_iter()
                    .map(|(port_name, p)| ServicePort {
                        name: Some(port_name.clone()),
                        port: i32::from(p.0.service_port.unwrap_or(p.0.port)),
                        target_port: Some(IntOrString::String(port_name.clone())),
                        protocol: Some(
                            match p.0.protocol {
                                Protocol::Tcp => "TCP",
                                Protocol::Udp => "UDP",
                            }
                            .to_owned(),
                        ),
                        app_protocol: p.0.app_protocol.clone(),
                        ..ServicePort::default()
                    })
                    .collect(),
            ),
            ..ServiceSpec::default()
        }),
        status: None,
    };
    ctx.emit(&service, component_path(name));
}
