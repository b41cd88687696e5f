use serde_json::Value;

use crate::templates::SecuritySetting;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers with `windowsOptions.hostProcess: true`, on the container or the pod.
    ///
    /// ## Why it matters
    /// A Windows host process container runs directly on the node, as a node account,
    /// with the node's network and file system: the Windows equivalent of a privileged
    /// container. The baseline Pod Security Standard refuses it.
    ///
    /// ## How to fix
    /// Remove `hostProcess`. Node agents that need it belong in a namespace of their
    /// own, with a suppression that says why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   securityContext:
    ///     windowsOptions: { hostProcess: true }
    ///   hostNetwork: true
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    /// ```
    pub struct WindowsHostProcess {
        id: "SS108",
        name: "windows-host-process",
        severity: Error,
        theme: Security,
        summary: "container runs as a Windows host process, with the node's privileges",
    }
}

const CHECK: SecuritySetting = SecuritySetting {
    field: "/windowsOptions/hostProcess",
    pod_level: true,
    accept: |v| v.and_then(Value::as_bool) != Some(true),
    problem: "runs as a Windows host process, directly on the node",
};

impl ObjectRule for WindowsHostProcess {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        CHECK.check(object, out);
    }
}
