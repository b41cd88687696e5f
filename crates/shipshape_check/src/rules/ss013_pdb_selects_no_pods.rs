use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::{DisruptionBudget, kinds};

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
        let budgets = cx
            .of_kind(&kinds::POD_DISRUPTION_BUDGET)
            .filter_map(DisruptionBudget::of);
        for pdb in budgets {
            if pdb.pods(cx).next().is_none() {
                out.report(
                    pdb.object,
                    "/spec/selector",
                    "selects no pod template in its namespace: it protects nothing",
                );
            }
        }
    }
}
