use serde_json::Value;
use shipshape_grammar::names;

use crate::{CheckContext, Emitter, PodTemplate, Selector, SetRule, declare_rule};
use shipshape_manifest::{kinds, selected_operated};

declare_rule! {
    /// ## What it checks
    /// Service ports whose `targetPort` (the `port` when unset) is a port of none of the
    /// pods the Service selects: a port *name* that no container declares, or a *number*
    /// that no container declares while the containers do declare their ports.
    ///
    /// A selector that also matches pods without the port (a migration Job, a Helm hook
    /// Job or test Pod that shares the app's labels) is fine as long as some selected
    /// pods have it: the endpoints controller skips the others. Pods that an operator
    /// runs for a custom resource of the input (see `docs/operators.md`) serve the ports
    /// their operator gives them, and are not judged here.
    ///
    /// ## Why it matters
    /// A named target port that no selected container has resolves to nothing: the
    /// Service has no ready endpoints for that port and connections fail. A wrong number
    /// sends traffic to a port where nothing listens.
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
                if !selected_operated(cx, service.namespace(), selector).is_empty() {
                    continue;
                }
                let pods: Vec<_> = cx.selected(service.namespace(), selector).collect();
                // Endpoints come from the pods that have the port; only when none has
                // it does the port reach nothing.
                if pods.is_empty() || pods.iter().any(|pod| serves(pod, target) != Some(false)) {
                    continue;
                }
                let names: Vec<String> = pods.iter().map(|p| p.object.display_name()).collect();
                out.report(
                    service,
                    format!("/spec/ports/{i}/{field}"),
                    format!(
                        "{field} {} is not a port of any container of the pods it selects ({}): this port has no endpoints",
                        shown(target),
                        names.join(", ")
                    ),
                );
            }
        }
    }
}
