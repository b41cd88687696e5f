use std::collections::{HashMap, HashSet};

use serde_json::Value;
use shipshape_manifest::routes::{self, Resolution};
use shipshape_manifest::{Object, ServicePort, Serving, kinds, serving};

use crate::analysis::annotations::{self, DRAIN_SECONDS};
use crate::analysis::shutdown::{PreStop, prestop};
use crate::templates::describe;
use crate::{CheckContext, Container, Emitter, PodTemplate, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods of a Deployment, StatefulSet, DaemonSet or ReplicaSet that serve requests
    /// behind a Service, where the container that serves the Service's target port has
    /// no `preStop` hook and the pod declares no drain time
    /// (`shipshape.dev/drain-seconds`). A Service port carries requests when an
    /// Ingress, `HTTPRoute` or `GRPCRoute` of the input routes to it, or when its
    /// `appProtocol` or its name (or the name of the container port it targets) says
    /// HTTP or gRPC: `http`, `https`, `http2`, `h2c`, `grpc`, `grpc-web`,
    /// `kubernetes.io/h2c`, `kubernetes.io/ws`, `kubernetes.io/wss`, alone or before a
    /// `-suffix`, as Istio reads port names. Ports and Services whose name speaks of
    /// `metrics` (`http-metrics`, a Service `web-metrics`) are scrape targets, not
    /// requests, unless a route reaches them.
    ///
    /// A `preStop` hook of any kind is enough: `lifecycle.preStop.sleep` (Kubernetes
    /// 1.30 and later), an `exec` hook (a `sleep N`, or a drain script whose length the
    /// manifests do not say) or an `httpGet` hook that asks the application to drain.
    ///
    /// Not reported, and why:
    /// - ports of other protocols, databases and quorum stores included (PostgreSQL,
    ///   MySQL, Redis, etcd's `client` and `peer` ports, Kafka, AMQP): their clients hold
    ///   long-lived connections that every shutdown cuts whatever the pause, and their
    ///   drivers reconnect and retry by design, so a pause changes nothing a client
    ///   notices. A StatefulSet that serves HTTP (Elasticsearch's REST port, a web app
    ///   with identity) loses requests like a Deployment and is reported; Elastic's
    ///   operator adds a `preStop` wait to every Elasticsearch pod for this reason;
    /// - pods an operator runs for a custom resource: the manifests hold no template
    ///   for them, and their termination is the operator's (CloudNativePG and Zalando's
    ///   operator switch over before they stop a primary);
    /// - Jobs, CronJobs and bare Pods, which no rollout replaces;
    /// - the application's own shutdown timeout (`SHUTDOWN_TIMEOUT`, Spring Boot's
    ///   `timeout-per-shutdown-phase`) does not count as drain time here: Spring Boot,
    ///   Go's `http.Server.Shutdown` and most servers stop accepting connections the
    ///   moment SIGTERM arrives, which is exactly the failure below (Spring Boot's
    ///   documentation asks for a `preStop` sleep beside its graceful shutdown). The
    ///   annotation `shipshape.dev/drain-seconds` does count: it states that the
    ///   application keeps serving for that long after SIGTERM.
    ///
    /// ## Why it matters
    /// Deleting a pod starts two things at once: the kubelet runs the `preStop` hook and
    /// then sends SIGTERM, while the endpoints controller removes the pod from the
    /// Service's endpoints and every kube-proxy, ingress controller and load balancer
    /// learns of it a little later (seconds on a busy cluster). Without a pause, the
    /// server stops listening while new requests are still routed to it: they fail with
    /// connection refused, resets and 502s at every rollout, scale-down and node drain.
    /// The Kubernetes documentation on pod termination describes the race; a short
    /// `preStop` sleep is the usual answer.
    ///
    /// ## How to fix
    /// Add `lifecycle.preStop.sleep: {seconds: 5}` (or an `exec` hook running `sleep 5`
    /// where the image has a `sleep` and the cluster is older than 1.30) to the serving
    /// container, and keep `terminationGracePeriodSeconds` above the pause plus the
    /// drain (SS016). If the application itself keeps serving for a while after
    /// SIGTERM, say so with `shipshape.dev/drain-seconds` on the pod template.
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
    ///             - { name: http, containerPort: 8080 }
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
    ///           lifecycle:
    ///             preStop:
    ///               sleep: { seconds: 5 }
    /// ```
    pub struct ServingPodWithoutDrain {
        id: "SS159",
        name: "serving-pod-without-drain",
        severity: Warning,
        theme: Reliability,
        summary: "pod serves requests behind a Service with no preStop pause or drain time",
    }
}

/// Protocols whose port names and `appProtocol` values say that a port carries
/// requests, each alone or before a `-suffix`.
const REQUEST_PROTOCOLS: [&str; 9] = [
    "http",
    "https",
    "http2",
    "h2c",
    "grpc",
    "grpc-web",
    "kubernetes.io/h2c",
    "kubernetes.io/ws",
    "kubernetes.io/wss",
];

/// Whether a port name or `appProtocol` says requests: a request protocol, alone or
/// before a `-suffix`, and not a metrics endpoint.
fn names_requests(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    !name.contains("metrics")
        && REQUEST_PROTOCOLS.iter().any(|protocol| {
            name.strip_prefix(protocol)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
        })
}

/// Whether `port` of a Service carries requests: a route of the input reaches it, or
/// its `appProtocol`, name or named target says HTTP or gRPC.
fn carries_requests(port: &ServicePort<'_>, routed: &HashSet<(usize, &Value)>) -> bool {
    if routed.contains(&(port.service.index(), port.value)) {
        return true;
    }
    // A Service made for scraping (`web-metrics`) carries no requests, whatever its
    // port is called.
    if port.service.name().to_ascii_lowercase().contains("metrics") {
        return false;
    }
    let named = |key: &str| port.value[key].as_str().is_some_and(names_requests);
    let target = port.target().as_str().is_some_and(names_requests);
    named("appProtocol") || named("name") || target
}

/// The Service ports the input's Ingresses and Gateway routes send requests to, by
/// the Service's object index and the port's entry.
fn routed_ports<'a>(cx: &CheckContext<'a>) -> HashSet<(usize, &'a Value)> {
    routes::backends(cx)
        .iter()
        .filter_map(|backend| match routes::resolve(cx, backend) {
            Resolution::Port(port) => Some((port.service.index(), port.value)),
            _ => None,
        })
        .collect()
}

/// Whether a rollout or a drain replaces `pod`'s pods: every long-running workload
/// kind, not bare Pods, Jobs or CronJobs.
fn is_rolled(pod: &PodTemplate<'_>) -> bool {
    pod.is_long_running() && !pod.object.is(&kinds::POD)
}

/// The containers that serve `port` on `pod`: the one that declares the target port,
/// else (a number, and no container declares ports) every application container.
fn servers<'a>(pod: &PodTemplate<'a>, port: &ServicePort<'_>) -> Vec<Container<'a>> {
    match serving(pod, port.target()) {
        Serving::Declared { container, .. } => vec![container],
        Serving::Undeclared(_) => pod.app_containers().collect(),
        Serving::Missing => Vec::new(),
    }
}

/// Whether `pod` declares that its application keeps serving after SIGTERM. A value
/// that is not a number is SS016's finding; here it declares nothing.
fn declares_drain(pod: &PodTemplate<'_>) -> bool {
    annotations::of_pod(pod, DRAIN_SECONDS)
        .and_then(|d| d.value.trim().parse::<i64>().ok())
        .is_some_and(|seconds| seconds > 0)
}

/// Whether `container` pauses or drains before SIGTERM: any `preStop` hook but a
/// zero-second sleep.
fn drains(container: &Container<'_>) -> bool {
    prestop(container).is_some_and(|hook| hook != PreStop::Sleep(0))
}

/// How messages name a Service port: `port 80 (`http`)`.
fn port_name(port: &ServicePort<'_>) -> String {
    let number = port.value["port"].as_i64().unwrap_or_default();
    match port.value["name"].as_str() {
        Some(name) => format!("port {number} (`{name}`)"),
        None => format!("port {number}"),
    }
}

impl SetRule for ServingPodWithoutDrain {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let routed = routed_ports(cx);
        // The first Service port that sends each pod template requests, by the
        // template's object index: one finding per pod template, however many
        // Services select it.
        let mut first: HashMap<usize, (&Object, ServicePort<'_>, Container<'_>)> = HashMap::new();
        for service in cx.of_kind(&kinds::SERVICE) {
            for port in ServicePort::all(service) {
                if !carries_requests(&port, &routed) {
                    continue;
                }
                for pod in port.pods(cx).filter(|pod| is_rolled(pod)) {
                    if first.contains_key(&pod.object.index()) || declares_drain(pod) {
                        continue;
                    }
                    let servers = servers(pod, &port);
                    if servers.iter().any(drains) {
                        continue;
                    }
                    if let Some(server) = servers.into_iter().next() {
                        first.insert(pod.object.index(), (pod.object, port, server));
                    }
                }
            }
        }
        let mut found: Vec<_> = first.into_values().collect();
        found.sort_by_key(|(object, _, _)| object.index());
        for (object, port, server) in found {
            out.report(
                object,
                server.pointer_to("/lifecycle/preStop"),
                format!(
                    "{} serves {} {} with no preStop pause and no declared drain time: at every rollout and drain it stops listening while requests are still routed to it, and they fail",
                    describe(&server),
                    port.service.display_name(),
                    port_name(&port),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names_requests;

    #[test]
    fn port_names_that_carry_requests() {
        assert!(names_requests("http"));
        assert!(names_requests("HTTPS"));
        assert!(names_requests("http-api"));
        assert!(names_requests("grpc-web"));
        assert!(names_requests("kubernetes.io/h2c"));
        assert!(!names_requests("http-metrics"));
        assert!(!names_requests("httpd"));
        assert!(!names_requests("postgres"));
        assert!(!names_requests("client"));
        assert!(!names_requests("tcp-redis"));
    }
}
