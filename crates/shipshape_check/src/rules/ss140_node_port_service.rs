use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Services of type `NodePort`.
    ///
    /// ## Why it matters
    /// A node port opens the same port on every node of the cluster, on every address
    /// the nodes have. Where nodes are reachable from outside, so is the Service,
    /// without the TLS, authentication and rate limits an Ingress or a load balancer
    /// would put in front. Node ports also come from a small shared range
    /// (30000-32767) that clashes across teams.
    ///
    /// ## How to fix
    /// Use a `ClusterIP` Service behind an Ingress or Gateway, or a `LoadBalancer`
    /// Service. Where a node port is the design (bare-metal load balancers in front of
    /// the nodes), say so in a suppression.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: NodePort
    ///   selector: { app: web }
    ///   ports:
    ///     - { port: 80, targetPort: 8080 }
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
    /// ```
    pub struct NodePortService {
        id: "SS140",
        name: "node-port-service",
        severity: Info,
        theme: Networking,
        summary: "Service opens a port on every node (type NodePort)",
    }
}

impl ObjectRule for NodePortService {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if object.is(&kinds::SERVICE) && object.str_at("/spec/type") == Some("NodePort") {
            out.report(
                object,
                "/spec/type",
                "type NodePort opens the Service on a port of every node",
            );
        }
    }
}
