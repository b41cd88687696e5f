use crate::templates::{ContainerFields, Containers};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers (init containers included) without a CPU or a memory request.
    ///
    /// ## Why it matters
    /// The scheduler places pods by their requests. Without them it packs pods onto
    /// nodes that cannot run them, the pods are the first evicted under memory pressure
    /// (QoS class `BestEffort`), and a HorizontalPodAutoscaler cannot compute
    /// utilisation.
    ///
    /// ## How to fix
    /// Set `resources.requests.cpu` and `resources.requests.memory` to what the
    /// container uses under normal load.
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
    ///       resources:
    ///         requests: { cpu: 250m, memory: 256Mi }
    /// ```
    pub struct MissingRequests {
        id: "SS020",
        name: "missing-resource-requests",
        severity: Warning,
        theme: Resources,
        summary: "container has no CPU or memory request",
    }
}

const CHECK: ContainerFields = ContainerFields {
    fields: &[
        ("/resources/requests/cpu", "CPU request"),
        ("/resources/requests/memory", "memory request"),
    ],
    containers: Containers::All,
};

impl ObjectRule for MissingRequests {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
