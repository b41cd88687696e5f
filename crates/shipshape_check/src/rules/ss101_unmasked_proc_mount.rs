use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers whose `securityContext.procMount` is anything but `Default`
    /// (`Unmasked`).
    ///
    /// ## Why it matters
    /// The runtime masks and makes read-only the parts of `/proc` that reach the node's
    /// kernel (`/proc/sys`, `/proc/sysrq-trigger`, `/proc/kcore`, ...). An unmasked
    /// `/proc` hands them to the container. The baseline Pod Security Standard refuses
    /// it.
    ///
    /// ## How to fix
    /// Remove `procMount` or set it to `Default`. Nested container runtimes that need an
    /// unmasked `/proc` belong in a user namespace (`hostUsers: false`) with a
    /// suppression that says why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///     - name: builder
    ///       image: example/builder:3.0.0
    ///       securityContext:
    ///         procMount: Unmasked
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///     - name: builder
    ///       image: example/builder:3.0.0
    ///       securityContext:
    ///         procMount: Default
    /// ```
    pub struct UnmaskedProcMount {
        id: "SS101",
        name: "unmasked-proc-mount",
        severity: Warning,
        theme: Security,
        summary: "container sees the node's /proc unmasked",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/procMount",
    pod_level: false,
    accept: |v| {
        v.and_then(Value::as_str)
            .is_none_or(|mount| mount == "Default")
    },
    problem: "mounts /proc unmasked (procMount is not Default)",
};

impl ObjectRule for UnmaskedProcMount {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
