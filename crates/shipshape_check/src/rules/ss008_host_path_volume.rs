use serde_json::Value;

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pod volumes of type `hostPath`.
    ///
    /// ## Why it matters
    /// A `hostPath` volume mounts a directory of the node into the pod: the container
    /// runtime's socket or `/etc` give away the node, and data written there stays on one
    /// node when the pod moves. The baseline Pod Security Standard refuses it.
    ///
    /// ## How to fix
    /// Use an `emptyDir` for scratch space, a `persistentVolumeClaim` for data, and a
    /// ConfigMap, Secret or projected volume for configuration. Node agents that truly
    /// need the host belong in a namespace of their own with a suppression that says why.
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
    pub struct HostPathVolume {
        id: "SS008",
        name: "host-path-volume",
        severity: Warning,
        theme: Security,
        summary: "pod mounts a directory of the node (hostPath)",
    }
}

impl ObjectRule for HostPathVolume {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        let volumes = pod.spec_get("/volumes").and_then(Value::as_array);
        for (i, volume) in volumes.into_iter().flatten().enumerate() {
            if let Some(host_path) = volume.get("hostPath") {
                out.report(
                    object,
                    pod.spec_pointer(&format!("/volumes/{i}/hostPath")),
                    format!(
                        "volume `{}` mounts `{}` from the node",
                        volume["name"].as_str().unwrap_or(""),
                        host_path["path"].as_str().unwrap_or("")
                    ),
                );
            }
        }
    }
}
