use std::collections::HashMap;

use serde_json::Value;

use crate::{CheckContext, Emitter, Object, Selector, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Deployments behind a Service (a Service in the input selects their pods) that
    /// run a single pod: `replicas: 1` (or unset, which means 1) and no
    /// HorizontalPodAutoscaler, or autoscalers whose `minReplicas` (1 when unset) lets
    /// them scale down to one. A Deployment scaled to zero on purpose, and one no
    /// Service sends traffic to (an operator, a queue worker), are left alone.
    ///
    /// ## Why it matters
    /// One pod is one failure away from an outage: every node drain, eviction, crash,
    /// OOM kill or failed liveness probe leaves the Service without endpoints until a
    /// replacement is scheduled, pulled and ready. A PodDisruptionBudget cannot help,
    /// because there is no second pod to keep.
    ///
    /// ## How to fix
    /// Run at least two replicas (and spread them, see SS151), or set the autoscaler's
    /// `minReplicas` to 2. A workload that must be a singleton (a leader without
    /// election) says so in a suppression.
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
    ///     - { port: 80, targetPort: 8080 }
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
    ///     - { port: 80, targetPort: 8080 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    pub struct SingleReplica {
        id: "SS150",
        name: "single-replica",
        severity: Warning,
        theme: Reliability,
        summary: "Deployment behind a Service runs a single pod, so any disruption is an outage",
    }
}

/// The first Service (in input order) that selects each workload's pods, by the
/// workload's object index. Asking the label index from each Service, rather than
/// trying every Service on each Deployment, keeps a large input from being quadratic.
fn first_services<'a>(cx: &CheckContext<'a>) -> HashMap<usize, &'a Object> {
    let mut first = HashMap::new();
    for service in cx.of_kind(&kinds::SERVICE) {
        let Some(selector) = Selector::of_service(service.value()) else {
            continue;
        };
        for pod in cx.selected(service.namespace(), selector) {
            first.entry(pod.object.index()).or_insert(service);
        }
    }
    first
}

impl SetRule for SingleReplica {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let services = first_services(cx);
        for deployment in cx.of_kind(&kinds::DEPLOYMENT) {
            let Some(service) = services.get(&deployment.index()) else {
                continue;
            };
            let service = service.display_name();
            let mut autoscalers = cx.autoscalers_of(deployment).peekable();
            if autoscalers.peek().is_none() {
                let replicas = deployment.get("/spec/replicas");
                // A count the API server refuses (`"2"`) is SS060's finding, not a
                // count of one.
                if replicas.is_some_and(|r| !r.is_i64()) {
                    continue;
                }
                let replicas = replicas.and_then(Value::as_i64);
                if replicas.unwrap_or(1) == 1 {
                    let how = if replicas.is_some() {
                        ""
                    } else {
                        " (replicas defaults to 1)"
                    };
                    out.report(
                        deployment,
                        "/spec/replicas",
                        format!(
                            "serves {service} from a single pod{how}: every drain, eviction or crash is an outage"
                        ),
                    );
                }
                continue;
            }
            // The finding goes to the autoscaler that allows one pod: that is where the fix is.
            for hpa in autoscalers.filter(|hpa| hpa.min_replicas() == 1) {
                out.report(
                    hpa.object,
                    "/spec/minReplicas",
                    format!(
                        "lets {} scale down to a single pod behind {service}: every drain, eviction or crash is then an outage",
                        deployment.display_name()
                    ),
                );
            }
        }
    }
}
