use crate::templates::{AddedCapabilities, in_baseline};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers that add a capability the baseline Pod Security Standard allows but
    /// the restricted one does not: anything but `NET_BIND_SERVICE` among `CHOWN`,
    /// `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `SETGID`, `SETUID`,
    /// `SETPCAP`, `SETFCAP`, `SYS_CHROOT` and `AUDIT_WRITE`. Capabilities outside the
    /// baseline are SS107's.
    ///
    /// ## Why it matters
    /// These capabilities let a process change file ownership, switch users or send
    /// signals across the container: what an attacker needs to turn a foothold into
    /// root inside the container. Namespaces that enforce the restricted standard refuse
    /// the pod.
    ///
    /// ## How to fix
    /// Drop `ALL` and add nothing back but `NET_BIND_SERVICE` (to bind ports below
    /// 1024). Fix file ownership at image build time or with `fsGroup` rather than
    /// `CHOWN`.
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
    ///       securityContext:
    ///         capabilities:
    ///           drop: [ALL]
    ///           add: [CHOWN, SETUID]
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
    ///       securityContext:
    ///         capabilities:
    ///           drop: [ALL]
    ///           add: [NET_BIND_SERVICE]
    /// ```
    pub struct CapabilityAdded {
        id: "SS106",
        name: "capability-added",
        severity: Warning,
        theme: Security,
        summary: "container adds a capability the restricted Pod Security Standard refuses",
    }
}

const CHECK: AddedCapabilities = AddedCapabilities {
    accept: |c| c == "NET_BIND_SERVICE" || !in_baseline(c),
    problem: "the restricted Pod Security Standard allows only NET_BIND_SERVICE",
};

impl ObjectRule for CapabilityAdded {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
