use crate::templates::{ContainerFields, Containers};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers (init containers included) without a memory limit. CPU limits are
    /// deliberately not required: exceeding one only throttles, while exceeding memory
    /// harms the neighbours.
    ///
    /// ## Why it matters
    /// A container without a memory limit can take the node's memory until the kernel's
    /// OOM killer picks a victim, which may be another team's pod or the kubelet.
    ///
    /// ## How to fix
    /// Set `resources.limits.memory`, at or somewhat above the memory request.
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
    ///       resources:
    ///         requests: { cpu: 250m, memory: 256Mi }
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
    ///         limits: { memory: 512Mi }
    /// ```
    pub struct MissingMemoryLimit {
        id: "SS021",
        name: "missing-memory-limit",
        severity: Warning,
        theme: Resources,
        summary: "container has no memory limit",
    }
}

const CHECK: ContainerFields = ContainerFields {
    fields: &[("/resources/limits/memory", "memory limit")],
    containers: Containers::All,
};

impl ObjectRule for MissingMemoryLimit {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
