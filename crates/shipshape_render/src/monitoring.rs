//! ServiceMonitors, so the Prometheus Operator scrapes each component's metrics port.
//!
//! A ServiceMonitor is rendered when the component has `metrics`, its `service_monitor` is
//! on, and the platform runs the Prometheus Operator (`platform.monitoring.service_monitors`).
//! It replaces the `prometheus.io/*` scrape annotations, which are therefore never added.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Value, json};
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, Metrics, path};

use crate::context::{Ctx, component_key};
use crate::service;

/// The metrics path when the spec gives none (the spec's own default).
const DEFAULT_PATH: &str = "/metrics";

/// Scrape interval when the spec gives none.
const DEFAULT_INTERVAL: &str = "30s";

/// Renders the ServiceMonitor of a component with metrics.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let Some(metrics) = &component.metrics else {
        return;
    };
    if !(ctx.spec.platform.monitoring.service_monitors && metrics.service_monitor) {
        return;
    }
    // `service::render` ran before (see the order in `lib.rs`). Without a Service that
    // carries the metrics port (the port is not declared, which spec validation reports)
    // there is nothing to scrape.
    let Some(target) = service::metrics_service_of(name, component) else {
        return;
    };
    if !serves_port(ctx, &target, &metrics.port) {
        return;
    }
    let monitor = service_monitor(ctx, name, metrics);
    let key = |rest| component_key(name, rest);
    let mut fields = Provenance::new();
    fields.record("/spec/endpoints/0/port", key(path!["metrics", "port"]));
    if metrics.path != DEFAULT_PATH {
        fields.record("/spec/endpoints/0/path", key(path!["metrics", "path"]));
    }
    if metrics.interval.is_some() {
        fields.record(
            "/spec/endpoints/0/interval",
            key(path!["metrics", "interval"]),
        );
    }
    ctx.emit(&monitor, key(path!["metrics"]), fields);
}

/// Whether the Service named `service` was rendered with a port named `port`.
fn serves_port(ctx: &Ctx<'_>, service: &str, port: &str) -> bool {
    ctx.out.items().iter().any(|m| {
        m.kind() == "Service"
            && m.name() == service
            && m.value
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .is_some_and(|ports| ports.iter().any(|p| p["name"] == port))
    })
}

/// The ServiceMonitor for the Service that carries the metrics port: the component's own
/// Service, or a worker's `-metrics` Service. Both are labelled through `Ctx::metadata`,
/// and no other Service carries the component's labels, so its selector labels pick
/// exactly that Service.
fn service_monitor(ctx: &Ctx<'_>, name: &str, metrics: &Metrics) -> Value {
    let mut labels = ctx.labels(Some(name));
    // Prometheus finds its ServiceMonitors by these labels.
    labels.extend(
        ctx.spec
            .platform
            .monitoring
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    let metadata = ObjectMeta {
        labels: Some(labels),
        ..ctx.metadata(name, Some(name))
    };
    let interval = metrics
        .interval
        .map_or_else(|| DEFAULT_INTERVAL.to_owned(), |s| s.to_string());
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": metadata,
        "spec": {
            "selector": {"matchLabels": ctx.selector_labels(name)},
            "namespaceSelector": {"matchNames": [ctx.namespace()]},
            "endpoints": [{
                "port": metrics.port,
                "path": metrics.path,
                "interval": interval,
                "scheme": "http",
            }],
        },
    })
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;
    use serde_json::Value;

    use crate::service;
    use crate::test_support::{self, SHOP};

    /// A worker with metrics, with `platform` and `metrics` settings added.
    fn worker(platform: &str, metrics: &str) -> String {
        format!(
            "name: jobs
platform: {platform}
components:
  projector:
    kind: worker
    image: registry.example.com/jobs/projector:2.0.0
    ports: {{metrics: 9090}}
    metrics: {{port: metrics{metrics}}}
"
        )
    }

    /// The names of the Services that `monitor` selects among those rendered from `yaml`:
    /// those whose labels include its `matchLabels` and that have its endpoint's port.
    fn selected_services(yaml: &str, monitor: &Value) -> Vec<String> {
        let wanted = monitor["spec"]["selector"]["matchLabels"]
            .as_object()
            .expect("matchLabels");
        let port = &monitor["spec"]["endpoints"][0]["port"];
        test_support::of_kind(yaml, "Service")
            .into_iter()
            .filter(|s| {
                let labels = &s.value["metadata"]["labels"];
                let has_port = s.value["spec"]["ports"]
                    .as_array()
                    .is_some_and(|ports| ports.iter().any(|p| &p["name"] == port));
                wanted.iter().all(|(k, v)| &labels[k] == v) && has_port
            })
            .map(|s| s.name().to_owned())
            .collect()
    }

    fn monitor(yaml: &str, name: &str) -> Value {
        test_support::find(yaml, "ServiceMonitor", name)
    }

    #[test]
    fn a_worker_is_scraped_through_its_metrics_service() {
        assert_snapshot!(test_support::object(SHOP, "ServiceMonitor", "projector"));
        let shop = test_support::spec(SHOP);
        let expected = service::metrics_service_of("projector", &shop.components["projector"]);
        assert_eq!(expected.as_deref(), Some("projector-metrics"));
        assert_eq!(
            selected_services(SHOP, &monitor(SHOP, "projector")),
            Vec::from_iter(expected),
        );
    }

    #[test]
    fn a_service_is_scraped_through_its_own_service() {
        assert_snapshot!(test_support::object(SHOP, "ServiceMonitor", "api"));
        assert_eq!(selected_services(SHOP, &monitor(SHOP, "api")), ["api"]);
    }

    #[test]
    fn the_default_interval_is_thirty_seconds() {
        let yaml = worker("{}", "");
        let endpoint = &monitor(&yaml, "projector")["spec"]["endpoints"][0];
        assert_eq!(endpoint["interval"], "30s");
        assert_eq!(endpoint["path"], "/metrics");
    }

    #[test]
    fn none_when_the_platform_has_no_prometheus_operator() {
        let yaml = worker("{monitoring: {service_monitors: false}}", "");
        assert!(test_support::of_kind(&yaml, "ServiceMonitor").is_empty());
    }

    #[test]
    fn none_when_the_component_turns_it_off() {
        let yaml = worker("{}", ", service_monitor: false");
        assert!(test_support::of_kind(&yaml, "ServiceMonitor").is_empty());
    }

    #[test]
    fn no_scrape_annotations_on_the_pods() {
        let annotations: Vec<String> = test_support::render(SHOP)
            .iter()
            .filter_map(|m| m.value.pointer("/spec/template/metadata/annotations"))
            .filter_map(Value::as_object)
            .flat_map(|a| a.keys().cloned())
            .filter(|k| k.starts_with("prometheus.io/"))
            .collect();
        assert!(annotations.is_empty(), "{annotations:?}");
    }
}
