use serde_json::Value;

use crate::analysis::monitors::Namespaces;
use crate::{CheckContext, Emitter, Object, Selector, SetRule, declare_rule};
use shipshape_manifest::{OperatedService, kinds, operated_services};

declare_rule! {
    /// ## What it checks
    /// Prometheus Operator ServiceMonitors (`monitoring.coreos.com/v1`) whose
    /// `selector` matches the labels of no Service in the namespaces they look in (their
    /// own unless `namespaceSelector` says `any: true` or lists `matchNames`), and
    /// endpoints whose `port` is the name of no port of the Services they select. The
    /// Services that operators make for custom resources of the input count, with the
    /// labels and ports those operators give them (`prometheus-operated` for a
    /// Prometheus watching itself, `db-rw` for a CloudNativePG `Cluster`: see
    /// `docs/operators.md`).
    ///
    /// ## Why it matters
    /// Prometheus then has no target for the workload: its dashboards stay empty and,
    /// worse, its alerts never fire, because an absent series does not cross a
    /// threshold. Nothing reports the mistake: the ServiceMonitor is valid and the
    /// operator accepts it.
    ///
    /// ## How to fix
    /// Make `spec.selector` match the Service's own labels (not its pods' labels, a
    /// common mix-up) and name the Service port in `endpoints[].port`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   endpoints:
    ///     - port: metrics
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   labels: { app: web }
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { name: http, port: 80, targetPort: 8080 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   endpoints:
    ///     - port: metrics
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   labels: { app: web }
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { name: http, port: 80, targetPort: 8080 }
    ///     - { name: metrics, port: 9090, targetPort: 9090 }
    /// ```
    pub struct ServiceMonitorTargetMissing {
        id: "SS052",
        name: "service-monitor-target-missing",
        severity: Warning,
        theme: Correctness,
        summary: "ServiceMonitor selects no Service, or names a port its Services lack",
    }
}

/// A Service a monitor selects: one of the input, or one an operator makes.
struct Target<'a> {
    name: String,
    ports: Vec<&'a str>,
}

impl<'a> Target<'a> {
    fn of_service(service: &'a Object) -> Self {
        let ports = service.get("/spec/ports").and_then(Value::as_array);
        Target {
            name: service.display_name(),
            ports: ports
                .into_iter()
                .flatten()
                .filter_map(|p| p["name"].as_str())
                .collect(),
        }
    }

    fn of_operated(service: &OperatedService<'_>) -> Self {
        Target {
            name: service.display_name(),
            ports: service.ports.iter().map(|(name, _)| *name).collect(),
        }
    }
}

fn check_endpoints(monitor: &Object, services: &[Target<'_>], out: &mut Emitter<'_>) {
    let endpoints = monitor.get("/spec/endpoints").and_then(Value::as_array);
    for (i, endpoint) in endpoints.into_iter().flatten().enumerate() {
        let Some(port) = endpoint["port"].as_str() else {
            continue;
        };
        if !services.iter().any(|s| s.ports.contains(&port)) {
            let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            out.report(
                monitor,
                format!("/spec/endpoints/{i}/port"),
                format!(
                    "no Service it selects has a port named `{port}` ({}): Prometheus scrapes nothing here",
                    names.join(", ")
                ),
            );
        }
    }
}

impl SetRule for ServiceMonitorTargetMissing {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let operated = operated_services(cx);
        for monitor in cx.of_kind(&kinds::SERVICE_MONITOR) {
            let Some(selector) = monitor.get("/spec/selector") else {
                continue;
            };
            let namespaces = Namespaces::of(monitor);
            let selector = Selector::LabelSelector(selector);
            let services: Vec<Target<'_>> = cx
                .of_kind(&kinds::SERVICE)
                .filter(|s| namespaces.contains(s.namespace()))
                .filter(|s| selector.matches(s.get("/metadata/labels").and_then(Value::as_object)))
                .map(Target::of_service)
                .chain(
                    operated
                        .iter()
                        .filter(|s| namespaces.contains(s.namespace()))
                        .filter(|s| selector.matches(Some(&s.labels)))
                        .map(Target::of_operated),
                )
                .collect();
            if services.is_empty() {
                out.report(
                    monitor,
                    "/spec/selector",
                    format!(
                        "selects no Service in {} (it matches Service labels, not pod labels): Prometheus scrapes nothing for it",
                        namespaces.describe()
                    ),
                );
            } else {
                check_endpoints(monitor, &services, out);
            }
        }
    }
}
