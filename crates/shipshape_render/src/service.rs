//! Services: the client Service of a `service` or `stateful` component, the metrics
//! Service of a worker, and the headless Services that publish every pod by name.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, ComponentKind, HEADLESS_SUFFIX, PortDetail, Protocol, path};

use crate::context::{Ctx, component_key, component_path};

/// The name of a worker's metrics Service.
pub fn metrics_service_name(component: &str) -> String {
    format!("{component}-metrics")
}

/// The name of the Service that carries a component's metrics port, if it has one.
pub fn metrics_service_of(name: &str, component: &Component) -> Option<String> {
    component.metrics.as_ref()?;
    Some(if component.kind.has_client_service() {
        name.to_owned()
    } else {
        metrics_service_name(name)
    })
}

/// The name of the headless Service that publishes every pod of a component to its peers.
pub fn peers_service_name(component: &str) -> String {
    format!("{component}-peers")
}

/// The name of a `stateful` component's governing Service, under which each pod has its
/// DNS name.
pub fn governing_service_name(component: &str) -> String {
    format!("{component}{HEADLESS_SUFFIX}")
}

fn service_port(port_name: &str, p: &PortDetail) -> ServicePort {
    ServicePort {
        name: Some(port_name.to_owned()),
        port: i32::from(p.service_port.unwrap_or(p.port)),
        target_port: Some(IntOrString::String(port_name.to_owned())),
        protocol: Some(
            match p.protocol {
                Protocol::Tcp => "TCP",
                Protocol::Udp => "UDP",
            }
            .to_owned(),
        ),
        app_protocol: p.app_protocol.clone(),
        ..ServicePort::default()
    }
}

/// Renders the headless Service that publishes every pod of a component, ready or not,
/// with the `peers` ports: members must find each other before any of them can report
/// ready. A `stateful` component always has one, its governing Service, which gives each
/// pod its DNS name (a name that must resolve while the pod starts, so it too lists pods
/// that are not ready; clients use the client Service, which does not). Any other
/// component has one, `-peers`, when it declares `peers`.
pub fn render_headless(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let ports: Vec<ServicePort> = component
        .peers
        .iter()
        .filter_map(|p| Some(service_port(p, &component.ports.get(p)?.0)))
        .collect();
    let fields = port_fields(name, &ports);
    let service_name = match component.kind {
        ComponentKind::Stateful => governing_service_name(name),
        _ if ports.is_empty() => return,
        _ => peers_service_name(name),
    };
    let service = Service {
        metadata: ctx.metadata(&service_name, Some(name)),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            publish_not_ready_addresses: Some(true),
            selector: Some(ctx.selector_labels(name)),
            ports: (!ports.is_empty()).then_some(ports),
            ..ServiceSpec::default()
        }),
        status: None,
    };
    let mut path = component_path(name);
    if !component.peers.is_empty() {
        path.push("peers".into());
    }
    ctx.emit(&service, path, fields);
}

/// Renders the client Service of a `service` or `stateful` component (the ports it
/// serves its callers, the port it is exposed on, which the ingress controller or
/// gateway reaches through this Service, and its metrics port for scraping), or a
/// worker's metrics Service (its metrics port only).
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let (service_name, ports): (String, Vec<_>) = if component.kind.has_client_service() {
        let mut published = component.served_ports();
        published.extend(component.expose.as_ref().map(|e| e.port.as_str()));
        published.extend(component.metrics.as_ref().map(|m| m.port.as_str()));
        (
            name.to_owned(),
            component
                .ports
                .iter()
                .filter(|(n, _)| published.contains(&n.as_str()))
                .collect(),
        )
    } else if let Some(m) = &component.metrics {
        (
            metrics_service_name(name),
            component
                .ports
                .iter()
                .filter(|(n, _)| **n == m.port)
                .collect(),
        )
    } else {
        return;
    };
    if ports.is_empty() {
        return;
    }
    let ports: Vec<ServicePort> = ports
        .into_iter()
        .map(|(port_name, p)| service_port(port_name, &p.0))
        .collect();
    let fields = port_fields(name, &ports);
    let service = Service {
        metadata: ctx.metadata(&service_name, Some(name)),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            selector: Some(ctx.selector_labels(name)),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        status: None,
    };
    ctx.emit(&service, component_path(name), fields);
}

/// Each port of a component's Service comes from the component's port of the same name.
fn port_fields(name: &str, ports: &[ServicePort]) -> Provenance {
    let mut fields = Provenance::new();
    for (i, port) in ports.iter().enumerate() {
        if let Some(port_name) = &port.name {
            let key = component_key(name, path!["ports", port_name]);
            fields.record(&format!("/spec/ports/{i}"), key);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use crate::test_support::find;

    /// The ports of the client Service of `api` with `extra` lines under it.
    fn published(extra: &str) -> Vec<String> {
        let spec = format!(
            "name: shop
components:
  api:
    kind: service
    image: registry.example.com/shop/api:1.4.2
    ports: {{ grpc: 50051, http: 8080, metrics: 9090 }}
    metrics: {{ port: metrics }}
{extra}"
        );
        find(&spec, "Service", "api")["spec"]["ports"]
            .as_array()
            .expect("ports")
            .iter()
            .map(|p| p["name"].as_str().expect("a name").to_owned())
            .collect()
    }

    /// Callers use what `serves` lists; the ingress controller reaches the exposed port
    /// through the same Service, and Prometheus the metrics port.
    #[test]
    fn the_client_service_publishes_served_exposed_and_metrics_ports() {
        assert_eq!(published(""), ["grpc", "http", "metrics"]);
        assert_eq!(published("    serves: [grpc]\n"), ["grpc", "metrics"]);
        let exposed = "    serves: [grpc]\n    expose: { host: shop.example.com, port: http, tls: { cluster_issuer: le } }\n";
        assert_eq!(published(exposed), ["grpc", "http", "metrics"]);
    }
}
