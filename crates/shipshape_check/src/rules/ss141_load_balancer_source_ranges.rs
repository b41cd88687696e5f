use serde_json::Value;

use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Services of type `LoadBalancer` without `spec.loadBalancerSourceRanges` (or the
    /// equivalent `service.beta.kubernetes.io/load-balancer-source-ranges`
    /// annotation). Load balancers annotated as internal on AWS, Azure, Google Cloud or
    /// Oracle Cloud are left alone.
    ///
    /// ## Why it matters
    /// Most cloud load balancers are public by default: the Service answers anyone on
    /// the internet, including scanners, unless a firewall outside the manifests says
    /// otherwise. That is right for a public endpoint, and an accident for an admin
    /// port or a database.
    ///
    /// ## How to fix
    /// List the networks that may connect in `loadBalancerSourceRanges`, or make the
    /// load balancer internal with your cloud's annotation. A public endpoint needs
    /// nothing; suppress this finding with that reason.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: admin
    /// spec:
    ///   type: LoadBalancer
    ///   selector: { app: admin }
    ///   ports:
    ///     - { port: 443, targetPort: 8443 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: admin
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: [203.0.113.0/24]
    ///   selector: { app: admin }
    ///   ports:
    ///     - { port: 443, targetPort: 8443 }
    /// ```
    pub struct LoadBalancerSourceRanges {
        id: "SS141",
        name: "load-balancer-open-to-all",
        severity: Info,
        theme: Networking,
        summary: "LoadBalancer Service accepts connections from any address",
    }
}

/// Annotations that restrict or internalise a load balancer, with the value that does.
/// `None` accepts any value.
const RESTRICTING: [(&str, Option<&str>); 6] = [
    (
        "service.beta.kubernetes.io/load-balancer-source-ranges",
        None,
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        Some("internal"),
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        Some("true"),
    ),
    ("networking.gke.io/load-balancer-type", Some("Internal")),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        Some("true"),
    ),
];

fn restricted_by_annotation(object: &Object) -> bool {
    let Some(annotations) = object
        .get("/metadata/annotations")
        .and_then(Value::as_object)
    else {
        return false;
    };
    RESTRICTING.iter().any(|(key, wanted)| {
        annotations
            .get(*key)
            .and_then(Value::as_str)
            .is_some_and(|v| wanted.is_none_or(|w| v.eq_ignore_ascii_case(w)))
    })
}

impl ObjectRule for LoadBalancerSourceRanges {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !object.is(&kinds::SERVICE) || object.str_at("/spec/type") != Some("LoadBalancer") {
            return;
        }
        let ranges = object
            .get("/spec/loadBalancerSourceRanges")
            .and_then(Value::as_array);
        if ranges.is_none_or(Vec::is_empty) && !restricted_by_annotation(object) {
            out.report(
                object,
                "/spec/loadBalancerSourceRanges",
                "the load balancer accepts connections from any address: list the allowed networks in loadBalancerSourceRanges, or make it internal",
            );
        }
    }
}
