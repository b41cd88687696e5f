use crate::templates::volumes;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// `hostPath` volumes that mount the node's root, its system directories (`/etc`,
    /// `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/usr`, `/lib`), the kubelet's or a
    /// container runtime's state (`/var/lib/kubelet`, `/var/lib/docker`,
    /// `/var/lib/containerd`), or a container runtime's socket (`docker.sock`,
    /// `containerd.sock`, `crio.sock`). SS008 reports every `hostPath`; this rule
    /// singles out the ones that give the node away.
    ///
    /// ## Why it matters
    /// Whoever controls the container then controls the node: the runtime socket starts
    /// privileged containers, `/etc` holds the node's users and kubelet configuration,
    /// `/var/lib/kubelet` holds every pod's secrets, `/proc` and `/sys` reach the kernel.
    ///
    /// ## How to fix
    /// Remove the volume. Build images with a daemonless builder (BuildKit rootless,
    /// Kaniko) rather than the node's runtime; read node metrics through the kubelet or
    /// a node exporter installed by the platform team, with a suppression that says why.
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
    ///   volumes:
    ///     - name: docker
    ///       hostPath: { path: /var/run/docker.sock }
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
    ///   volumes:
    ///     - name: work
    ///       emptyDir: { sizeLimit: 1Gi }
    /// ```
    pub struct SensitiveHostPath {
        id: "SS110",
        name: "sensitive-host-path",
        severity: Error,
        theme: Security,
        summary: "pod mounts the node's system directories or container runtime socket",
    }
}

/// Directories of the node that no application should see, with what they give away.
const DIRECTORIES: &[(&str, &str)] = &[
    ("/etc", "the node's configuration and credentials"),
    ("/proc", "the node's processes and kernel settings"),
    ("/sys", "the node's kernel and devices"),
    ("/dev", "the node's devices"),
    ("/boot", "the node's kernel and boot loader"),
    ("/root", "the node's root account"),
    ("/usr", "the node's programs"),
    ("/lib", "the node's libraries"),
    ("/var/lib/kubelet", "every pod's volumes and secrets"),
    ("/var/lib/docker", "every container's files"),
    ("/var/lib/containerd", "every container's files"),
];

/// Container runtime sockets: whoever can write to one starts privileged containers.
const SOCKETS: [&str; 3] = ["docker.sock", "containerd.sock", "crio.sock"];

/// What mounting `path` gives away, if it is sensitive.
fn exposes(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return Some("the node's whole file system");
    }
    if SOCKETS.iter().any(|socket| path.ends_with(socket)) {
        return Some("the container runtime, which starts privileged containers");
    }
    DIRECTORIES
        .iter()
        .find(|(dir, _)| path == *dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/')))
        .map(|(_, what)| *what)
}

impl ObjectRule for SensitiveHostPath {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for volume in volumes(&pod).filter(|v| v.kind == "hostPath") {
            let path = volume.source["path"].as_str().unwrap_or("");
            if let Some(what) = exposes(path) {
                out.report(
                    object,
                    format!("{}/path", volume.pointer(&pod)),
                    format!("volume `{}` mounts `{path}`: {what}", volume.name),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exposes;

    #[test]
    fn system_directories_and_sockets_are_sensitive_and_lookalikes_are_not() {
        assert!(exposes("/").is_some());
        assert!(exposes("/etc/kubernetes/").is_some());
        assert!(exposes("/run/containerd/containerd.sock").is_some());
        assert!(exposes("/etcd-data").is_none());
        assert!(exposes("/var/log").is_none());
        assert!(exposes("/data/cache").is_none());
    }
}
