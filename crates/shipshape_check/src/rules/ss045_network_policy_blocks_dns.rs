use shipshape_manifest::network_policy::{Decision, Direction, Endpoint, Port, cluster_dns_pods};

use crate::analysis::network_policy;
use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods whose egress NetworkPolicies together allow no DNS: some policy that
    /// selects them restricts egress (`policyTypes` includes `Egress`), and no egress
    /// rule of any policy that selects them allows UDP port 53 to the cluster DNS. The
    /// cluster DNS is the input's pods labelled `k8s-app: kube-dns` in `kube-system`, or,
    /// when the input does not run it, such pods as kube-dns and CoreDNS run them, with
    /// port 53 named `dns` over UDP and `dns-tcp` over TCP. Policies add up: one policy
    /// that allows DNS is enough. A rule without `ports` (or with an empty list) allows
    /// every port, a rule without `to` allows every destination, and an `ipBlock` may
    /// hold the DNS pods' addresses, so it counts as allowing them. Pods on the host
    /// network are left out, since policies do not apply to them.
    ///
    /// ## Why it matters
    /// Once egress is restricted, everything not allowed is dropped, DNS included. Every
    /// name lookup then times out: the pods cannot reach their database, their peers or
    /// any API by name, and usually fail their probes in a restart loop. Allowing only
    /// TCP port 53 is not enough: resolvers ask over UDP first and wait for a timeout.
    ///
    /// ## How to fix
    /// Add an egress rule that allows UDP and TCP port 53 to the cluster's DNS, for
    /// example to the `kube-dns` pods of `kube-system`, in one of the policies that
    /// select the pods (or in a namespace-wide policy with an empty `podSelector`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Ingress, Egress]
    ///   egress:
    ///     - to:
    ///         - podSelector:
    ///             matchLabels: { app: db }
    ///       ports:
    ///         - { port: 5432 }
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
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    /// spec:
    ///   podSelector:
    ///     matchLabels: { app: web }
    ///   policyTypes: [Ingress, Egress]
    ///   egress:
    ///     - to:
    ///         - podSelector:
    ///             matchLabels: { app: db }
    ///       ports:
    ///         - { port: 5432 }
    ///     - to:
    ///         - namespaceSelector:
    ///             matchLabels: { kubernetes.io/metadata.name: kube-system }
    ///           podSelector:
    ///             matchLabels: { k8s-app: kube-dns }
    ///       ports:
    ///         - { port: 53, protocol: UDP }
    ///         - { port: 53, protocol: TCP }
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
    pub struct NetworkPolicyBlocksDns {
        id: "SS045",
        name: "network-policy-blocks-dns",
        severity: Error,
        theme: Networking,
        summary: "NetworkPolicies restrict the pods' egress and allow no DNS",
    }
}

impl SetRule for NetworkPolicyBlocksDns {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let policies = cx.network_policies();
        let servers = cluster_dns_pods(cx);
        let server = match servers.first() {
            Some(server) => server.clone(),
            None => Endpoint::cluster_dns(),
        };
        for pod in cx.pod_templates() {
            let dns = policies.resolve_names(&Endpoint::of_template(pod), &servers);
            // The servers' own ingress is their policies' business, not these pods'.
            let Decision::Denied(isolating) = &dns.udp.egress else {
                continue;
            };
            let elsewhere = isolating
                .iter()
                .any(|p| p.names_port(Direction::Egress, Port::udp(53), &server));
            let destination = if elsewhere {
                " to the cluster DNS (pods `k8s-app: kube-dns` of kube-system)"
            } else {
                ""
            };
            let tcp_only = if dns.tcp.egress.may_admit() {
                " (TCP port 53 alone does not do: resolvers ask over UDP first)"
            } else {
                ""
            };
            out.report(
                pod.object,
                format!("{}/metadata/labels", pod.pointer),
                format!(
                    "egress of these pods is restricted by {} and no rule allows DNS on UDP port 53{destination}{tcp_only}: every name lookup times out",
                    network_policy::describe(isolating),
                ),
            );
        }
    }
}
