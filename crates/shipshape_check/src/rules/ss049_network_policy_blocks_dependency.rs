use shipshape_manifest::network_policy::{Decision, Endpoint, Port, Protocol};

use crate::analysis::network_policy;
use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Calls the manifests declare that NetworkPolicies drop: a container names a
    /// Service of the input in a literal environment variable (`http://orders:8080`,
    /// `orders.shop.svc.cluster.local:5432`, the host of a `DATABASE_URL`, or
    /// `ORDERS_HOST=orders` with `ORDERS_PORT=8080` beside it), and the policies that
    /// isolate the caller's egress, or the ingress of the pods behind the Service, admit
    /// no traffic between them on the Service's target port. A URL without a port means
    /// its scheme's port (`http` 80, `postgres` 5432, ...); a host alone means the
    /// Service's only port. Policies that may admit the traffic by an `ipBlock` are given
    /// the benefit of the doubt.
    ///
    /// ## Why it matters
    /// The caller starts, its configuration names the dependency, and every connection
    /// times out: readiness fails or requests error, and nothing in the pods' logs says
    /// that a policy is the cause. It happens when a default-deny policy lands without
    /// the allowance for one dependency, or when a port changes on one side only.
    ///
    /// ## How to fix
    /// Add an egress rule to the caller's policy that admits the dependency's pods (by
    /// `podSelector`, plus a `namespaceSelector` in another namespace) on the target
    /// port, and an ingress rule to the dependency's policy that admits the caller.
    ///
    /// ## Example
    /// ```yaml
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
    ///           env:
    ///             - { name: ORDERS_URL, value: "http://orders:8080" }
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector: { app: orders }
    ///   ports:
    ///     - { name: http, port: 8080, targetPort: 8080 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector:
    ///     matchLabels: { app: orders }
    ///   template:
    ///     metadata:
    ///       labels: { app: orders }
    ///     spec:
    ///       containers:
    ///         - name: orders
    ///           image: example/orders:1.4.0
    ///           ports:
    ///             - { name: http, containerPort: 8080 }
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - ports:
    ///         - { port: 53, protocol: UDP }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
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
    ///           env:
    ///             - { name: ORDERS_URL, value: "http://orders:8080" }
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector: { app: orders }
    ///   ports:
    ///     - { name: http, port: 8080, targetPort: 8080 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: orders
    /// spec:
    ///   selector:
    ///     matchLabels: { app: orders }
    ///   template:
    ///     metadata:
    ///       labels: { app: orders }
    ///     spec:
    ///       containers:
    ///         - name: orders
    ///           image: example/orders:1.4.0
    ///           ports:
    ///             - { name: http, containerPort: 8080 }
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - ports:
    ///         - { port: 53, protocol: UDP }
    ///     - to:
    ///         - podSelector:
    ///             matchLabels: { app: orders }
    ///       ports:
    ///         - { port: 8080 }
    /// ```
    pub struct NetworkPolicyBlocksDependency {
        id: "SS049",
        name: "network-policy-blocks-dependency",
        severity: Error,
        theme: Networking,
        summary: "NetworkPolicies drop the traffic to a Service the pods name in their env",
    }
}

impl SetRule for NetworkPolicyBlocksDependency {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let policies = cx.network_policies();
        for pod in cx.pod_templates().iter().filter(|p| p.is_long_running()) {
            let from = Endpoint::of_template(pod);
            for dependency in pod.dependencies(cx) {
                let Some(protocol) = Protocol::parse(dependency.port.protocol()) else {
                    continue;
                };
                for callee in dependency.port.pods(cx) {
                    let Some(number) = dependency.port.endpoint_port(callee) else {
                        continue;
                    };
                    let port = Port { number, protocol };
                    let verdict = policies.reach(&from, &Endpoint::of_template(callee), port);
                    let (side, isolating) = match (&verdict.egress, &verdict.ingress) {
                        (Decision::Denied(isolating), _) => ("egress of these pods", isolating),
                        (_, Decision::Denied(isolating)) => ("ingress of its pods", isolating),
                        _ => continue,
                    };
                    let callee_side = if side.starts_with("egress") {
                        String::new()
                    } else {
                        format!(" ({})", callee.object.display_name())
                    };
                    out.report(
                        pod.object,
                        &dependency.pointer,
                        format!(
                            "`{}` names {}, but the {side}{callee_side} is restricted by {} and no rule admits port {number} between them: every call times out",
                            dependency.variable,
                            describe_service(&dependency.port),
                            network_policy::describe(isolating),
                        ),
                    );
                    break;
                }
            }
        }
    }
}

/// "Service shop/orders port 8080".
fn describe_service(port: &shipshape_manifest::ServicePort<'_>) -> String {
    format!(
        "{} port {}",
        port.service.display_name(),
        port.value["port"].as_i64().unwrap_or_default()
    )
}
