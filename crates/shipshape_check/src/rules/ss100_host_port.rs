use serde_json::Value;

use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Container ports with a `hostPort`: a port of the node forwarded to the container.
    ///
    /// ## Why it matters
    /// A host port binds the pod to one port of one node: two replicas cannot share a
    /// node, the scheduler leaves pods pending when the port is taken, and the port is
    /// reachable by anyone who can reach the node, past the Service and often past
    /// network policies. The baseline Pod Security Standard refuses it.
    ///
    /// ## How to fix
    /// Remove `hostPort` and expose the container through a Service (type `ClusterIP`
    /// behind an Ingress, or `LoadBalancer`).
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
    ///       ports:
    ///         - { containerPort: 8080, hostPort: 80 }
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
    ///       ports:
    ///         - { containerPort: 8080 }
    /// ```
    pub struct HostPort {
        id: "SS100",
        name: "host-port",
        severity: Warning,
        theme: Security,
        summary: "container binds a port of the node (hostPort)",
    }
}

impl ObjectRule for HostPort {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let ports = container.get("/ports").and_then(Value::as_array);
            for (i, port) in ports.into_iter().flatten().enumerate() {
                // `hostPort: 0` is what the API server writes for "none".
                let Some(host) = port["hostPort"].as_i64().filter(|p| *p != 0) else {
                    continue;
                };
                out.report(
                    object,
                    container.pointer_to(&format!("/ports/{i}/hostPort")),
                    format!(
                        "{} binds port {host} of the node to its port {}",
                        describe(&container),
                        port["containerPort"]
                    ),
                );
            }
        }
    }
}
