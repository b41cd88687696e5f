use crate::{CheckContext, Emitter, Selector, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// PodDisruptionBudgets whose selector matches the pod template of no workload in
    /// their namespace (or that have no selector at all).
    ///
    /// ## Why it matters
    /// A budget that selects nothing protects nothing: a node drain evicts every replica
    /// of the workload it was meant for at once. It is almost always a label that was
    /// renamed on the workload and not on the budget.
    ///
    /// ## How to fix
    /// Make `spec.selector` match the labels of the workload's pod template (the same
    /// labels as the workload's own selector).
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
    ///     matchLabels: { app: website }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 3
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
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: { app: web }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 3
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
    pub struct PdbSelectsNoPods {
        id: "SS013",
        name: "pdb-selects-no-pods",
        severity: Warning,
        theme: Reliability,
        summary: "PodDisruptionBudget selects no pods in the input",
    }
}

impl SetRule for PdbSelectsNoPods {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for pdb in cx.of_kind(&kinds::POD_DISRUPTION_BUDGET) {
            let selects_some = pdb.get("/spec/selector").is_some_and(|s| {
                cx.selected(pdb.namespace(), Selector::LabelSelector(s))
                    .next()
                    .is_some()
            });
            if !selects_some {
                out.report(
                    pdb,
                    "/spec/selector",
                    "selects no pod template in its namespace: it protects nothing",
                );
            }
        }
    }
}
