use serde_json::Value;

use shipshape_manifest::network_policy::{Decision, Endpoint, NetworkPolicy, Port, Protocol};
use shipshape_manifest::{OperatedPods, PodTemplate, PortRef, Selector, ServicePort, kinds};

use crate::analysis::monitors::Namespaces;
use crate::analysis::network_policy;
use crate::{CheckContext, Emitter, Object, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// ServiceMonitor and PodMonitor endpoints whose pods Prometheus cannot reach: a
    /// ServiceMonitor's `endpoints[].port` (a port name of the Services it selects,
    /// followed to the pods behind them) or a PodMonitor's `podMetricsEndpoints[].port`
    /// or `portNumber`, where the NetworkPolicies that isolate those pods admit the
    /// port from no Prometheus.
    ///
    /// Where Prometheus runs: when the input holds `Prometheus` resources, their pods
    /// as prometheus-operator labels them (`app.kubernetes.io/name: prometheus`,
    /// `prometheus: NAME`, ... in the resource's namespace; see docs/operators.md), and
    /// the scrape is blocked when the policies drop it from every one of them, on
    /// either side. Otherwise Prometheus is taken to run in a namespace of its own, as
    /// kube-prometheus-stack's `monitoring` does, with labels the input does not say,
    /// and the scrape is blocked when no ingress rule of the pods' policies admits the
    /// port from another namespace (a rule with only a `podSelector` admits the pods'
    /// own namespace only). Address blocks get the benefit of the doubt.
    ///
    /// ## Why it matters
    /// The monitor looks right and Prometheus lists the target, but every scrape times
    /// out: the target is down in Prometheus, its dashboards are empty and the alerts
    /// that depend on its metrics never fire, or fire `TargetDown` all the time. It
    /// usually appears when a default-deny policy lands and only the application port
    /// is let in.
    ///
    /// ## How to fix
    /// Add an ingress rule for the metrics port from the monitoring namespace, for
    /// example `from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name:
    /// monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name:
    /// prometheus}}}]`, and let Prometheus's own egress policy reach the pods.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: PodMonitor
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   podMetricsEndpoints:
    ///     - port: metrics
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   template:
    ///     metadata:
    ///       labels: { app: api }
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:2.1.0
    ///           ports:
    ///             - { name: http, containerPort: 8080 }
    ///             - { name: metrics, containerPort: 9090 }
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: api
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: api }
    ///   policyTypes: [Ingress]
    ///   ingress:
    ///     - from:
    ///         - namespaceSelector:
    ///             matchLabels: { kubernetes.io/metadata.name: ingress-nginx }
    ///       ports:
    ///         - { port: http }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: PodMonitor
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   podMetricsEndpoints:
    ///     - port: metrics
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   template:
    ///     metadata:
    ///       labels: { app: api }
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:2.1.0
    ///           ports:
    ///             - { name: http, containerPort: 8080 }
    ///             - { name: metrics, containerPort: 9090 }
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: api
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: api }
    ///   policyTypes: [Ingress]
    ///   ingress:
    ///     - from:
    ///         - namespaceSelector:
    ///             matchLabels: { kubernetes.io/metadata.name: ingress-nginx }
    ///       ports:
    ///         - { port: http }
    ///     - from:
    ///         - namespaceSelector:
    ///             matchLabels: { kubernetes.io/metadata.name: monitoring }
    ///       ports:
    ///         - { port: metrics }
    /// ```
    pub struct NetworkPolicyBlocksScrape {
        id: "SS048",
        name: "network-policy-blocks-scrape",
        severity: Warning,
        theme: Networking,
        summary: "NetworkPolicies drop Prometheus's scrape of a ServiceMonitor or PodMonitor port",
    }
}

/// One port a monitor has Prometheus scrape on one pod template.
struct Scrape<'p, 'a> {
    pod: &'p PodTemplate<'a>,
    port: Port,
    /// JSON pointer of the monitor's endpoint entry that names the port.
    pointer: String,
}

/// Where a monitor looks and what it selects there; `None` without a selector.
fn selection(monitor: &Object) -> Option<(Namespaces<'_>, Selector<'_>)> {
    let selector = monitor.get("/spec/selector")?;
    Some((Namespaces::of(monitor), Selector::LabelSelector(selector)))
}

/// The scrapes of a ServiceMonitor: each endpoint's Service port, on the pods behind it.
fn service_monitor_scrapes<'p, 'a>(
    cx: &'p CheckContext<'a>,
    monitor: &'a Object,
) -> Vec<Scrape<'p, 'a>> {
    let Some((namespaces, selector)) = selection(monitor) else {
        return Vec::new();
    };
    let services: Vec<&Object> = cx
        .of_kind(&kinds::SERVICE)
        .filter(|s| namespaces.contains(s.namespace()))
        .filter(|s| selector.matches(s.get("/metadata/labels").and_then(Value::as_object)))
        .collect();
    let endpoints = monitor.get("/spec/endpoints").and_then(Value::as_array);
    let mut scrapes = Vec::new();
    for (i, endpoint) in endpoints.into_iter().flatten().enumerate() {
        let Some(name) = endpoint["port"].as_str() else {
            continue;
        };
        for service in &services {
            let Some(service_port) = ServicePort::find(service, PortRef::Name(name)) else {
                continue;
            };
            let Some(protocol) = Protocol::parse(service_port.protocol()) else {
                continue;
            };
            for pod in service_port.pods(cx) {
                if let Some(number) = service_port.endpoint_port(pod) {
                    scrapes.push(Scrape {
                        pod,
                        port: Port { number, protocol },
                        pointer: format!("/spec/endpoints/{i}/port"),
                    });
                }
            }
        }
    }
    scrapes
}

/// The scrapes of a PodMonitor: each endpoint's container port on the pods it selects.
fn pod_monitor_scrapes<'p, 'a>(
    cx: &'p CheckContext<'a>,
    monitor: &'a Object,
) -> Vec<Scrape<'p, 'a>> {
    let Some((namespaces, selector)) = selection(monitor) else {
        return Vec::new();
    };
    let pods: Vec<&PodTemplate<'a>> = cx
        .pod_templates()
        .iter()
        .filter(|p| namespaces.contains(p.object.namespace()) && selector.matches(p.labels()))
        .collect();
    let endpoints = monitor
        .get("/spec/podMetricsEndpoints")
        .and_then(Value::as_array);
    let mut scrapes = Vec::new();
    for (i, endpoint) in endpoints.into_iter().flatten().enumerate() {
        for pod in &pods {
            let (number, field) = match (endpoint["port"].as_str(), endpoint["portNumber"].as_i64())
            {
                (Some(name), _) => {
                    let declared = pod.containers().flat_map(|c| c.ports().collect::<Vec<_>>());
                    let number = declared
                        .into_iter()
                        .find_map(|(n, number)| (n == Some(name)).then_some(number).flatten());
                    (number, "port")
                }
                (None, Some(number)) => (Some(number), "portNumber"),
                (None, None) => (None, ""),
            };
            if let Some(number) = number {
                scrapes.push(Scrape {
                    pod,
                    port: Port::tcp(number),
                    pointer: format!("/spec/podMetricsEndpoints/{i}/{field}"),
                });
            }
        }
    }
    scrapes
}

/// Why no Prometheus can scrape: the side that drops it and the policies there, or
/// `None` when some Prometheus may.
fn blocked<'c>(
    cx: &'c CheckContext<'_>,
    scrapers: &[OperatedPods<'_>],
    scrape: &Scrape<'_, '_>,
) -> Option<(&'static str, Vec<&'c NetworkPolicy<'c>>)> {
    let policies = cx.network_policies();
    let to = Endpoint::of_template(scrape.pod);
    if scrapers.is_empty() {
        return match policies.reach_from_other_namespace(&to, scrape.port) {
            Decision::Denied(isolating) => Some(("the pods' ingress", isolating)),
            _ => None,
        };
    }
    let mut first = None;
    for scraper in scrapers {
        let verdict = policies.reach(&scraper.endpoint(), &to, scrape.port);
        match (verdict.egress, verdict.ingress) {
            (Decision::Denied(isolating), _) => {
                first.get_or_insert(("Prometheus's egress", isolating));
            }
            (_, Decision::Denied(isolating)) => {
                first.get_or_insert(("the pods' ingress", isolating));
            }
            _ => return None,
        }
    }
    first
}

impl SetRule for NetworkPolicyBlocksScrape {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let scrapers: Vec<OperatedPods<'_>> = cx
            .of_kind(&kinds::PROMETHEUS)
            .flat_map(OperatedPods::of)
            .collect();
        let from = match scrapers.as_slice() {
            [] => "another namespace (Prometheus is not in the input)".to_owned(),
            [one] => one.display_name(),
            several => format!("any of the {} Prometheus of the input", several.len()),
        };
        let monitors = cx
            .of_kind(&kinds::SERVICE_MONITOR)
            .map(|m| (m, service_monitor_scrapes(cx, m)))
            .chain(
                cx.of_kind(&kinds::POD_MONITOR)
                    .map(|m| (m, pod_monitor_scrapes(cx, m))),
            );
        for (monitor, scrapes) in monitors {
            let mut reported: Vec<(&str, usize)> = Vec::new();
            for scrape in &scrapes {
                let key = (scrape.pointer.as_str(), scrape.pod.object.index());
                if reported.contains(&key) {
                    continue;
                }
                let Some((side, isolating)) = blocked(cx, &scrapers, scrape) else {
                    continue;
                };
                reported.push(key);
                out.report(
                    monitor,
                    &scrape.pointer,
                    format!(
                        "Prometheus cannot scrape {} on port {}: {side} is restricted by {} and no rule admits it from {from}",
                        scrape.pod.object.display_name(),
                        scrape.port.number,
                        network_policy::describe(&isolating),
                    ),
                );
            }
        }
    }
}
