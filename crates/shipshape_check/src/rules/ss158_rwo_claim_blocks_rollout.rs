use serde_json::Value;
use shipshape_grammar::{IntOrPercent, Rounding};

use crate::templates::{int_or_percent, volumes};
use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Deployments that roll out with `RollingUpdate` (the default) and keep every old
    /// pod until a new one is ready (`maxUnavailable` resolves to 0 for the replica
    /// count: 25 % of fewer than four replicas, or `0`), while their pods mount a
    /// PersistentVolumeClaim of the input whose access modes are only `ReadWriteOnce`
    /// or `ReadWriteOncePod`.
    ///
    /// ## Why it matters
    /// The new pod needs the volume the old pod holds. A `ReadWriteOnce` volume attaches
    /// to one node at a time, so a new pod scheduled on another node waits in
    /// `ContainerCreating` ("Multi-Attach error") for a volume the old pod never
    /// releases, because the old pod waits for the new one to be ready; a
    /// `ReadWriteOncePod` volume blocks even on the same node. The rollout hangs until
    /// its progress deadline and someone deletes the old pod by hand. It looks
    /// intermittent: it works whenever the scheduler happens to pick the same node.
    ///
    /// ## How to fix
    /// Use `strategy: {type: Recreate}` (SS153 does not report it for pods that mount a
    /// claim), or run the workload as a StatefulSet with `volumeClaimTemplates`, whose
    /// rolling update stops a pod before it starts its replacement. A volume several
    /// pods must share needs `ReadWriteMany` storage.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: grafana
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests: { storage: 10Gi }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: grafana
    /// spec:
    ///   selector:
    ///     matchLabels: { app: grafana }
    ///   template:
    ///     metadata:
    ///       labels: { app: grafana }
    ///     spec:
    ///       containers:
    ///         - name: grafana
    ///           image: grafana/grafana:11.1.0
    ///           volumeMounts:
    ///             - { name: data, mountPath: /var/lib/grafana }
    ///       volumes:
    ///         - name: data
    ///           persistentVolumeClaim: { claimName: grafana }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: grafana
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests: { storage: 10Gi }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: grafana
    /// spec:
    ///   strategy: { type: Recreate }
    ///   selector:
    ///     matchLabels: { app: grafana }
    ///   template:
    ///     metadata:
    ///       labels: { app: grafana }
    ///     spec:
    ///       containers:
    ///         - name: grafana
    ///           image: grafana/grafana:11.1.0
    ///           volumeMounts:
    ///             - { name: data, mountPath: /var/lib/grafana }
    ///       volumes:
    ///         - name: data
    ///           persistentVolumeClaim: { claimName: grafana }
    /// ```
    pub struct RwoClaimBlocksRollout {
        id: "SS158",
        name: "rwo-claim-blocks-rollout",
        severity: Warning,
        theme: Reliability,
        summary: "a rolling update waits for a new pod that waits for the old pod's volume",
    }
}

/// Access modes that attach a volume to one node (or one pod) at a time.
const SINGLE_ATTACH: [&str; 2] = ["ReadWriteOnce", "ReadWriteOncePod"];

/// How many old pods a Deployment's rollout may stop before new ones are ready, as
/// `ResolveFenceposts` resolves it: `maxUnavailable` rounded down, raised to 1 when
/// `maxSurge` resolves to 0 too.
fn stops_before_ready(strategy: Option<&Value>, replicas: i64) -> i64 {
    let field = |name: &str, rounding| {
        let value = strategy.and_then(|s| s.pointer(&format!("/rollingUpdate/{name}")));
        value
            .map_or(Some(IntOrPercent::Percent(25)), int_or_percent)
            .map_or(1, |v| v.scaled(replicas, rounding))
    };
    let unavailable = field("maxUnavailable", Rounding::Down);
    if unavailable == 0 && field("maxSurge", Rounding::Up) == 0 {
        1
    } else {
        unavailable
    }
}

impl SetRule for RwoClaimBlocksRollout {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for pod in cx.pod_templates() {
            let object = pod.object;
            let strategy = object.get("/spec/strategy");
            if !object.is(&kinds::DEPLOYMENT)
                || strategy
                    .and_then(|s| s["type"].as_str())
                    .is_some_and(|t| t != "RollingUpdate")
            {
                continue;
            }
            let replicas = pod.replicas().unwrap_or(1);
            if stops_before_ready(strategy, replicas) > 0 {
                continue;
            }
            for volume in volumes(pod).filter(|v| v.kind == "persistentVolumeClaim") {
                let Some(name) = volume.source["claimName"].as_str() else {
                    continue;
                };
                let Some(claim) =
                    cx.find(&kinds::PERSISTENT_VOLUME_CLAIM, object.namespace(), name)
                else {
                    continue;
                };
                let modes: Vec<&str> = claim
                    .get("/spec/accessModes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if modes.is_empty() || !modes.iter().all(|m| SINGLE_ATTACH.contains(m)) {
                    continue;
                }
                // ReadWriteOncePod admits one pod in the whole cluster, so the new pod
                // waits even beside the old one; ReadWriteOnce only across nodes.
                let waits = if modes.contains(&"ReadWriteOnce") {
                    "a new pod on another node waits for the volume"
                } else {
                    "one pod at a time may use it, so a new pod waits for the volume even on the old pod's node"
                };
                out.report(
                    object,
                    format!("{}/claimName", volume.pointer(pod)),
                    format!(
                        "the rollout keeps the old pod until a new one is ready (maxUnavailable resolves to 0 with {replicas} replica{}), but claim `{name}` is {}: {waits} and the rollout never finishes",
                        if replicas == 1 { "" } else { "s" },
                        modes.join(", "),
                    ),
                );
            }
        }
    }
}
