use serde_json::Value;
use shipshape_manifest::{GroupKind, kinds};

use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Rolling updates whose `maxUnavailable` lets every pod go at once: `100%` (or
    /// more) on a Deployment, StatefulSet or DaemonSet, or a number at least as large as
    /// the workload's explicit `replicas`.
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

/// Why `max_unavailable` takes every pod down, if it does. `replicas` is the explicit
/// count; DaemonSets have none (their count is the cluster's node count).
fn takes_all(max_unavailable: &Value, replicas: Option<i64>) -> Option<String> {
    if let Some(percent) = max_unavailable.as_str().and_then(|s| s.strip_suffix('%')) {
        let percent: i64 = percent.trim().parse().ok()?;
        return (percent >= 100).then(|| format!("maxUnavailable {percent}%"));
    }
    let n = max_unavailable.as_i64()?;
    let replicas = replicas?;
    (replicas > 0 && n >= replicas).then(|| format!("maxUnavailable {n} with {replicas} replicas"))
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
        if let Some(why) = takes_all(value, replicas) {
            out.report(
                object,
                *pointer,
                format!("{why} lets a rollout stop every pod before a new one is ready"),
            );
        }
    }
}
