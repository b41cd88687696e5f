use std::collections::HashSet;

use crate::{CheckContext, Emitter, SetRule, declare_rule};
use shipshape_manifest::{DisruptionBudget, kinds};

declare_rule! {
    /// ## What it checks
    /// Deployments and StatefulSets that run more than one pod (`replicas` above 1, or
    /// an autoscaler whose `minReplicas` is above 1) and that no PodDisruptionBudget of
    /// their namespace protects. A namespace with a budget that selects no pod at all
    /// is left to SS013, which reports that budget: its selector is the likely fault.
    /// Single pods are SS150's.
    ///
    /// ## Why it matters
    /// Without a budget, a node drain (a cluster upgrade, an autoscaler removing a node)
    /// may evict every replica at once when they share a node, or in quick succession
    /// across nodes before the replacements are ready: the redundancy the replicas were
    /// for is gone exactly when the cluster is being worked on.
    ///
    /// ## How to fix
    /// Add a PodDisruptionBudget that selects the pods, with `maxUnavailable: 1` (or a
    /// `minAvailable` below the replica count, so drains can still proceed; see SS014).
    ///
    /// ## Example
    /// ```yaml
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
    /// ---
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: { app: web }
    /// ```
    pub struct ReplicasWithoutPdb {
        id: "SS156",
        name: "replicas-without-pdb",
        severity: Warning,
        theme: Reliability,
        summary: "workload runs several pods and no PodDisruptionBudget protects them",
    }
}

impl SetRule for ReplicasWithoutPdb {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let mut protected = HashSet::new();
        let mut dangling = HashSet::new();
        let budgets = cx
            .of_kind(&kinds::POD_DISRUPTION_BUDGET)
            .filter_map(DisruptionBudget::of);
        for pdb in budgets {
            let pods: Vec<usize> = pdb.pods(cx).map(|pod| pod.object.index()).collect();
            if pods.is_empty() {
                dangling.insert(pdb.object.namespace());
            }
            protected.extend(pods);
        }
        let workloads = cx.pod_templates().iter().filter(|pod| {
            let kind = pod.object.group_kind();
            kind == kinds::DEPLOYMENT || kind == kinds::STATEFUL_SET
        });
        for pod in workloads {
            let object = pod.object;
            if protected.contains(&object.index()) || dangling.contains(object.namespace()) {
                continue;
            }
            let Some(min) = cx.min_replicas(pod).filter(|&n| n > 1) else {
                continue;
            };
            let (at, how) = match cx.autoscalers_of(object).next() {
                Some(_) => (
                    "/spec/selector",
                    format!("at least {min} pods (its autoscaler's minimum)"),
                ),
                None => ("/spec/replicas", format!("{min} pods")),
            };
            out.report(
                object,
                at,
                format!(
                    "runs {how} and no PodDisruptionBudget selects them: a node drain may evict them all at once"
                ),
            );
        }
    }
}
