use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// PodDisruptionBudgets with a budget (`minAvailable` or `maxUnavailable`) that
    /// leave `unhealthyPodEvictionPolicy` unset. One that sets `IfHealthyBudget`
    /// explicitly made the choice below and is left alone.
    ///
    /// ## Why it matters
    /// Under the default, `IfHealthyBudget`, a pod that is running but not ready (stuck
    /// in a crash loop, say) may only be evicted while the budget holds. When the
    /// application is broken the budget does not hold, so node drains and cluster
    /// upgrades hang on pods that serve nothing. Kubernetes recommends `AlwaysAllow`.
    ///
    /// ## How to fix
    /// Set `unhealthyPodEvictionPolicy: AlwaysAllow`. Applications that must not lose
    /// a member that is not ready yet (quorum systems such as etcd, whose members are
    /// not ready while the quorum has no leader) set `IfHealthyBudget` explicitly.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: { app: web }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   unhealthyPodEvictionPolicy: AlwaysAllow
    ///   selector:
    ///     matchLabels: { app: web }
    /// ```
    pub struct PdbUnhealthyEviction {
        id: "SS154",
        name: "pdb-keeps-unhealthy-pods",
        severity: Info,
        theme: Reliability,
        summary: "PodDisruptionBudget lets crash-looping pods block node drains",
    }
}

impl ObjectRule for PdbUnhealthyEviction {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let has_budget = object.get("/spec/minAvailable").is_some()
            || object.get("/spec/maxUnavailable").is_some();
        if !object.is(&kinds::POD_DISRUPTION_BUDGET) || !has_budget {
            return;
        }
        if object.get("/spec/unhealthyPodEvictionPolicy").is_none() {
            out.report(
                object,
                "/spec/unhealthyPodEvictionPolicy",
                "unhealthyPodEvictionPolicy is unset, so IfHealthyBudget: running but unready pods block evictions once the budget is spent, and drains hang on crash-looping pods",
            );
        }
    }
}
