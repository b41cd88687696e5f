use crate::templates::volumes;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pod volumes of a type the restricted Pod Security Standard does not allow: any
    /// but `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`,
    /// `persistentVolumeClaim`, `projected` and `secret`. `hostPath` is SS008's.
    ///
    /// ## Why it matters
    /// In-line network volumes (`nfs`, `iscsi`, `rbd`, `cephfs`, `gcePersistentDisk`,
    /// ...) let whoever writes the pod mount any storage the node can reach, with the
    /// node's credentials, bypassing the PersistentVolume objects where administrators
    /// decide that. Namespaces that enforce the restricted standard refuse the pod, and
    /// most in-tree volume types are removed from recent Kubernetes.
    ///
    /// ## How to fix
    /// Claim the storage with a `persistentVolumeClaim` (backed by a PersistentVolume or
    /// a CSI driver) instead of describing it in the pod.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: reports
    /// spec:
    ///   containers:
    ///     - name: reports
    ///       image: example/reports:1.0.0
    ///   volumes:
    ///     - name: archive
    ///       nfs: { server: 10.0.0.5, path: /exports/reports }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: reports
    /// spec:
    ///   containers:
    ///     - name: reports
    ///       image: example/reports:1.0.0
    ///   volumes:
    ///     - name: archive
    ///       persistentVolumeClaim: { claimName: reports-archive }
    /// ```
    pub struct RestrictedVolumeType {
        id: "SS109",
        name: "restricted-volume-type",
        severity: Warning,
        theme: Security,
        summary: "pod uses a volume type the restricted Pod Security Standard refuses",
    }
}

/// The volume types the restricted standard allows, plus `hostPath`, which SS008 reports.
const ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "hostPath",
];

impl ObjectRule for RestrictedVolumeType {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for volume in volumes(&pod) {
            if !ALLOWED.contains(&volume.kind) {
                out.report(
                    object,
                    volume.pointer(&pod),
                    format!(
                        "volume `{}` is of type `{}`: claim the storage with a persistentVolumeClaim",
                        volume.name, volume.kind
                    ),
                );
            }
        }
    }
}
