use crate::templates::volumes;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// `emptyDir` volumes without a `sizeLimit`. A disk-backed one is left alone when
    /// every container of the pod has an `ephemeral-storage` limit, which bounds it too.
    ///
    /// ## Why it matters
    /// A disk-backed `emptyDir` shares the node's disk with every other pod, the images
    /// and the logs: a runaway cache or temp file fills it, and the kubelet then evicts
    /// pods at random to recover. A memory-backed one (`medium: Memory`) is a tmpfs that
    /// can grow to the pod's memory limit, and the containers writing to it are then
    /// OOM-killed.
    ///
    /// ## How to fix
    /// Set `sizeLimit` to what the volume may hold; the kubelet evicts only this pod
    /// when it is exceeded.
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
    ///       volumeMounts:
    ///         - { name: tmp, mountPath: /tmp }
    ///   volumes:
    ///     - name: tmp
    ///       emptyDir: {}
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
    ///       volumeMounts:
    ///         - { name: tmp, mountPath: /tmp }
    ///   volumes:
    ///     - name: tmp
    ///       emptyDir: { sizeLimit: 256Mi }
    /// ```
    pub struct EmptyDirWithoutSizeLimit {
        id: "SS181",
        name: "empty-dir-without-size-limit",
        severity: Info,
        theme: Resources,
        summary: "emptyDir volume can grow until the node's disk or the pod's memory runs out",
    }
}

impl ObjectRule for EmptyDirWithoutSizeLimit {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        // Container ephemeral-storage limits add up to a pod limit that covers emptyDirs.
        let disk_bounded = pod
            .containers()
            .all(|c| c.get("/resources/limits/ephemeral-storage").is_some());
        for volume in volumes(&pod).filter(|v| v.kind == "emptyDir") {
            if volume.source.get("sizeLimit").is_some() {
                continue;
            }
            let in_memory = volume.source["medium"].as_str() == Some("Memory");
            let problem = match (in_memory, disk_bounded) {
                (true, _) => "is a tmpfs that can grow to the pod's memory limit",
                (false, false) => "can fill the node's disk, shared with every pod",
                (false, true) => continue,
            };
            out.report(
                object,
                volume.pointer(&pod),
                format!("emptyDir `{}` has no sizeLimit: it {problem}", volume.name),
            );
        }
    }
}
