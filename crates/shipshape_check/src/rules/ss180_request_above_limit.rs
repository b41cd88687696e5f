use serde_json::Value;
use shipshape_grammar::Quantity;

use crate::templates::{describe, escape};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers (init containers included) that request more of a resource (CPU,
    /// memory, ephemeral storage, huge pages, devices) than their limit allows.
    ///
    /// ## Why it matters
    /// The API server refuses such a pod, so the apply (or, for a workload, every pod
    /// its controller creates) fails. It usually means a request was raised and the
    /// limit forgotten, or units were mixed up (`1G` is less than `1Gi`, `500` CPU is
    /// 500 cores).
    ///
    /// ## How to fix
    /// Make each request at most its limit, or drop the limit (a request without a
    /// limit is valid, and a limit without a request sets the request to it).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       resources:
    ///         requests: { cpu: 500m, memory: 1Gi }
    ///         limits: { cpu: "1", memory: 1G }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       resources:
    ///         requests: { cpu: 500m, memory: 1Gi }
    ///         limits: { cpu: "1", memory: 1Gi }
    /// ```
    pub struct RequestAboveLimit {
        id: "SS180",
        name: "request-above-limit",
        severity: Error,
        theme: Resources,
        summary: "container requests more than its limit, which the API server refuses",
    }
}

/// A quantity as the API server reads it from JSON: a string (`"500m"`) or a plain
/// number. `None` for anything it would refuse, which SS060 reports.
fn quantity(value: &Value) -> Option<Quantity> {
    match value {
        Value::String(text) => Quantity::parse(text).ok(),
        Value::Number(number) => Quantity::parse(&number.to_string()).ok(),
        _ => None,
    }
}

impl ObjectRule for RequestAboveLimit {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let requests = container
                .get("/resources/requests")
                .and_then(Value::as_object);
            let limits = container.get("/resources/limits");
            for (resource, request) in requests.into_iter().flatten() {
                let Some(limit) = limits.and_then(|l| l.get(resource)) else {
                    continue;
                };
                let (Some(asked), Some(allowed)) = (quantity(request), quantity(limit)) else {
                    continue;
                };
                if asked > allowed {
                    out.report(
                        object,
                        container.pointer_to(&format!("/resources/requests/{}", escape(resource))),
                        format!(
                            "{} requests {} {resource} but is limited to {}",
                            describe(&container),
                            shown(request),
                            shown(limit)
                        ),
                    );
                }
            }
        }
    }
}

/// A quantity as written: `500m`, not `"500m"`.
fn shown(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), ToOwned::to_owned)
}
