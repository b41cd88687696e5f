use crate::templates::{AddedCapabilities, in_baseline};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers that add a capability outside the baseline Pod Security Standard's
    /// list: `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `NET_RAW`, `SYS_PTRACE`, `SYS_MODULE`,
    /// `BPF`, `DAC_READ_SEARCH` and every other one not among the runtime's historical
    /// defaults.
    ///
    /// ## Why it matters
    /// These reach past the container: `SYS_ADMIN` mounts file systems and escapes in a
    /// few known steps, `SYS_MODULE` loads kernel code, `SYS_PTRACE` reads other
    /// processes' memory, `NET_ADMIN` and `NET_RAW` rewrite and forge traffic on the pod
    /// network. Even the baseline Pod Security Standard refuses the pod.
    ///
    /// ## How to fix
    /// Remove the capability. Node agents that truly need one belong in a namespace of
    /// their own, with a suppression that says why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: vpn
    /// spec:
    ///   containers:
    ///     - name: vpn
    ///       image: example/vpn:1.0.0
    ///       securityContext:
    ///         capabilities:
    ///           add: [NET_ADMIN]
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: vpn
    /// spec:
    ///   containers:
    ///     - name: vpn
    ///       image: example/vpn:1.0.0
    ///       securityContext:
    ///         capabilities:
    ///           drop: [ALL]
    /// ```
    pub struct DangerousCapability {
        id: "SS107",
        name: "dangerous-capability-added",
        severity: Error,
        theme: Security,
        summary: "container adds a capability that reaches past the container",
    }
}

const CHECK: AddedCapabilities = AddedCapabilities {
    accept: in_baseline,
    problem: "even the baseline Pod Security Standard refuses it",
};

impl ObjectRule for DangerousCapability {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
