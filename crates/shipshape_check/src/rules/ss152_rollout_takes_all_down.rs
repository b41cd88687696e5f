use serde_json::Value;
use shipshape_grammar::{IntOrPercent, Rounding};
use shipshape_manifest::{GroupKind, kinds};

use crate::templates::int_or_percent;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Rolling updates whose `maxUnavailable` lets every pod go at once: `100%` (or
    /// more) on a Deployment, StatefulSet or DaemonSet, or a number at least as large as
    /// the workload's explicit `replicas`, or a percentage of them that resolves to all
    /// of them as the controller resolves it (a Deployment rounds down; a StatefulSet
    /// rounds down but always lets one pod go, so `10%` of one replica is that pod).
    ///
    /// ## Why it matters
    /// The controller may then stop every old pod before a new one is ready: each
    /// rollout is an outage, and a broken image takes everything down instead of
    /// stalling after the first pod.
    ///
    /// ## How to fix
    /// Set `maxUnavailable` to 0 (with `maxSurge` of 1 or 25%) for services that must
    /// stay up, or to a share that leaves enough capacity, such as 25%.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 3
    ///   strategy:
    ///     rollingUpdate: { maxUnavailable: 100% }
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 3
    ///   strategy:
    ///     rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    pub struct RolloutTakesAllDown {
        id: "SS152",
        name: "rollout-takes-all-down",
        severity: Warning,
        theme: Reliability,
        summary: "rolling update may stop every pod at once",
    }
}

/// Where each kind keeps its rolling update's `maxUnavailable`.
const FIELDS: [(GroupKind<'static>, &str); 3] = [
    (
        kinds::DEPLOYMENT,
        "/spec/strategy/rollingUpdate/maxUnavailable",
    ),
    (
        kinds::STATEFUL_SET,
        "/spec/updateStrategy/rollingUpdate/maxUnavailable",
    ),
    (
        kinds::DAEMON_SET,
        "/spec/updateStrategy/rollingUpdate/maxUnavailable",
    ),
];

/// Why `max_unavailable` takes every pod of a `kind` down, if it does. `replicas` is
/// the explicit count; DaemonSets have none (their count is the cluster's node count).
/// A percentage resolves as the kind's controller resolves it: Deployments round down,
/// StatefulSets round down but stop at least one pod, DaemonSets round up.
fn takes_all(kind: &str, max_unavailable: &Value, replicas: Option<i64>) -> Option<String> {
    let value = int_or_percent(max_unavailable)?;
    let replicas = replicas.filter(|r| *r > 0);
    match (value, replicas) {
        (IntOrPercent::Percent(p), _) if p >= 100 => Some(format!("maxUnavailable {p}%")),
        (IntOrPercent::Percent(p), Some(replicas)) => {
            let rounding = if kind == "DaemonSet" {
                Rounding::Up
            } else {
                Rounding::Down
            };
            let mut stopped = value.scaled(replicas, rounding);
            if kind == "StatefulSet" {
                stopped = stopped.max(1);
            }
            (stopped >= replicas).then(|| format!("maxUnavailable {p}% with {replicas} replicas"))
        }
        (IntOrPercent::Int(n), Some(replicas)) if n >= replicas => {
            Some(format!("maxUnavailable {n} with {replicas} replicas"))
        }
        _ => None,
    }
}

impl ObjectRule for RolloutTakesAllDown {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some((_, pointer)) = FIELDS.iter().find(|(kind, _)| object.is(kind)) else {
            return;
        };
        // Recreate and OnDelete ignore rollingUpdate; SS153 speaks about Recreate.
        let strategy = object
            .str_at("/spec/strategy/type")
            .or_else(|| object.str_at("/spec/updateStrategy/type"));
        if strategy.is_some_and(|s| s != "RollingUpdate") {
            return;
        }
        let Some(value) = object.get(pointer) else {
            return;
        };
        let replicas = object.get("/spec/replicas").and_then(Value::as_i64);
        if let Some(why) = takes_all(object.kind(), value, replicas) {
            out.report(
                object,
                *pointer,
                format!("{why} lets a rollout stop every pod before a new one is ready"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::takes_all;

    #[test]
    fn percentages_resolve_as_each_controller_resolves_them() {
        let all = |kind, value, replicas| takes_all(kind, &value, replicas);
        assert_eq!(
            all("Deployment", json!("100%"), None),
            Some("maxUnavailable 100%".to_owned())
        );
        // 90% of 3 rounds down to 2 for a Deployment: one pod stays.
        assert_eq!(all("Deployment", json!("90%"), Some(3)), None);
        // A StatefulSet stops at least one pod, so 10% of 1 replica stops it.
        assert_eq!(
            all("StatefulSet", json!("10%"), Some(1)),
            Some("maxUnavailable 10% with 1 replicas".to_owned())
        );
        assert_eq!(all("StatefulSet", json!("10%"), Some(2)), None);
        assert_eq!(
            all("Deployment", json!(3), Some(3)),
            Some("maxUnavailable 3 with 3 replicas".to_owned())
        );
        assert_eq!(all("DaemonSet", json!("50%"), None), None);
        assert_eq!(all("Deployment", json!("lots"), Some(3)), None);
    }
}
