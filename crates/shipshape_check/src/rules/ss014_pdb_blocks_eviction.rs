use shipshape_grammar::{IntOrPercent, Rounding};

use crate::templates::int_or_percent;

use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::{DisruptionBudget, kinds};

declare_rule! {
    /// ## What it checks
    /// PodDisruptionBudgets that allow no voluntary eviction at all: `maxUnavailable: 0`
    /// (or `0%`), `minAvailable: 100%`, or a `minAvailable` at or above the number of
    /// pods it selects. For a workload with a HorizontalPodAutoscaler, the count is the
    /// autoscaler's `minReplicas`, the fewest pods the workload may run.
    ///
    /// ## Why it matters
    /// Node drains (upgrades, autoscaler scale-downs, maintenance) evict pods through the
    /// eviction API, which honours the budget. A budget that allows no eviction makes
    /// every drain hang until someone deletes the budget by hand, usually in the middle
    /// of an upgrade.
    ///
    /// ## How to fix
    /// Use `maxUnavailable: 1` (it stays right when the replica count changes), or a
    /// `minAvailable` below the replica count, and run at least two replicas.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   minAvailable: 2
    ///   selector:
    ///     matchLabels: { app: web }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 2
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
    ///   replicas: 2
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
    pub struct PdbBlocksEviction {
        id: "SS014",
        name: "pdb-blocks-eviction",
        severity: Error,
        theme: Reliability,
        summary: "PodDisruptionBudget allows no eviction, so node drains hang",
    }
}

/// The pods `pdb` selects, and how they are counted (`Deployment shop/web: 2`).
fn selected_pods(cx: &CheckContext<'_>, pdb: &DisruptionBudget<'_>) -> (Option<i64>, Vec<String>) {
    let mut total = Some(0);
    let mut parts = Vec::new();
    for pod in pdb.pods(cx) {
        let count = cx.min_replicas(pod);
        total = total.zip(count).map(|(t, c)| t + c);
        match count {
            Some(c) => parts.push(format!("{}: {c}", pod.object.display_name())),
            None => parts.push(pod.object.display_name()),
        }
    }
    if parts.is_empty() {
        // Selecting nothing is SS013's finding.
        return (None, parts);
    }
    (total, parts)
}

impl SetRule for PdbBlocksEviction {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let budgets = cx
            .of_kind(&kinds::POD_DISRUPTION_BUDGET)
            .filter_map(DisruptionBudget::of);
        for budget in budgets {
            let pdb = budget.object;
            if let Some(max) = budget.max_unavailable() {
                // Any non-zero share of at least one pod rounds up to one eviction.
                if int_or_percent(max).is_some_and(|m| m.scaled(1, Rounding::Up) == 0) {
                    out.report(
                        pdb,
                        "/spec/maxUnavailable",
                        "maxUnavailable 0 allows no eviction: every node drain hangs on these pods",
                    );
                }
                continue;
            }
            let Some(min) = budget.min_available() else {
                continue;
            };
            if int_or_percent(min) == Some(IntOrPercent::Percent(100)) {
                out.report(
                    pdb,
                    "/spec/minAvailable",
                    "minAvailable 100% allows no eviction: every node drain hangs on these pods",
                );
                continue;
            }
            let (Some(total), parts) = selected_pods(cx, &budget) else {
                continue;
            };
            // The disruption controller rounds a percentage up (`getExpectedPodCount`).
            if let Some(needed) = int_or_percent(min).map(|m| m.scaled(total, Rounding::Up))
                && needed >= total
            {
                out.report(
                    pdb,
                    "/spec/minAvailable",
                    format!(
                        "minAvailable {needed} leaves no pod to evict: it selects {total} at the fewest ({}); node drains hang",
                        parts.join(", ")
                    ),
                );
            }
        }
    }
}
