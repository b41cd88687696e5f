use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// PodDisruptionBudgets that set neither `minAvailable` nor `maxUnavailable`.
    ///
    /// ## Why it matters
    /// Such a budget allows every eviction: it protects nothing, while looking as if it
    /// did, and tools that require a budget per workload count it as one.
    ///
    /// ## How to fix
    /// Set `maxUnavailable: 1` (or a percentage), or `minAvailable` below the number of
    /// replicas.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
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
    ///   selector:
    ///     matchLabels: { app: web }
    /// ```
    pub struct PdbWithoutBudget {
        id: "SS155",
        name: "pdb-without-budget",
        severity: Warning,
        theme: Reliability,
        summary: "PodDisruptionBudget sets no minAvailable or maxUnavailable, so it protects nothing",
    }
}

impl ObjectRule for PdbWithoutBudget {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let has_budget = object.get("/spec/minAvailable").is_some()
            || object.get("/spec/maxUnavailable").is_some();
        if object.is(&kinds::POD_DISRUPTION_BUDGET) && !has_budget {
            out.report(
                object,
                "/spec/maxUnavailable",
                "neither minAvailable nor maxUnavailable is set: every eviction is allowed",
            );
        }
    }
}
