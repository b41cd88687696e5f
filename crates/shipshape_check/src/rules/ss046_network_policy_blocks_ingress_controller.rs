use shipshape_manifest::network_policy::{Decision, Endpoint, NetworkPolicies, Port, Protocol};
use shipshape_manifest::{OperatedService, PortRef, ServicePort, Serving, operated_pods, serving};

use crate::analysis::network_policy;
use crate::{CheckContext, Emitter, PodTemplate, SetRule, declare_rule};
use shipshape_manifest::routes::{self, Backend, Resolution};

declare_rule! {
    /// ## What it checks
    /// Ingress backends whose pods the ingress controller cannot reach: the Service the
    /// Ingress routes to selects pods whose NetworkPolicies restrict ingress, and no
    /// ingress rule of those policies admits the Service's target port from another
    /// namespace. A rule admits other namespaces when it has no `from` (every source),
    /// a `namespaceSelector` (unless it names only the pods' own namespace by
    /// `kubernetes.io/metadata.name`), or an `ipBlock`. The controller is assumed to run
    /// in a namespace of its own, as ingress-nginx, Traefik and the cloud controllers
    /// do; a rule with only a `podSelector` admits pods of the same namespace only. A
    /// backend Service that an operator makes (`sso-service` for a `Keycloak`, see
    /// `docs/operators.md`) leads to the pods that operator runs, on the port of the
    /// same number.
    ///
    /// ## Why it matters
    /// The Ingress, the Service and the pods all look healthy, yet every request through
    /// the Ingress times out or gets a 504: the policy drops the controller's
    /// connections. It usually happens when a default-deny policy is added and the
    /// allowance for the controller is forgotten, or names the container port by a
    /// number that changed.
    ///
    /// ## How to fix
    /// Add an ingress rule that admits the target port from the controller's namespace,
    /// for example `from: [{namespaceSelector: {matchLabels:
    /// {kubernetes.io/metadata.name: ingress-nginx}}}]` with the container port (or its
    /// name) in `ports`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: web.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: { name: web, port: { name: http } }
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { name: http, port: 80, targetPort: http }
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Ingress]
    ///   ingress:
    ///     - from:
    ///         - podSelector: {}
    ///       ports:
    ///         - { port: 8080 }
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
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: web.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: { name: web, port: { name: http } }
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: web }
    ///   ports:
    ///     - { name: http, port: 80, targetPort: http }
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Ingress]
    ///   ingress:
    ///     - from:
    ///         - podSelector: {}
    ///         - namespaceSelector:
    ///             matchLabels: { kubernetes.io/metadata.name: ingress-nginx }
    ///       ports:
    ///         - { port: 8080 }
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
    pub struct NetworkPolicyBlocksIngressController {
        id: "SS046",
        name: "network-policy-blocks-ingress-controller",
        severity: Error,
        theme: Networking,
        summary: "NetworkPolicies drop the ingress controller's traffic to an Ingress backend",
    }
}

/// The port the controller connects to on `pod` and the name the pod gives it, when it
/// can be told.
fn pod_port<'a>(
    pod: &PodTemplate<'a>,
    service_port: &ServicePort<'a>,
) -> Option<(Port, Option<&'a str>)> {
    let protocol = Protocol::parse(service_port.protocol())?;
    let (number, name) = match serving(pod, service_port.target()) {
        Serving::Declared {
            number: Some(number),
            name,
            ..
        } => (number, name),
        Serving::Undeclared(number) => (number, None),
        // A port nothing serves is SS041's finding, not a policy's; a declared port
        // without a number is refused by the API server.
        Serving::Declared { number: None, .. } | Serving::Missing => return None,
    };
    Some((Port { number, protocol }, name))
}

/// How messages show a port: "8080 (`http`)" or "8080".
fn shown(port: Port, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{} (`{name}`)", port.number),
        None => port.number.to_string(),
    }
}

/// Reports the operator's pods behind `service` that the controller cannot reach.
fn check_operated(
    cx: &CheckContext<'_>,
    policies: &NetworkPolicies<'_>,
    backend: &Backend<'_>,
    service: &OperatedService<'_>,
    out: &mut Emitter<'_>,
) {
    let number = match backend.port {
        Some(PortRef::Number(number)) => Some(number),
        Some(PortRef::Name(name)) => service
            .ports
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, number)| *number),
        None => None,
    };
    let Some(port) = number.map(Port::tcp) else {
        return;
    };
    let groups = operated_pods(cx);
    for pods in groups
        .iter()
        .filter(|p| std::ptr::eq(p.object, service.object))
    {
        if let Decision::Denied(isolating) =
            policies.reach_from_other_namespace(&pods.endpoint(), port)
        {
            out.report(
                backend.route,
                &backend.name_pointer,
                format!(
                    "the ingress controller cannot reach {} behind {}: the pods' ingress is restricted by {} and no rule admits port {} from other namespaces",
                    pods.display_name(),
                    backend.service_name(),
                    network_policy::describe(&isolating),
                    port.number,
                ),
            );
        }
    }
}

impl SetRule for NetworkPolicyBlocksIngressController {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let policies = cx.network_policies();
        let ingress_backends = routes::backends(cx)
            .into_iter()
            .filter(|b| b.route.kind() == "Ingress");
        for backend in ingress_backends {
            let service_port = match routes::resolve(cx, &backend) {
                Resolution::Port(service_port) => service_port,
                Resolution::Operated(service) => {
                    check_operated(cx, policies, &backend, &service, out);
                    continue;
                }
                Resolution::NoService | Resolution::NoPort(_) => continue,
            };
            for pod in service_port.pods(cx) {
                let Some((port, name)) = pod_port(pod, &service_port) else {
                    continue;
                };
                // The controller runs in a namespace of its own, with labels unknown here.
                let to = Endpoint::of_template(pod);
                if let Decision::Denied(isolating) = policies.reach_from_other_namespace(&to, port)
                {
                    out.report(
                        backend.route,
                        &backend.name_pointer,
                        format!(
                            "the ingress controller cannot reach {} behind {}: the pods' ingress is restricted by {} and no rule admits port {} from other namespaces",
                            pod.object.display_name(),
                            backend.service_name(),
                            network_policy::describe(&isolating),
                            shown(port, name),
                        ),
                    );
                }
            }
        }
    }
}
