use serde_json::Value;

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Sysctls in the pod's `securityContext.sysctls` that are not in Kubernetes' safe
    /// set (`kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`,
    /// `net.ipv4.ping_group_range`, `net.ipv4.ip_local_reserved_ports`, the
    /// `net.ipv4.tcp_keepalive_*` and `tcp_fin_timeout` timers, `net.ipv4.tcp_rmem` and
    /// `net.ipv4.tcp_wmem`).
    ///
    /// ## Why it matters
    /// Other sysctls are not isolated per pod, or let one pod starve the node. The
    /// kubelet refuses such a pod (`SysctlForbidden`) unless the node was started with
    /// `--allowed-unsafe-sysctls`, and the baseline Pod Security Standard refuses it.
    ///
    /// ## How to fix
    /// Remove the sysctl, or set it on the nodes that need it and schedule the pod
    /// there, with a suppression that names the node pool.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: proxy
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - { name: net.core.somaxconn, value: "4096" }
    ///   containers:
    ///     - name: proxy
    ///       image: example/proxy:1.0.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: proxy
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - { name: net.ipv4.ip_local_port_range, value: "1024 65000" }
    ///   containers:
    ///     - name: proxy
    ///       image: example/proxy:1.0.0
    /// ```
    pub struct UnsafeSysctl {
        id: "SS102",
        name: "unsafe-sysctl",
        severity: Warning,
        theme: Security,
        summary: "pod sets a sysctl outside Kubernetes' safe set",
    }
}

/// The safe set of the baseline Pod Security Standard (Kubernetes 1.32): namespaced by
/// the kernel and harmless to other pods.
const SAFE: [&str; 12] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

impl ObjectRule for UnsafeSysctl {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        let sysctls = pod
            .spec_get("/securityContext/sysctls")
            .and_then(Value::as_array);
        for (i, sysctl) in sysctls.into_iter().flatten().enumerate() {
            let Some(name) = sysctl["name"].as_str() else {
                continue;
            };
            // The kernel accepts `/` as the separator too.
            if !SAFE.contains(&name.replace('/', ".").as_str()) {
                out.report(
                    object,
                    pod.spec_pointer(&format!("/securityContext/sysctls/{i}/name")),
                    format!(
                        "sysctl `{name}` is not in the safe set: the kubelet refuses the pod unless the node allows it"
                    ),
                );
            }
        }
    }
}
