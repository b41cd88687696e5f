use serde_json::Value;
use shipshape_grammar::names;

use crate::{CheckContext, Emitter, PodTemplate, Selector, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Service ports whose `targetPort` (the `port` when unset) is not a port of the pods
    /// the Service selects: a port *name* that no container declares, or a *number* that
    /// no container declares while the containers do declare their ports.
    ///
    /// ## Why it matters
    /// A named target port that no container has resolves to nothing: the Service has
    /// no ready endpoints for that port and connections fail. A wrong number sends
    /// traffic to a port where nothing listens.
    ///
    /// ## How to fix
    /// Name the container's port (`ports: [{name: http, containerPort: 8080}]`) and use
    /// that name as the Service's `targetPort`, so that the two cannot drift apart.
    ///
    /// ## Example
    /// ```yaml
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
    ///             - { name: web, containerPort: 8080 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
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
    pub struct ServiceTargetPort {
        id: "SS041",
        name: "service-target-port-missing",
        severity: Error,
        theme: Networking,
        summary: "Service targetPort is not a port of the pods it selects",
    }
}

/// Whether `pod` serves `target`, or `None` when it cannot be told (a number, and the
/// containers declare no ports at all).
fn serves(pod: &PodTemplate<'_>, target: &Value) -> Option<bool> {
    let mut ports = pod
        .containers()
        .flat_map(|c| c.ports().collect::<Vec<_>>())
        .peekable();
    match (target.as_str(), target.as_i64()) {
        (Some(name), _) => Some(ports.any(|(n, _)| n == Some(name))),
        (None, Some(number)) => {
            ports.peek()?;
            Some(ports.any(|(_, p)| p == Some(number)))
        }
        _ => None,
    }
}

/// A port as messages show it: a name in backticks, a number as it is.
fn shown(port: &Value) -> String {
    match port.as_str() {
        Some(name) => format!("`{name}`"),
        None => port.to_string(),
    }
}

impl SetRule for ServiceTargetPort {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for service in cx.of_kind(&kinds::SERVICE) {
            let Some(selector) = Selector::of_service(service.value()) else {
                continue;
            };
            let ports = service.get("/spec/ports").and_then(Value::as_array);
            for (i, port) in ports.into_iter().flatten().enumerate() {
                let (target, field) = match port.get("targetPort") {
                    Some(t) => (t, "targetPort"),
                    None => (&port["port"], "port"),
                };
                // A port the API server refuses is SS191's finding: it matches nothing
                // because it is not a port at all.
                if target
                    .as_str()
                    .is_some_and(|name| names::iana_svc_name_fault(name).is_some())
                {
                    continue;
                }
                for pod in cx.selected(service.namespace(), selector) {
                    if serves(pod, target) == Some(false) {
                        out.report(
                            service,
                            format!("/spec/ports/{i}/{field}"),
                            format!(
                                "{field} {} is not a port of any container of {}",
                                shown(target),
                                pod.object.display_name()
                            ),
                        );
                    }
                }
            }
        }
    }
}
