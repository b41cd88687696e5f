//! The phases of a deploy, from what the model knows: the apply order of kinds
//! (`shipshape_manifest::kind_rank`) and what each pod waits for (`PodTemplate::waits`).
//! Objects inside a phase do not depend on each other and go in parallel; a phase starts
//! when the one before is ready.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;
use shipshape_manifest::{GroupKind, Model, Object, kind_rank, kinds};

/// A step of a deploy, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Namespaces and CRDs: what every later object needs to exist at all. Discovery is
    /// asked again after it, so the kinds the CRDs define are found.
    Foundations,
    /// ConfigMaps, Secrets, ServiceAccounts, RBAC, Services, NetworkPolicies, volumes:
    /// what pods refer to. Nothing to wait for.
    Config,
    /// What a pod of the set waits for and is not a Job (the database a migration
    /// needs), waited until ready.
    Backing,
    /// One-shot Jobs (migrations, secret generators), waited until Complete; a Failed
    /// one stops the deploy.
    Migrations,
    /// Deployments, StatefulSets, DaemonSets, CronJobs and custom resources, waited
    /// until rolled out.
    Workloads,
    /// What routes to or watches the workloads: Ingresses and routes, autoscalers,
    /// disruption budgets, monitors, certificates.
    Edge,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Self; 6] = [
        Self::Foundations,
        Self::Config,
        Self::Backing,
        Self::Migrations,
        Self::Workloads,
        Self::Edge,
    ];
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Foundations => "namespaces and CRDs",
            Self::Config => "config, secrets, RBAC, services",
            Self::Backing => "backing services",
            Self::Migrations => "migrations",
            Self::Workloads => "workloads",
            Self::Edge => "ingress, autoscaling, budgets, monitoring",
        })
    }
}

/// Kinds of the last phase: they point at workloads, and only make sense once those run.
const EDGE: &[GroupKind<'static>] = &[
    kinds::INGRESS,
    kinds::EXTENSIONS_INGRESS,
    kinds::HTTP_ROUTE,
    kinds::GRPC_ROUTE,
    kinds::HORIZONTAL_POD_AUTOSCALER,
    kinds::POD_DISRUPTION_BUDGET,
    kinds::SERVICE_MONITOR,
    kinds::POD_MONITOR,
    GroupKind::new("networking.k8s.io", "IngressClass"),
    GroupKind::new("cert-manager.io", "Certificate"),
    GroupKind::new("monitoring.coreos.com", "PrometheusRule"),
];

/// Each object of `model` with its phase, in apply order within a phase.
#[must_use]
pub fn phases(model: &Model) -> Vec<(Phase, Value)> {
    let waited: HashSet<(GroupKind<'_>, &str, &str)> = model
        .objects()
        .iter()
        .filter_map(|o| o.pod_template().map(|t| (o.namespace(), t.waits())))
        .flat_map(|(namespace, waits)| waits.into_iter().map(move |w| (w.kind, namespace, w.name)))
        .collect();
    let mut staged: Vec<(Phase, usize, &Object)> = model
        .objects()
        .iter()
        .map(|object| {
            let is_waited =
                waited.contains(&(object.group_kind(), object.namespace(), object.name()));
            (
                phase_of(object, is_waited),
                kind_rank(object.kind()),
                object,
            )
        })
        .collect();
    staged.sort_by_key(|(phase, rank, _)| (*phase, *rank));
    staged
        .into_iter()
        .map(|(phase, _, object)| (phase, object.value().clone()))
        .collect()
}

fn phase_of(object: &Object, waited: bool) -> Phase {
    let kind = object.group_kind();
    if kind == kinds::NAMESPACE
        || kind == GroupKind::new("apiextensions.k8s.io", "CustomResourceDefinition")
    {
        Phase::Foundations
    } else if kind == kinds::JOB {
        Phase::Migrations
    } else if waited {
        Phase::Backing
    } else if EDGE.contains(&kind) {
        Phase::Edge
    } else if object.pod_template().is_some() || kind_rank(object.kind()) >= kind_rank("DaemonSet")
    {
        // Kinds with pods, and kinds the order does not know (custom resources, which
        // an operator turns into pods).
        Phase::Workloads
    } else {
        Phase::Config
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use shipshape_manifest::{ManifestSet, WAIT_FOR_ANNOTATION};

    use super::*;

    fn object(api_version: &str, kind: &str, name: &str) -> Value {
        json!({"apiVersion": api_version, "kind": kind,
               "metadata": {"name": name, "namespace": "shop"}})
    }

    fn waiting(kind: &str, api_version: &str, name: &str, waits: &str) -> Value {
        let mut value = object(api_version, kind, name);
        value["spec"] = json!({"template": {
            "metadata": {"annotations": {WAIT_FOR_ANNOTATION: waits}},
            "spec": {"containers": [{"name": "c"}]}}});
        value
    }

    #[test]
    fn objects_fall_into_the_phases_the_waits_and_kinds_give() {
        let mut set = ManifestSet::new();
        for value in [
            object("networking.k8s.io/v1", "Ingress", "web"),
            waiting("Deployment", "apps/v1", "api", "Job.batch/api-migrate-1"),
            waiting(
                "Job",
                "batch/v1",
                "api-migrate-1",
                "Cluster.postgresql.cnpg.io/db",
            ),
            object("postgresql.cnpg.io/v1", "Cluster", "db"),
            object("postgresql.cnpg.io/v1", "ScheduledBackup", "nightly"),
            object("v1", "Service", "api"),
            object("v1", "ConfigMap", "flags"),
            object("policy/v1", "PodDisruptionBudget", "api"),
            object("autoscaling/v2", "HorizontalPodAutoscaler", "api"),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": "widgets.example.com"}}),
        ] {
            set.push_value(value, None);
        }
        let mut model = Model::new();
        model.add_objects(set.into_items());
        let got: Vec<(Phase, String)> = phases(&model)
            .into_iter()
            .map(|(phase, v)| {
                (
                    phase,
                    format!(
                        "{}/{}",
                        v["kind"].as_str().unwrap(),
                        v["metadata"]["name"].as_str().unwrap()
                    ),
                )
            })
            .collect();
        let want = [
            (Phase::Foundations, "Namespace/shop"),
            (
                Phase::Foundations,
                "CustomResourceDefinition/widgets.example.com",
            ),
            (Phase::Config, "ConfigMap/flags"),
            (Phase::Config, "Service/api"),
            (Phase::Backing, "Cluster/db"),
            (Phase::Migrations, "Job/api-migrate-1"),
            (Phase::Workloads, "Deployment/api"),
            (Phase::Workloads, "ScheduledBackup/nightly"),
            (Phase::Edge, "PodDisruptionBudget/api"),
            (Phase::Edge, "HorizontalPodAutoscaler/api"),
            (Phase::Edge, "Ingress/web"),
        ];
        let want: Vec<(Phase, String)> = want.iter().map(|(p, n)| (*p, (*n).to_owned())).collect();
        assert_eq!(got, want);
    }
}
