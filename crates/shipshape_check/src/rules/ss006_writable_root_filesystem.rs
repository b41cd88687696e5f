use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers whose `securityContext.readOnlyRootFilesystem` is not `true`.
    ///
    /// ## Why it matters
    /// A writable root filesystem lets an attacker who gets code execution drop tools and
    /// modify binaries in place, and lets a bug fill the node's disk through the
    /// container's writable layer. Files the application must write belong on a volume
    /// (an `emptyDir` for scratch space), where they are visible and bounded.
    ///
    /// ## How to fix
    /// Set `readOnlyRootFilesystem: true` and mount an `emptyDir` (with a `sizeLimit`) at
    /// each path the process writes, such as `/tmp`.
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
    ///       securityContext:
    ///         readOnlyRootFilesystem: true
    ///       volumeMounts:
    ///         - { name: tmp, mountPath: /tmp }
    ///   volumes:
    ///     - name: tmp
    ///       emptyDir: { sizeLimit: 64Mi }
    /// ```
    pub struct WritableRootFilesystem {
        id: "SS006",
        name: "writable-root-filesystem",
        severity: Warning,
        theme: Security,
        summary: "container can write to its root filesystem",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/readOnlyRootFilesystem",
    pod_level: false,
    accept: |v| v.and_then(Value::as_bool) == Some(true),
    problem: "can write to its root filesystem (readOnlyRootFilesystem is not true)",
};

impl ObjectRule for WritableRootFilesystem {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
