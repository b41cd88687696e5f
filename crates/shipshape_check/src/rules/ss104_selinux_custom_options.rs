use serde_json::Value;

use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// `seLinuxOptions` on the pod or a container that set a `user` or `role`, or a
    /// `type` other than the container types (`container_t`, `container_init_t`,
    /// `container_kvm_t`, `container_engine_t`).
    ///
    /// ## Why it matters
    /// On SELinux nodes (RHEL, Fedora, OpenShift) the label is what keeps a container
    /// away from the node's files and other containers. A custom type such as `spc_t`
    /// ("super privileged container") or `unconfined_t` switches that off. The baseline
    /// Pod Security Standard refuses it.
    ///
    /// ## How to fix
    /// Remove `user`, `role` and `type`; set only `level` when pods must share volumes
    /// (`s0:c123,c456`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   securityContext:
    ///     seLinuxOptions: { type: spc_t }
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
    ///   securityContext:
    ///     seLinuxOptions: { level: "s0:c123,c456" }
    ///   containers:
    ///     - name: agent
    ///       image: example/agent:1.4.2
    /// ```
    pub struct SeLinuxCustomOptions {
        id: "SS104",
        name: "selinux-custom-options",
        severity: Warning,
        theme: Security,
        summary: "pod or container sets a custom SELinux user, role or type",
    }
}

/// The types container runtimes label containers with.
const CONTAINER_TYPES: [&str; 4] = [
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// The first field of `options` that leaves the container's SELinux confinement.
fn escape_hatch(options: &Value) -> Option<(&'static str, &str)> {
    let set = |field: &'static str| {
        options[field]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(|v| (field, v))
    };
    let custom_type = set("type").filter(|(_, t)| !CONTAINER_TYPES.contains(t));
    set("user").or_else(|| set("role")).or(custom_type)
}

impl ObjectRule for SeLinuxCustomOptions {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        // Pod and container options are checked apart: a container's own options replace
        // the pod's, and either can carry the custom label.
        let pod_level = pod.spec_get("/securityContext/seLinuxOptions");
        if let Some((field, value)) = pod_level.and_then(escape_hatch) {
            out.report(
                object,
                pod.spec_pointer(&format!("/securityContext/seLinuxOptions/{field}")),
                format!("pods run with SELinux {field} `{value}`, outside the container types"),
            );
        }
        for container in pod.containers() {
            let own = container.get("/securityContext/seLinuxOptions");
            if let Some((field, value)) = own.and_then(escape_hatch) {
                out.report(
                    object,
                    container.pointer_to(&format!("/securityContext/seLinuxOptions/{field}")),
                    format!(
                        "{} runs with SELinux {field} `{value}`, outside the container types",
                        describe(&container)
                    ),
                );
            }
        }
    }
}
