use std::collections::BTreeMap;

use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::{DisruptionBudget, kinds};

declare_rule! {
    /// ## What it checks
    /// Pod templates whose pods are selected by more than one PodDisruptionBudget.
    ///
    /// ## Why it matters
    /// The eviction API refuses to evict a pod covered by several budgets ("This pod has
    /// more than one PodDisruptionBudget, which the eviction subresource does not
    /// support"), so every node drain hangs on these pods.
    ///
    /// ## How to fix
    /// Keep one budget per workload: narrow the selectors so that each pod matches
    /// exactly one.
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
    /// ---
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: { tier: frontend }
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
    ///       labels: { app: web, tier: frontend }
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
    ///       labels: { app: web, tier: frontend }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    /// ```
    pub struct OverlappingPdbs {
        id: "SS015",
        name: "overlapping-pdbs",
        severity: Error,
        theme: Reliability,
        summary: "pods are selected by several PodDisruptionBudgets, so they cannot be evicted",
    }
}

impl SetRule for OverlappingPdbs {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        // Object index of each pod template's workload -> the budgets selecting it.
        let mut budgets: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        let pdbs = cx
            .of_kind(&kinds::POD_DISRUPTION_BUDGET)
            .filter_map(DisruptionBudget::of);
        for pdb in pdbs {
            for pod in pdb.pods(cx) {
                budgets
                    .entry(pod.object.index())
                    .or_default()
                    .push(pdb.object.name());
            }
        }
        for pod in cx.pod_templates() {
            let Some(names) = budgets.get(&pod.object.index()).filter(|n| n.len() > 1) else {
                continue;
            };
            out.report(
                pod.object,
                format!("{}/metadata/labels", pod.pointer),
                format!(
                    "pods are selected by {} PodDisruptionBudgets ({}): the eviction API refuses to evict them",
                    names.len(),
                    names.join(", ")
                ),
            );
        }
    }
}
