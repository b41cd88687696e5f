use serde_json::Value;

use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Services that set `spec.externalIPs`.
    ///
    /// ## Why it matters
    /// Every node routes traffic for an external IP to the Service, and nothing checks
    /// that the IP belongs to whoever wrote it: anyone allowed to create a Service can
    /// claim another address, inside or outside the cluster, and intercept its traffic
    /// (CVE-2020-8554, never fixed in Kubernetes itself). Many clusters refuse the
    /// field outright with the `DenyServiceExternalIPs` admission plugin.
    ///
    /// ## How to fix
    /// Use a `LoadBalancer` Service, whose address the cloud or MetalLB assigns, or an
    /// Ingress or Gateway.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: { app: web }
    ///   externalIPs: [192.0.2.10]
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
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: [192.0.2.0/24]
    ///   selector: { app: web }
    ///   ports:
    ///     - { port: 80, targetPort: 8080 }
    /// ```
    pub struct ServiceExternalIps {
        id: "SS142",
        name: "service-external-ips",
        severity: Warning,
        theme: Networking,
        summary: "Service claims external IPs, which nothing verifies",
    }
}

impl ObjectRule for ServiceExternalIps {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let ips = object.get("/spec/externalIPs").and_then(Value::as_array);
        if object.is(&kinds::SERVICE) && ips.is_some_and(|ips| !ips.is_empty()) {
            out.report(
                object,
                "/spec/externalIPs",
                "externalIPs routes any address to this Service, unverified: use a LoadBalancer Service",
            );
        }
    }
}
