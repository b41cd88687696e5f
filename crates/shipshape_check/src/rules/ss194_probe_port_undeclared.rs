use serde_json::Value;

use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Liveness, readiness and startup probes (`httpGet` or `tcpSocket`) that name a
    /// port (`port: http`) the container does not declare under `ports`. Probes on a
    /// port number are left alone: a container may listen on ports it does not list.
    ///
    /// ## Why it matters
    /// The kubelet resolves a named port from the container's own `ports` and fails the
    /// probe when the name is not there: a liveness probe then restarts the container
    /// forever, a readiness probe keeps it out of its Service forever, and a startup
    /// probe does both. A renamed port is the usual cause.
    ///
    /// ## How to fix
    /// Declare the port under the container's `ports` with that name, or probe the
    /// name the port has now.
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
    ///         - { name: http-api, containerPort: 8080 }
    ///       readinessProbe:
    ///         httpGet: { path: /ready, port: http }
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
    ///         - { name: http-api, containerPort: 8080 }
    ///       readinessProbe:
    ///         httpGet: { path: /ready, port: http-api }
    /// ```
    pub struct ProbePortUndeclared {
        id: "SS194",
        name: "probe-port-undeclared",
        severity: Error,
        theme: Correctness,
        summary: "probe names a port the container does not declare, so it always fails",
    }
}

/// The probes of a container, with what their failure does.
const PROBES: [(&str, &str); 3] = [
    ("livenessProbe", "the container is restarted forever"),
    ("readinessProbe", "the pod never receives traffic"),
    ("startupProbe", "the container never starts"),
];

impl ObjectRule for ProbePortUndeclared {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let declared: Vec<&str> = container.ports().filter_map(|(name, _)| name).collect();
            for (probe, effect) in PROBES {
                for handler in ["httpGet", "tcpSocket"] {
                    let field = format!("/{probe}/{handler}/port");
                    let Some(name) = container.get(&field).and_then(Value::as_str) else {
                        continue;
                    };
                    // A port written as a quoted number is a number to the kubelet.
                    if name.parse::<u16>().is_ok() || declared.contains(&name) {
                        continue;
                    }
                    out.report(
                        object,
                        container.pointer_to(&field),
                        format!(
                            "{} {probe} probes port `{name}`, which it does not declare: {effect}",
                            describe(&container)
                        ),
                    );
                }
            }
        }
    }
}
