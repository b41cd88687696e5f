use crate::templates::ForbiddenPodFields;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods that share a namespace of the node: `hostNetwork`, `hostPID` or `hostIPC`
    /// set to `true`.
    ///
    /// ## Why it matters
    /// With the host's network a pod can reach every port on the node, including the
    /// kubelet's, and bypasses network policies; with its PID namespace it can see and
    /// signal every process on the node; with its IPC namespace it can read shared memory
    /// of other workloads. The baseline Pod Security Standard refuses all three.
    ///
    /// ## How to fix
    /// Remove the field. A pod that must receive traffic on a node port needs a Service
    /// of type `NodePort` or `LoadBalancer`, not the host's network.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   hostNetwork: true
    ///   containers:
    ///     - name: exporter
    ///       image: example/exporter:0.9.1
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   containers:
    ///     - name: exporter
    ///       image: example/exporter:0.9.1
    /// ```
    pub struct HostNamespaces {
        id: "SS005",
        name: "host-namespace-shared",
        severity: Error,
        theme: Security,
        summary: "pod shares the node's network, process or IPC namespace",
    }
}

const CHECK: ForbiddenPodFields = ForbiddenPodFields {
    fields: &[
        (
            "hostNetwork",
            "puts the pod on the node's network, past every network policy",
        ),
        (
            "hostPID",
            "lets the pod see and signal every process on the node",
        ),
        ("hostIPC", "shares the node's IPC namespace with the pod"),
    ],
};

impl ObjectRule for HostNamespaces {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
