use shipshape_manifest::api_lifecycle::{self, ApiStatus};

use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Objects whose API version (or kind) is deprecated in the target Kubernetes version
    /// but still served, such as `v1 Endpoints` since 1.33. The message names the
    /// replacement and, when one is planned, the version that removes it.
    ///
    /// ## Why it matters
    /// A deprecated API is removed in a later release; manifests that still use it stop
    /// applying on the day the cluster is upgraded.
    ///
    /// ## How to fix
    /// Move to the replacement the message names, and check the fields that changed
    /// with it (the Kubernetes deprecation guide lists them).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Endpoints
    /// metadata:
    ///   name: legacy-db
    /// subsets:
    ///   - addresses: [{ ip: 10.0.0.7 }]
    ///     ports: [{ port: 5432 }]
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: discovery.k8s.io/v1
    /// kind: EndpointSlice
    /// metadata:
    ///   name: legacy-db
    ///   labels: { kubernetes.io/service-name: legacy-db }
    /// addressType: IPv4
    /// endpoints:
    ///   - addresses: [10.0.0.7]
    /// ports:
    ///   - port: 5432
    /// ```
    pub struct DeprecatedApiVersion {
        id: "SS061",
        name: "deprecated-api-version",
        severity: Warning,
        theme: Api,
        summary: "the object's API version is deprecated in the target Kubernetes version",
    }
}

impl SetRule for DeprecatedApiVersion {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let target = cx.settings().api.version;
        for object in cx.objects() {
            let status = api_lifecycle::status(object.api_version(), object.kind(), target);
            if let Some(ApiStatus::Deprecated(change)) = status {
                out.report(
                    object,
                    "/apiVersion",
                    change.deprecated_message(object.kind()),
                );
            }
        }
    }
}
